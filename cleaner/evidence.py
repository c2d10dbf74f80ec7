"""The evidence table of one document: everything ``decide`` needs, computed once.

1. The document's lines and units (``units``), structures among them.
2. The rule hits with their ids (``signals``), the tail zone measured on
   prose, a hard-wrapped paragraph read as the line it was, a line read
   without the buttons at its ends (``controls``), in the thorough mode a
   paragraph read as its last sentence by the mission's packs; hits that would
   cut inside a structure do not count, nor a whole-line hit on a line that
   names who said it (``speech``).
3. What the rules leave: each line removed, trimmed or untouched (``Cut``).
4. The **model view**: the lines the rules leave, as they will be written
   (trimmed lines without their spans), grouped into units again, with the
   feature table and the model's scores (``features``, ``model``). The model
   judges each unit in the context a reader of the output will see, so a
   second pass over the output sees the same neighbourhoods.
5. For every line: whether it recurs across the documents of the run; for
   every unit of the view: how much article prose it holds.

Data flows one way: this module reads the text and the rules and computes;
``decide`` only decides.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property, partial
from itertools import compress, count, repeat
from operator import attrgetter, is_not
from typing import TYPE_CHECKING, Callable, NamedTuple, Sequence

import numpy as np

from . import controls, units as units_mod
from .blocks import Block, complement, merge_spans
from .features import DocView, window_mean
from .markup import written_spans
from .programs import compiled
from .signals import WRAPPED, Hit, rule_hits
from .speech import attribution

if TYPE_CHECKING:
    from .model import Model, Scores
    from .repetition import CommonLines
    from .rules import RuleSet

# The tail zone, where "Read more" cuts the rest, starts once this share of the
# document's prose lies above.
TAIL_SHARE = 0.5


class Cut(NamedTuple):
    """What the rules do to one line: the hit that explains it, and the spans it trims."""
    hit: Hit | None = None                       # None: the rules leave the line alone
    spans: tuple[tuple[int, int], ...] = ()      # trimmed spans (empty: the whole line goes)

    @property
    def removes_line(self) -> bool:
        return self.hit is not None and not self.spans


NO_CUT = Cut()


@dataclass
class Evidence:
    blocks: list[Block]
    units: units_mod.Units             # of all lines: structures
    hits: list[list[Hit]]              # per line, in rule order, none inside a structure
    cuts: list[Cut]                    # per line: what the rules do to it
    view: DocView                      # the lines the rules leave, in units
    view_lines: np.ndarray             # per view line: its index among ``blocks``
    repeated: np.ndarray | None        # per line: recurs across the run's documents
    scores: "Scores | None"            # per view unit, when the model is on
    tail_zone: Callable[[], int]       # first line of the tail zone, measured when first asked
    spared: dict[int, tuple[Hit, str]]  # line -> the hit left out for reported speech, the clause

    @cached_property
    def prose(self) -> np.ndarray:
        """Per view unit: its words if it is article prose, else 0. Measured when
        first asked: with the rules alone and no repetition nothing asks, and
        measuring reads all of the view's words (a fifth of the time of cleaning)."""
        return self.view.prose if self.view.n else np.zeros(0)

    @property
    def tail_start(self) -> int:
        """First line of the tail zone."""
        return self.tail_zone()

    def unit_of_line(self) -> np.ndarray:
        """Each line's unit in the view (-1: blank, or removed by the rules)."""
        out = np.full(len(self.blocks), -1, dtype=np.int64)
        out[self.view_lines] = self.view.unit_of_line
        return out

    def lines_of_unit(self, u: int) -> np.ndarray:
        """The lines (indices among ``blocks``) of view unit ``u``."""
        first, last = int(self.view.first_line[u]), int(self.view.last_line[u])
        lines = self.view_lines[first:last + 1]
        return lines[self.view.unit_of_line[first:last + 1] == u]


