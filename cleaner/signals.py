"""Evidence for each block: which rules hit it (the tail zone is measured in ``evidence``)."""
from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Callable, Iterable, NamedTuple, Sequence

from .alternatives import Alternatives, splittable
from .blocks import Block
from .errors import CleanerError
from .patterns import BudgetExceeded
from .prefilter import (LiteralIndex, literal_key, remember, rule_sources, set_bits, shipped_parts,
                        shipped_parts_line)
from .rules import Rule, RuleSet


# A NamedTuple, not a dataclass: its class is made at start-up (see blocks.Block).
class Hit(NamedTuple):
    """A rule's verdict on one block: the whole line, or spans inside it."""
    rule: Rule
    spans: tuple[tuple[int, int], ...] = ()   # offsets in the line; empty = whole line
    origin: int | None = None                 # line index of the start marker (multi-line actions)
    reading: str = ""                         # how the rule read the line, when not as written (``evidence.read_as``)

    @property
    def whole_line(self) -> bool:
        return not self.spans


# ``Hit.reading`` of a match on the hard-wrapped paragraph from ``origin`` read as one line.
WRAPPED = "wrapped"


def line_matches(text: str, rules: Iterable[Rule], line_no: int) -> tuple[tuple[Rule, tuple], ...]:
    """The rules whose (start) pattern matches one line, in rule order.

    Each comes with the spans it removes (drop-span) or an empty tuple. This
    depends on the line's text alone, so it can be cached by text. Tries
    every rule given: ``rule_hits`` gives it only the candidates the
    prefilter lets through; given a whole RuleSet it is the exhaustive
    reference (scripts/check_rule_matches.py, bench/rules.py).
    """
    return _match_line(text, tuple(map(matcher, rules)), line_no)


def matcher(rule: Rule) -> tuple[Rule, bool, Callable]:
    """(rule, whether it removes spans, the function to call on the line).

    Shipped rules have no time budget: their compiled pattern's own method is
    called directly (this runs for every candidate rule on every new line).
    """
    spans = rule.action == "drop-span"
    pattern = rule.pattern.compiled if rule.pattern.budget is None else rule
    return rule, spans, pattern.finditer if spans else pattern.search


def _match_line(text: str, matchers: Sequence[tuple[Rule, bool, Callable]],
                line_no: int) -> tuple[tuple[Rule, tuple], ...]:
    stripped = text.strip()
    found = []
    rule = None
    try:
        for rule, spans, run in matchers:
            if spans:
                found_spans = tuple(m.span() for m in run(text) if m.end() > m.start())
                if found_spans:
                    found.append((rule, found_spans))
            elif run(stripped):
                found.append((rule, ()))
    except BudgetExceeded as e:
        raise CleanerError(f"rule {rule.id} ({rule.source}): {e} (at line {line_no})") from None
    except TimeoutError:
        raise CleanerError(f"rule {rule.id} ({rule.source}): pattern timed out on line {line_no}") from None
    return tuple(found)


_INDEX = object()   # the key under which a match cache keeps its rule set's literal index


