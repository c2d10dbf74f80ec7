"""Lines grouped into units: the things the cleaner keeps or removes whole.

A unit is a non-blank line, a hard-wrapped paragraph (scraped and e-mailed
text is often wrapped at a fixed width; judging each piece alone would read
it as a row of short labels), or a **structure** that must never be cut
inside: a fenced code block (with the blank lines in it), a Markdown pipe
table, YAML/TOML front matter at the top of the document.

Grouping is computed for the whole document with a few vectorised passes, no
per-line Python loop.
"""
from __future__ import annotations

import re
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple, Sequence

import numpy as np

from .blocks import LIST_MARKER_SOURCE, Block
from .programs import compiled

# A line that ends a sentence (or a label) never continues into the next one:
# its last character, spaces and tabs after it left out, is one of these.
ENDS_SENTENCE = frozenset(".!?:;…\"”»|")
# A line that opens with a list marker (features read the same lines).
LIST_ITEM = compiled(LIST_MARKER_SOURCE, re.M)
_FENCE = compiled(r"^[ \t]{0,3}(```|~~~)", re.M)
_TABLE_SEPARATOR = compiled(r"^\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_FIRST = itemgetter(slice(0, 1))   # a string's first character, or ""
FRONT_MATTER_MARKS = ("---", "+++")
FRONT_MATTER_MAX_LINES = 200
# A Setext heading's underline (up to three spaces of indent, as in Markdown; three
# marks at least: "- " alone is an empty list item).
_UNDERLINE = compiled(r" {0,3}(?:={3,}|-{3,})[ \t]*")
_UNDERLINE_MARKS = (" ", "=", "-")
# A list of links: at least this many items with a word, each of at most
# LINK_MAX_WORDS words (its marker counts as one), fewer than half of them ending
# a sentence and at most half "label: value" (a list of specifications).
LINK_LIST_MIN_ITEMS = 2
LINK_MAX_WORDS = 15


# A NamedTuple, not a dataclass: its class is made at start-up (see blocks.Block).
class Units(NamedTuple):
    """Each line's unit (-1: a blank line outside any structure), and which units are structures."""
    of_line: np.ndarray        # int64, one per line
    count: int
    structure: np.ndarray      # bool, one per unit: code block, table or front matter


def lines_opening_with(texts: Sequence[str], pattern: re.Pattern) -> np.ndarray:
    """Whether each line opens with a match of ``pattern`` (anchored with ``^``).

    One ``match`` per line: searched over joined lines, a ``^`` pattern is
    tried at every character.
    """
    return np.fromiter(map(bool, map(pattern.match, texts)), dtype=bool, count=len(texts))


def lines_matching(texts: Sequence[str], pattern: re.Pattern) -> np.ndarray:
    """Whether each line has a match of ``pattern`` (searched over the joined lines, re.M)."""
    hit = np.zeros(len(texts), dtype=bool)
    hit[matched_lines(pattern, "\n".join(texts), line_offsets(lengths_of(texts)))] = True
    return hit


def lengths_of(texts: Sequence[str]) -> np.ndarray:
    return np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))


def line_offsets(lengths: np.ndarray) -> np.ndarray:
    """Where each line starts in its lines joined by "\n" (lines ``lengths`` long)."""
    starts = np.empty(len(lengths), dtype=np.int64)
    if len(lengths):
        starts[0] = 0
        np.cumsum(lengths[:-1] + 1, out=starts[1:])
    return starts


def matched_lines(pattern: re.Pattern, text: str, starts: np.ndarray) -> np.ndarray:
    """The line of ``text`` (lines at offsets ``starts``) in which each match of ``pattern`` starts."""
    at = np.fromiter(map(re.Match.start, pattern.finditer(text)), dtype=np.int64)
    return np.searchsorted(starts, at, side="right") - 1


_LAST = itemgetter(slice(-1, None))   # a string's last character, or ""


def lines_ending_with(texts: Sequence[str], chars: frozenset[str]) -> np.ndarray:
    """Whether each line's last character, trailing spaces and tabs left out, is in ``chars``.

    What ``[chars][ \\t]*$`` (re.M) finds per line, read off each line's end:
    a search over the joined lines stops at every one of those characters.
    """
    lasts = map(_LAST, map(str.rstrip, texts, repeat(" \t")))
    return np.fromiter(map(chars.__contains__, lasts), dtype=bool, count=len(texts))


