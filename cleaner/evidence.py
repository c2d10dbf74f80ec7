"""The evidence table of one document: everything ``decide`` needs, computed once.

For every line: the rule hits (with rule ids) and whether the line recurs
across the documents of the run. For every unit (``units``): its features
(``features``), the model's log-odds alone and in context (``model``), and how
much article prose it holds. Data flows one way: this module reads the text and
the rules and computes; ``decide`` only decides.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np

from . import units as units_mod
from .blocks import Block
from .features import DocView
from .signals import Hit, rule_hits

if TYPE_CHECKING:
    from .model import Model, Scores
    from .repetition import CommonLines
    from .rules import RuleSet

# A unit is article prose when it is long, ends like a sentence and reads like
# running text (enough stop words, in languages that have a list).
PROSE_MIN_WORDS = 12
PROSE_MIN_STOP_DENSITY = 0.15
# The tail zone, where "Read more" cuts the rest, starts once this share of the
# document's prose lies above.
TAIL_SHARE = 0.5


@dataclass
class Evidence:
    blocks: list[Block]
    units: units_mod.Units
    view: DocView
    hits: list[list[Hit]]              # per line, in rule order
    repeated: np.ndarray | None        # per line: recurs across the run's documents
    prose: np.ndarray                  # per unit: its words if it is article prose, else 0
    scores: "Scores | None"            # the model's, when heuristics are on
    tail_start: int                    # first line of the tail zone


def prose_words(view: DocView) -> np.ndarray:
    """Words of each unit that reads as article prose (0 for the others)."""
    if not view.n:
        return np.zeros(0)
    words = view.n_words
    has_stoplist = bool(view.n_stop.any())
    density_ok = (view.n_stop / np.maximum(words, 1) >= PROSE_MIN_STOP_DENSITY) if has_stoplist \
        else np.ones(view.n, dtype=bool)
    prose = (words >= PROSE_MIN_WORDS) & (view.terminal > 0) & density_ok & (view.code_line == 0)
    return np.where(prose, words, 0.0)


def tail_start(view: DocView, prose: np.ndarray, share: float = TAIL_SHARE) -> int:
    """First line after which ``share`` of the document's prose (or, without prose, its words) lies.

    Measured on prose, the tail zone does not move when boilerplate is removed,
    so cleaning the cleaned text finds the same zone.
    """
    mass = prose if prose.sum() > 0 else view.n_words
    total = float(mass.sum())
    if not view.n or total <= 0:
        return 0
    reached = np.flatnonzero(np.cumsum(mass) >= share * total)
    unit = int(reached[0]) if len(reached) else view.n - 1
    return int(view.last_line[unit]) + 1


def gather(blocks: list[Block], rules: "RuleSet", model: "Model | None",
           common: "CommonLines | None" = None, match_cache: dict | None = None,
           language: str | None = None) -> Evidence:
    """The evidence table of a document split into ``blocks``."""
    grouped = units_mod.group(blocks)
    view = DocView(blocks, grouped.of_line, grouped.count, language=language)
    prose = prose_words(view)
    start = tail_start(view, prose)
    hits = rule_hits(blocks, rules, start, match_cache)
    repeated = _repeated(blocks, common) if common else None
    scores = model.score(view) if model is not None else None
    return Evidence(blocks, grouped, view, hits, repeated, prose, scores, start)


def _repeated(blocks: Sequence[Block], common: "CommonLines") -> np.ndarray:
    return np.fromiter((not b.blank and b.text in common for b in blocks), dtype=bool,
                       count=len(blocks))
