"""The one place where evidence becomes keep or drop, each removal with one reason.

In order:

1. **Rules**: a whole-line hit removes the line, span hits trim it (the
   evidence has already left out hits that would cut inside a code block,
   table or front matter).
2. **Repetition**: a line that recurs across the documents of the run is
   removed (``heuristic.repeated``), unless it is article prose: a wire story
   carried by several outlets is not boilerplate.
3. **The model**, on what the rules left: a unit the segmentation labels
   boilerplate is removed (``heuristic.boilerplate``; in a short document
   ``heuristic.boilerplate-line``); then a few short lines between two lines
   that rules of one pack removed, the inside of one box (``heuristic.enclosed``),
   and a short title right above a box of the mission's packs (``heuristic.box-title``).
4. **Guards**: no article, no model (a page with fewer than three prose
   units, or whose prose units never come three together, is a listing, a
   product or a form, not an article the model can find; so is a catalogue,
   little prose and many prices: its removals are withdrawn,
   ``guard.no-article``); never lose the
   article (when the removed units hold much more prose than the kept ones,
   the prose comes back: ``guard.article``); never empty
   (``guard.never-empty``); keep the headline (``guard.headline``).
   A guard's decision is logged on the lines it kept, as is a rule's match
   that the evidence left out because the line reports speech
   (``guard.reported-speech``, ``speech``).
5. **Underlines**: a line of "=" or "-" under a removed line goes with it,
   for its reason (a Setext heading is two lines).

Cleaning the cleaned text is meant to change nothing, and the design goes
most of the way: the model judges units among the lines the rules leave, the
tail zone is measured on prose, and a Viterbi segment of kept units stays kept
when the boilerplate around it goes. Not all the way: some features are
measured over units the model itself removes (the page's prose before and
after a unit, the indentation of its long units, neighbours), so when the
model removes prose-like comments or listings, a unit it kept can score a
little differently on a second pass. Measured with the weights of 2026-12-05:
3 of all 5,888 scraped inputs of the dev corpus change, all wcxb pages, none in
``tests/test_idempotent.py``'s sample of every 8th.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import compress, count, repeat
from operator import attrgetter, is_not, not_
from typing import TYPE_CHECKING, Collection

import numpy as np

from .blocks import LIST_MARKER, Block
from .evidence import NO_CUT, trimmed
from .names import HEURISTIC_ENCLOSED as ENCLOSED   # the name `disable` takes is the reason
from .names import HEURISTIC_BOX_TITLE as BOX_TITLE
from .signals import WRAPPED, Hit
from .units import is_underline, underlines

if TYPE_CHECKING:
    from .evidence import Cut, Evidence
    from .model import Model

# The article guard acts when the model removes at least this many prose words
# and this many times the prose it keeps.
ARTICLE_GUARD_MIN_WORDS = 30
ARTICLE_GUARD_RATIO = 2.0
# A document with fewer prose units than this has no article for the model to
# find (a listing, a product page, a form): its removals are withdrawn. On
# wcxb, 2025 pages of every kind, this keeps 92.0% of article lines in region
# text instead of 88.0% (listing pages 53% -> 85%); on scrapinghub and
# readability, where every page is an article, it changes one page's removals.
NO_ARTICLE_PROSE_UNITS = 3
# ...unless it holds a brief: two of its prose units together that hold at
# least so many words and at least such a share of its prose, (words, share)
# in NO_ARTICLE_BRIEFS: a short article (a news brief, a blog post), whose page
# would otherwise keep all its menus.
# - 120 words, the first: counted over what the rules leave, the guard flipped
#   on such a page when a rule took a cookie notice that had been its third
#   prose unit. On the 5,888 dev inputs this removes 252 more boilerplate lines
#   of wcxb (none changes on scrapinghub or readability) and 703 of
#   trafilatura-eval's full pages, and no article line; 80 words takes the same
#   wcxb lines and 96 more of trafilatura-eval's, no floor 90 more of wcxb's (4
#   of them scrapinghub's) and 168 more, 200 words under half on wcxb and 36
#   lines on trafilatura-eval; none loses article lines.
# - Half the prose: the same brief among other prose (a short article with
#   teasers' summaries, a footer's blurb or a product's bullet around it). Until
#   then a document of three prose units or more had no article unless three
#   came together, and kept every line the rules left: the guard kept 464
#   boilerplate lines of scrapinghub and readability pages, every one an
#   article (a paywalled teaser of two paragraphs, a brief beside teasers), and
#   4 article lines. With the share, all 5,888 dev inputs: 1,098 boilerplate
#   lines more removed (1,078 of wcxb, 21 of scrapinghub) and 418 of
#   trafilatura-eval's, one article line lost (a "Contacts" heading). 0.4 loses
#   4 article lines for 70 more, 0.6 removes 21 fewer; 100 words instead of 120
#   loses 7 for 546 more, 150 words removes 285 fewer.
# - 60 words holding 80% of the prose: a shorter brief, with little prose
#   around it (a paywalled teaser, a news site's brief under its lists of
#   headlines: scrapinghub's Wall Street Journal and Jerusalem Post pages, 68
#   and 69 words). All 5,888 dev inputs: 153 boilerplate lines more removed (89
#   of scrapinghub, 55 of wcxb) and 300 of trafilatura-eval's (menus), 2 article
#   lines lost (a shop's category page, wcxb 4158, whose closing blurb is the
#   brief: the description at its top goes). 70% loses 46 article lines for 642
#   more, 90% removes 21; 40 words loses 12 for 238.
NO_ARTICLE_BRIEFS = ((120, 0.5), (60, 0.8))
# Nor has a document of NO_ARTICLE_PROSE_UNITS prose units or more that never
# come NO_ARTICLE_PROSE_UNITS together (at most NO_ARTICLE_GAP other units, a
# subhead or a caption, between two of them): a list of teasers, a catalogue, a
# thread of short replies, a feed. The test asks about the prose alone, not what
# the model removed: until 2026-12-05 it also asked that (30 words of the prose,
# or twice the prose it kept among it), and the answer moved between passes. The
# first pass removed prose and the guard kept the page; the second kept that
# prose, the guard stayed out and the model took the menus (30 of the 38 inputs
# that changed on a second pass with `rules_near`). Measured on all 5,888 dev
# inputs with the weights before `rules_near`: 9 change on a second pass instead
# of 10; wcxb keeps 96.48% of article lines in region text instead of 95.64%
# (full pages 95.97% instead of 95.27%) and removes 46.09% of its boilerplate
# lines instead of 48.61%.
NO_ARTICLE_GAP = 1
# Nor has a catalogue: a page whose prose is under CATALOGUE_PROSE_SHARE of the
# words the rules leave, with at least CATALOGUE_PRICED_UNITS units (and
# CATALOGUE_PRICED_SHARE of them) naming a price, most of which
# (CATALOGUE_PRICED_REMOVED) the model would remove - a shop's product grid, a
# price list, a best-seller chart, whose short unpunctuated product lines the
# model reads as navigation. On wcxb this keeps 95.1% of article lines in region
# text instead of 93.5% (collection pages 69% -> 89%), F1b 0.839 -> 0.841; on
# scrapinghub, readability and trafilatura-eval no page is a catalogue. Without
# the last condition it also fired on pages whose prices the model kept (an
# article with a shop's sidebar, a pricing page already whole) and only brought
# their menus back (docs/heuristics.md).
CATALOGUE_PROSE_SHARE = 0.25
CATALOGUE_PRICED_UNITS = 10
CATALOGUE_PRICED_SHARE = 0.02
CATALOGUE_PRICED_REMOVED = 0.5
HEADLINE_WORDS = (2, 20)
# A short run of lines that rules of one of these packs removed on both sides is
# the inside of the same box: its title ("The Morning Brief"), a lone button
# ("Customise", "Other"), a link the pack's rules do not know ("* Help").
# Measured on all 5,888 dev inputs (lines of at most ENCLOSED_WORDS words, the
# model's verdict before): between two lines of one of these packs the kept lines
# were 334 boilerplate lines and 7 reference lines (wcxb footer headings of shops,
# a newsletter form's "Name"), none on scrapinghub or readability; between
# comments, navigation, ads, related or donation lines the reference lines were
# one in 3 to 10 (a forum's user names, a menu page's links, a shop's products
# between prices), so those packs are not here.
ENCLOSING_PACKS = frozenset({"paywall", "newsletter", "cookies", "share", "footer", "ui"})
ENCLOSED_LINES = 3
ENCLOSED_WORDS = 6
# The mission's boxes mix these packs (a sign-up form: the newsletter's call, an
# account button, the privacy consent under it) and say more in a line ("Danach
# 9,99 € im Monat, monatlich kündbar."): between lines of any two of them, lines
# of up to BOX_WORDS words go. Measured on all 5,888 dev inputs, beyond the rule
# above: 44 boilerplate lines, 14 unlabelled trafilatura-eval lines (must-drop
# 0.667 -> 0.668) and 4 reference lines (two lines of two wcxb pages, region and
# full: "Join Medium for free to get updates from this writer." inside a sign-up
# box, "See All Plan Features" in a pricing table); at 12 words, a wcxb page's
# pitch as well ("Millions of users trust us ..."). Between share, footer or ui
# lines, lines of 7 to 10 words were reference text one time in three (a shop's
# feature blurbs between its share links), so those stay at ENCLOSED_WORDS of
# one pack.
BOX_PACKS = frozenset({"paywall", "newsletter", "cookies"})
BOX_WORDS = 10
# A box's title stands above it: "The Morning Brief", "Your privacy, your
# choice", "Helfen Sie mit!". A short line that is not a sentence, a lead-in
# or a list item, with at least BOX_TITLE_UNDER lines right under it that
# rules of the mission's packs removed, is the title of their box
# (``heuristic.box-title``). Measured on all 5,888 dev inputs (the model's
# verdict before; titles of at most 6 words): 175 boilerplate lines, 40
# unlabelled trafilatura-eval lines (a shop's "Login", "Mitgliederbereich",
# cookie categories) and 5 reference lines, on wcxb pages that are no
# article (a docs page's "Note" above "Access to this page requires
# authorization" in three inputs, a product's "Mini size" above "Sign in").
# Above a single removed line the titles were reference text one time in
# five (a page's next heading under a lone "Subscribe" link), and above a kept
# blurb one in ten, so neither is taken. The document's first line is its
# headline, not a title of a box.
TITLE_PACKS = BOX_PACKS | {"donation"}
BOX_TITLE_WORDS = 6
BOX_TITLE_UNDER = 2
# A sign-up box asks for an address under its call: "Want more industry
# news?" above "Sign up for our newsletter ..." and a lone "Email*". Those
# fields are the comment form's rule's (the same labels), so below a line of
# the mission's packs such a field counts as the box's second line. Measured
# on all 3,708 dev inputs: 9 more boilerplate lines went (sign-up titles of
# five wcxb pages: "Get more travel content", "Education research,
# condensed"), and 3 unlabelled trafilatura-eval lines ("SHE WORKS!
# NEWSLETTER", "Bleib auf dem Laufenden", "Bereits angemeldet?"); no
# reference line. Any rule's line as the second one took 2 reference lines
# (a byline above "Newsletter abonnieren" and "Mehr aus Lübeck", a forum
# post's last line above "You must log in ..." and "Similar threads"): the
# next section's heading is no part of the box.
BOX_FIELD_RULES = frozenset({"comments.form-field"})
# The heuristics' removals: what the guards may withdraw.
MODEL_REASONS = ("heuristic.boilerplate", "heuristic.boilerplate-line", ENCLOSED, BOX_TITLE)


@dataclass(frozen=True, slots=True, init=False)
class Decision:
    block: Block
    kept: bool                                 # False: the whole line goes
    reason: str | None = None                  # rule id or heuristic name, when something goes
    detail: str = ""                           # human-readable evidence for --explain
    spans: tuple[tuple[int, int], ...] = ()    # removed spans inside a kept line
    kind: str | None = None                    # what was removed: the rule's kind or pack, or "heuristic"
    note: str = ""                             # a guard that kept this line, and why

    # One Decision is made for every line. A frozen dataclass's own __init__
    # sets each field through object.__setattr__ (~1 us a Decision, 3% of the
    # time of cleaning); the slots' descriptors set them directly, in half the
    # time. Nothing else sets a field: the instances stay frozen.
    def __init__(self, block: Block, kept: bool, reason: str | None = None, detail: str = "",
                 spans: tuple[tuple[int, int], ...] = (), kind: str | None = None,
                 note: str = "") -> None:
        _SET_BLOCK(self, block)
        _SET_KEPT(self, kept)
        _SET_REASON(self, reason)
        _SET_DETAIL(self, detail)
        _SET_SPANS(self, spans)
        _SET_KIND(self, kind)
        _SET_NOTE(self, note)

    @property
    def text(self) -> str:
        """The line as it is written out: without removed spans."""
        return trimmed(self.block.text, self.spans) if self.spans else self.block.text

    def moved(self, lines: int) -> "Decision":
        """This decision on its line numbered ``lines`` further on (``Block.moved``)."""
        return Decision(self.block.moved(lines), self.kept, self.reason, self.detail, self.spans,
                        self.kind, self.note)


_SET_BLOCK, _SET_KEPT, _SET_REASON, _SET_DETAIL, _SET_SPANS, _SET_KIND, _SET_NOTE = (
    Decision.__dict__[name].__set__ for name in ("block", "kept", "reason", "detail", "spans", "kind", "note"))


_KEPT, _REASON, _BLOCK_TEXT = attrgetter("kept"), attrgetter("reason"), attrgetter("block.text")


def rule_kind(rule) -> str:
    return getattr(rule, "kind", None) or rule.pack


def _rule_detail(hit: Hit, first_line: int = 0) -> str:
    detail = hit.rule.description or hit.rule.action
    if hit.reading == WRAPPED:
        detail += f" (the paragraph wrapped from line {first_line + hit.origin + 1}, read as one line)"
    elif hit.reading:
        detail += f" ({hit.reading})"
    elif hit.origin is not None:
        what = "the list under" if hit.rule.takes == "list" else f"{hit.rule.action} from"
        detail += f" ({what} line {first_line + hit.origin + 1})"
    return detail


def rule_decision(block: Block, cut: "Cut", first_line: int = 0) -> Decision:
    """The rules' decision on a line (``first_line``: lines before this window of the text)."""
    if cut.hit is None:
        return Decision(block, True)
    h = cut.hit
    return Decision(block, not cut.removes_line, h.rule.id, _rule_detail(h, first_line), cut.spans,
                    kind=rule_kind(h.rule))


