"""Fit the heuristic weights (cleaner/data/weights.json) on the dev corpus.

    pip install -e '.[fit]'
    python scripts/fit_weights.py [--folds 5] [--out cleaner/data/weights.json]

Stage 1 is a logistic regression with an L2 penalty, fitted by Newton's
method, on the unit features (cleaner.features.NAMES). Every document weighs
the same; inside a document a unit weighs by its length, as the scorer counts
shingles. Stage 2 has three numbers per mode (cleaner.heuristics.ModeParams),
chosen on a small grid from the stage-1 log-odds predicted OUT OF FOLD (cases
split by id, so no page is in both the fitting and the checking part): the
figures printed for each mode are therefore an estimate of behaviour on pages
the weights were not fitted on. The modes are chosen as:

  careful   most boilerplate removed while keeping >= 99.7% of article lines
  balanced  best token F1 while keeping >= 99.0% of article lines
  thorough  best token F1, whatever it costs in article lines
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from cleaner.blocks import split_lines  # noqa: E402
from cleaner.features import NAMES  # noqa: E402
from cleaner.heuristics import ModeParams, UnitScores, Weights, run_of, score_units  # noqa: E402
import dataset  # noqa: E402

GRID_BIAS = (-1.0, 0.0, 0.5, 1.0, 1.5, 2.0)
GRID_INSIDE = (-2.0, -3.0, -4.0, -5.0, -7.0)
GRID_OUTSIDE = (1.0, 2.0, 3.0, 5.0)
SHORT_DOCUMENT = 6


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1.0,
                 iters: int = 30) -> np.ndarray:
    beta = np.zeros(X.shape[1])
    reg = l2 * np.eye(X.shape[1])
    reg[0, 0] = 0.0   # no penalty on the bias
    for _ in range(iters):
        z = np.clip(X @ beta, -30, 30)
        p = 1 / (1 + np.exp(-z))
        g = X.T @ (w * (p - y)) + reg @ beta
        H = (X * (w * p * (1 - p))[:, None]).T @ X + reg
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta


def doc_rows(doc: dataset.Doc, weights: Weights):
    """Units of a document with their features, labels and sizes."""
    blocks = split_lines(doc.text)
    sc = score_units(blocks, weights)
    labels, sizes, words = [], [], []
    for unit in sc.units:
        ls = [doc.labels[b.index] for b in unit if b.index in doc.labels]
        labels.append(-1 if not ls else int(sum(ls) * 2 >= len(ls)))
        nw = [len(b.words()) for b in unit]
        words.append(sum(nw))
        sizes.append(len(unit))
    return sc, np.array(sc.features), np.array(labels), words


def unit_weights(labels: np.ndarray, words: list[int]) -> np.ndarray:
    w = np.array([1 + math.log1p(n) for n in words], dtype=float)
    w[labels < 0] = 0
    total = w.sum()
    return w / total if total else w


def evaluate(docs_rows, logits_of, params: ModeParams):
    """Pooled article-line kept share, boilerplate-line removed share, macro token F1."""
    ck = cn = bk = bn = 0
    f1s = []
    for k, (sc, X, labels, words) in docs_rows.items():
        if not len(labels):
            continue
        s2 = UnitScores(sc.units, sc.features, list(logits_of[k]))
        a, b = run_of(s2, params, SHORT_DOCUMENT)
        tp = fp = fn = 0
        for i, (z, lab, nw) in enumerate(zip(s2.logits, labels, words)):
            keep = z >= params.inside if a <= i <= b else z > params.outside
            if lab < 0:
                continue
            nlines = len(sc.units[i])
            if lab == 1:
                cn += nlines; ck += nlines * keep
                tp += nw * keep; fn += nw * (not keep)
            else:
                bn += nlines; bk += nlines * keep
                fp += nw * keep
        if tp + fn:
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn)
            f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return ck / max(cn, 1), 1 - bk / max(bn, 1), sum(f1s) / max(len(f1s), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=0.01)
    ap.add_argument("--out", default=str(ROOT / "cleaner" / "data" / "weights.json"))
    a = ap.parse_args()

    docs = dataset.load()
    zero = Weights(tuple(0.0 for _ in NAMES), {}, SHORT_DOCUMENT)
    rows = {k: doc_rows(d, zero) for k, d in enumerate(docs)}
    cases = sorted({d.case for d in docs})
    fold_of = {c: i % a.folds for i, c in enumerate(cases)}

    def stack(keys):
        Xs, ys, ws = [], [], []
        for k in keys:
            sc, X, labels, words = rows[k]
            if not len(labels):
                continue
            Xs.append(X)
            ys.append(np.maximum(labels, 0))
            ws.append(unit_weights(labels, words))
        return np.vstack(Xs), np.concatenate(ys), np.concatenate(ws)

    oof: dict[int, np.ndarray] = {}
    for f in range(a.folds):
        beta = fit_logistic(*stack([k for k, d in enumerate(docs) if fold_of[d.case] != f]), a.l2)
        for k, d in enumerate(docs):
            if fold_of[d.case] == f and len(rows[k][2]):
                oof[k] = rows[k][1] @ beta
    line_beta = fit_logistic(*stack(range(len(docs))), a.l2)

    table = []
    for bias, inside, outside in itertools.product(GRID_BIAS, GRID_INSIDE, GRID_OUTSIDE):
        p = ModeParams(bias, inside, outside)
        table.append((p, *evaluate({k: rows[k] for k in oof}, oof, p)))

    def best(min_kept, key):
        ok = [t for t in table if t[1] >= min_kept] or table
        return max(ok, key=key)

    chosen = {
        "careful": best(0.997, key=lambda t: (t[2], t[3])),
        "balanced": best(0.99, key=lambda t: t[3]),
        "thorough": best(0.0, key=lambda t: t[3]),
    }
    print("out-of-fold estimate (article lines kept / boilerplate lines removed / token F1):")
    for m, (p, kept, removed, f1) in chosen.items():
        print(f"  {m:9s} bias={p.bias:+.1f} inside={p.inside:+.1f} outside={p.outside:+.1f}"
              f"  kept {100 * kept:.2f}%  removed {100 * removed:.1f}%  F1 {f1:.3f}")

    out = {
        "_comment": "Fitted by scripts/fit_weights.py on the dev corpus; see docs/heuristics.md.",
        "line": {n: round(float(v), 4) for n, v in zip(NAMES, line_beta)},
        "modes": {m: {"bias": p.bias, "inside": p.inside, "outside": p.outside}
                  for m, (p, *_r) in chosen.items()},
        "short_document": SHORT_DOCUMENT,
    }
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
