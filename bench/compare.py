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

With ``--instructions`` it counts instead of timing: each tree cleans every
``--sample``-th document once under valgrind's callgrind, and once more builds
its cleaner without cleaning; the difference is the instructions cleaning took.
A count does not depend on how busy the machine is: one tree against itself
gave 0.9986 and 1.0026, where paired timings vary by a percent or two and more
(bench/startup.py's ``--instructions`` counts start-up the same way). What is
left moves with the folder names and the hash seed (dict layouts). It weighs
every instruction alike: a change in cache misses or in memory it does not see.

Run from the repository root:

    python bench/compare.py REV_A REV_B [--corpus PATH] [--name FILE] [--repeat 3] [--rounds 2]
    python bench/compare.py REV_A REV_B --instructions [--sample 36]

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

# Run under callgrind in each tree: every ``step``-th document cleaned once
# when ``clean`` is "1"; with "0" the same start (imports, documents read,
# Cleaner built, one line cleaned so that first-use work is paid) and no more.
# It prints nothing: ``instructions`` reads the count from valgrind's report.
COUNT_WORKER = r"""
import sys
from pathlib import Path
tree, bench, corpus, name, step, clean = sys.argv[1:7]
sys.path.append(bench)
from throughput import load_docs
import cleaner
if not cleaner.__file__.startswith(tree):
    sys.exit(f"imported {cleaner.__file__}, not the tree in {tree}")
docs = load_docs(Path(corpus), name)[::int(step)]
c = cleaner.Cleaner()
c.clean("One line to pay for first use.\n")
if clean == "1":
    for _, text in docs:
        c.clean(text)
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


def count(trees: dict[str, Path], corpus: Path, name: str, step: int) -> dict[str, int]:
    """Per revision: the instructions its cleaner took to clean every ``step``-th
    document, the two trees' four callgrind runs two at a time."""
    from concurrent.futures import ThreadPoolExecutor

    from startup import instructions

    def run(job: tuple[str, str]) -> int:
        rev, clean = job
        tree = trees[rev]
        cmd = [sys.executable, "-P", "-c", COUNT_WORKER, f"{tree}{os.sep}", str(REPO / "bench"),
               str(corpus), name, str(step), clean]
        counted = instructions(cmd, b"", env={"PYTHONPATH": str(tree)})
        if counted is None:
            sys.exit("compare.py: valgrind is not installed (apt-get install valgrind), or counted nothing")
        return counted

    jobs = [(rev, clean) for rev in trees for clean in ("1", "0")]
    with ThreadPoolExecutor(2) as pool:
        got = dict(zip(jobs, pool.map(run, jobs)))
    return {rev: got[rev, "1"] - got[rev, "0"] for rev in trees}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rev_a")
    ap.add_argument("rev_b")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default ../shared/corpus)")
    ap.add_argument("--name", default="scraped-full.txt", help="file name of the documents (default scraped-full.txt)")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the corpus per round; the best counts")
    ap.add_argument("--rounds", type=int, default=2, help="rounds; each starts the other revision first")
    ap.add_argument("--instructions", action="store_true",
                    help="count instructions under valgrind instead of timing (steady on a busy machine)")
    ap.add_argument("--sample", type=int, default=36,
                    help="with --instructions: every Nth document (default 36: about 60 documents, 1 MB)")
    args = ap.parse_args()
    if not any(args.corpus.glob(f"**/{args.name}")):
        sys.exit(f"compare.py: no {args.name} under {args.corpus}")
    revs = (args.rev_a, args.rev_b)
    with tempfile.TemporaryDirectory(prefix="cleaner-compare-") as tmp:
        trees = {rev: export(rev, Path(tmp)) for rev in revs}
        if args.instructions:
            n = len(sorted(args.corpus.glob(f"**/{args.name}"))[::args.sample])
            print(f"instructions to clean every {args.sample}th {args.name} under {args.corpus} "
                  f"({n} documents), counted by callgrind")
            counts = count(trees, args.corpus.resolve(), args.name, args.sample)
            a, b = counts[args.rev_a], counts[args.rev_b]
            print(f"{args.rev_a:>14}  {a:>16,}\n{args.rev_b:>14}  {b:>16,}")
            print(f"B / A of the instructions: {b / a:.4f} (below 1: {args.rev_b} takes fewer)")
            return
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