def decide(ev: "Evidence", model: "Model | None", mode: str = "balanced",
           first_line: int = 0, explain: bool = True, off: Collection[str] = ()) -> list[Decision]:
    """Keep or drop every line of the document ``ev`` describes (see the module docstring).

    ``first_line``: lines before this one in the whole text, when ``ev`` is one
    window of a long text (for the line numbers in explanations). ``explain``:
    False when only the text is wanted; the model's removals then carry no
    detail (the same decisions, without the evidence behind them). ``off``: the
    box heuristics not to run (``heuristic.enclosed``, ``heuristic.box-title``):
    the lines they would remove are left to the model.
    """
    rule_only = list(map(Decision, ev.blocks, repeat(True)))     # the lines no rule touches...
    cut = list(compress(count(), map(is_not, ev.cuts, repeat(NO_CUT))))   # ...and the others
    for i in cut:
        rule_only[i] = rule_decision(ev.blocks[i], ev.cuts[i], first_line)
    out = list(rule_only)
    unit = ev.unit_of_line()
    if ev.repeated is not None:
        _repetition(out, ev, unit)
    judged = model is not None and ev.scores is not None
    if judged:
        keep = model.keep(ev.scores, mode)
        dropped = np.flatnonzero(~keep)
        reasons = dict(zip(dropped.tolist(), _model_reasons(ev, model, mode, dropped, explain)))
        # The lines of the units the model drops (blank and rule-removed lines have no unit).
        lines = np.flatnonzero(unit >= 0)
        lines = lines[~keep[unit[lines]]]
        for i, u in zip(lines.tolist(), unit[lines].tolist()):
            d = out[i]
            if d.reason is not None:
                continue
            out[i] = Decision(d.block, False, *reasons[u], kind="heuristic")
        if ENCLOSED not in off:
            _enclosed(out, cut, first_line)
        if BOX_TITLE not in off:
            _box_titles(out, cut, first_line)
        if not _no_article_guard(out, ev, keep):
            _article_guard(out, ev, unit)
    if judged:
        _keep_headline(out, ev, unit, model)      # (does nothing when no line is kept)
    # Underlines go with their lines before the output is judged empty: the
    # underline of a heading that went is no text to keep.
    _underlines(out)
    if not _any_text(out):
        # The fallback is what the rules alone left, taken before the
        # repetition count: lines shared by the documents of a run are no
        # reason to empty one of them.
        _underlines(rule_only)
        if not _any_text(rule_only):
            return out
        out = _noted(rule_only, "guard.never-empty",
                     "the heuristics would remove every line the rules kept; "
                     "left as the rules left it")
    _note_speech(out, ev)
    return out


