"""Which of two revisions cleans faster: both timed at the same time, one per core.

On a shared machine two runs of bench/throughput.py, one after the other, can
differ by 10% with the same tree, so a change worth a few percent cannot be
seen that way. Here each revision is exported (``git archive``) into a
temporary folder and compiled, and one process per revision times
throughput.py's default row with that revision's cleaner: every
``scraped-full.txt`` (``--name``) of the corpus cleaned in-process, best of
``--repeat`` passes in CPU time. The two processes run at once, so whatever
load the machine has weighs on both alike; rounds alternate which one is
started first. What to read is the ratio, not the throughputs: two runs at
once also slow each other down (shared memory and caches).

Run from the repository root:

    python bench/compare.py REV_A REV_B [--corpus PATH] [--name FILE] [--repeat 3] [--rounds 2]

A revision is anything ``git archive`` takes (a commit, a branch, HEAD). Each
tree must carry its own data files (``scripts/rule_literals.py`` run and
committed): a tree whose rules snapshot is out of date builds its rules from
the sources, and compiles their patterns as it cleans.
"""
from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO / ".." / "shared" / "corpus"

# Run in each tree's process: throughput.py's default row (its own functions,
# from this checkout's bench/), with that tree's cleaner; the best pass and the
# bytes cleaned printed.
WORKER = r"""
import sys
from pathlib import Path
tree, bench, corpus, name, repeat = sys.argv[1:6]
sys.path.append(bench)      # after the tree's folder: the tree's cleaner is the one imported
from throughput import load_docs, time_in_process
import cleaner
if not cleaner.__file__.startswith(tree):
    sys.exit(f"imported {cleaner.__file__}, not the tree in {tree}")
docs = load_docs(Path(corpus), name)
_, best, _, _ = time_in_process(docs, int(repeat))
print(best, sum(len(text.encode("utf-8")) for _, text in docs))
"""


def export(rev: str, into: Path) -> Path:
    """The tree of ``rev`` in a folder under ``into``, its modules compiled."""
    done = subprocess.run(["git", "-C", str(REPO), "archive", rev], capture_output=True)
    if done.returncode:
        sys.exit(f"compare.py: git archive {rev}: {done.stderr.decode(errors='replace').strip()}")
    data = done.stdout
    tree = into / rev.replace("/", "_")
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        # The "data" filter where this Python has it (3.11.4 on): our own archive, but no links out.
        tar.extractall(tree, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    # Compiled once here: with PYTHONDONTWRITEBYTECODE set, each import would compile them again.
    compileall.compile_dir(tree / "cleaner", quiet=1)
    return tree


def start(tree: Path, corpus: Path, name: str, repeat: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(tree))
    return subprocess.Popen([sys.executable, "-P", "-c", WORKER, f"{tree}{os.sep}", str(REPO / "bench"),
                             str(corpus), name, str(repeat)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen, rev: str) -> tuple[float, int]:
    out, err = proc.communicate()
    if proc.returncode:
        sys.exit(f"compare.py: {rev}: {err.strip().splitlines()[-1] if err.strip() else 'failed'}")
    seconds, size = out.split()
    return float(seconds), int(size)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rev_a")
    ap.add_argument("rev_b")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default ../shared/corpus)")
    ap.add_argument("--name", default="scraped-full.txt", help="file name of the documents (default scraped-full.txt)")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the corpus per round; the best counts")
    ap.add_argument("--rounds", type=int, default=2, help="rounds; each starts the other revision first")
    args = ap.parse_args()
    if not any(args.corpus.glob(f"**/{args.name}")):
        sys.exit(f"compare.py: no {args.name} under {args.corpus}")
    revs = (args.rev_a, args.rev_b)
    with tempfile.TemporaryDirectory(prefix="cleaner-compare-") as tmp:
        trees = {rev: export(rev, Path(tmp)) for rev in revs}
        print(f"CPU seconds to clean every {args.name} under {args.corpus}, best of {args.repeat}, "
              f"both revisions at once")
        print(f"{'round':>5}  {args.rev_a:>14}  {args.rev_b:>14}  {'B / A':>7}")
        ratios = []
        for r in range(args.rounds):
            order = revs if r % 2 == 0 else revs[::-1]
            procs = {rev: start(trees[rev], args.corpus.resolve(), args.name, args.repeat) for rev in order}
            secs = {rev: finish(procs[rev], rev) for rev in order}
            a, b = secs[args.rev_a][0], secs[args.rev_b][0]
            mb = secs[args.rev_a][1] / 1e6
            ratios.append(b / a)
            print(f"{r + 1:>5}  {a:8.2f} s {mb / a:4.2f}  {b:8.2f} s {mb / b:4.2f}  {b / a:7.3f}")
        print(f"B / A of the CPU time: {min(ratios):.3f} to {max(ratios):.3f} "
              f"(below 1: {args.rev_b} is faster)")


if __name__ == "__main__":
    main()
