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
# A document "loses its article" when it keeps under half of its article lines,
# of which it has at least this many (the test for a dev case).
LOST_ARTICLE_MIN_LINES = 3


def lost_article(content_lines: int, kept_lines: int) -> bool:
    """Whether a document with ``content_lines`` article lines, ``kept_lines``
    of them kept, lost its article (fit_weights.py, heldout.py)."""
    return content_lines >= LOST_ARTICLE_MIN_LINES and kept_lines < content_lines / 2


@dataclass
class Doc:
    case: str          # source/id
    input: str         # which input file
    text: str
    labels: dict[int, int]   # block index -> 1 content, 0 boilerplate
    site: str = ""     # the page's host (folds never split a site)
    page_type: str = ""   # wcxb's kind of page (article, product, forum ...); "" elsewhere

    @property
    def source(self) -> str:
        return self.case.split("/")[0]


def _lines(text: str) -> list[str]:
    """Lines as the cleaner splits them (not str.splitlines, which also splits at U+2028)."""
    from cleaner.blocks import split_lines

    return [b.text for b in split_lines(text)]


def site_of(meta: dict, case: str) -> str:
    from urllib.parse import urlsplit

    host = (meta.get("domain") or urlsplit(meta.get("url") or "").hostname or case).lower()
    return host[4:] if host.startswith("www.") else host


def _norm(s: str) -> str:
    return " ".join(score.norm_tokens(s))


def label_with_reference(text: str, expected: str) -> dict[int, int]:
    exp = score.LineIndex(expected)
    labels = {}
    for i, line in enumerate(_lines(text)):
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
    for i, line in enumerate(_lines(text)):
        n = _norm(line)
        if not n:
            continue
        if any(k in n for k in keep_n):
            labels[i] = 1
        elif any(d in n for d in drop_n) and len(n) <= 2 * max(len(d) for d in drop_n if d in n):
            labels[i] = 0
    return labels


def _load_case(args) -> list[Doc]:
    meta, inputs = args
    d = meta.parent
    case = f"{d.parent.name}/{d.name}"
    info = json.loads(meta.read_text(encoding="utf-8"))
    site = site_of(info, case)
    exp = d / "expected.txt"
    docs = []
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
        docs.append(Doc(case, name, text, labels, site, info.get("page_type") or ""))
    return docs


def load(corpus: Path = SHARED / "corpus", inputs=INPUTS, jobs: int = 2) -> list[Doc]:
    """Every labelled input of the corpus, in a stable order (labelled in ``jobs`` processes)."""
    metas = sorted(corpus.glob("*/*/meta.json"))
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        return [doc for docs in pool.map(_load_case, [(m, inputs) for m in metas], chunksize=16)
                for doc in docs]


if __name__ == "__main__":
    docs = load()
    from collections import Counter
    c = Counter((d.case.split("/")[0], d.input) for d in docs)
    print(json.dumps({f"{k[0]} {k[1]}": v for k, v in sorted(c.items())}, indent=1))
    print(sum(len(d.labels) for d in docs), "labelled lines")
