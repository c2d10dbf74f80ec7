"""Rule patterns compiled on first use, and the time budget of user rules.

Compiling all ~130 shipped patterns takes ``re`` about 150 ms, more than the
rest of ``clean``'s start-up; with the literal prefilter (``prefilter``) a
short input needs only the few patterns whose literals it contains. So a rule
holds a ``LazyPattern``: its source text and flags, compiled by ``re`` or
``regex`` the first time it is matched. No compiled program is kept on disk.

``compile_re`` is ``re.compile`` with each character class's table made
once per process (see there).

User rules (``regex``, with timeouts) also carry a ``Budget``: the seconds the
pattern may spend matching over the whole life of the rule set (one Cleaner,
so one run), not per match. A per-match timeout alone let one bad pattern
take 0.9 s on each of thousands of lines.
"""
from __future__ import annotations

import re
import time
from typing import Any, Iterator

# Seconds one user rule pattern may spend matching over a whole run.
RULE_BUDGET = 10.0

# re's compiler makes a table of every character class (_optimize_charset). A
# class with a character past U+00FF in more than two runs ([\w'’-], the quote
# marks, {{bullet}}'s glyphs) costs it ~0.2 ms, the ranges of {{bullet}} more;
# the shipped patterns hold a few such classes again and again, so compiling
# the patterns one document needs spent a third of its time remaking them. The
# table depends on the class and the case flags alone: while compile_re runs,
# re's function is wrapped to make each table once per process. What re
# compiles is the same, code for code (tests/test_rules.py checks the shipped
# patterns). re._compiler is private: without that function, nothing is wrapped.
try:
    from re import _compiler as _re_compiler
    _OPTIMIZE_CHARSET = _re_compiler._optimize_charset
except (ImportError, AttributeError):   # pragma: no cover - another interpreter
    _re_compiler = _OPTIMIZE_CHARSET = None
_CHARSETS: dict = {}
_CHARSETS_LIMIT = 2048      # tables kept, at most (a run's patterns hold a few hundred)


def _charset_once(charset, iscased=None, fixup=None, fixes=None):
    try:
        key = (tuple(charset), iscased, fixup, None if fixes is None else id(fixes))
        made = _CHARSETS.get(key)
    except TypeError:       # an item that cannot be a key: not kept
        return _OPTIMIZE_CHARSET(charset, iscased, fixup, fixes)
    if made is None:
        made = _OPTIMIZE_CHARSET(charset, iscased, fixup, fixes)
        if len(_CHARSETS) < _CHARSETS_LIMIT:
            _CHARSETS[key] = made
    out, hascased = made
    return list(out), hascased      # a list of its own to each caller, as re makes one


def compile_re(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, with the character classes' tables made once
    per process. Only the compiles made here use them: re is left as it was."""
    if _OPTIMIZE_CHARSET is None:   # pragma: no cover
        return re.compile(pattern, flags)
    _re_compiler._optimize_charset = _charset_once
    try:
        return re.compile(pattern, flags)
    finally:
        _re_compiler._optimize_charset = _OPTIMIZE_CHARSET


class BudgetExceeded(TimeoutError):
    """A user rule's pattern used up its time for the run."""


class Budget:
    """Seconds left for one pattern; spent by every match, reset by nothing."""

    __slots__ = ("total", "left")

    def __init__(self, total: float | None = None) -> None:
        self.total = RULE_BUDGET if total is None else total
        self.left = self.total

    def timeout(self, per_match: float | None) -> float:
        """The timeout for the next match: what is left, at most ``per_match``."""
        if self.left <= 0:
            raise BudgetExceeded(f"used up its time budget of {self.total:g} s")
        return self.left if per_match is None else min(self.left, per_match)

    def spend(self, seconds: float) -> None:
        self.left -= seconds

    def __getstate__(self):
        return (self.total, self.left)

    def __setstate__(self, state) -> None:
        self.total, self.left = state


class LazyPattern:
    """A pattern compiled on first match; ``.pattern`` needs no compilation.

    ``engine`` is ``"re"`` or ``"regex"``. Attributes other than the ones
    defined here (``flags``, ``groupindex``...) come from the compiled pattern.
    """

    __slots__ = ("pattern", "source_flags", "engine", "reparseable", "budget", "_compiled")

    def __init__(self, pattern: str, flags: int, engine: str, *, reparseable: bool = True,
                 budget: Budget | None = None) -> None:
        self.pattern = pattern
        self.source_flags = flags
        self.engine = engine
        self.reparseable = reparseable      # re's parser reads it as the engine does
        self.budget = budget
        self._compiled: Any = None

    @property
    def compiled(self) -> Any:
        c = self._compiled
        if c is None:
            if self.engine == "re":
                c = compile_re(self.pattern, self.source_flags)
            else:
                import regex  # only for user rules and regex-only syntax
                c = regex.compile(self.pattern, self.source_flags)
            self._compiled = c
        return c

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)

    def __getstate__(self):
        # Workers compile what they need; a compiled program is not sent along.
        return (self.pattern, self.source_flags, self.engine, self.reparseable, self.budget)

    def __setstate__(self, state) -> None:
        (self.pattern, self.source_flags, self.engine, self.reparseable, self.budget) = state
        self._compiled = None

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.source_flags}, {self.engine!r})"

    def search(self, text: str, timeout: float | None = None):
        if self.budget is None:
            return self.compiled.search(text)
        return self._timed(lambda t: self.compiled.search(text, timeout=t), timeout)

    def finditer(self, text: str, timeout: float | None = None) -> Iterator:
        if self.budget is None:
            return self.compiled.finditer(text)
        # Collected here, so the time of the whole iteration is what is charged.
        return iter(self._timed(lambda t: list(self.compiled.finditer(text, timeout=t)), timeout))

    def _timed(self, run, per_match: float | None):
        budget = self.budget
        timeout = budget.timeout(per_match)     # raises BudgetExceeded when nothing is left
        t0 = time.perf_counter()
        try:
            return run(timeout)
        except TimeoutError:
            if per_match is None or timeout < per_match:   # the run's budget ran out, not the match's
                raise BudgetExceeded(f"used up its time budget of {budget.total:g} s") from None
            raise
        finally:
            budget.spend(time.perf_counter() - t0)
