"""The whole cleaner out of fold: each dev page cleaned with the model fitted without its site.

    python scripts/fit_weights.py --switch 3.0 --out /tmp/w.json --fold-weights /tmp/folds
    python scripts/heldout.py /tmp/folds [--mode M] [--switch S] [--jobs 2]

``fit_weights.py`` reports the model alone out of fold, before the guards and
the rules' removals are counted. This cleans every scraped page of the
scored sources with the real ``Cleaner`` (rules, repetition off, model,
guards), its weights and lexicon those of the fold that left the page's site
out, and scores the output with ``../shared/eval/score.py``'s own functions:
F1b, article lines kept and boilerplate lines removed, per source and input,
as ``score.py`` prints them (trafilatura-eval's full pages: the must-keep and
must-drop snippets, as ``snippets.py`` counts them), beside the same figures
for the shipped weights (fitted on every page: in-sample). The rules are
in-sample in both: they were written reading these pages.

Documents that keep under half of their article lines (of 3 or more) are
counted as the issue counts them. ``--mode``, ``--threshold`` and ``--switch``
clean in another mode, or with another threshold or switch cost for every
model: the trade-off of the whole cleaner, out of fold.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import dataset  # noqa: E402  (site_of, and score.py from ../shared/eval)
from dataset import score  # noqa: E402

SOURCES = ("scrapinghub", "readability", "wcxb", "trafilatura-eval")
SNIPPET_INPUT = "scraped-full.txt"      # trafilatura-eval: snippets instead of a reference
INPUTS = ("scraped-region.txt", "scraped-full.txt")

_cleaners: dict = {}
# The mode cleaned in, and that mode's threshold and the switch cost if given
# (else each weights file's own): the same for every model of a run.
_setting: dict = {"mode": "balanced", "threshold": None, "switch": None}


def _configure(mode: str, threshold: float | None, switch: float | None) -> None:
    _setting.update(mode=mode, threshold=threshold, switch=switch)


def _cleaner(weights: str | None):
    """One Cleaner per weights file per worker process, in ``_setting``."""
    from cleaner import Cleaner
    from cleaner.model import DATA, Model

    if weights not in _cleaners:
        # A model of its own (not the cached shipped one): its settings change.
        model = Model.from_file(weights or DATA / "weights.json")
        if _setting["threshold"] is not None:
            model.thresholds[_setting["mode"]] = _setting["threshold"]
        if _setting["switch"] is not None:
            model.switch = _setting["switch"]
        _cleaners[weights] = Cleaner(weights=model, mode=_setting["mode"], repetition=False)
    return _cleaners[weights]


def score_page(job: tuple[str, str, str, str | None]) -> tuple[dict, dict]:
    """(held-out result, in-sample result) for one page's input: ``score.py``'s
    result, or for a page with snippets instead of a reference, the counts
    ``snippets.py`` makes of them (kept, leaked, lost, absent)."""
    case_dir, name, weights, in_sample = job
    d = Path(case_dir)
    text = (d / name).read_text(encoding="utf-8")
    outputs = [_cleaner(w).clean(text) for w in (weights, in_sample)]
    if not (d / "expected.txt").is_file():
        import snippets     # beside score.py

        meta = json.loads((d / "meta.json").read_text("utf-8"))
        keep, drop = meta.get("must_keep") or [], meta.get("must_drop") or []
        results = []
        for out in outputs:
            seen = snippets.norm(out)
            kept = sum(snippets.norm(k) in seen for k in keep)
            leaked = sum(snippets.norm(k) in seen for k in drop)
            results.append({"snippets": (kept, leaked, len(keep) - kept, len(drop) - leaked)})
        return results[0], results[1]
    expected = (d / "expected.txt").read_text(encoding="utf-8")
    reference = score.reference_text(d, name)
    results = [score.score_case(expected, out, reference) for out in outputs]
    return results[0], results[1]


def jobs(folds_dir: Path, corpus: Path, sources, inputs,
         in_sample: str | None) -> list[tuple[tuple[str, str, str, str | None], list[str]]]:
    """Each input's job for ``score_page``, and the rows it counts in."""
    folds = json.loads((folds_dir / "folds.json").read_text("utf-8"))
    fold_of_site = folds["fold_of_site"]
    out = []
    for source in sources:
        for d in sorted((corpus / source).iterdir()):
            meta_path = d / "meta.json"
            meta = json.loads(meta_path.read_text("utf-8")) if meta_path.is_file() else {}
            fold = fold_of_site.get(dataset.site_of(meta, f"{source}/{d.name}"))
            if fold is None:     # a page the fit had no labelled unit of
                continue
            weights = str(folds_dir / f"fold{fold}.json")
            if not (d / "expected.txt").is_file():
                if (meta.get("must_keep") or meta.get("must_drop")) and (d / SNIPPET_INPUT).is_file():
                    out.append(((str(d), SNIPPET_INPUT, weights, in_sample),
                                [f"{source} {SNIPPET_INPUT} snippets"]))
                continue
            for name in inputs:
                if not (d / name).is_file():
                    continue
                rows = [f"{source} {name}", f"{source} pooled"]
                if source != "wcxb":        # as the targets are stated
                    rows += ["scrapinghub + readability", f"scrapinghub + readability {name}"]
                elif meta.get("page_type"):     # the half-lost count is of article pages
                    rows.append(f"wcxb {meta['page_type']} pages")
                out.append(((str(d), name, weights, in_sample), rows))
    return out


