"""Rule patterns compiled on first use, and the time budget of user rules.

Compiling all ~230 shipped patterns takes ``re`` about 200 ms, more than the
rest of ``clean``'s start-up; with the literal prefilter (``prefilter``) a
short input needs only the few patterns whose literals it contains. So a rule
holds a ``LazyPattern``: its source text and flags, compiled by ``re`` or
``regex`` the first time it is matched. A shipped rule read from the snapshot
also holds ``re``'s program for its pattern (``programs``), from which the
pattern is made in microseconds instead of compiled.

User rules (``regex``, with timeouts) also carry a ``Budget``: the seconds the
pattern may spend matching over the whole life of the rule set (one Cleaner,
so one run), not per match. A per-match timeout alone let one bad pattern
take 0.9 s on each of thousands of lines. The budget grows with the text the
pattern is matched against, so a run over a whole corpus is not stopped by a
rule that costs a normal rule's time per megabyte: a fixed 10 s stopped a
literal-free rule after a few hundred MB.
"""
from __future__ import annotations

import re
import time
from typing import Any, Iterator

from .programs import Program
from .programs import load as load_program

# Seconds one user rule pattern may spend matching over a whole run: a fixed
# part, and a part per MB of text it is matched against. Literal-free patterns
# (`^\W*$`, `\b(\w+)\s+\1\b`) cost 0.06-0.16 s per MB of news lines in
# `regex`, the whole cleaner about 0.8 s; one that backtracks badly costs
# seconds per short line, and uses up either part long before a run ends.
RULE_BUDGET = 2.0
RULE_BUDGET_PER_MB = 1.0


class BudgetExceeded(TimeoutError):
    """A user rule's pattern used up its time for the run."""


class Budget:
    """Seconds left for one pattern: earned by the text it is given, spent by
    every match, reset by nothing."""

    __slots__ = ("total", "per_mb", "left", "chars")

    def __init__(self, total: float | None = None, per_mb: float | None = None) -> None:
        self.total = RULE_BUDGET if total is None else total
        self.per_mb = RULE_BUDGET_PER_MB if per_mb is None else per_mb
        self.left = self.total
        self.chars = 0      # text matched so far

    def timeout(self, per_match: float | None, chars: int) -> float:
        """The timeout for the next match, on ``chars`` characters of text:
        what is left with their share added, at most ``per_match``."""
        self.chars += chars
        self.left += chars * self.per_mb / 1e6
        if self.left <= 0:
            raise self.exceeded()
        return self.left if per_match is None else min(self.left, per_match)

    def spend(self, seconds: float) -> None:
        self.left -= seconds

    def exceeded(self) -> BudgetExceeded:
        return BudgetExceeded(f"used up its time budget ({self.total:g} s plus {self.per_mb:g} s "
                              f"per MB of text; {self.chars / 1e6:.1f} MB so far)")

    def __getstate__(self):
        return (self.total, self.per_mb, self.left, self.chars)

    def __setstate__(self, state) -> None:
        self.total, self.per_mb, self.left, self.chars = state


class LazyPattern:
    """A pattern compiled on first match; ``.pattern`` needs no compilation.

    ``engine`` is ``"re"`` or ``"regex"``. Attributes other than the ones
    defined here (``flags``, ``groupindex``...) come from the compiled pattern.
    """

    __slots__ = ("pattern", "source_flags", "engine", "reparseable", "budget", "program", "_compiled")

    def __init__(self, pattern: str, flags: int, engine: str, *, reparseable: bool = True,
                 budget: Budget | None = None) -> None:
        self.pattern = pattern
        self.source_flags = flags
        self.engine = engine
        self.reparseable = reparseable      # re's parser reads it as the engine does
        self.budget = budget
        self.program: Program | None = None  # re's compiled program (``programs``)
        self._compiled: Any = None

    @property
    def compiled(self) -> Any:
        c = self._compiled
        if c is None:
            c = self._compiled = self._compile()
        return c

    def _compile(self) -> Any:
        if self.program is not None:
            c = load_program(self.pattern, self.program)
            if c is not None:
                return c
        if self.engine == "re":
            return re.compile(self.pattern, self.source_flags)
        import regex  # only for user rules and regex-only syntax
        return regex.compile(self.pattern, self.source_flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)

    def __getstate__(self):
        # The compiled pattern is not sent along (workers make what they need);
        # its program is, and the snapshot stores it.
        return (self.pattern, self.source_flags, self.engine, self.reparseable, self.budget,
                self.program)

    def __setstate__(self, state) -> None:
        (self.pattern, self.source_flags, self.engine, self.reparseable, self.budget,
         self.program) = state
        self._compiled = None

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.source_flags}, {self.engine!r})"

    def search(self, text: str, timeout: float | None = None):
        if self.budget is None:
            return self.compiled.search(text)
        return self._timed(lambda t: self.compiled.search(text, timeout=t), timeout, len(text))

    def finditer(self, text: str, timeout: float | None = None) -> Iterator:
        if self.budget is None:
            return self.compiled.finditer(text)
        # Collected here, so the time of the whole iteration is what is charged.
        return iter(self._timed(lambda t: list(self.compiled.finditer(text, timeout=t)), timeout,
                                len(text)))

    def _timed(self, run, per_match: float | None, chars: int):
        budget = self.budget
        timeout = budget.timeout(per_match, chars)   # raises BudgetExceeded when nothing is left
        t0 = time.perf_counter()
        try:
            return run(timeout)
        except TimeoutError:
            if per_match is None or timeout < per_match:   # the run's budget ran out, not the match's
                raise budget.exceeded() from None
            raise
        finally:
            budget.spend(time.perf_counter() - t0)
