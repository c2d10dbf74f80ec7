"""From unit features to keep/drop verdicts, in the context of the document.

1. Each unit (a line, or a hard-wrapped paragraph) gets log-odds of being
   article content from a logistic model over ``features.NAMES``.
2. Each unit is then judged in context by a second logistic model over
   ``CONTEXT_NAMES``: its own log-odds, those of its neighbours at three
   distances (jusText-style smoothing between good and bad neighbours), its
   place relative to the article's main run (the maximum-sum stretch of
   squashed, size-weighted log-odds, found at four levels of generosity), and
   how much of the document's content mass lies above and below it (the tail
   zone after the article has little below it).
   The weights may hold more than one context pass: each later pass sees the
   same features again computed from the previous pass's log-odds, so the
   neighbours it looks at have already been judged in context themselves
   (stacked sequential learning).
3. The context log-odds are smoothed once more by a two-state segmentation
   (Viterbi) where every switch between article and boilerplate costs
   ``switch``, and a unit stays when they are above the mode's threshold.

All weights and thresholds are data (``data/weights.json``), fitted by
``scripts/fit_weights.py``. A document of fewer than ``short_document`` units
gives too little context: there only units with very low own log-odds go,
so a document the cleaner is unsure about is left closer to whole.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from .blocks import Block, merged, paragraphs
from .features import DATA, NAMES, unit_features

_LOG_CHARS = NAMES.index("log_chars")
RUN_BIASES = (0.0, 1.0, 2.0, 3.0)
CONTEXT_NAMES: tuple[str, ...] = (
    "bias", "logit", "near1", "near3", "near10", "max_near2",
    "in_run_0", "in_run_1", "in_run_2", "in_run_3", "log_before_run", "log_after_run",
    "mass_above", "mass_below", "log_units", "positive_share",
)


def pass_names(k: int) -> tuple[str, ...]:
    """Feature names of context pass ``k`` (0-based): CONTEXT_NAMES, then for each
    earlier pass j the same features (bias aside) on its log-odds, as ``pass{j+2}.name``."""
    return CONTEXT_NAMES + tuple(f"pass{j + 2}.{n}" for j in range(k) for n in CONTEXT_NAMES[1:])


@dataclass(frozen=True)
class Weights:
    line: tuple[float, ...]
    context: tuple[tuple[float, ...], ...]   # one weight vector per context pass
    thresholds: dict[str, float]   # per mode, on the context log-odds
    switch: float                  # cost of a switch in the final segmentation
    short_document: int            # fewer units than this: only strong evidence counts
    short_floor: float             # ...namely own log-odds below this


def weights_from(data: dict) -> Weights:
    return Weights(tuple(data["line"][n] for n in NAMES),
                   tuple(tuple(p[n] for n in pass_names(k)) for k, p in enumerate(data["context"])),
                   dict(data["thresholds"]), float(data["switch"]),
                   int(data["short_document"]), float(data["short_floor"]))


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    path = DATA / "weights.json"
    return weights_from(json.loads(path.read_text("utf-8")))


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


def segment(scores: Sequence[float], switch: float) -> list[bool]:
    """Best content (True) / boilerplate labelling of log-odds when each switch costs ``switch``."""
    if not scores:
        return []
    v0, v1 = 0.0, scores[0]
    back: list[tuple[int, int]] = []
    for x in scores[1:]:
        from0 = (0, v0) if v0 >= v1 - switch else (1, v1 - switch)
        from1 = (1, v1) if v1 >= v0 - switch else (0, v0 - switch)
        back.append((from0[0], from1[0]))
        v0, v1 = from0[1], from1[1] + x
    state = 1 if v1 > v0 else 0
    states = [state]
    for b in reversed(back):
        state = b[state]
        states.append(state)
    return [s == 1 for s in reversed(states)]


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def context_features(logits: Sequence[float], sizes: Sequence[float]) -> list[list[float]]:
    """Stage-2 feature vectors (``CONTEXT_NAMES`` order), one per unit."""
    n = len(logits)
    runs = []
    for bias in RUN_BIASES:
        runs.append(main_run([math.tanh((z + bias) / 2) * s for z, s in zip(logits, sizes)]))
    mass = [max(0.0, math.tanh(z / 2)) * s for z, s in zip(logits, sizes)]
    total = sum(mass) or 1.0
    above = 0.0
    positive = sum(1 for z in logits if z > 0) / n if n else 0.0
    a1, b1 = runs[1]
    out = []
    for i, z in enumerate(logits):
        def near(r: int) -> float:
            return _mean([logits[j] for j in range(max(0, i - r), min(n, i + r + 1)) if j != i])
        near2 = [logits[j] for j in range(max(0, i - 2), min(n, i + 3)) if j != i]
        out.append([
            1.0, z, near(1), near(3), near(10), max(near2) if near2 else z,
            *(1.0 if a <= i <= b else 0.0 for a, b in runs),
            math.log1p(a1 - i) if i < a1 else 0.0,
            math.log1p(i - b1) if i > b1 else 0.0,
            above / total, (total - above - mass[i]) / total,
            math.log1p(n), positive,
        ])
        above += mass[i]
    return out


@dataclass(frozen=True)
class UnitScores:
    """What the heuristics computed for a document, shared by every mode."""
    units: list[list[Block]]
    features: list[list[float]]
    logits: list[float]            # stage 1: the unit alone
    context: list[float]           # stage 2: the unit in its document


def _dot(w: Sequence[float], x: Sequence[float]) -> float:
    return sum(a * b for a, b in zip(w, x))


def context_passes(logits: Sequence[float], sizes: Sequence[float],
                   passes: Sequence[Sequence[float]]) -> list[float]:
    """Context log-odds after every pass; pass k sees pass k-1's log-odds in context too."""
    feats = context_features(logits, sizes)
    scores = list(logits)
    for k, w in enumerate(passes):
        if k:
            feats = [f + g[1:] for f, g in zip(feats, context_features(scores, sizes))]
        scores = [_dot(w, f) for f in feats]
    return scores


