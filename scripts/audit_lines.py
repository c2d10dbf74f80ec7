"""Which lines the cleaner gets wrong on the dev corpus, and why.

Labels every line of an input the way ../shared/eval/score.py does (content if
it substantially occurs in expected.txt, kept if it survives in the output) and
lists the two kinds of error:

  --lost  content lines the cleaner removed, grouped by the removing reason
          (a rule id or a named heuristic);
  --kept  boilerplate lines the cleaner left in, grouped by case.

Usage (from the repository root, with the package installed):
  python scripts/audit_lines.py --input scraped-region.txt --lost [-n 10] [--mode careful]
  python scripts/audit_lines.py --input scraped-full.txt --kept [-n 40]
  python scripts/audit_lines.py --corpus ../shared/corpus/wcxb --page-type article --lost

The labels come from the scorer itself (imported from --eval), so the counts
here add up to its bp-removed / content-kept figures.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from cleaner import Cleaner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from line_labels import labelled_lines  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--eval", default=str(REPO.parent / "shared" / "eval"), help="folder of score.py")
    ap.add_argument("--input", default="scraped-region.txt")
    ap.add_argument("--mode", default="balanced")
    ap.add_argument("--weights", help="another weights file (default: the shipped one)")
    ap.add_argument("--source", action="append", help="only these sources (repeatable)")
    ap.add_argument("--page-type", action="append",
                    help="only cases whose meta.json has this page_type (wcxb: article, service, "
                         "product, collection, listing, documentation, forum; repeatable)")
    kind = ap.add_mutually_exclusive_group(required=True)
    kind.add_argument("--lost", action="store_true", help="content lines removed, by reason")
    kind.add_argument("--kept", action="store_true", help="boilerplate lines kept, by case")
    ap.add_argument("-n", type=int, default=8, help="example lines per group (--lost) or in all (--kept)")
    args = ap.parse_args()

    sys.path.insert(0, args.eval)
    import score  # the scorer's own line labelling

    cleaner = Cleaner(mode=args.mode, weights=args.weights)
    root = Path(args.corpus)
    totals: Counter = Counter()
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for expected in sorted(root.rglob("expected.txt")):
        case = expected.parent
        if args.source and case.parent.name not in args.source:
            continue
        if args.page_type and _page_type(case) not in args.page_type:
            continue
        source = case / args.input
        if not source.is_file():
            continue
        text = source.read_text(encoding="utf-8")
        result = cleaner.analyze(text)
        reason = {d.block.index: d.reason for d in result.decisions if not d.kept}
        name = str(case.relative_to(root))
        # Block indices count every line, as str.splitlines does for \n text.
        for i, line, content, kept in labelled_lines(score, text, expected.read_text(encoding="utf-8"),
                                                     result.text):
            totals["content" if content else "boilerplate"] += 1
            if args.lost and content and not kept:
                groups[reason.get(i, "(kept; an equal line elsewhere was removed)")].append((name, line.strip()))
            elif args.kept and not content and kept:
                groups[name].append((name, line.strip()))
    errors = sum(len(v) for v in groups.values())
    what = "content lines lost" if args.lost else "boilerplate lines kept"
    pool = totals["content" if args.lost else "boilerplate"]
    print(f"{args.input}, mode {args.mode}: {errors} of {pool} {what}")
    ordered = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    if args.lost:
        for key, rows in ordered:
            print(f"{len(rows):5d}  {key}")
            for case, line in rows[:args.n]:
                print(f"         {case}: {line[:110]}")
    else:
        for key, rows in ordered[:20]:
            print(f"{len(rows):5d}  {key}")
        sample = [r for rows in groups.values() for r in rows]
        random.Random(1).shuffle(sample)
        print("\nsample:")
        for case, line in sample[:args.n]:
            print(f"  {case[:40]}: {line[:110]}")


def _page_type(case: Path) -> str | None:
    """The case's page type from its meta.json (wcxb has one), or None."""
    try:
        return json.loads((case / "meta.json").read_text(encoding="utf-8")).get("page_type")
    except (OSError, ValueError):
        return None


if __name__ == "__main__":
    main()
