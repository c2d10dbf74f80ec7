"""What a line says once its Markdown inline markup is set aside.

Scrapers that write Markdown (Jina Reader, Firecrawl, html2text, crawl4ai, a
site's own Markdown export) print a share bar as ``* [Share on Facebook](https://…)``,
a paywall prompt as ``_This article is for subscribers. [Subscribe](/subscribe)_``.
Read as written, the link targets make every line long, full of symbols and
URL words, and no rule anchored at a line's end matches it: on full-page
Markdown of the dev pages the cleaner removed 8% of the boilerplate lines,
against 64% once the markup was stripped (``bench/markdown.py``).

So the rules and the model judge each line as a reader of the rendered page
sees it, and the writer writes it as it was:

- a link ``[text](target "title")`` reads as its text; an image
  ``![alt](src)`` as its alt text (what a text browser shows for it), so an
  image without one reads as nothing: a blank line, never removed;
- emphasis markers (a pair of ``**``, ``*``, ``_`` … around text on one line)
  and the backslash of an escaped punctuation character (``\\-``) are left out;
- a link's target left alone on a line (its text wrapped onto the line
  above) is left out with its brackets;
- characters that no reader sees are left out: a byte order mark opening
  the text (strict UTF-8 reads it as the first line's first character),
  zero-width spaces and joiners, soft hyphens (shown only where a browser
  breaks the word), direction marks and the word joiner. CMS editors and
  copy-paste leave them in scraped text (a zero-width space opening
  "\u200bSubscribe now", a soft hyphen in "Neu\u00adzeit"): read as written,
  a rule anchored at the line's start, a literal and the lexicon miss the
  words. "Share this article" after one is a share label like any other.

List markers, headings' ``#``, quotes' ``>``, code and autolinks
(``<https://…>``, which a reader sees as written) stay. Nothing is parsed
beyond one line: the markup is read wherever it appears, in a Markdown file
or in a plain-text scrape with a few links in it, and a line without markup
is its own reading. Spans a rule removes from a reading are mapped back to
the line as written, taking the markup around them along.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple, Sequence

from .blocks import Block, complement, merge_spans
from .programs import compiled
from .units import fenced_code

# A link's or image's closing "](target)": the target without spaces (or with
# one level of parentheses), an optional "title" or 'title', all on one line.
_TARGET = r"\]\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?[ \t]*\)"
_CODE_SPAN = compiled(r"`[^`]*`")
# Invisible format characters (Unicode's Cf that render as nothing in running
# text): the soft hyphen, zero-width space / non-joiner / joiner, the
# left-to-right and right-to-left marks and embeddings, the word joiner and
# invisible operators, the isolates, and U+FEFF (a BOM, or a zero-width
# no-break space inside the text). Not the Arabic number signs and other Cf
# characters that show.
_INVISIBLE = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
# A piece of markup: a target, a run of emphasis markers touching text on one
# side at least (not a list item's bullet) or underscores ending a line, a
# backslash escaping ASCII punctuation, or a run of invisible characters. Each
# starts with a character of ``_MARKUP_START``, and ``_markup`` tries the
# pattern only where one is: one scan of the text finds them all.
_MARKUP = compiled(rf"(?P<target>{_TARGET})"
                   r"|(?P<emph>(?<![\s*])\*+|(?<![\s_])_+|(?:\*+|_+)(?![\s*_])|_+(?=[\r\n]|\Z))"
                   r"|(?P<escape>\\)(?=[!-/:-@\[-`{-~])"
                   rf"|(?P<invisible>[{_INVISIBLE}]+)")
_MARKUP_START = compiled(rf"[\]*_\\{_INVISIBLE}]")
# What may lie between an unpaired run of emphasis markers and the line's
# start or end for the run to be markup: spaces, bullets, heading and quote
# marks, brackets.
_EDGE_BEFORE = compiled(r"[\s*+\-#>\[(!]*")
_EDGE_AFTER = compiled(r"[\s\])]*")
_DUNDER = compiled(r"__[A-Za-z]\w*?__")
_WORD = compiled(r"[^\W_]")
# Longer runs of emphasis markers are rules, not emphasis.
MAX_RUN = 3


class Reading(NamedTuple):
    """A document's lines as they read, and how to find their offsets as written."""
    blocks: list[Block]                          # the lines as they read (same index and start)
    kept: dict[int, tuple[tuple[int, int], ...]]  # position in blocks -> (start, end) of each piece kept


