"""Prove the literal prefilter changes nothing: old exhaustive matching vs the new one.

Runs every distinct line of every dev corpus input
(../shared/corpus/{scrapinghub,readability,trafilatura-eval,wcxb}/*/scraped-*.txt)
through ``signals.line_matches`` with every rule (the exhaustive loop used
before the prefilter) and through ``signals.rule_hits``' prefiltered path, and
prints every line where the matched rules or spans differ. Exit 1 if any do.

    python scripts/check_rule_matches.py [--corpus PATH] [--rules EXTRA.yaml]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cleaner.blocks import split_lines
from cleaner.prefilter import LiteralIndex, rule_sources
from cleaner.rules import load_rules
from cleaner.signals import line_matches

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("scrapinghub", "readability", "trafilatura-eval", "wcxb")


def distinct_lines(corpus: Path) -> list[str]:
    seen: dict[str, None] = {}
    for source in SOURCES:
        for f in sorted((corpus / source).glob("*/scraped-*.txt")):
            for b in split_lines(f.read_text(encoding="utf-8", errors="replace")):
                if not b.blank:
                    seen.setdefault(b.text, None)
    return list(seen)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--rules", action="append", default=[], help="extra rule files, as --rules")
    args = ap.parse_args()
    rules = load_rules(args.rules)
    lines = distinct_lines(args.corpus)
    index = LiteralIndex(rule_sources(rules))
    picks = index.candidates(lines)
    differ = 0
    for text, pick in zip(lines, picks):
        new = line_matches(text, [rules.rules[i] for i in pick], 0)
        old = line_matches(text, rules.rules, 0)
        if [(r.id, s) for r, s in new] != [(r.id, s) for r, s in old]:
            differ += 1
            print(f"DIFF {text[:100]!r}: exhaustive {[r.id for r, _ in old]} "
                  f"prefiltered {[r.id for r, _ in new]}")
    tried = sum(map(len, picks))
    print(f"{len(lines)} distinct lines, {len(rules)} rules ({len(index.always)} without literals, "
          f"tried on every line); patterns run: {tried} prefiltered vs {len(lines) * len(rules)} "
          f"exhaustive; lines that differ: {differ}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