def tail_start(view: DocView, share: float = TAIL_SHARE) -> int:
    """First line after which ``share`` of the document's prose lies.

    Measured on prose, the tail zone does not move when boilerplate is removed,
    so cleaning the cleaned text finds the same zone. A document without prose
    has no tail zone (it starts past the last line): measured on its words
    instead, the zone moved when the rules removed some, and a second pass cut
    the rest of the text under a heading the first pass had found outside it.
    """
    prose = view.prose
    total = float(prose.sum())
    if total <= 0:
        return len(view.texts)
    reached = np.flatnonzero(np.cumsum(prose) >= share * total)
    unit = int(reached[0]) if len(reached) else view.n - 1
    return int(view.last_line[unit]) + 1


# Where ``in_place`` puts no text: one blank line stands for all of them
# (``rule_hits`` reads a blank line's text only).
_BLANK = Block(0, 0, "", "\n")


def in_place(blocks: Sequence[Block], texts: dict[int, str]) -> list[Block]:
    """Other texts of a document for ``rule_hits`` to match: ``texts`` (line index
    -> a text read for that line) each in its line's place, where tail-zone rules
    ask where it is, and every other line blank. The blank lines are one shared
    block: a document with a few such texts costs a list of its length, not a
    block per line."""
    out = [_BLANK] * len(blocks)
    for i, text in texts.items():
        b = blocks[i]
        out[i] = Block(b.index, b.start, text, b.eol)
    return out


def read_trimmed(blocks: list[Block], hits: list[list[Hit]], rules: "RuleSet",
                 zone: int | Callable[[], int], match_cache: dict | None) -> list[list[Hit]]:
    """The hits, with what a second pass would find on the lines that spans
    trim, read as they are once trimmed: "(Advertisement) Related stories" is a
    lone related heading once the ad label goes, and a rule that removes its
    own line removes it now, for that rule; "... said. (Advertisement) Follow
    us on Twitter" ends in a share call once the label goes, and that span goes
    too. Read again until nothing more is found (each round only shortens the
    lines). Drop-rest and drop-until markers are not read: their reach starts
    from the line as written."""
    out = list(hits)
    after: dict[int, str] = {}     # line -> its text once the spans go
    for i in compress(count(), hits):
        if not any(h.whole_line for h in hits[i]):
            text = trimmed(blocks[i].text, _spans_of(hits[i]))
            if text.strip():
                after[i] = text
    while after:
        again = rule_hits(in_place(blocks, after), rules, zone, match_cache)
        more: dict[int, str] = {}
        for i in after:
            found = [h for h in again[i] if h.origin is None and h.rule.action in ("drop", "drop-span")]
            whole = [h for h in found if h.whole_line]
            if whole:
                out[i] = [whole[0], *out[i]]
                continue
            if not found:
                continue
            # The trimmed line reads as the pieces of the line the spans leave:
            # its spans go back on the line as written as a reading's do.
            line = blocks[i].text
            kept = tuple(complement(_spans_of(out[i]), len(line)))
            out[i] = out[i] + [Hit(h.rule, written_spans(kept, line, h.spans)) for h in found]
            text = trimmed(line, _spans_of(out[i]))
            if text.strip() and text != after[i]:
                more[i] = text
        after = more
    return out


class OtherReading(NamedTuple):
    """Another way to read some lines of a document: ``text`` for ``lines``,
    read in the place of the first, and how (``Hit.reading``). Not
    ``markup.Reading``, the document's lines as a reader sees them, which all
    of this reads already."""
    lines: list[int]
    text: str
    how: str


def wrapped_paragraphs(grouped: units_mod.Units, facts: units_mod.LineFacts,
                       texts: Sequence[str]) -> list[OtherReading]:
    """The units of two or more lines (``units.group``) that are not structures
    and are wrapped for sure (``_wrapped_for_sure``), each read as one line, its
    pieces joined by a space.

    Text wrapped at a fixed width (html2text, lynx, e-mail) cuts a sentence
    into pieces, and read alone a piece is none of what the sentence is
    ("delivered straight to your inbox every Friday."). Units also join a
    line without a full stop (a title, a link) to the paragraph under it: read
    as one line, the two would be what neither is, so only units whose every
    piece after the first continues the one above for sure count here.
    """
    of_line = grouped.of_line
    at = np.flatnonzero(of_line >= 0)
    sizes = np.bincount(of_line[at], minlength=grouped.count)
    several = (sizes >= 2) & ~grouped.structure
    if not several.any():
        return []
    lines = at[several[of_line[at]]]
    width = _wrap_width(facts.length)
    out = []
    for part in np.split(lines, np.flatnonzero(np.diff(of_line[lines])) + 1):
        idx = part.tolist()
        if _wrapped_for_sure(idx, texts, facts, width):
            out.append(OtherReading(idx, " ".join(texts[i].strip() for i in idx), WRAPPED))
    return out