def _rule_pack(d: Decision) -> str | None:
    """The pack of the rule that removed the whole line, or None."""
    if d.kept or d.reason is None or d.reason.startswith(("heuristic.", "guard.")):
        return None
    return d.reason.partition(".")[0]


def _enclosed(out: list[Decision], cut: list[int], first_line: int = 0) -> None:
    """Remove a short run of short kept lines (``heuristic.enclosed``) whose
    neighbours, the nearest lines with text above and below it, were removed by
    rules of the same pack, one of ``ENCLOSING_PACKS``, or of any two of
    ``BOX_PACKS`` (``_box_words``): the inside of one box. ``cut``: the lines
    the rules touched, ascending (the run lies between two of them)."""
    removed = [(i, pack) for i in cut if (pack := _rule_pack(out[i])) is not None]
    for (a, above_pack), (b, below_pack) in zip(removed, removed[1:]):
        words = _box_words(above_pack, below_pack)
        if not words:
            continue
        run = []
        for i in range(a + 1, b):     # at most ENCLOSED_LINES + 1 lines with text are read
            d = out[i]
            if d.block.blank:
                continue
            if not d.kept or d.spans or len(run) == ENCLOSED_LINES \
                    or len(d.block.text.split()) > words:
                break
            run.append(i)
        else:
            if run:
                above, below = out[a], out[b]
                what = "a short line" if len(run) == 1 else f"{len(run)} short lines"
                who = above_pack if above_pack == below_pack else f"{above_pack} and {below_pack}"
                detail = (f"{what} between lines {first_line + above.block.line_no} and "
                          f"{first_line + below.block.line_no}, which {who} rules removed "
                          f"({above.reason}, {below.reason})")
                for i in run:
                    out[i] = Decision(out[i].block, False, ENCLOSED, detail, kind="heuristic")