class Prefilter:
    """A rule set's ``LiteralIndex`` and, per candidate mask, the matchers to run.

    A shipped rule whose pattern has groups of alternatives (``alternatives``)
    and no stored program (``programs``) is first searched by parts:
    ``narrow`` finds which of its alternatives each candidate line may match,
    drops the rule from lines where it cannot match, and makes its matcher a
    search of the pattern with only the alternatives the lines need, until
    ``Alternatives`` decides that the whole pattern costs less (then it is a
    rule like any other).
    """

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.index = LiteralIndex(rule_sources(rules))
        self._matchers: dict[int, tuple] = {}
        self._of_rule: list[tuple | None] = [None] * len(rules.rules)   # compiled on first use
        # rule index -> its parts, or until used where rule_parts.jsonl holds them
        self._parts: dict[int, Alternatives | tuple[int, int]] = {}
        for i, rule in enumerate(rules.rules):
            # A rule with a stored program (``programs``) is made whole in
            # microseconds: searching it by parts would cost more.
            if splittable(rule) and rule.pattern.program is None:
                at = shipped_parts_line(literal_key(rule.pattern.pattern, rule.pattern.source_flags))
                if at is not None:
                    self._parts[i] = at
        self._narrowing = sum(1 << i for i in self._parts)   # rules still searched by parts

    def narrow(self, lines: Sequence[str], masks: list[int]) -> list[int]:
        """``masks`` (from ``index.masks(lines)``) without the rules that no
        alternative of theirs can match, for the rules still searched by parts;
        their matchers then cover the alternatives the lines need."""
        if not self._narrowing:
            return masks
        for i in set_bits(reduce(or_, masks, 0) & self._narrowing):
            bit = 1 << i
            parts = self._parts[i]
            if not isinstance(parts, Alternatives):
                p = self.rules.rules[i].pattern
                data = shipped_parts(literal_key(p.pattern, p.source_flags), parts)
                if data is None:            # unreadable: the whole pattern, as for any rule
                    self._narrowing &= ~bit
                    continue
                parts = self._parts[i] = Alternatives(p.pattern, p.source_flags, data)
            if parts.done:                  # the whole pattern from now on
                self._narrowing &= ~bit
                self._set_matcher(i, None)
                continue
            at = [j for j, m in enumerate(masks) if m & bit]
            possible = parts.possible([lines[j] for j in at])
            needed = 0
            for j, p in zip(at, possible):
                needed |= p
                if not p:
                    masks[j] &= ~bit
            if needed:
                search = parts.search_for(needed)
                if search is None:          # the whole pattern from now on
                    self._narrowing &= ~bit
                    self._set_matcher(i, None)
                elif self._of_rule[i] is None or self._of_rule[i][2] is not search:
                    self._set_matcher(i, (self.rules.rules[i], False, search))
        return masks

    def _set_matcher(self, i: int, found: tuple | None) -> None:
        """Rule ``i``'s matcher changes (None: the whole pattern's, on first use)."""
        self._of_rule[i] = found
        self._matchers.clear()

    def parts_compiled(self) -> dict[str, int]:
        """Rule id -> how many patterns of its parts were compiled."""
        return {self.rules.rules[i].id: p.parts_compiled for i, p in self._parts.items()
                if isinstance(p, Alternatives) and p.parts_compiled}

    def matchers(self, mask: int) -> tuple:
        found = self._matchers.get(mask)
        if found is None:
            of_rule = self._of_rule
            for i in self.index.decode(mask):
                if of_rule[i] is None:
                    of_rule[i] = matcher(self.rules.rules[i])
            found = remember(self._matchers, mask, tuple(of_rule[i] for i in self.index.decode(mask)))
        return found


def _prefilter(rules: RuleSet, cache: dict | None) -> Prefilter:
    held = cache.get(_INDEX) if cache is not None else None
    if held is not None and held.rules is rules:
        return held
    pre = rules.take_index()        # made with the set (``snapshot``), else made now
    if pre is None or pre.rules is not rules:
        pre = Prefilter(rules)
    if cache is not None:
        cache[_INDEX] = pre
    return pre


def trim_cache(cache: dict, lines: int) -> None:
    """Empty a match cache that holds more than ``lines`` lines, keeping its prefilter
    (rebuilding that costs more than the lines: patterns edited since the
    shipped data was written are analysed again)."""
    if len(cache) > lines:
        held = cache.get(_INDEX)
        cache.clear()
        if held is not None:
            cache[_INDEX] = held


def parts_compiled(cache: dict) -> dict[str, int]:
    """Rule id -> how many patterns of its parts the match cache's prefilter
    compiled (bench/startup.py)."""
    held = cache.get(_INDEX)
    return held.parts_compiled() if held is not None else {}


def literal_index(rules: RuleSet, cache: dict | None = None) -> LiteralIndex:
    """The prefilter for ``rules``, kept in ``cache`` when one is given."""
    return _prefilter(rules, cache).index


