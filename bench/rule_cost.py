"""What each rule costs: the time its pattern takes on the lines the prefilter hands it.

Reads every dev `scraped-full.txt` (../shared/corpus/*/*/), keeps each distinct
non-blank line once, runs the literal prefilter over all of them (as
`signals.rule_hits` does), then times every candidate rule's pattern on each
of its candidate lines. Prints the prefilter's and the matching's CPU time and
the rules that cost most, with the number of lines each was a candidate for.

A rule whose alternatives need a common word as their literal ("like", "help")
is a candidate on thousands of lines and runs its whole alternation on each:
this shows it, so a commit that adds alternatives can say what they cost.

    python bench/rule_cost.py [--corpus PATH] [--top N]
"""
from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from cleaner.blocks import split_lines
from cleaner.rules import load_rules
from cleaner.signals import _prefilter

REPO = Path(__file__).resolve().parents[1]


def distinct_lines(corpus: Path) -> list[str]:
    seen: dict[str, None] = {}
    for f in sorted(corpus.glob("*/*/scraped-full.txt")):
        for b in split_lines(f.read_text(encoding="utf-8", errors="replace")):
            if not b.blank:
                seen.setdefault(b.text)
    return list(seen)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--top", type=int, default=20, help="how many of the costliest rules to list")
    args = ap.parse_args()
    rules = load_rules([])
    pre = _prefilter(rules, None)     # the snapshot's index, found as `clean` finds it
    lines = distinct_lines(args.corpus)

    start = time.process_time()
    masks = pre.narrow(lines, pre.index.masks(lines))
    prefilter_s = time.process_time() - start

    cost: Counter = Counter()
    candidates: Counter = Counter()
    start = time.process_time()
    for text, mask in zip(lines, masks):
        if not mask:
            continue
        stripped = text.strip()
        for rule, spans, run in pre.matchers(mask):
            t = time.perf_counter()
            # As signals._match_line runs them: span rules on the line, line rules on it stripped.
            if spans:
                for _ in run(text):
                    pass
            else:
                run(stripped)
            cost[rule.id] += time.perf_counter() - t
            candidates[rule.id] += 1
    matching_s = time.process_time() - start

    print(f"{len(lines)} distinct lines, {len(rules)} rules")
    print(f"prefilter {prefilter_s:.2f} s CPU, matching {matching_s:.2f} s CPU "
          f"(the timer's own cost included)")
    print(f"{'ms':>9}  {'lines':>7}  rule")
    for rid, seconds in cost.most_common(args.top):
        print(f"{1000 * seconds:9.1f}  {candidates[rid]:7d}  {rid}")


if __name__ == "__main__":
    main()