def bare_lines(texts: Sequence[str]) -> list[OtherReading]:
    """The lines with a box's buttons at their ends ("Close", "Submit",
    ``controls``), each read without some of them, fewest left out first."""
    out = []
    for i in controls.framed(texts):
        line = texts[i].strip()
        for start, end in controls.readings(line):
            left_out = " ".join(filter(None, (line[:start].rstrip(), "...", line[end:].lstrip())))
            out.append(OtherReading([i], line[start:end], f'read without "{left_out}"'))
    return out


# A paragraph that ends in a call of the mission's kinds is the call's: an appeal
# written as a paragraph ("Local journalism costs money. ... Will you chip in
# today?"), a consent notice of three sentences. Read alone, its last sentence
# is the line the rules know; a paragraph of the article that ends in one is
# rare. Measured on all 5,888 dev inputs (balanced weights): 126 more
# boilerplate and 9 reference lines went, 25 boilerplate lines came back as the
# segmentation moved (docs/heuristics.md). Other packs' rules are not asked:
# "Share this article with your friends." can close a paragraph of the article
# glued to its share bar. It costs: 53,290 readings over the 2,179 dev full
# texts (5.3 MB of sentences beside 41 MB of text) took cleaning to 1.10-1.12
# times the CPU time (bench/compare.py), the rules that read them being the
# mission's costliest. So it is the thorough mode's (``api.PARAGRAPH_CALL_MODES``):
# the default keeps its speed.
LAST_SENTENCE = "read as its last sentence"
LAST_SENTENCE_WORDS = 4
LAST_SENTENCE_PACKS = frozenset({"paywall", "newsletter", "donation", "cookies"})
# Where a sentence ends and the next opens on the same line: a full stop,
# question or exclamation mark (closing quotes or brackets after it), spaces,
# then a capital or a digit, after an opening quote or mark at most.
_SENTENCE_BREAK = compiled(
    r"[.!?…][\"'”’»)\]]*[ \t\u00a0]+(?=[\"“„«¿¡(]?[A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽА-ЯЁ0-9])")


def last_sentences(texts: Sequence[str], joined: str, starts: np.ndarray) -> list[OtherReading]:
    """Each line of two or more sentences read as its last sentence, when that
    has ``LAST_SENTENCE_WORDS`` words or more (``joined``: the lines joined by
    newlines, line ``i`` from ``starts[i]``). One search over the document
    finds the breaks. Only the rules of ``LAST_SENTENCE_PACKS`` may take a
    line on this reading (``read_as``'s ``packs``); a paragraph that names who
    said it stays as any line does that a rule matched (``spare_speech``)."""
    breaks = np.fromiter((m.end() for m in _SENTENCE_BREAK.finditer(joined)), dtype=np.int64)
    if not len(breaks):
        return []
    line = np.searchsorted(starts, breaks, side="right") - 1
    # The last break of each line: where the line number changes, read backwards.
    last = np.flatnonzero(np.append(np.diff(line), 1))
    out = []
    for i, at in zip(line[last].tolist(), breaks[last].tolist()):
        sentence = joined[at:starts[i] + len(texts[i])].strip()
        if len(sentence.split()) >= LAST_SENTENCE_WORDS:
            out.append(OtherReading([i], sentence, LAST_SENTENCE))
    return out


def as_sentences(texts: Sequence[str], paragraphs: Sequence[OtherReading]) -> Sequence[str]:
    """``texts``, each line of a wrapped paragraph as the whole paragraph: what
    a line says of who said it (``spare_speech``) is said by its sentence."""
    if not paragraphs:
        return texts
    out = list(texts)
    for p in paragraphs:
        for i in p.lines:
            out[i] = p.text
    return out