def fenced_code(texts: Sequence[str], text: str, after: int = -1) -> list[tuple[int, int]]:
    """Line ranges [first, last] of fenced code blocks, fences included, that
    open after line ``after``: from an opening fence to the next fence of the
    same kind (or the end of the text: an unclosed fence runs to the end, as
    in Markdown). ``text``: a string holding all the lines (a cheap test for
    fences)."""
    if "```" not in text and "~~~" not in text:
        return []
    fences = np.flatnonzero(lines_opening_with(texts, _FENCE))
    n = len(texts)
    found = []
    i, taken_to = 0, after
    while i < len(fences):
        start = int(fences[i])
        if start <= taken_to:
            i += 1
            continue
        kind = texts[start].lstrip()[:3]
        end = next((int(f) for f in fences[i + 1:] if texts[int(f)].lstrip()[:3] == kind), n - 1)
        found.append((start, end))
        taken_to = end
        i = int(np.searchsorted(fences, end, side="right"))
    return found


def structures(texts: Sequence[str], top: int = 0) -> list[tuple[int, int]]:
    """Line ranges [first, last] of code blocks, tables and front matter, in order.

    ``top``: the first line the output can start with (the lines above it go).
    """
    text = "\n".join(texts)
    n = len(texts)
    found: list[tuple[int, int]] = []
    # Front matter: the document opens with '---' (or '+++') and closes it soon
    # after. Blank lines before it do not count, nor the lines above ``top``:
    # the writer drops both, so a second pass finds the front matter at the top.
    first = top
    while first < n and not texts[first].strip():
        first += 1
    if first < n and texts[first].strip() in FRONT_MATTER_MARKS:
        mark = texts[first].strip()
        for j in range(first + 1, min(n, first + FRONT_MATTER_MAX_LINES)):
            if texts[j].strip() in (mark, "..."):
                found.append((first, j))
                break
    found += fenced_code(texts, text, after=found[-1][1] if found else -1)
    # Pipe tables: two or more consecutive '|' lines, one of them a separator row.
    if "|" in text:
        piped = np.fromiter(map(str.startswith, map(str.lstrip, texts), repeat("|")),
                            dtype=bool, count=n)
        edges = np.flatnonzero(np.diff(np.concatenate(([False], piped, [False]))))
        for j, stop in zip(edges[::2].tolist(), edges[1::2].tolist()):   # runs [j, stop)
            k = stop - 1
            if k > j and any(_TABLE_SEPARATOR.match(texts[m].strip()) for m in range(j, k + 1)):
                if not any(a <= j <= b or a <= k <= b for a, b in found):
                    found.append((j, k))
    return sorted(found)


# A NamedTuple, not a dataclass: its class is made at start-up (see blocks.Block).
class LineFacts(NamedTuple):
    """What grouping asks of each line by itself (``line_facts``). The lines a
    view keeps of a document take theirs from the document's (``take``)."""
    length: np.ndarray     # characters, outer whitespace left out (0: a blank line)
    ends: np.ndarray       # ends a sentence or a label
    item: np.ndarray       # opens with a list marker
    words: np.ndarray      # words, counted up to five (only "five or more" counts)
    lower: np.ndarray      # its first character (after whitespace) is lower case

    def take(self, source: np.ndarray, texts: Sequence[str]) -> "LineFacts":
        """The facts of ``texts``: line i is line ``source[i]`` of these facts,
        or a new text where ``source[i]`` is -1."""
        at = np.maximum(source, 0)
        taken = {name: values[at] for name, values in zip(self._fields, self)}
        new = np.flatnonzero(source < 0)
        if len(new):
            fresh = line_facts([texts[i] for i in new.tolist()])
            for name, values in taken.items():
                values[new] = getattr(fresh, name)
        return LineFacts(**taken)


def line_facts(texts: Sequence[str]) -> LineFacts:
    n = len(texts)
    stripped = list(map(str.strip, texts))
    return LineFacts(
        length=np.fromiter(map(len, stripped), dtype=np.int64, count=n),
        ends=lines_ending_with(texts, ENDS_SENTENCE),
        item=lines_opening_with(texts, LIST_ITEM),
        # split stops after the fifth word
        words=np.fromiter(map(len, map(str.split, stripped, repeat(None), repeat(4))),
                          dtype=np.int64, count=n),
        lower=np.fromiter(map(str.islower, map(_FIRST, stripped)), dtype=bool, count=n))


