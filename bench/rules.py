"""Time of rule matching alone: the literal prefilter against the exhaustive loop.

Reads every dev `scraped-full.txt` (../shared/corpus/*/*/), splits each into
lines, and times, in the same run, (1) `signals.rule_hits` (prefilter, then
candidate patterns) and (2) the old exhaustive loop (every rule's pattern on
every distinct line), each document on its own with a fresh line cache. Prints
MB/s of each and the ratio.

    python bench/rules.py [--corpus PATH] [--limit N]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from cleaner.blocks import split_lines
from cleaner.rules import load_rules
from cleaner.signals import line_matches, rule_hits

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    args = ap.parse_args()
    files = sorted(args.corpus.glob("*/*/scraped-full.txt"))
    if args.limit:
        files = files[:args.limit]
    docs = [split_lines(f.read_text(encoding="utf-8", errors="replace")) for f in files]
    size = sum(len(b.text) + len(b.eol) for d in docs for b in d) / 1e6
    rules = load_rules([])
    for d in docs[:3]:   # compile what the first documents need, outside the timings
        rule_hits(d, rules, 0, {})
    t0 = time.process_time()
    for d in docs:
        rule_hits(d, rules, 0, {})
    fast = time.process_time() - t0
    t0 = time.process_time()
    for d in docs:
        seen: dict = {}
        for b in d:
            if not b.blank and b.text not in seen:
                seen[b.text] = line_matches(b.text, rules.rules, b.line_no)
    slow = time.process_time() - t0
    print(f"{len(docs)} documents, {size:.1f} MB, {len(rules)} rules (CPU seconds)")
    print(f"  {'exhaustive loop':<28}{slow:>8.2f} s {size / slow:>8.2f} MB/s")
    print(f"  {'prefilter + candidates':<28}{fast:>8.2f} s {size / fast:>8.2f} MB/s")
    print(f"  {'ratio':<28}{slow / fast:>8.1f}x")


if __name__ == "__main__":
    main()
