"""The scorer: from a document's feature table to article log-odds per unit, as data.

1. **Own log-odds**: a logistic model over the unit features of
   ``features.FEATURES``, weights looked up by name.
2. **In context**, in one or more passes: a logistic model over context
   features computed from the previous stage's log-odds — the neighbours'
   log-odds at three distances (jusText-style smoothing, learned), the best
   neighbour within two, the article's main run (the maximum-sum stretch of
   squashed, size-weighted log-odds at four levels of generosity) and the
   content mass above and below. Each later pass sees the same features
   again, computed from the previous pass (stacked sequential learning).
3. **Segmentation**: the context log-odds minus the mode's threshold go
   through a two-state Viterbi in which every switch between article and
   boilerplate costs ``switch``; a unit stays when its segment is article.

Everything is vectorised over the document except the Viterbi recursion.
A ``Model`` is built from a weights mapping (``data/weights.json`` by default,
or any file or dict a user or ``scripts/fit_weights.py`` passes): a weight
whose feature does not exist is a load error naming it; a feature without a
weight counts 0. A mapping may name the lexicon its ``lexicon`` weight was
fitted with (``"lexicon": "file.json"``, beside the weights file); without
one, the shipped lexicon.
"""
from __future__ import annotations

import json
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Mapping, NamedTuple

import numpy as np

from .errors import CleanerError
from .features import DATA, FEATURES, DocView, read_lexicon, unit_table, window_mean
from .names import MODES

RUN_BIASES = (0.0, 1.0, 2.0, 3.0)
CONTEXT_NAMES: tuple[str, ...] = (
    "bias", "logit", "near1", "near3", "near10", "max_near2",
    "in_run_0", "in_run_1", "in_run_2", "in_run_3", "log_before_run", "log_after_run",
    "mass_above", "mass_below",
)
_COLUMN = {name: j for j, name in enumerate(CONTEXT_NAMES)}


class WeightsError(CleanerError):
    """A weights file that does not fit the feature registry."""


def pass_names(k: int) -> tuple[str, ...]:
    """Names of context pass ``k`` (0-based): CONTEXT_NAMES, then for each earlier
    pass j the same features (bias aside) on its log-odds, as ``pass{j+2}.name``."""
    return CONTEXT_NAMES + tuple(f"pass{j + 2}.{n}" for j in range(k) for n in CONTEXT_NAMES[1:])


def main_run(values: np.ndarray) -> tuple[int, int]:
    """Indices [start, end] of the maximum-sum stretch of ``values`` (end < start if empty)."""
    if not len(values):
        return 0, -1
    starts, ends = main_runs(values[None, :])
    return int(starts[0]), int(ends[0])