def group(blocks: Sequence[Block], top: int = 0, facts: LineFacts | None = None,
          texts: Sequence[str] | None = None) -> Units:
    """Units of a document (see the module docstring); ``top`` as for ``structures``.

    ``facts``: the lines' ``line_facts``, and ``texts``, the blocks' texts,
    when the caller has them already.
    """
    if texts is None:
        texts = [b.text for b in blocks]
    n = len(texts)
    if not n:
        return Units(np.zeros(0, dtype=np.int64), 0, np.zeros(0, dtype=bool))
    f = facts if facts is not None else line_facts(texts)
    length, ends, item, words, lower = f.length, f.ends, f.item, f.words, f.lower
    blank = length == 0
    # A line continues the previous one when that one is long (5+ words), does
    # not end a sentence, and this one is not a list item and starts in lower
    # case (or the previous one is long enough to have been wrapped: 60+ chars).
    cont = np.zeros(n, dtype=bool)
    cont[1:] = (~blank[1:] & ~blank[:-1] & ~ends[:-1] & ~item[1:] & (words[:-1] >= 5)
                & (lower[1:] | (length[:-1] >= 60)))
    new_unit = ~blank & ~cont
    # Structures are one unit each, blank lines inside included.
    in_structure = np.zeros(n, dtype=bool)
    starts_structure = np.zeros(n, dtype=bool)
    for a, b in structures(texts, top):
        in_structure[a:b + 1] = True
        starts_structure[a] = True
    new_unit = np.where(in_structure, starts_structure, new_unit)
    unit = np.cumsum(new_unit) - 1
    member = ~blank | in_structure
    of_line = np.where(member, unit, -1).astype(np.int64)
    count = int(new_unit.sum())
    structure = np.zeros(count, dtype=bool)
    structure[unit[starts_structure]] = True
    return Units(of_line, count, structure)


def is_underline(text: str) -> bool:
    """A line of "=" or "-" that could underline the line above it."""
    return text[:1] in _UNDERLINE_MARKS and _UNDERLINE.fullmatch(text) is not None


def underlines(text: str, above: str) -> bool:
    """Whether the line ``text`` underlines ``above``, making it a heading (Markdown's
    Setext headings, a plain-text title). Under a list item or a blank line a line of
    marks is a rule between sections (or front matter's opening), not an underline."""
    return is_underline(text) and bool(above) and not above.isspace() and not LIST_ITEM.match(above)


def link_list_below(i: int, texts: Sequence[str], facts: LineFacts) -> list[int]:
    """The lines of the list of links right under line ``i`` (blank lines
    between allowed), or none: a related heading's stories, not a list that
    carries the article (its items are sentences, or "OS: Windows 11").

    The list is its first item's: items with the same indent and the same
    kind of marker; a deeper item, another marker or any other line ends it.
    """
    n, run = len(texts), []
    j = i + 1
    while j < n:
        if facts.length[j] == 0:
            j += 1
            continue
        if not facts.item[j] or (run and _item_kind(texts[j]) != _item_kind(texts[run[0]])):
            break
        run.append(j)
        j += 1
    # Items without a word (a thumbnail's, an icon's) go with the others, but
    # do not make a list by themselves.
    named = [k for k in run if has_word(texts[k])]
    if len(named) < LINK_LIST_MIN_ITEMS \
            or any(len(texts[k].split(None, LINK_MAX_WORDS)) > LINK_MAX_WORDS for k in named):
        return []
    # A headline may end in "?" or "!"; a list half of whose items or more are
    # sentences carries the article. So does a list of "label: value".
    if 2 * sum(facts.ends[k] for k in named) >= len(named) \
            or 2 * sum(": " in texts[k].strip() for k in named) > len(named):
        return []
    return run


def has_word(text: str) -> bool:
    """Whether ``text`` holds a letter or digit (not only marks and spaces)."""
    return any(map(str.isalnum, text))


def _item_kind(text: str) -> tuple[int, str]:
    """A list item's indent and marker ("*", "-", "•"; "1" for any number)."""
    body = text.lstrip()
    mark = body[:1]
    return len(text) - len(body), "1" if mark.isdigit() else mark