def read_as(blocks: list[Block], hits: list[list[Hit]], readings: Sequence[OtherReading],
            rules: "RuleSet", zone: Callable[[], int], match_cache: dict | None,
            packs: frozenset[str] | None = None) -> list[list[Hit]]:
    """The hits, with the rules' verdicts on other readings of some lines: a
    hard-wrapped paragraph read as one line (``wrapped_paragraphs``), a line
    read without the buttons at its ends (``bare_lines``).

    A rule that takes one piece of a wrapped box ("Sign up for our newsletter to
    get the week's best") left the others behind; one that knows "Subscribe to
    our newsletter" did not know it with "Close" in front. The readings are
    matched as ``read_trimmed`` matches trimmed lines: by ``rule_hits``, each in
    the place of its first line (``in_place``), a line's readings in their
    order, one per round, until one is matched. A whole-line ``drop`` rule
    that matches a reading removes every line of it that no rule removes
    already, explained by that rule and the reading: the text comes out as it
    does written the plain way. Not when the reading names who said it
    (``speech``): a quote's sentence stays, as on one line (``spare_speech``
    reads each piece of a wrapped one as its sentence). ``packs``: when given,
    only the rules of these packs may take a line on the readings.
    """
    pending = [r for r in readings
               if not all(any(h.whole_line for h in hits[i]) for i in r.lines)
               and attribution(r.text) is None]
    out = hits
    while pending:
        todo: dict[int, OtherReading] = {}   # first line -> its next reading
        later = []
        for r in pending:
            if r.lines[0] in todo:
                later.append(r)
            else:
                todo[r.lines[0]] = r
        found = rule_hits(in_place(blocks, {first: r.text for first, r in todo.items()}),
                          rules, zone, match_cache)
        done = set()
        for first, r in todo.items():
            rule = next((h.rule for h in found[first] if h.origin is None and h.rule.action == "drop"
                         and (packs is None or h.rule.pack in packs)), None)
            if rule is None:
                continue
            done.add(first)
            if out is hits:
                out = list(hits)
            # A reading of several lines is a cut from its first, as a drop-until's.
            hit = Hit(rule, origin=first if len(r.lines) > 1 else None, reading=r.how)
            for i in r.lines:
                if not any(h.whole_line for h in out[i]):
                    out[i] = [hit, *out[i]]
        pending = [r for r in later if r.lines[0] not in done]
    return out


# The width a hard-wrapped text is wrapped at, read off its lines: this share
# of its non-blank lines are no longer. Wrapped at 72 columns, nine lines in ten
# are; in a text of a line per paragraph, the width is that of its paragraphs.
WRAP_WIDTH_SHARE = 0.9
# A full line of a wrapped paragraph is at most this much longer than that
# width: a longer one (a row of glued labels, a line per paragraph in a wrapped
# text) was not wrapped, and the line under it is no piece of it.
WRAP_WIDTH_SLACK = 1.1


def _wrap_width(length: np.ndarray) -> float:
    filled = length[length > 0]
    if not len(filled):
        return 0.0
    # np.partition, not np.quantile: that one loads numpy.ma on first use.
    k = int(WRAP_WIDTH_SHARE * (len(filled) - 1))
    return float(np.partition(filled, k)[k])


def _wrapped_for_sure(lines: list[int], texts: Sequence[str], facts: units_mod.LineFacts,
                      width: float) -> bool:
    """Whether each line of a unit after its first continues the sentence of
    the line above: it opens in lower case, or the line above is full (its next
    word would not have fitted within the text's wrap width, ``_wrap_width``,
    and it is no longer than that width allows)."""
    for above, line in zip(lines, lines[1:]):
        if facts.lower[line]:
            continue
        size = facts.length[above]
        if size > WRAP_WIDTH_SLACK * width or size + 1 + len(texts[line].split(None, 1)[0]) <= width:
            return False
    return True


