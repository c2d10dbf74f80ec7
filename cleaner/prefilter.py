"""Which rules can possibly match a line: required literals, found in one pass.

Trying each of ~130 rule patterns on every line was half of the cleaner's
time, though almost every line matches none of them. Most patterns cannot
match unless some fixed text occurs in the line (``^\\W*sign\\s+up\\s+(?:for|to)``
needs "sign" and "up"). For each rule we derive one such requirement, a set of
literals at least one of which every match contains, by walking the parse tree
of ``re``'s own parser (``_required``). All literals of all rules are then
found in one Aho-Corasick pass over the text (``pyahocorasick``, a C
automaton), and a rule's full pattern runs only on lines that hold one of its
literals. A rule with no usable requirement is tried on every line.

Case: both the literals and the text are normalised with ``normalize``, which
maps every pair of characters that ``re.IGNORECASE`` treats as equal to the
same character (simple lower case, then ``re``'s own extra equivalences such as
"ſ" = "s"). Equal under the rule's matching implies equal after normalising, so
the filter can only let through too much, never too little; case-sensitive
rules go through the same (looser) filter.

Deriving literals with ``re._parser`` costs ~60 ms for the shipped packs, more
than the start-up it saves, so the literals of the shipped patterns are kept
as data (``data/rule_literals.json``, written by ``scripts/rule_literals.py``
and checked by the tests), keyed by the exact pattern text and flags: package
data, not a cache in the user's folder. A shipped pattern missing from it (a
rule edited since) is simply tried on every line until the file is rewritten.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

LITERALS_FILE = Path(__file__).parent / "data" / "rule_literals.json"
# Shorter literals hit most lines and filter nothing: such a rule is always tried.
MIN_LITERAL = 3


def _canon_table() -> dict[int, int]:
    """Maps each character to the representative of its ``re`` case-equivalence class."""
    from re import _casefix  # the extra equivalences re's compiler applies

    parent: dict[int, int] = {}

    def find(c: int) -> int:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for c, others in _casefix._EXTRA_CASES.items():
        for o in others:
            a, b = find(c), find(o)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {c: find(c) for c in parent}


_CANON = _canon_table()
# str.lower() is re's simple lower case for every character but U+0130 ("İ"),
# which it turns into two ("i" + combining dot); re compares it as "i".
_PRE = {0x130: "i"}


def normalize(text: str) -> str:
    """``text`` with every ``re.IGNORECASE`` equivalence class reduced to one character.

    Keeps the length, so offsets in the result are offsets in ``text``.
    """
    if text.isascii():
        return text.lower()
    return text.translate(_PRE).lower().translate(_CANON)


# --- deriving a pattern's required literals -----------------------------------------

def required_literals(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Normalised literals, one of which occurs in any text ``pattern`` matches; or None.

    None when no requirement can be derived (the pattern may match text
    without any fixed part, or ``re`` cannot parse it) or when the best one has
    a literal shorter than ``MIN_LITERAL``.
    """
    from re import _parser

    try:
        tree = _parser.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    best = _best(list(tree))
    if best is None or min(map(len, best)) < MIN_LITERAL:
        return None
    return tuple(sorted(best))


def _score(alternatives: frozenset[str]) -> tuple[int, int]:
    return (min(map(len, alternatives)), -len(alternatives))


def _best(items: list) -> frozenset[str] | None:
    candidates = _sequence(items)
    return max(candidates, key=_score) if candidates else None


def _exact(items: list) -> str | None:
    """The one string a sequence matches, if it matches exactly one (zero-width parts aside)."""
    from re import _constants as C

    out = []
    for op, av in items:
        if op is C.LITERAL:
            out.append(chr(av))
        elif op is C.AT:
            continue
        elif op is C.SUBPATTERN or op is C.ATOMIC_GROUP:
            inner = _exact(list(av[-1] if op is C.SUBPATTERN else av))
            if inner is None:
                return None
            out.append(inner)
        else:
            return None
    return "".join(out)