def read(blocks: Sequence[Block], text: str, offset: int = 0) -> Reading | None:
    """The reading of ``blocks`` (the lines of ``text``, which starts at
    ``offset`` in the whole document), or None when no line has markup
    outside code.

    Each line is read on its own (fenced code aside): the reading of a line
    does not depend on the rest of the document, so the lines a first pass
    keeps read the same on a second pass.
    """
    found = [m for m in _markup(text) if m.lastgroup != "emph" or m.end() - m.start() <= MAX_RUN]
    if not found:
        return None
    starts = [b.start - offset for b in blocks]
    by_line: dict[int, list[re.Match]] = {}
    for m in found:
        by_line.setdefault(bisect_right(starts, m.start()) - 1, []).append(m)
    code: set[int] = set()      # fenced code is read as written: the blocks units groups
    if "```" in text or "~~~" in text:      # (the test first: most texts have none)
        for first, last in fenced_code([b.text for b in blocks], text):
            code.update(range(first, last + 1))
    out = list(blocks)
    kept = {}
    for i, ms in by_line.items():
        if i in code:
            continue
        b = blocks[i]
        base = b.start - offset
        marks = [(m.start() - base, m.end() - base, m.lastgroup) for m in ms]
        if "`" in b.text:       # inline code is read as written
            inside = [m.span() for m in _CODE_SPAN.finditer(b.text)]
            marks = [k for k in marks if not any(s <= k[0] < e for s, e in inside)]
        gone = _gone(b.text, marks)
        if not gone:
            continue
        pieces = complement(gone, len(b.text))
        reading = "".join(b.text[s:e] for s, e in pieces)
        if (not reading or reading.isspace()) and all(kind == "invisible" for _, _, kind in marks):
            # Only invisible characters: no text a reader sees, but no blank line
            # either (a blank reading is never removed, and written as it is the
            # line would keep its marks in the output). It stays a line of its own.
            continue
        out[i] = Block(b.index, b.start, reading, b.eol)
        kept[i] = tuple(pieces)
    return Reading(out, kept) if kept else None


def _markup(text: str) -> list[re.Match]:
    """The matches of ``_MARKUP.finditer(text)``, found in a fraction of its time.

    The search tries the pattern's alternatives at every position; here re
    finds the positions a match can start at (one character class, skipped to
    in C) and the pattern is tried there only. Each match is as the search
    finds it: a match is never empty, the next one is looked for from its
    end, and the lookbehinds read the text before the position tried.
    """
    found: list[re.Match] = []
    end = 0
    match = _MARKUP.match
    for start in map(re.Match.start, _MARKUP_START.finditer(text)):
        if start >= end and (m := match(text, start)) is not None:
            found.append(m)
            end = m.end()
    return found