def take_lists(hits: list[list[Hit]], texts: Sequence[str],
               facts: units_mod.LineFacts) -> list[list[Hit]]:
    """The hits, with the list of links right under each line that a ``takes:
    list`` rule removes (``units.link_list_below``): "Related stories" goes,
    and the stories listed under it go with it, explained by that rule."""
    out = list(hits)
    for i in compress(count(), hits):
        taker = next((h for h in hits[i] if h.rule.takes == "list" and h.origin is None), None)
        if taker is None or facts.item[i]:      # a heading, not an item of a list itself
            continue
        hit = Hit(taker.rule, origin=i)
        for k in units_mod.link_list_below(i, texts, facts):
            out[k] = [*out[k], hit]
    return out


def _spans_of(hits: list[Hit]) -> tuple[tuple[int, int], ...]:
    return merge_spans([s for h in hits for s in h.spans])


def protect_structures(hits: list[list[Hit]], grouped: units_mod.Units) -> list[list[Hit]]:
    """The hits without those that would cut inside a structure (code, table, front matter).

    A structure goes only when multi-line hits cover every line of it. A
    marker inside a structure it may not cut starts nothing: "Related stories"
    in a code block does not cut the text after the block.
    """
    if not grouped.structure.any():
        return hits
    hits = list(hits)
    kept: set[int] = set()      # the lines of the structures that stay
    for u in np.flatnonzero(grouped.structure):
        lines = np.flatnonzero(grouped.of_line == u).tolist()
        if not all(any(h.whole_line for h in hits[i]) for i in lines):
            for i in lines:
                hits[i] = []
            kept.update(lines)
    if kept:
        for i in compress(count(), hits):
            if any(h.origin in kept for h in hits[i]):
                hits[i] = [h for h in hits[i] if h.origin not in kept]
    return hits


def spare_speech(hits: list[list[Hit]], texts: Sequence[str]
                 ) -> tuple[list[list[Hit]], dict[int, tuple[Hit, str]]]:
    """The hits without a rule's removal of a line that names who said it
    (``speech.attribution``), and for each such line the first hit left out
    and the clause. Only single-line whole-line hits are left out: a span
    trims a call from a paragraph's end, and a multi-line cut starts at a
    marker line, not at a sentence."""
    spared = {}
    for i in compress(count(), hits):       # the lines with hits
        hs = hits[i]
        removals = [h for h in hs if h.whole_line and h.origin is None]
        if not removals:
            continue
        clause = attribution(texts[i])
        if clause is None:
            continue
        if not spared:
            hits = list(hits)
        spared[i] = (removals[0], clause)
        hits[i] = [h for h in hs if h not in removals]
    return hits, spared


# A "drop the rest" marker (a "Related articles" box) followed by at least
# this share of the document's prose (and this many words) was inside the
# article, not after it. Teasers of other stories after a real tail marker
# read like prose too, but they are a small part of a page's prose.
DROP_REST_MAX_PROSE_SHARE = 0.25
DROP_REST_MAX_PROSE_AFTER = 30


def drop_rest_end(whole: DocView, n: int) -> Callable[[int], int]:
    """Where a drop-rest cut that starts on a given line ends (exclusive): the
    end of the document, or where the article's prose resumes.

    Sites put "Related articles" boxes inside the article; cutting the rest of
    the document from there would lose the article's second half. The cut
    covers the marker and what follows it up to the next prose unit when

    - a quarter of the document's prose (``DROP_REST_MAX_PROSE_SHARE``, and at
      least ``DROP_REST_MAX_PROSE_AFTER`` words) follows the marker, or
    - the box sits inside the article as its markup nests it: the prose
      resumes as deep as the article's prose before the marker, and every
      line from the marker to it is deeper than that (scraped page text keeps
      the page's nesting as indentation). A short last paragraph after an
      inline box passes this test where it fails the first. Teasers under a
      real tail heading sit inside the heading's box, deeper than the article,
      and text without nesting (all lines flush) never passes it.
    """
    if not whole.n:
        return lambda origin: n

    @cache
    def prose_units() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """The prose units' first lines, their indentation, the prose from each
        on, and how much is enough. Measured on the first drop-rest hit: most
        documents have none."""
        units = np.flatnonzero(whole.prose > 0)
        after = np.cumsum(whole.prose[units][::-1])[::-1]   # prose from each prose unit on
        enough = max(DROP_REST_MAX_PROSE_AFTER, DROP_REST_MAX_PROSE_SHARE * after[0]) if len(after) else 0
        return whole.first_line[units], whole.indent[units], after, enough

    def nested(origin: int, resume: int, depth: int) -> bool:
        """Every non-blank line in [origin, resume) is indented deeper than ``depth``."""
        for text in whole.texts[origin:resume]:
            stripped = text.lstrip()
            if stripped and len(text) - len(stripped) <= depth:
                return False
        return True

    def end(origin: int) -> int:
        starts, depths, after, enough = prose_units()
        k = int(np.searchsorted(starts, origin, side="right"))
        if k == len(starts):
            return n
        if after[k] >= enough:
            return int(starts[k])
        # The article's prose before the marker (a prose unit that starts on
        # the marker's own line is the marker's, not the article's).
        before = int(np.searchsorted(starts, origin, side="left")) - 1
        if before >= 0 and depths[k] == depths[before] and nested(origin, int(starts[k]), int(depths[k])):
            return int(starts[k])
        return n
    return end