def half_lost(results: list[dict]) -> int:
    return sum(dataset.lost_article(r["lines"]["content"], r["lines"]["content_kept"])
               for r in results)


def row(label: str, results: list[dict]) -> str:
    if "snippets" in results[0]:
        kept, leaked, lost, absent = map(sum, zip(*(r["snippets"] for r in results)))
        return (f"{label:48s} {len(results):5d}  keep {kept / max(1, kept + lost):.3f}  "
                f"drop {absent / max(1, absent + leaked):.3f}  (snippets.py's shares)")
    a = score.aggregate(results)
    return (f"{label:48s} {a['cases']:5d}  F1b {a['f1_bench']:.4f}  kept {100 * a['content_kept']:6.2f}%  "
            f"removed {100 * a['bp_removed']:5.1f}%  half lost {half_lost(results)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folds", type=Path, help="the folder fit_weights.py --fold-weights wrote")
    ap.add_argument("--corpus", type=Path, default=dataset.SHARED / "corpus")
    ap.add_argument("--source", action="append", choices=SOURCES,
                    help="only this source (repeatable; default: all four)")
    ap.add_argument("--weights", help="the in-sample weights to compare with (default: the shipped "
                                      "ones; fit_weights.py's --out for the same fit)")
    ap.add_argument("--mode", default="balanced", choices=("careful", "balanced", "thorough"))
    ap.add_argument("--threshold", type=float, help="the mode's threshold, for every model")
    ap.add_argument("--switch", type=float, help="the switch cost, for every model")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    t0 = time.time()
    todo = jobs(a.folds, a.corpus, a.source or SOURCES, INPUTS, a.weights)
    held: dict[str, list] = defaultdict(list)
    shipped: dict[str, list] = defaultdict(list)
    with ProcessPoolExecutor(a.jobs, initializer=_configure,
                             initargs=(a.mode, a.threshold, a.switch)) as pool:
        done = pool.map(score_page, [job for job, _ in todo], chunksize=16)
        for (ours, theirs), (_, rows) in zip(done, todo):
            for key in rows:
                held[key].append(ours)
                shipped[key].append(theirs)
    print(f"{len(todo)} inputs ({time.time() - t0:.0f} s); held out: each page's fold's weights "
          f"and lexicon; in sample: {a.weights or 'the shipped weights'}, fitted on all pages; "
          f"mode {a.mode}" + (f", threshold {a.threshold}" if a.threshold is not None else "")
          + (f", switch {a.switch}" if a.switch is not None else ""))
    for key in sorted(held):
        print(row(f"{key}, held out", held[key]))
        print(row(f"{key}, in sample", shipped[key]))


if __name__ == "__main__":
    main()