def main_runs(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``main_run`` of each row of ``rows`` (at least one column): the starts and the ends.

    The rows of a document (one per bias) are searched together: a few numpy
    calls for all of them, where on a page of a few hundred units each call
    costs more than its work.
    """
    k, n = rows.shape
    prefix = np.zeros((k, n + 1))
    np.cumsum(rows, axis=1, out=prefix[:, 1:])
    lowest = np.minimum.accumulate(prefix[:, :-1], axis=1)
    ends = np.argmax(prefix[:, 1:] - lowest, axis=1)
    # The lowest prefix up to each row's end (past it: never the lowest).
    starts = np.argmin(np.where(np.arange(n + 1) <= ends[:, None], prefix, np.inf), axis=1)
    return starts, ends


def _max_near(z: np.ndarray, r: int) -> np.ndarray:
    """The best value within ``r`` of each unit, itself left out (its own value if none)."""
    n = len(z)
    best = np.full(n, -np.inf)
    for k in range(1, r + 1):
        if k < n:
            best[k:] = np.maximum(best[k:], z[:-k])
            best[:-k] = np.maximum(best[:-k], z[k:])
    return np.where(np.isfinite(best), best, z)


def context_features(z: np.ndarray, sizes: np.ndarray,
                     skip: frozenset[str] = frozenset()) -> np.ndarray:
    """Context features (``CONTEXT_NAMES`` order) of every unit, from log-odds ``z``.

    The columns named in ``skip`` are left 0 and not computed: a model
    whose weights for them are all 0 never reads them (``Model``).
    """
    n = len(z)
    out = np.zeros((n, len(CONTEXT_NAMES)))
    if not n:
        return out
    col = _COLUMN

    def wanted(*names: str) -> bool:
        return any(name not in skip for name in names)

    i = np.arange(n)
    out[:, col["bias"]] = 1.0
    out[:, col["logit"]] = z
    for name, r in (("near1", 1), ("near3", 3), ("near10", 10)):
        if wanted(name):
            out[:, col[name]] = window_mean(z, r)
    if wanted("max_near2"):
        out[:, col["max_near2"]] = _max_near(z, 2)
    # The main run at each wanted bias, found for all of them at once; the
    # run at bias 1 also places the units before and after it.
    runs = [k for k in range(len(RUN_BIASES))
            if wanted(f"in_run_{k}", *(("log_before_run", "log_after_run") if k == 1 else ()))]
    if runs:
        biases = np.array([RUN_BIASES[k] for k in runs])
        starts, ends = main_runs(np.tanh((z + biases[:, None]) / 2) * sizes)
        inside = (starts[:, None] <= i) & (i <= ends[:, None])
        out[:, [col[f"in_run_{k}"] for k in runs]] = inside.T
        if 1 in runs:
            a, e = int(starts[runs.index(1)]), int(ends[runs.index(1)])
            out[:, col["log_before_run"]] = np.where(i < a, np.log1p(np.maximum(a - i, 0)), 0.0)
            out[:, col["log_after_run"]] = np.where(i > e, np.log1p(np.maximum(i - e, 0)), 0.0)
    mass = np.maximum(0.0, np.tanh(z / 2)) * sizes
    total = mass.sum() or 1.0
    above = np.cumsum(mass) - mass
    out[:, col["mass_above"]] = above / total
    out[:, col["mass_below"]] = (total - above - mass) / total
    return out


def segment(scores: np.ndarray, switch: float) -> np.ndarray:
    """Best article (True) / boilerplate labelling of ``scores`` when each switch costs ``switch``."""
    n = len(scores)
    if not n:
        return np.zeros(0, dtype=bool)
    xs = scores.tolist()
    v0, v1 = 0.0, xs[0]
    back0 = bytearray(n)   # 1 where state 0 at step k came from state 1
    back1 = bytearray(n)   # 1 where state 1 at step k came from state 1
    for k in range(1, n):
        move0, move1 = v1 - switch, v0 - switch
        if v0 >= move0:
            n0 = v0
        else:
            n0, back0[k] = move0, 1
        if v1 >= move1:
            n1, back1[k] = v1, 1
        else:
            n1 = move1
        v0, v1 = n0, n1 + xs[k]
    state = 1 if v1 > v0 else 0
    out = np.zeros(n, dtype=bool)
    for k in range(n - 1, -1, -1):
        out[k] = state == 1
        state = (back1 if state else back0)[k]
    return out


def _unread_context(weights: list[np.ndarray]) -> list[frozenset[str]]:
    """For each context pass k, the context features of pass k's input log-odds
    that no pass from k on weighs: ``context_features`` need not compute them.

    Pass 0 reads the features of the units' own log-odds (``CONTEXT_NAMES``,
    the first columns of every pass); pass k > 0 adds those of pass k-1's
    log-odds, bias aside (``pass_names``), which every later pass reads too.
    A column left 0 instead of its value changes no score: its products
    with weight 0 are 0 either way, summed in the same order.
    """
    size = len(CONTEXT_NAMES)
    out = []
    for k in range(len(weights)):
        first = 0 if k == 0 else size + (k - 1) * (size - 1) - 1   # column of CONTEXT_NAMES[0]
        out.append(frozenset(name for j, name in enumerate(CONTEXT_NAMES)
                             if (k and not j) or all(w[first + j] == 0.0 for w in weights[k:])))
    return out


# A NamedTuple, not a dataclass: its class is made at start-up (see blocks.Block).
class Scores(NamedTuple):
    """What the model computed for one document's units."""
    own: np.ndarray           # stage 1: the unit alone
    context: np.ndarray       # the last context pass: the unit in its document
    features: np.ndarray      # the unit features, in ``Model.line_names`` order