def _box_titles(out: list[Decision], cut: list[int], first_line: int = 0) -> None:
    """Remove a short kept line right above lines that rules of ``TITLE_PACKS``
    removed (``heuristic.box-title``): the title of their box. ``cut``: the
    lines the rules touched, ascending (a box's top line is one of them)."""
    top = _next_text(out, -1, 1)
    for i in cut:
        if _rule_pack(out[i]) not in TITLE_PACKS:
            continue
        title = _next_text(out, i, -1)
        # The text's first line is its headline; a window of a long text keeps
        # its first line too (it may be one, and keeping a title costs little).
        if title is None or title == top:
            continue
        d = out[title]
        if not d.kept or d.spans or not _title_like(d.block.text):
            continue
        # The box: lines of the mission's packs, the inside the rules left
        # between them (``_enclosed``) and its form's fields, under the title.
        under = [i]
        while len(under) < BOX_TITLE_UNDER:
            j = _next_text(out, under[-1], 1)
            if j is None or not (out[j].reason == ENCLOSED or out[j].reason in BOX_FIELD_RULES
                                 or _rule_pack(out[j]) in TITLE_PACKS):
                break
            under.append(j)
        if len(under) == BOX_TITLE_UNDER:
            lines = " and ".join(str(first_line + out[j].block.line_no) for j in under)
            reasons = " and ".join(dict.fromkeys(out[j].reason for j in under))
            out[title] = Decision(d.block, False, BOX_TITLE,
                                  f"a short title right above lines {lines}, removed as {reasons}",
                                  kind="heuristic")