def _sequence(items: list) -> list[frozenset[str]]:
    """Every requirement of a sequence: each is a set of literals one of which must occur."""
    from re import _constants as C

    found: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            found.append(frozenset({normalize("".join(run))}))
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
        elif op is C.AT or op is C.ASSERT_NOT:
            continue      # zero-width: the characters around it stay adjacent
        elif op is C.ASSERT:
            sub = _best(list(av[1]))
            if sub is not None:
                found.append(sub)
        elif op is C.SUBPATTERN or op is C.ATOMIC_GROUP:
            inner = list(av[-1] if op is C.SUBPATTERN else av)
            exact = _exact(inner)
            if exact is not None:
                run.append(exact)
                continue
            flush()
            sub = _best(inner)
            if sub is not None:
                found.append(sub)
        elif op is C.BRANCH:
            flush()
            union: set[str] = set()
            for alt in av[1]:
                sub = _best(list(alt))
                if sub is None:
                    union = set()
                    break
                union |= sub
            if union:
                found.append(frozenset(union))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            flush()
            lo, _hi, inner = av
            if lo >= 1:
                sub = _best(list(inner))
                if sub is not None:
                    found.append(sub)
        else:             # classes, any character, back references, conditionals
            flush()
    flush()
    return [f for f in found if all(f) and not any("\n" in s or "\r" in s for s in f)]


# --- the shipped literals, as data --------------------------------------------------------

def literal_key(pattern: str, flags: int) -> str:
    return f"{int(flags)}:{pattern}"


@lru_cache(maxsize=1)
def shipped_literals() -> dict[str, list[str] | None]:
    """``data/rule_literals.json``: literal key -> literals (None: no requirement)."""
    try:
        data = json.loads(LITERALS_FILE.read_text(encoding="utf-8"))
        return dict(data["literals"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


# --- the index over a rule set --------------------------------------------------------------

class LiteralIndex:
    """For a sequence of rules: which of them can match each of many lines.

    ``sources`` gives, per rule, its pattern text and flags, whether its
    literals may come from the shipped data (shipped rules) and whether they
    can be derived at all. Built once per rule set; costs about a millisecond.
    """

    def __init__(self, sources: Sequence[tuple[str, int, bool, bool]]) -> None:
        import ahocorasick

        shipped = shipped_literals()
        self.always: list[int] = []      # rules tried on every line
        by_literal: dict[str, set[int]] = {}
        for i, (pattern, flags, trusted, derivable) in enumerate(sources):
            key = literal_key(pattern, flags)
            if trusted and key in shipped:
                lits = shipped[key]
            else:
                lits = required_literals(pattern, flags) if derivable else None
            if not lits:
                self.always.append(i)
                continue
            for lit in lits:
                by_literal.setdefault(lit, set()).add(i)
        self.size = len(sources)
        self.literals = len(by_literal)
        self._automaton = None
        if by_literal:
            auto = ahocorasick.Automaton()
            for lit, owners in by_literal.items():
                auto.add_word(lit, frozenset(owners))
            auto.make_automaton()
            self._automaton = auto

    def candidates(self, lines: Sequence[str]) -> list[list[int]]:
        """For each line, the indices (ascending) of the rules that may match it."""
        found: list[set[int]] = [set() for _ in lines]
        if self._automaton is not None and lines:
            starts = []
            pos = 0
            for line in lines:
                starts.append(pos)
                pos += len(line) + 1
            # One pass over all lines; "\n" joins them and no literal holds one.
            # Hits come in text order, so the line changes only forward.
            text = normalize("\n".join(lines))
            line_i, next_start = 0, (starts[1] if len(starts) > 1 else pos)
            for end, owners in self._automaton.iter(text):
                if end >= next_start:
                    line_i = bisect_right(starts, end) - 1
                    next_start = starts[line_i + 1] if line_i + 1 < len(starts) else pos
                found[line_i] |= owners
        always = self.always
        return [sorted(f.union(always)) if f else list(always) for f in found]


def rule_sources(rules: Iterable) -> list[tuple[str, int, bool, bool]]:
    """(pattern, flags, shipped, derivable) per rule, as ``LiteralIndex`` wants them.

    Derivable: ``re``'s parser reads the pattern as its engine does (always
    for ``re`` patterns; for ``regex`` ones, unless they use its own syntax).
    """
    return [(r.pattern.pattern, r.pattern.source_flags, r.timeout is None, r.pattern.reparseable)
            for r in rules]