class Model:
    """A fitted model: weights by feature name, context passes, thresholds per mode."""

    def __init__(self, data: Mapping[str, Any], source: str = "<weights>",
                 folder: Path | None = None):
        """``folder``: where a lexicon the weights name is found (the weights
        file's own folder; the working folder for a mapping)."""
        self.source = source
        lexicon = data.get("lexicon") if isinstance(data, Mapping) else None
        if lexicon is not None:
            if not isinstance(lexicon, str):
                raise WeightsError(f"{source}: 'lexicon' must name a file, not {lexicon!r}")
            path = (folder or Path()) / lexicon
            if not path.is_file():
                raise WeightsError(f"{source}: no lexicon file {str(path)!r}")
            self._lexicon_file: Path | None = path
        else:
            self._lexicon_file = None
        try:
            line = dict(data["line"])
            context = [dict(p) for p in data["context"]]
            self.thresholds = {m: float(t) for m, t in dict(data["thresholds"]).items()}
            self.switch = float(data["switch"])
            self.short_document = int(data["short_document"])
            self.short_floor = float(data["short_floor"])
        except (KeyError, TypeError, ValueError) as e:
            raise WeightsError(f"{source}: not a weights file ({type(e).__name__}: {e})") from None
        unknown = sorted(set(line) - set(FEATURES))
        if unknown:
            raise WeightsError(f"{source}: weight for unknown feature {unknown[0]!r}")
        missing = [m for m in MODES if m not in self.thresholds]
        if missing:
            raise WeightsError(f"{source}: no threshold for mode {missing[0]!r}")
        self.line_names = tuple(n for n in FEATURES if n in line)
        self.line_w = np.array([float(line[n]) for n in self.line_names])
        self.context_w = []
        for k, p in enumerate(context):
            names = pass_names(k)
            extra = sorted(set(p) - set(names))
            if extra:
                raise WeightsError(f"{source}: context pass {k + 1}: unknown feature {extra[0]!r}")
            self.context_w.append(np.array([float(p.get(n, 0.0)) for n in names]))
        self._context_skip = _unread_context(self.context_w)

    @classmethod
    def from_file(cls, path: str | Path) -> "Model":
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise WeightsError(f"{path}: cannot read weights: {e}") from None
        return cls(data, str(path), Path(path).parent)

    @cached_property
    def lexicon(self) -> dict[str, float] | None:
        """The lexicon the weights name, read on first use; None: the shipped one."""
        if self._lexicon_file is None:
            return None
        try:
            return read_lexicon(self._lexicon_file)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, AttributeError) as e:
            raise WeightsError(f"{self._lexicon_file}: not a lexicon file "
                               f"({type(e).__name__}: {e})") from None

    def own_scores(self, features: np.ndarray) -> np.ndarray:
        return features @ self.line_w if len(features) else np.zeros(0)

    def context_scores(self, own: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        """Log-odds after every context pass; pass k sees pass k-1's log-odds in context too."""
        feats = context_features(own, sizes, self._context_skip[0])
        scores = own
        for k, w in enumerate(self.context_w):
            if k:
                feats = np.hstack([feats, context_features(scores, sizes, self._context_skip[k])[:, 1:]])
            scores = feats @ w
        return scores

    def score(self, view: DocView) -> Scores:
        feats = unit_table(view, self.line_names)
        own = self.own_scores(feats)
        sizes = 1 + np.log1p(view.char_counts["chars"] / 6)
        return Scores(own, self.context_scores(own, sizes), feats)

    def feature(self, scores: Scores, view: DocView, name: str) -> np.ndarray:
        """One feature's values for a document's units (a guard's evidence): the
        column of the table the model scored, or, for a feature the weights
        leave out, computed."""
        if name in self.line_names:
            return scores.features[:, self.line_names.index(name)]
        return FEATURES[name](view)

    def keep(self, scores: Scores, mode: str) -> np.ndarray:
        """The keep (True) / drop labelling of a document's units for a mode."""
        if len(scores.own) < self.short_document:
            return scores.own >= self.short_floor
        return segment(scores.context - self.thresholds[mode], self.switch)

    def evidence(self, scores: Scores, units: np.ndarray, k: int = 3) -> list[str]:
        """For each of ``units``, the features that pushed hardest towards boilerplate (--explain)."""
        if not len(units):
            return []
        contrib = scores.features[units] * self.line_w
        contrib[:, [j for j, n in enumerate(self.line_names) if n == "bias"]] = 0.0
        top = np.argsort(contrib, axis=1)[:, :k]
        values = np.take_along_axis(contrib, top, axis=1)
        names = self.line_names
        # Python floats format as numpy's do, and read faster from lists.
        return [", ".join(f"{names[j]} {v:+.2f}" for j, v in zip(idx, row) if v < 0)
                for idx, row in zip(top.tolist(), values.tolist())]


@lru_cache(maxsize=1)
def default_model() -> Model:
    return Model.from_file(DATA / "weights.json")


def load_model(weights: "str | Path | Mapping[str, Any] | Model | None") -> Model:
    """A Model from a file, a mapping, a Model, or None (the shipped weights)."""
    if weights is None:
        return default_model()
    if isinstance(weights, Model):
        return weights
    if isinstance(weights, Mapping):
        return Model(weights)
    return Model.from_file(weights)