def _next_text(out: list[Decision], i: int, step: int) -> int | None:
    """The nearest line with text from line ``i`` on, ``step`` -1 up or 1 down (None: none)."""
    i += step
    while 0 <= i < len(out):
        if not out[i].block.blank:
            return i
        i += step
    return None


def _title_like(text: str) -> bool:
    """A line that may be a box's title: a word or a few (at most
    BOX_TITLE_WORDS), not a list item, not ending as a sentence or a lead-in
    does ("?" and "!" may)."""
    s = text.rstrip()
    return (len(s.split()) <= BOX_TITLE_WORDS and not s.endswith(_NOT_TITLE_ENDS)
            and not LIST_MARKER.match(text) and any(map(str.isalnum, s)))


_NOT_TITLE_ENDS = (".", ",", ";", ":", "…")


def _box_words(above: str | None, below: str | None) -> int:
    """How many words a line between lines the rules of packs ``above`` and
    ``below`` removed may have to go with them as the inside of one box (0: none)."""
    if above in BOX_PACKS and below in BOX_PACKS:
        return BOX_WORDS
    return ENCLOSED_WORDS if above == below and above in ENCLOSING_PACKS else 0


def _underlines(out: list[Decision]) -> None:
    """Remove the underline of each removed line with it, for the same reason
    (``units.underlines``): without the line it underlines it is debris
    ("Share this article" gone, its "------------------" left).
    """
    for i in compress(count(), map(is_underline, map(_BLOCK_TEXT, out))):
        above = out[i - 1] if i else None
        if above is not None and not above.kept and out[i].kept \
                and underlines(out[i].block.text, above.block.text):
            out[i] = Decision(out[i].block, False, above.reason,
                              f"the underline of line {above.block.line_no}", kind=above.kind)


