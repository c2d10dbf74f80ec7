"""The library API: a Cleaner built once, used for any number of documents."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from . import writer
from .blocks import split_lines
from .decide import Decision, decide
from .errors import CleanerError
from .reader import Document, read_bytes
from .rules import RuleSet, load_rules
from .signals import rule_hits, tail_start_by_words

if TYPE_CHECKING:  # imported where used: one document never needs it (start-up time)
    from .repetition import CommonLines

MODES = ("careful", "balanced", "thorough")
MAX_PASSES = 10   # a safety bound: documents settle in two or three passes
# Distinct lines whose rule matches a Cleaner remembers (a few hundred bytes each).
MATCH_CACHE_LINES = 50_000


@dataclass(frozen=True)
class CleanResult:
    """Everything the cleaner decided about one document."""
    name: str
    original: str
    decisions: list[Decision]

    @property
    def text(self) -> str:
        return writer.render(self.decisions)

    @property
    def removed(self) -> list[Decision]:
        """Lines removed or trimmed, each with its reason."""
        return [d for d in self.decisions if d.reason is not None and not d.block.blank]

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def explain(self) -> list[str]:
        return writer.explain(self.decisions, self.name)

    def diff(self) -> str:
        return writer.unified_diff(self.original, self.text, self.name)

    def to_json(self) -> str:
        return writer.json_report(self.decisions, self.name)


class Cleaner:
    """Strips boilerplate from scraped text. Rules are compiled once, here.

    ``rules``: extra rule files or folders; ``disable``: rule ids or pack names
    to turn off; ``builtin``: load the shipped packs. A Cleaner holds no global
    state and pickles, so one object serves a pipe, a process pool or a
    distributed map.
    """

    def __init__(self, rules: Iterable[str | Path] = (), disable: Iterable[str] = (),
                 *, builtin: bool = True, ruleset: RuleSet | None = None,
                 mode: str = "balanced", heuristics: bool = True):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r} (expected one of {', '.join(MODES)})")
        self.mode = mode
        self.heuristics = heuristics
        self.disabled = tuple(disable)
        base = ruleset if ruleset is not None else load_rules(rules, builtin=builtin)
        self.rules = base.without(self.disabled)
        # Line text -> rule matches, shared by every look at every document:
        # menus, footers and share bars recur across the pages of a site.
        self._matches: dict = {}

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_matches"] = {}   # a cache, not worth pickling to workers
        return state

    def analyze(self, text: str, name: str = "<text>", *,
                common: CommonLines | None = None) -> CleanResult:
        """Clean ``text`` and return every decision with its reason.

        ``common``: lines seen across many documents of the same run (see
        ``repetition``); such lines count as boilerplate evidence.
        """
        try:
            return self._analyze(text, name, common)
        except CleanerError as e:   # name the input: with many files, which one failed?
            raise CleanerError(f"{name}: {e}") from None

    def _analyze(self, text: str, name: str, common: CommonLines | None) -> CleanResult:
        cache = self._matches
        if len(cache) > MATCH_CACHE_LINES:   # bounded memory over a long run
            cache.clear()
        decisions = self._decide(text, common, cache)
        # Removing boilerplate changes the context the rest is judged in (the
        # tail zone, the main run), so a second look can find more. Look again
        # until nothing changes: then cleaning the output changes nothing.
        for _ in range(MAX_PASSES - 1):
            if all(d.reason is None for d in decisions):
                break   # nothing removed: a second look would see the same text
            kept = [d for d in decisions if d.kept and not d.block.blank]
            again = [d for d in self._decide(writer.render(decisions), common, cache)
                     if not d.block.blank]
            if len(again) != len(kept):   # cannot happen: render emits exactly the kept lines
                break
            dropped = {k.block.index: Decision(k.block, False, d.reason, d.detail)
                       for k, d in zip(kept, again) if not d.kept}
            if not dropped:
                break
            decisions = [dropped.get(d.block.index, d) for d in decisions]
        return CleanResult(name, text, decisions)

    def _decide(self, text: str, common: CommonLines | None, cache: dict) -> list[Decision]:
        blocks = split_lines(text)
        hits = rule_hits(blocks, self.rules, tail_start_by_words(blocks), cache)
        if not self.heuristics:
            return decide(blocks, hits)
        from .heuristics import default_weights, verdicts  # data loads on first use

        return decide(blocks, hits, verdicts(blocks, default_weights(), self.mode), common)

    def clean(self, text: str, *, common: CommonLines | None = None) -> str:
        """The cleaned text: kept lines as written, boilerplate removed."""
        return self.analyze(text, common=common).text

    def clean_many(self, texts: Iterable[str]) -> list[str]:
        """Clean several documents of one run, using lines they share as evidence."""
        texts = list(texts)
        from .repetition import CommonLines

        common = CommonLines.from_texts(texts)
        return [self.clean(t, common=common) for t in texts]

    def analyze_bytes(self, data: bytes, name: str = "<stdin>", *, encoding: str = "utf-8",
                      format: str = "auto", common: CommonLines | None = None) -> CleanResult:
        """Decode (and for HTML, extract) ``data``, then analyze it."""
        doc: Document = read_bytes(data, name, encoding=encoding, format=format)
        return self.analyze(doc.text, name, common=common)