def cut_of(block: Block, hits: list[Hit]) -> Cut:
    """What the rules do to a line: a whole-line hit removes it, span hits trim it."""
    if not hits:
        return NO_CUT
    for h in hits:
        if h.whole_line:
            return Cut(h)
    spans = merge_spans([s for h in hits for s in h.spans])
    text = trimmed(block.text, spans)
    # A line reduced to punctuation and spaces was nothing but the matched spans.
    if not units_mod.has_word(text):
        return Cut(hits[0])
    return Cut(hits[0], spans)


def trimmed(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """``text`` without the (sorted, disjoint) ``spans``."""
    out, pos = [], 0
    for s, e in spans:
        out.append(text[pos:s])
        pos = e
    out.append(text[pos:])
    return "".join(out)


# How many of a line's non-blank neighbours on each side ``rules_near`` looks at.
RULES_NEAR_RADIUS = 5


def rules_near(filled: np.ndarray, removed: np.ndarray,
               radius: int = RULES_NEAR_RADIUS) -> np.ndarray:
    """Per line, the share of its non-blank neighbours (``radius`` on each side,
    itself left out) that ``removed`` marks; 0 for blank lines (``filled``: the
    lines that are not blank)."""
    at = np.flatnonzero(filled)
    out = np.zeros(len(filled))
    out[at] = window_mean(removed[at].astype(float), radius)
    return out


def model_view(blocks: Sequence[Block], cuts: Sequence[Cut], facts: units_mod.LineFacts,
               language: str | None = None, whole: DocView | None = None
               ) -> tuple[DocView, np.ndarray]:
    """The lines the rules leave, as they will be written, in units; and their line indices.

    ``whole``: the view of all of ``blocks``; the lines the rules leave as
    they are take their words and other facts of their own text from it.
    ``facts``: the ``units.line_facts`` of ``blocks``, which those lines take
    theirs from for grouping (and ``rules_near`` the blank lines from).
    """
    touched = list(compress(count(), map(is_not, cuts, repeat(NO_CUT))))   # lines with a hit
    gone = [i for i in touched if cuts[i].removes_line]
    trims = [i for i in touched if cuts[i].spans]
    if gone:
        left = np.ones(len(cuts), dtype=bool)
        left[gone] = False
        kept = np.flatnonzero(left)
        near = rules_near(facts.length > 0, ~left)[kept]
    else:
        kept = np.arange(len(cuts), dtype=np.int64)
        near = None
    same = kept.copy()                          # -1 for a trimmed line: a new text
    trimmed_at = np.searchsorted(kept, trims).tolist()
    same[trimmed_at] = -1
    # The view's lines are the document's blocks (numbered as in the document:
    # the view reads their text only), a trimmed line a new block of its own.
    view_blocks = list(blocks) if not gone else list(map(blocks.__getitem__, kept.tolist()))
    for k, i in zip(trimmed_at, trims):
        b = view_blocks[k]
        view_blocks[k] = Block(b.index, b.start, trimmed(b.text, cuts[i].spans), b.eol)
    texts = list(map(attrgetter("text"), view_blocks))
    facts = facts.take(same, texts)
    grouped = units_mod.group(view_blocks, facts=facts, texts=texts)
    return (DocView(view_blocks, grouped.of_line, grouped.count, language=language,
                    parent=whole, from_parent=same if whole is not None else None,
                    list_items=facts.item, texts=texts,
                    rules_near=near),
            kept)


def gather(blocks: list[Block], rules: "RuleSet", model: "Model | None",
           common: "CommonLines | None" = None, match_cache: dict | None = None,
           language: str | None = None, written: Sequence[Block] | None = None,
           paragraph_calls: bool = False) -> Evidence:
    """The evidence table of a document split into ``blocks``.

    ``written``: the lines as written, when ``blocks`` are how they read
    (``markup``); lines recur across documents as written.
    ``paragraph_calls``: read each paragraph as its last sentence too
    (``last_sentences``; the thorough mode's).
    """
    texts = list(map(attrgetter("text"), blocks))
    facts = units_mod.line_facts(texts)
    grouped = units_mod.group(blocks, facts=facts, texts=texts)
    whole = DocView(blocks, grouped.of_line, grouped.count, language=language, list_items=facts.item,
                    texts=texts, lexicon_table=model.lexicon if model is not None else None)
    # Measured on the document's prose (its words, their language) only when
    # a tail-zone rule hits a line: on most documents none does.
    zone = cache(partial(tail_start, whole))
    paragraphs = wrapped_paragraphs(grouped, facts, texts)
    found = rule_hits(blocks, rules, zone, match_cache, drop_rest_end(whole, len(blocks)))
    found = read_as(blocks, found, [*paragraphs, *bare_lines(texts)], rules, zone, match_cache)
    if paragraph_calls:
        found = read_as(blocks, found, last_sentences(texts, whole.joined, whole.line_starts),
                        rules, zone, match_cache, packs=LAST_SENTENCE_PACKS)
    found = read_trimmed(blocks, found, rules, zone, match_cache)
    found, spared = spare_speech(found, as_sentences(texts, paragraphs))
    found = take_lists(found, texts, facts)
    hits = protect_structures(found, grouped)
    top = _first_kept(blocks, hits)
    if top and blocks[top].text.strip() in units_mod.FRONT_MATTER_MARKS:
        # Front matter opens where the output will start once the rules take
        # the lines above it: find it there now, as a second pass would.
        grouped = units_mod.group(blocks, top, facts, texts)
        hits = protect_structures(found, grouped)
    cuts = [cut_of(b, h) if h else NO_CUT for b, h in zip(blocks, hits)]
    if all(c is NO_CUT for c in cuts):     # nothing cut: the view is the whole document
        view, view_lines = whole, np.arange(len(blocks), dtype=np.int64)
    else:
        # The view guesses its language from its own words, not the whole
        # document's: the lines the rules remove are gone on a second pass,
        # and a short text's guess (its stop words) must not move with them.
        view, view_lines = model_view(blocks, cuts, facts, language=language, whole=whole)
    repeated = _repeated(written or blocks, common) if common else None
    # A lone unit is not the model's to remove: without it the window would
    # keep no text, and the never-empty guard would give it back (``decide``).
    # So it is not scored: a line of megabytes costs its rules only, not
    # word tables ~35 times its size.
    scores = model.score(view) if model is not None and view.n > 1 else None
    return Evidence(blocks, grouped, hits, cuts, view, view_lines, repeated, scores, zone, spared)


def _first_kept(blocks: Sequence[Block], hits: list[list[Hit]]) -> int:
    """The first line that is not blank, that no whole-line hit removes, and that
    does not go as the underline of a line one removes (``decide``) (0 if none)."""
    gone = False        # the line above goes
    for i, (b, hs) in enumerate(zip(blocks, hits)):
        if b.blank:
            gone = False
            continue
        if any(h.whole_line for h in hs):
            gone = True
        elif not (gone and units_mod.underlines(b.text, blocks[i - 1].text)):
            return i
    return 0


def _repeated(blocks: Sequence[Block], common: "CommonLines") -> np.ndarray:
    return np.fromiter((not b.blank and b.text in common for b in blocks), dtype=bool,
                       count=len(blocks))