def _note_speech(out: list[Decision], ev: "Evidence") -> None:
    """Say on a kept line that a rule matched it but it reports speech (``speech``)."""
    for i, (hit, clause) in ev.spared.items():
        d = out[i]
        if d.kept and not d.note:
            out[i] = replace(d, note=f"[guard.reported-speech] {hit.rule.id} matched, but the line "
                                     f"says who said it ({clause!r})")


def _any_text(out: list[Decision]) -> bool:
    """Some line is kept with text left in it (after removed spans)."""
    return any(d.kept and d.text.strip() for d in out)


def _repetition(out: list[Decision], ev: "Evidence", unit: np.ndarray) -> None:
    for i in np.flatnonzero(ev.repeated).tolist():
        d = out[i]
        u = unit[i]
        # A line a rule trimmed recurs too: what is left of it recurs in a
        # second run over the cleaned texts, and goes then.
        if not d.kept or u < 0 or ev.prose[u] > 0:
            continue    # long prose is never removed on repetition evidence alone
        out[i] = Decision(d.block, False, "heuristic.repeated",
                          "line recurs across the documents of this run", kind="heuristic")


def _model_reasons(ev: "Evidence", model: "Model", mode: str,
                   units: np.ndarray, explain: bool = True) -> list[tuple[str, str]]:
    """Reason and detail for each unit the model removes, with the values behind it
    (no detail unless ``explain``: the strings were ~3% of the time of cleaning)."""
    s = ev.scores
    short = len(s.own) < model.short_document
    if not explain:
        reason = "heuristic.boilerplate-line" if short else "heuristic.boilerplate"
        return [(reason, "")] * len(units)
    whys = model.evidence(s, units)
    units = units.tolist()
    own_of = s.own.tolist()       # Python floats format as numpy's do, faster
    if short:
        return [("heuristic.boilerplate-line",
                 f"own log-odds {own_of[u]:.2f} < {model.short_floor} in a short document ({why})")
                for u, why in zip(units, whys)]
    t = model.thresholds[mode]
    ctx_of = s.context.tolist()
    out = []
    for u, why in zip(units, whys):
        own, ctx = own_of[u], ctx_of[u]
        if ctx >= t:
            out.append(("heuristic.boilerplate",
                        f"in context log-odds {ctx:.2f} is above the threshold {t}, but the "
                        f"segmentation puts it in a boilerplate stretch (switch cost "
                        f"{model.switch}); own {own:.2f} ({why})"))
        else:
            out.append(("heuristic.boilerplate",
                        f"in context log-odds {ctx:.2f} < threshold {t}; own {own:.2f} ({why})"))
    return out


