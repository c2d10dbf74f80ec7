"""Labelled lines from the dev corpus, for fitting the heuristic weights.

A line of an input is labelled the way ../shared/eval/score.py labels it:
'content' when most of its tokens lie in trigrams of the reference article,
'boilerplate' otherwise. For trafilatura-eval cases, which have snippets
instead of a reference, a line holding a must-keep snippet is content, one
holding a must-drop snippet is boilerplate, and the rest is unlabelled (it
still serves as context).
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(SHARED / "eval"))
import score  # noqa: E402  (the scorer's own labelling)

INPUTS = ("scraped-region.txt", "scraped-full.txt", "scraped-article.txt")


@dataclass
class Doc:
    case: str          # source/id
    input: str         # which input file
    text: str
    labels: dict[int, int]   # block index -> 1 content, 0 boilerplate


def _norm(s: str) -> str:
    return " ".join(score.norm_tokens(s))


def label_with_reference(text: str, expected: str) -> dict[int, int]:
    exp = score.LineIndex(expected)
    labels = {}
    for i, line in enumerate(text.splitlines()):
        toks = tuple(score.norm_tokens(line))
        if not toks:
            continue
        content = exp.coverage(toks) >= 0.8 if len(toks) >= 3 else toks in exp.lines
        labels[i] = int(content)
    return labels


def label_with_snippets(text: str, keep: list[str], drop: list[str]) -> dict[int, int]:
    keep_n = [_norm(k) for k in keep if _norm(k)]
    drop_n = [_norm(d) for d in drop if _norm(d)]
    labels = {}
    for i, line in enumerate(text.splitlines()):
        n = _norm(line)
        if not n:
            continue
        if any(k in n for k in keep_n):
            labels[i] = 1
        elif any(d in n for d in drop_n) and len(n) <= 2 * max(len(d) for d in drop_n if d in n):
            labels[i] = 0
    return labels


def load(corpus: Path = SHARED / "corpus", inputs=INPUTS) -> list[Doc]:
    docs = []
    for meta in sorted(corpus.glob("*/*/meta.json")):
        d = meta.parent
        case = f"{d.parent.name}/{d.name}"
        exp = d / "expected.txt"
        for name in inputs:
            f = d / name
            if not f.is_file():
                continue
            text = f.read_text(encoding="utf-8")
            if exp.is_file() and exp.stat().st_size:
                labels = label_with_reference(text, exp.read_text(encoding="utf-8"))
            elif (d / "keep.txt").is_file():
                keep = (d / "keep.txt").read_text(encoding="utf-8").splitlines()
                drop = (d / "drop.txt").read_text(encoding="utf-8").splitlines()
                labels = label_with_snippets(text, keep, drop)
            else:
                continue
            docs.append(Doc(case, name, text, labels))
    return docs


if __name__ == "__main__":
    docs = load()
    from collections import Counter
    c = Counter((d.case.split("/")[0], d.input) for d in docs)
    print(json.dumps({f"{k[0]} {k[1]}": v for k, v in sorted(c.items())}, indent=1))
    print(sum(len(d.labels) for d in docs), "labelled lines")
