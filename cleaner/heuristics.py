"""From unit features to keep/drop verdicts, in the context of the document.

1. Each unit (a line, or a hard-wrapped paragraph) gets log-odds of being
   article content: a logistic model over ``features.NAMES`` whose weights
   are data (``data/weights.json``, fitted by ``scripts/fit_weights.py``).
2. The article's main run is the stretch of units where content concentrates:
   the maximum-sum run of size-weighted, squashed log-odds (shifted by the
   mode's ``bias``). Inside it a unit stays unless its log-odds fall below the
   mode's ``inside`` threshold (strong evidence of boilerplate: a share bar
   between paragraphs); outside it a unit goes unless they rise above
   ``outside`` (strong evidence of content far from the article).
3. A short document gives too little context to find a run, so the whole of
   it is treated as the run: the cleaner is unsure, and leaves it closer to
   whole.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

from .blocks import Block, merged, paragraphs
from .features import NAMES, unit_features

_LOG_CHARS = NAMES.index("log_chars")


@dataclass(frozen=True)
class ModeParams:
    bias: float      # added to every unit's log-odds when finding the main run
    inside: float    # a unit in the run goes when its log-odds are below this
    outside: float   # a unit outside the run stays when its log-odds are above this


@dataclass(frozen=True)
class Weights:
    line: tuple[float, ...]
    modes: dict[str, ModeParams]
    short_document: int     # documents with fewer units are one run


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    data = json.loads((resources.files("cleaner") / "data" / "weights.json").read_text("utf-8"))
    return Weights(tuple(data["line"][n] for n in NAMES),
                   {m: ModeParams(**p) for m, p in data["modes"].items()},
                   int(data["short_document"]))


def main_run(margins: Sequence[float]) -> tuple[int, int]:
    """Indices [start, end] of the maximum-sum stretch of margins (Kadane)."""
    best, best_span = -math.inf, (0, -1)
    cur, start = 0.0, 0
    for i, m in enumerate(margins):
        if cur <= 0:
            cur, start = m, i
        else:
            cur += m
        if cur > best:
            best, best_span = cur, (start, i)
    return best_span


@dataclass(frozen=True)
class UnitScores:
    """Stage-1 results for a document, shared by every mode."""
    units: list[list[Block]]
    features: list[list[float]]
    logits: list[float]


def score_units(blocks: Sequence[Block], weights: Weights) -> UnitScores:
    units = paragraphs(list(blocks))
    feats = unit_features(blocks, [merged(u) for u in units])
    logits = [sum(w * x for w, x in zip(weights.line, f)) for f in feats]
    return UnitScores(units, feats, logits)


def run_of(scores: UnitScores, params: ModeParams, short_document: int) -> tuple[int, int]:
    n = len(scores.logits)
    if n < short_document:
        return 0, n - 1
    margins = [math.tanh((z + params.bias) / 2) * (1 + f[_LOG_CHARS])
               for z, f in zip(scores.logits, scores.features)]
    return main_run(margins)


@dataclass(frozen=True, slots=True)
class Verdict:
    keep: bool
    reason: str          # named heuristic
    detail: str          # its values, for --explain


def _evidence(weights: Weights, feats: Sequence[float], k: int = 3) -> str:
    """The features that pushed hardest towards boilerplate."""
    contrib = sorted(((w * x, n) for w, x, n in zip(weights.line, feats, NAMES)
                      if n != "bias" and w * x < 0))
    return ", ".join(f"{n}={x:+.2f}" for x, n in contrib[:k])


def verdicts(blocks: Sequence[Block], weights: Weights, mode: str) -> dict[int, Verdict]:
    """A verdict for every non-blank line, by block index."""
    params = weights.modes[mode]
    scores = score_units(blocks, weights)
    a, b = run_of(scores, params, weights.short_document)
    out: dict[int, Verdict] = {}
    for k, (unit, z, f) in enumerate(zip(scores.units, scores.logits, scores.features)):
        inside = a <= k <= b
        if inside:
            keep = z >= params.inside
            reason = "heuristic.boilerplate-in-article"
            detail = f"log-odds {z:.2f} < {params.inside} inside the main run ({_evidence(weights, f)})"
        else:
            keep = z > params.outside
            where = "before" if k < a else "after"
            reason = "heuristic.outside-article"
            detail = (f"{where} the main run (units {a + 1}-{b + 1} of {len(scores.units)}), "
                      f"log-odds {z:.2f} <= {params.outside}")
        for blk in unit:
            out[blk.index] = Verdict(keep, reason, detail)
    return out