def prose_runs(prose: np.ndarray, gap: int = NO_ARTICLE_GAP) -> tuple[np.ndarray, np.ndarray]:
    """The runs of prose units that come together (at most ``gap`` other units
    between two): how many units each holds, and how many words of prose."""
    at = np.flatnonzero(prose > 0)
    if not len(at):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    breaks = np.flatnonzero(np.diff(at) > gap + 1)
    bounds = np.concatenate(([-1], breaks, [len(at) - 1]))
    return np.diff(bounds), np.add.reduceat(prose[at], bounds[:-1] + 1)


def _no_article_guard(out: list[Decision], ev: "Evidence", keep: np.ndarray) -> bool:
    """Withdraw the model's removals from a document without an article; True if it did.

    ``keep``: the model's verdict on each unit of the view.
    """
    why = _no_article(ev, keep)
    if why is None:
        return False
    note = f"kept although the model removed it: {why}, no article for the model to find"
    for i, d in enumerate(out):
        if d.reason in MODEL_REASONS:
            out[i] = Decision(d.block, True, note=f"[guard.no-article] {note}; {d.detail}")
    return True


def _no_article(ev: "Evidence", keep: np.ndarray) -> str | None:
    """Why the document has no article for the model to find, or None if it may have one."""
    prose = ev.prose
    runs, words = prose_runs(prose)
    units, run = int(runs.sum()), int(runs.max(initial=0))    # every prose unit is in one run
    # A brief: two prose units or more together, of so many words and such a
    # share of the document's prose at least (NO_ARTICLE_BRIEFS).
    together, total = runs >= 2, prose.sum()
    if any((together & (words >= least) & (words >= share * total)).any()
           for least, share in NO_ARTICLE_BRIEFS):
        return _catalogue(ev, keep)
    no_brief = "no two together of " + " or ".join(
        f"{least} words or more holding {share:.0%}" for least, share in NO_ARTICLE_BRIEFS
    ) + " of its prose"
    if units < NO_ARTICLE_PROSE_UNITS:
        return (f"the text has {units} prose unit{'' if units == 1 else 's'} "
                f"(fewer than {NO_ARTICLE_PROSE_UNITS}) and {no_brief}")
    if run < NO_ARTICLE_PROSE_UNITS:
        return (f"its {units} prose units stand apart (at most {run} together, fewer than "
                f"{NO_ARTICLE_PROSE_UNITS}) and {no_brief}")
    return _catalogue(ev, keep)