def rule_hits(blocks: list[Block], rules: RuleSet, tail_start: int | Callable[[], int],
              cache: dict | None = None,
              rest_end: Callable[[int], int] | None = None) -> list[list[Hit]]:
    """For every block, the rule hits that concern it (in rule order).

    ``tail_start``: the first line of the tail zone, or a function giving it,
    called only when a tail-zone rule matches a line (on most documents none
    does, and measuring the zone reads all of the document's words).

    ``cache`` maps a line's text to its ``line_matches``: pass the same dict
    for several looks at one document and each line is matched once. Lines
    not in it are matched together: one prefilter pass over all of them
    (``prefilter``), then each candidate rule's pattern on its lines only.

    A drop-rest marker on line ``i`` cuts lines ``i`` to ``rest_end(i)``
    (exclusive; default: the end), or to the end for a marker that applies
    anywhere, not only in the tail zone. A marker inside the cut of an earlier one
    adds nothing: the earlier hit comes first on every line of its cut, and
    it is the one a line's cut takes. So each line gets at most one
    drop-rest hit and the cost stays linear, however many markers a long
    text holds.
    """
    hits: list[list[Hit]] = [[] for _ in blocks]
    n = len(blocks)
    matches: dict = {}
    todo: dict[str, int] = {}            # distinct unmatched line -> its first line number
    # Block.blank, without stripping each line (twice).
    filled = [b for b in blocks if b.text and not b.text.isspace()]
    for b in filled:
        if b.text in todo or b.text in matches:
            continue
        found = cache.get(b.text) if cache is not None else None
        if found is None:
            todo[b.text] = b.line_no
        else:
            matches[b.text] = found
    if todo:
        pre = _prefilter(rules, cache)
        lines = list(todo)
        for text, mask in zip(lines, pre.narrow(lines, pre.index.masks(lines))):
            found = _match_line(text, pre.matchers(mask), todo[text]) if mask else ()
            matches[text] = found
            if cache is not None:
                cache[text] = found
    rest_until = 0                       # end of the last drop-rest cut
    for b in filled:
        for rule, spans in matches[b.text]:
            if rule.zone == "tail":
                if callable(tail_start):
                    tail_start = tail_start()
                if b.index < tail_start:
                    continue
            if rule.action == "drop-span":
                hits[b.index].append(Hit(rule, spans))
            elif rule.action == "drop":
                hits[b.index].append(Hit(rule))
            elif rule.action == "drop-rest":
                if b.index < rest_until:
                    continue
                # A marker that applies anywhere opens what is never the article
                # (a dated comment header): its cut goes to the end, however much
                # prose follows; a tail marker's may end where the article resumes.
                rest_until = n if rest_end is None or rule.zone != "tail" else rest_end(b.index)
                hit = Hit(rule, origin=b.index)
                for j in range(b.index, rest_until):
                    hits[j].append(hit)
            else:  # drop-until
                last = _until_end(rule, blocks, b.index)
                for j in range(b.index, last + 1):
                    hits[j].append(Hit(rule, origin=b.index))
    return hits


def _until_end(rule: Rule, blocks: list[Block], start: int) -> int:
    """Last line of a drop-until block starting at ``start``.

    With an end pattern, the block runs to the first line (within ``lines``
    non-blank lines) that matches it; if none does, only the start line goes,
    since an unterminated block is no proof that what follows is boilerplate.
    Without an end pattern, the block is the start line and the next
    ``lines - 1`` non-blank lines.
    """
    seen = 0
    last = start
    for j in range(start + 1, len(blocks)):
        b = blocks[j]
        if b.blank:
            continue
        seen += 1
        if rule.until is not None:
            if seen > rule.lines:
                return start
            if _until_search(rule, b):
                return j
        else:
            if seen >= rule.lines:
                return last
            last = j
    return start if rule.until is not None else last


def _until_search(rule: Rule, b: Block):
    try:
        return rule.end_search(b.stripped)
    except BudgetExceeded as e:
        raise CleanerError(f"rule {rule.id} ({rule.source}): end pattern {e} (at line {b.line_no})") from None
    except TimeoutError:
        raise CleanerError(f"rule {rule.id} ({rule.source}): end pattern timed out on line {b.line_no}") from None