def score_units(blocks: Sequence[Block], weights: Weights) -> UnitScores:
    units = paragraphs(list(blocks))
    feats = unit_features(blocks, [merged(u) for u in units])
    logits = [_dot(weights.line, f) for f in feats]
    sizes = [1 + f[_LOG_CHARS] for f in feats]
    return UnitScores(units, feats, logits, context_passes(logits, sizes, weights.context))


def keep_units(scores: UnitScores, weights: Weights, mode: str) -> list[bool]:
    """The keep/drop labelling of a document's units for a mode."""
    if len(scores.units) < weights.short_document:
        return [z >= weights.short_floor for z in scores.logits]
    t = weights.thresholds[mode]
    return segment([c - t for c in scores.context], weights.switch)


@dataclass(frozen=True, slots=True)
class Verdict:
    keep: bool
    reason: str          # named heuristic
    detail: str          # its values, for --explain (empty for kept lines)


def _evidence(weights: Weights, feats: Sequence[float], k: int = 3) -> str:
    """The unit features that pushed hardest towards boilerplate."""
    contrib = sorted((w * x, n) for w, x, n in zip(weights.line, feats, NAMES)
                     if n != "bias" and w * x < 0)
    return ", ".join(f"{n} {c:+.2f}" for c, n in contrib[:k])


def verdicts(blocks: Sequence[Block], weights: Weights, mode: str) -> dict[int, Verdict]:
    """A verdict for every non-blank line, by block index."""
    scores = score_units(blocks, weights)
    keeps = keep_units(scores, weights, mode)
    short = len(scores.units) < weights.short_document
    out: dict[int, Verdict] = {}
    for unit, keep, z, c, f in zip(scores.units, keeps, scores.logits, scores.context,
                                   scores.features):
        if keep:
            reason, detail = "", ""
        elif short:
            reason = "heuristic.boilerplate-line"
            detail = f"own log-odds {z:.2f} < {weights.short_floor} ({_evidence(weights, f)})"
        else:
            reason = "heuristic.boilerplate"
            detail = (f"in context log-odds {c:.2f} (threshold {weights.thresholds[mode]}), "
                      f"own {z:.2f} ({_evidence(weights, f)})")
        for blk in unit:
            out[blk.index] = Verdict(keep, reason, detail)
    return out