def _catalogue(ev: "Evidence", keep: np.ndarray) -> str | None:
    """Why the document reads as a catalogue whose products the model would
    remove (little prose, many prices, most of them removed), or None."""
    view = ev.view
    share = float(ev.prose.sum()) / max(float(view.n_words.sum()), 1.0)
    if share >= CATALOGUE_PROSE_SHARE:
        return None
    priced = view.priced > 0        # measured already: the model's "money" feature
    n = int(np.count_nonzero(priced))
    if n < max(CATALOGUE_PRICED_UNITS, CATALOGUE_PRICED_SHARE * view.n):
        return None
    removed = int(np.count_nonzero(priced & ~keep))
    if removed < CATALOGUE_PRICED_REMOVED * n:
        return None
    return (f"its prose is {share:.0%} of its words (under {CATALOGUE_PROSE_SHARE:.0%}), "
            f"{n} of its {view.n} units name a price and the model removed {removed} of them: "
            f"a catalogue")


def _article_guard(out: list[Decision], ev: "Evidence", unit: np.ndarray) -> None:
    """Never drop the document's strongest article prose in favour of weaker text.

    ``unit``: each line's unit in the view (``Evidence.unit_of_line``).
    """
    prose = ev.prose
    if not (prose > 0).any():
        return
    member = np.flatnonzero(unit >= 0)
    in_prose = member[prose[unit[member]] > 0]       # the lines of the prose units
    of = unit[in_prose]
    picked = list(map(out.__getitem__, in_prose.tolist()))
    dropped = np.fromiter(map(not_, map(_KEPT, picked)), dtype=float, count=len(picked))
    by_model = np.fromiter(map(MODEL_REASONS.__contains__, map(_REASON, picked)), dtype=float,
                           count=len(picked))
    all_kept = np.bincount(of, weights=dropped, minlength=len(prose)) == 0
    removed = ~all_kept & (np.bincount(of, weights=by_model, minlength=len(prose)) > 0)
    # Whole numbers of words: the sums do not depend on their order.
    kept_prose = float(prose[all_kept & (prose > 0)].sum())
    removed_prose = float(prose[removed].sum())
    if removed_prose < ARTICLE_GUARD_MIN_WORDS or removed_prose < ARTICLE_GUARD_RATIO * kept_prose:
        return
    note = (f"kept although the model removed it: the lines it kept held {kept_prose:.0f} words "
            f"of prose, the lines it removed {removed_prose:.0f}")
    for i in in_prose[removed[of]].tolist():
        d = out[i]
        if d.reason in MODEL_REASONS:
            out[i] = Decision(d.block, True, note=f"[guard.article] {note}; {d.detail}")


def _noted(out: list[Decision], guard: str, why: str) -> list[Decision]:
    first = next((i for i, d in enumerate(out) if d.kept and not d.block.blank), None)
    if first is not None:
        out = list(out)
        out[first] = replace(out[first], note=f"[{guard}] {why}")
    return out


def _keep_headline(out: list[Decision], ev: "Evidence", unit: np.ndarray, model: "Model") -> None:
    """Keep the heading that leads into the first kept paragraph.

    Headlines are short, title-cased and unpunctuated, so line features alone
    rate them as navigation; but a short unit right above the article's first
    kept unit (blank lines and lines the rules removed between allowed) is its
    headline or a subhead, when it names what the article is about: most of
    its content words are in the article's prose (``prose_vocabulary``). On a
    whole page the unit above the first kept one is as often the last item of
    a menu, a section's name or a live-video link, which share none; and a
    headline is not a list item.
    """
    first = next((i for i, d in enumerate(out) if d.kept and not d.block.blank), None)
    if first is None:
        return
    j = first - 1
    while j >= 0 and (out[j].block.blank or unit[j] < 0):
        j -= 1
    if j < 0 or out[j].reason not in MODEL_REASONS:
        return
    u = int(unit[j])
    view = ev.view
    if view.list_item[u] or model.feature(ev.scores, view, "prose_vocabulary")[u] <= 0:
        return
    lines = ev.lines_of_unit(u)
    words = int(view.n_words[u])
    last = view.texts[int(view.last_line[u])].strip()
    if HEADLINE_WORDS[0] <= words <= HEADLINE_WORDS[1] and not last.endswith((".", ":", "|")):
        for i in lines:
            out[i] = Decision(out[i].block, True,
                              note=f"[guard.headline] the heading right above the first kept "
                                   f"paragraph; {out[i].detail}")
