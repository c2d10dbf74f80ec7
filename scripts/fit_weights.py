"""Fit the heuristic weights (cleaner/data/weights.json) on the dev corpus.

    pip install -e '.[fit]'
    python scripts/fit_weights.py [--folds 5] [--out cleaner/data/weights.json]

Two logistic regressions with an L2 penalty, fitted by Newton's method:
stage 1 on the unit features (cleaner.features.NAMES), stage 2 on the
context features (cleaner.heuristics.CONTEXT_NAMES) computed from stage-1
log-odds predicted OUT OF FOLD, so stage 2 learns how far to trust stage 1
on pages it was not fitted on. Every document weighs the same; inside a
document a unit weighs by its length, as the scorer counts shingles.

Stage 2 may run in more than one pass (CONTEXT_PASSES): each later pass is
fitted on the same context features again, computed from the previous pass's
out-of-fold log-odds, so it sees neighbours already judged in context.

Then, per mode, a threshold and the segmentation's switch cost are chosen on a
grid, from stage-2 log-odds that are themselves out of fold (cases are split
by id: no page is in both the fitting and the checking part). The figures
printed are therefore estimates for pages the weights have not seen:

  careful   most boilerplate removed while keeping >= 98.9% of article lines
  balanced  most boilerplate removed while keeping >= 98.5% of article lines
            (a margin over the 98% that full-page text asks for: on the
            scorer's reference pages, content kept comes out 0.3-0.5 points
            below this pooled out-of-fold figure)
  thorough  best token F1
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

from cleaner.blocks import merged, split_lines  # noqa: E402
from cleaner.features import NAMES, lexicon_score, lexicon_tokens  # noqa: E402
from cleaner.heuristics import (CONTEXT_NAMES, UnitScores, Weights,  # noqa: E402
                                context_features, keep_units, pass_names, score_units)
import dataset  # noqa: E402

# Steps of 1/8: with steps of 1/4 the "kept >= 98.x%" choice jumped between
# neighbours 5 points of boilerplate apart on noise alone.
GRID_THRESHOLD = tuple(x / 8 for x in range(-32, 17))
GRID_SWITCH = (0.0, 0.5, 1.0, 2.0, 3.0)
SHORT_DOCUMENT = 6
SHORT_FLOOR = -4.0
# Two passes: a third moved the out-of-fold trade-off the wrong way.
CONTEXT_PASSES = 2
MODES = {"careful": 0.989, "balanced": 0.985, "thorough": 0.0}
# The lexicon keeps a word only if this many different cases (sites) use it,
# so that it learns the vocabulary of boilerplate, not names of sites.
LEXICON_MIN_CASES = 8
LEXICON_CLIP = 3.0
LEXICON_SIZE = 6000


def fit_lexicon(units_by_case: dict[str, list[tuple[set[str], int]]]) -> dict[str, float]:
    """Word -> log((cases using it in article text + 1) / (cases using it in boilerplate + 1)).

    Counting cases, not occurrences, makes a word count once per site however
    long its pages are, and a menu label seen on 40 sites outweighs a name
    repeated 40 times on one.
    """
    in_content: dict[str, int] = {}
    in_boiler: dict[str, int] = {}
    for units in units_by_case.values():
        content, boiler = set(), set()
        for toks, label in units:
            (content if label == 1 else boiler).update(toks)
        for w in content:
            in_content[w] = in_content.get(w, 0) + 1
        for w in boiler:
            in_boiler[w] = in_boiler.get(w, 0) + 1
    table = {}
    for w in in_content.keys() | in_boiler.keys():
        a, b = in_content.get(w, 0), in_boiler.get(w, 0)
        if len(w) > 1 and a + b >= LEXICON_MIN_CASES:
            table[w] = max(-LEXICON_CLIP, min(LEXICON_CLIP, math.log((a + 1) / (b + 1))))
    best = sorted(table, key=lambda w: (-abs(table[w]), w))[:LEXICON_SIZE]
    return {w: round(table[w], 2) for w in sorted(best)}


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
    """Units of a document with their features, labels and word counts."""
    sc = score_units(split_lines(doc.text), weights)
    labels, words = [], []
    for unit in sc.units:
        ls = [doc.labels[b.index] for b in unit if b.index in doc.labels]
        labels.append(-1 if not ls else int(sum(ls) * 2 >= len(ls)))
        words.append(sum(len(b.words()) for b in unit))
    return sc, np.array(sc.features), np.array(labels), words


def unit_weights(labels: np.ndarray, words: list[int]) -> np.ndarray:
    w = np.array([1 + math.log1p(n) for n in words], dtype=float)
    w[labels < 0] = 0
    total = w.sum()
    return w / total if total else w


def evaluate(rows, weights: Weights, mode: str):
    """Pooled article lines kept, boilerplate lines removed, macro token F1."""
    ck = cn = bk = bn = 0
    f1s = []
    for sc, _X, labels, words in rows:
        if not len(labels):
            continue
        tp = fp = fn = 0
        for unit, keep, lab, nw in zip(sc.units, keep_units(sc, weights, mode), labels, words):
            if lab < 0:
                continue
            if lab == 1:
                cn += len(unit); ck += len(unit) * keep
                tp += nw * keep; fn += nw * (not keep)
            else:
                bn += len(unit); bk += len(unit) * keep
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
    ap.add_argument("--curve", action="store_true", help="print the whole trade-off grid")
    ap.add_argument("--out", default=str(ROOT / "cleaner" / "data" / "weights.json"))
    a = ap.parse_args()

    docs = dataset.load()
    zero = Weights(tuple(0.0 for _ in NAMES), (tuple(0.0 for _ in CONTEXT_NAMES),), {}, 0.0,
                   SHORT_DOCUMENT, SHORT_FLOOR)
    rows = {k: doc_rows(d, zero) for k, d in enumerate(docs)}
    rows = {k: r for k, r in rows.items() if len(r[2])}
    cases = sorted({docs[k].case for k in rows})
    fold_of = {k: cases.index(docs[k].case) % a.folds for k in rows}

    # The lexicon feature, out of fold: each document's units are scored with
    # a lexicon fitted on the other folds' cases only.
    unit_text = {k: [merged(u).text for u in rows[k][0].units] for k in rows}
    unit_toks = {k: [set(lexicon_tokens(t)) for t in unit_text[k]] for k in rows}

    def lexicon_of(keys) -> dict[str, float]:
        by_case: dict[str, list] = {}
        for k in keys:
            by_case.setdefault(docs[k].case, []).extend(
                (t, int(lab)) for t, lab in zip(unit_toks[k], rows[k][2]) if lab >= 0)
        return fit_lexicon(by_case)

    lex_col = NAMES.index("lexicon")
    for f in range(a.folds):
        table = lexicon_of([k for k in rows if fold_of[k] != f])
        for k in rows:
            if fold_of[k] == f:
                rows[k][1][:, lex_col] = [lexicon_score(t, table) for t in unit_text[k]]
                for feats, x in zip(rows[k][0].features, rows[k][1][:, lex_col]):
                    feats[lex_col] = float(x)
    full_lexicon = lexicon_of(list(rows))

    def stack(keys, X_of):
        Xs, ys, ws = [], [], []
        for k in keys:
            _sc, _X, labels, words = rows[k]
            Xs.append(X_of(k))
            ys.append(np.maximum(labels, 0))
            ws.append(unit_weights(labels, words))
        return np.vstack(Xs), np.concatenate(ys), np.concatenate(ws)

    def out_of_fold(X_of):
        pred = {}
        for f in range(a.folds):
            beta = fit_logistic(*stack([k for k in rows if fold_of[k] != f], X_of), a.l2)
            for k in rows:
                if fold_of[k] == f:
                    pred[k] = X_of(k) @ beta
        return pred, fit_logistic(*stack(list(rows), X_of), a.l2)

    line_oof, line_beta = out_of_fold(lambda k: rows[k][1])
    sizes = {k: [1 + f[NAMES.index("log_chars")] for f in rows[k][0].features] for k in rows}
    ctx = {k: np.array(context_features(list(line_oof[k]), sizes[k])) for k in rows}
    ctx_oof, ctx_beta = out_of_fold(lambda k: ctx[k])
    betas = [ctx_beta]
    for _ in range(1, CONTEXT_PASSES):
        # As heuristics.context_passes: the features so far, then the same
        # context features (bias aside) on this pass's out-of-fold log-odds.
        ctx = {k: np.hstack([ctx[k], np.array(context_features(list(ctx_oof[k]), sizes[k]))[:, 1:]])
               for k in rows}
        ctx_oof, ctx_beta = out_of_fold(lambda k: ctx[k])
        betas.append(ctx_beta)

    honest = [UnitScores(rows[k][0].units, rows[k][0].features, list(line_oof[k]),
                         list(ctx_oof[k])) for k in rows]
    honest_rows = [(sc, None, rows[k][2], rows[k][3]) for sc, k in zip(honest, rows)]
    table = []
    for t, sw in itertools.product(GRID_THRESHOLD, GRID_SWITCH):
        w = Weights(zero.line, zero.context, {"m": t}, sw, SHORT_DOCUMENT, SHORT_FLOOR)
        table.append((t, sw, *evaluate(honest_rows, w, "m")))

    if a.curve:
        for r in table:
            print(f"  threshold {r[0]:+.2f} switch {r[1]:.1f}: kept {100 * r[2]:.2f}% "
                  f"removed {100 * r[3]:.1f}% F1 {r[4]:.3f}")
    def pick(rows, mode: str):
        ok = [r for r in rows if r[2] >= MODES[mode]]
        if not ok:
            return max(rows, key=lambda r: r[2])
        return max(ok, key=(lambda r: r[4]) if mode == "thorough" else (lambda r: (r[3], r[4])))

    # One switch cost for all modes (balanced's), then each mode's threshold with it.
    switch = pick(table, "balanced")[1]
    chosen = {mode: pick([r for r in table if r[1] == switch], mode) for mode in MODES}
    print("out-of-fold estimate (article lines kept / boilerplate lines removed / token F1):")
    for mode, (t, sw, kept, removed, f1) in chosen.items():
        print(f"  {mode:9s} threshold {t:+.2f} switch {sw:.1f}  kept {100 * kept:.2f}%  "
              f"removed {100 * removed:.1f}%  F1 {f1:.3f}")

    out = {
        "_comment": "Fitted by scripts/fit_weights.py on the dev corpus; see docs/heuristics.md.",
        "line": {n: round(float(v), 4) for n, v in zip(NAMES, line_beta)},
        "context": [{n: round(float(v), 4) for n, v in zip(pass_names(k), beta)}
                    for k, beta in enumerate(betas)],
        "thresholds": {m: r[0] for m, r in chosen.items()},
        "switch": switch,
        "short_document": SHORT_DOCUMENT,
        "short_floor": SHORT_FLOOR,
    }
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {a.out}")
    lex_out = Path(a.out).with_name("lexicon.json")
    lex_out.write_text(json.dumps({
        "_comment": ("Fitted by scripts/fit_weights.py: log((dev-corpus cases using the word in "
                     "article text + 1) / (cases using it in boilerplate + 1)), words used by at "
                     f"least {LEXICON_MIN_CASES} cases; numbers are '#'. See docs/heuristics.md."),
        "words": full_lexicon}, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
    print(f"wrote {lex_out} ({len(full_lexicon)} words)")


if __name__ == "__main__":
    main()