def _emphasis(line: str, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs of emphasis markers that are markup: pairs of the same run
    (``**``…``**``, ``_``…``_``) on one line, the first able to open
    emphasis, the second to close it (CommonMark's flanking rules, simplified).

    So is a run without a partner ("**kwargs", "f(*args)", "Required(*)"),
    except underscores that touch a word or end a line with words when
    nothing but spaces, bullets and brackets lies between them and the
    line's edge: an empty emphasis is how html2text prints an icon
    ("[ __Tweet](…)", "Sections __"). A run inside a word ("snake_case",
    "2*3"), between spaces ("5 * 3", a bullet) or of four or more (a rule)
    is text, and so is a double underscore around one word ("__init__":
    Python, not emphasis).
    """
    out = []
    open_at: dict[str, tuple[int, int]] = {}     # run -> the latest unpaired opener
    alone = []                                   # runs that may open or close, unpaired
    for s, e in runs:
        before = line[s - 1] if s else " "
        after = line[e] if e < len(line) else " "
        if before in "*_\\" or after in "*_":
            continue                # part of a longer run, or escaped ("\\*")
        opens, closes = _flanks(before, after), _flanks(after, before)
        if opens and closes and (before.isalnum() or after.isalnum()):
            continue                # inside a word
        run = line[s:e]
        opener = open_at.get(run) if closes else None
        if opener is not None and not (run == "__" and line[opener[1]:s].isidentifier()):
            out += (opener, (s, e))
            del open_at[run]
            if opener in alone:
                alone.remove(opener)
        else:
            if opens:
                open_at[run] = (s, e)
            if run[0] == "_" and (opens or closes or (e == len(line) and _WORD.search(line, 0, s))):
                alone.append((s, e))
    for s, e in alone:
        if (_EDGE_BEFORE.fullmatch(line, 0, s) or _EDGE_AFTER.fullmatch(line, e)) \
                and not _DUNDER.search(line, max(0, s - 64), e + 64):
            out.append((s, e))
    return out


def _flanks(outside: str, inside: str) -> bool:
    """Whether a run with ``outside`` on one side and ``inside`` on the other
    flanks the ``inside`` text: a character follows it there, and a
    punctuation mark there needs space or punctuation outside ("[**text")."""
    if inside.isspace():
        return False
    return inside.isalnum() or not outside.isalnum()


def _gone(line: str, marks: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """The raw spans of ``line`` that the reading leaves out."""
    gone = _emphasis(line, [(s, e) for s, e, kind in marks if kind == "emph"])
    for s, e, kind in marks:
        if kind == "emph":
            continue
        if kind == "target":
            gone.append((s, e))
            opener = _opener(line, s)
            if opener is not None:
                gone.append((opener - 1, opener + 1) if opener and line[opener - 1] == "!"
                            else (opener, opener + 1))
        else:
            gone.append((s, e))
    return list(merge_spans(gone))


def _opener(line: str, close: int) -> int | None:
    """The "[" that the "]" at ``close`` closes, or None (the link's text began
    on an earlier line)."""
    depth = 0
    for k in range(close - 1, -1, -1):
        c = line[k]
        if c == "]":
            depth += 1
        elif c == "[":
            if not depth:
                return k
            depth -= 1
    return None


def written_spans(pieces: tuple[tuple[int, int], ...], line: str,
                  spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """``spans`` of a line's reading as spans of ``line`` as written, each taking
    the markup on its edges along (a removed link goes with its brackets and
    target) when that leaves the markup it removes balanced: in "**minutes**
    (Advertisement)" the label goes, and the bold's closing "**" stays."""
    size = len(line)
    ends = []          # offset in the reading where each piece ends
    at = 0
    for s, e in pieces:
        at += e - s
        ends.append(at)

    def raw(pos: int, side: int) -> tuple[int, int]:
        """Where a span's edge lies as written: with the markup beyond it, and without."""
        # side 0: the start of a span, 1: its end
        k = bisect_right(ends, pos) if side == 0 else bisect_right(ends, pos - 1)
        if k >= len(pieces):
            return size, size
        s, e = pieces[k]
        into = pos - (ends[k] - (e - s))
        if side == 0:
            return ((pieces[k - 1][1] if k else 0), s) if into == 0 else (s + into, s + into)
        if s + into == e:
            return (pieces[k + 1][0] if k + 1 < len(pieces) else size), e
        return s + into, s + into

    def balanced(a: int, b: int) -> bool:
        """Whether the markup in ``line[a:b]`` (what no piece holds) opens what it closes."""
        marks = [line[max(a, pe):min(b, ns)] for (_, pe), (ns, _) in
                 zip(((0, 0), *pieces), (*pieces, (size, size))) if max(a, pe) < min(b, ns)]
        text = _TARGET_RE.sub("]", " ".join(marks))   # apart: "_" and "_" are no "__"
        if text.count("[") != text.count("]"):
            return False
        for pair in ("**", "__", "~~"):
            if text.count(pair) % 2:
                return False
            text = text.replace(pair, "")
        return text.count("*") % 2 == 0 and text.count("_") % 2 == 0

    out = []
    for s, e in spans:
        (start_with, start_without), (end_with, end_without) = raw(s, 0), raw(e, 1)
        for a, b in ((start_with, end_with), (start_without, end_with),
                     (start_with, end_without), (start_without, end_without)):
            if balanced(a, b):
                break
        else:
            a, b = start_with, end_with
        out.append((a, b))
    return tuple(out)


_TARGET_RE = compiled(_TARGET)
