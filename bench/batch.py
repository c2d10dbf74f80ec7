"""Batch throughput: `clean --check` over 5,000 files with one worker, then two.

Builds the batch in a temporary folder from the dev corpus's scraped-article.txt
texts (cycled; each copy gets its own first line so no two files are equal),
or from synthetic dirty articles when the corpus is absent, then times the real
`clean` executable:

    python bench/batch.py                      # 5,000 files, --jobs 1 vs --jobs 2, check mode
    python bench/batch.py --in-place           # rewrite copies instead (adds an fsync per changed file)
    python bench/batch.py --files 2000 --repeat 3

Prints wall time, files per second, CPU time of the run, and the speedup of
two workers over one. Wall-clock speedup needs two idle cores: the load average
is printed first, because other work on the machine eats into it. On a shared
Linux machine with the autogroup scheduler, `nice` does not reach across
sessions; to give the benchmark the cores, raise its session's share first
(as root: `echo -15 > /proc/self/autogroup`, and `echo 0` after). The CPU
column shows the cost of parallelism itself: two workers should use only a few
percent more CPU than one.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / ".." / "shared" / "corpus"


def find_clean() -> str:
    beside = Path(sys.executable).parent / "clean"
    return str(beside) if beside.is_file() else (shutil.which("clean") or "clean")


def source_texts(corpus: Path) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*/*/scraped-article.txt"))]
    if texts:
        return texts
    rng = random.Random(1)
    words = "the council said on monday that its plan would cost more than expected".split()
    return ["\n\n".join(" ".join(rng.choice(words) for _ in range(40)).capitalize() + "."
                        for _ in range(5)) + "\n\nSign up for our free weekly newsletter\n"
            for _ in range(50)]


def build(folder: Path, n: int, texts: list[str]) -> None:
    for i in range(n):
        sub = folder / f"part{i % 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"article{i:05d}.txt").write_text(f"Copy {i}\n\n" + texts[i % len(texts)],
                                                 encoding="utf-8")


def timed(cmd: list[str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if r.returncode not in (0, 1):
        sys.exit(f"clean failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return wall, cpu, r.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=1, help="runs per job count; the best is kept")
    ap.add_argument("--in-place", action="store_true", help="time --in-place on fresh copies")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()

    clean = find_clean()
    with tempfile.TemporaryDirectory(prefix="clean-bench-") as tmp:
        master = Path(tmp) / "batch"
        build(master, args.files, source_texts(args.corpus))
        print(f"{args.files} files, {sum(p.stat().st_size for p in master.rglob('*.txt')) / 1e6:.1f} MB; "
              f"cores: {os.cpu_count()}; load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        best: dict[int, tuple[float, float]] = {}
        for jobs in (1, 2):
            for k in range(args.repeat):
                target = master
                if args.in_place:
                    target = Path(tmp) / f"run-{jobs}-{k}"
                    shutil.copytree(master, target)
                mode = "--in-place" if args.in_place else "--check"
                wall, cpu, status = timed([clean, "--no-config", mode, "-q", "--jobs", str(jobs), str(target)])
                print(f"clean {mode} --jobs {jobs}: {wall:6.2f} s wall, {args.files / wall:6.0f} files/s, "
                      f"{cpu:6.2f} s CPU (exit {status})")
                if jobs not in best or wall < best[jobs][0]:
                    best[jobs] = (wall, cpu)
                if args.in_place:
                    shutil.rmtree(target)
        print(f"speedup with two workers: {best[1][0] / best[2][0]:.2f}x "
              f"(load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())})")


if __name__ == "__main__":
    main()
