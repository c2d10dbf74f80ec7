"""clean on full-page Markdown scrapes of the corpus pages, against the same text without markup.

Scrapers for language-model corpora and agents (Jina Reader, Firecrawl,
crawl4ai, html2text) print a page as Markdown: every link is
``[text](target)``, every image ``![alt](src)``. This converts each case's
page.html.gz to such a scrape (markdownify, the page's scripts and styles left
out, links and images kept) and scores, per source:

  markdown   clean on the Markdown (``cleaner.markup`` reads it);
  plain      clean on the same scrape with the markup stripped first, the
             bound for what reading the markup can give;
  cat        the stripped scrape as is.

Output and input are scored with the markup stripped (``strip`` below, written
apart from ``cleaner.markup`` on purpose), by ../shared/eval/score.py's
functions: F1b, content kept, boilerplate lines removed, and the share of the
mission's kinds of boilerplate line removed (kinds.py's patterns).

Run from the repository root:  python bench/markdown.py [--corpus PATH] [--source NAME ...] [--limit N]
Needs the bench extra (``pip install -e '.[bench]'``: markdownify).
"""
from __future__ import annotations

import argparse
import gzip
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO / ".." / "shared" / "corpus"
sys.path.insert(0, str(REPO / "scripts"))
from line_labels import labelled_lines  # noqa: E402  (the scorer's line labels)

_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^)\n]*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])[*_](?=[^\s*_])|(?<=[^\s*_])[*_](?![\w*])")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def strip(text: str) -> str:
    """``text`` without Markdown's inline markup, line by line (links as their
    text, images as their alt text, no emphasis markers or escapes)."""
    text = _IMAGE.sub(r"\1", text)
    for _ in range(2):              # a link whose text held an image
        text = _LINK.sub(r"\1", text)
    return _ESCAPE.sub(r"\1", _EMPHASIS.sub("", text))


def to_markdown(html: str) -> str:
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "svg", "head"]):
        tag.decompose()
    return MarkdownConverter(heading_style="ATX", bullets="*").convert_soup(soup)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--source", action="append",
                    help="corpus source folder (repeatable; default scrapinghub, readability, wcxb)")
    ap.add_argument("--limit", type=int, default=0, help="at most this many pages per source")
    args = ap.parse_args()
    eval_dir = args.corpus.parent / "eval"
    if not args.corpus.is_dir() or not (eval_dir / "score.py").is_file():
        sys.exit(f"bench/markdown.py: no corpus and scorers at {args.corpus} and {eval_dir}")
    try:
        import markdownify  # noqa: F401
    except ImportError:
        sys.exit("bench/markdown.py: needs markdownify (pip install -e '.[bench]')")
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(eval_dir))
    import score
    from kinds import MISSION, kind_of

    from cleaner import Cleaner

    cleaner = Cleaner()
    print(f"{'source':<13}{'run':<10}{'pages':>6}{'F1b':>8}{'kept%':>8}{'bp%':>7}{'mission%':>10}")
    for source in args.source or ["scrapinghub", "readability", "wcxb"]:
        cases = [d for d in sorted((args.corpus / source).iterdir())
                 if (d / "page.html.gz").is_file() and (d / "expected.txt").is_file()
                 and (d / "expected.txt").stat().st_size]
        if args.limit:
            cases = cases[:args.limit]
        results: dict[str, list] = {"markdown": [], "plain": [], "cat": []}
        mission: dict[str, Counter] = {k: Counter() for k in results}
        for d in cases:
            html = gzip.decompress((d / "page.html.gz").read_bytes()).decode("utf-8", "replace")
            markdown = to_markdown(html)
            plain = strip(markdown)
            expected = (d / "expected.txt").read_text(encoding="utf-8")
            outputs = {"markdown": strip(cleaner.clean(markdown)), "plain": cleaner.clean(plain),
                       "cat": plain}
            for run, out in outputs.items():
                results[run].append(score.score_case(expected, out, plain))
                mission[run].update(_mission_lines(score, kind_of, MISSION, expected, out, plain))
        for run, rows in results.items():
            a = score.aggregate(rows)
            m = mission[run]
            share = 100 * m["removed"] / m["lines"] if m["lines"] else float("nan")
            print(f"{source:<13}{run:<10}{a['cases']:>6}{a['f1_bench']:>8.3f}{100 * a['content_kept']:>8.1f}"
                  f"{100 * a['bp_removed']:>7.1f}{share:>9.1f} of {m['lines']}")


def _mission_lines(score, kind_of, mission, expected: str, out: str, text: str) -> Counter:
    """The boilerplate lines of the mission's kinds in ``text``, and how many
    ``out`` removed (kinds.py's labelling and its rule for a kept line)."""
    found = Counter()
    for label in labelled_lines(score, text, expected, out):
        if not label.content and kind_of(label.line) in mission:
            found["lines"] += 1
            found["removed"] += not label.kept
    return found


if __name__ == "__main__":
    main()
