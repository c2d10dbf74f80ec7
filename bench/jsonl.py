"""JSON Lines at scale: `clean --format jsonl` with 1 and 2 workers, and peak memory at 1x and 10x.

Builds a JSONL file of every dev `scraped-full.txt` (one record per page:
``{"path": ..., "text": ...}``), then runs the real `clean` command on it:

- ``-j 1`` and ``-j 2`` on the 1x file: wall time, CPU time, speed-up, and
  whether both wrote the same bytes;
- the peak resident memory of the whole process tree (the parent and its
  workers, sampled from /proc every 50 ms) for the 1x file and for the file
  repeated 10 times: memory should stay flat while the input grows.

    python bench/jsonl.py                          # --corpus PATH, --scales 1,10, --jobs 1,2
    python bench/jsonl.py --scales 1,10 --jobs 2 --no-heuristics   # the 10x run on rules only

Timings on a shared machine are noisy; CPU seconds say what the work cost.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def find_clean() -> str:
    beside = Path(sys.executable).parent / "clean"
    exe = str(beside) if beside.is_file() else shutil.which("clean")
    if not exe:
        sys.exit("bench: the `clean` command is not installed (pip install -e .)")
    return exe


def build(corpus: Path, folder: Path, scales: list[int]) -> dict[int, Path]:
    """The 1x JSONL of all dev scraped-full.txt texts, and copies repeated N times."""
    pages = sorted(corpus.glob("*/*/scraped-full.txt"))
    if not pages:
        sys.exit(f"bench: no scraped-full.txt under {corpus}")
    one = folder / "dev-x1.jsonl"
    with one.open("w", encoding="utf-8") as f:
        for p in pages:
            f.write(json.dumps({"path": str(p.relative_to(corpus)),
                                "text": p.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n")
    files = {1: one}
    data = one.read_bytes()
    for n in scales:
        if n != 1:
            files[n] = folder / f"dev-x{n}.jsonl"
            with files[n].open("wb") as f:
                for _ in range(n):
                    f.write(data)
    print(f"input: {len(pages)} records, {len(data) / 1e6:.1f} MB (1x)")
    return files


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def _own_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) of one process so far, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def run(exe: str, src: Path, jobs: int, extra: list[str], out: Path) -> dict:
    """One `clean` run; wall and CPU seconds, peak tree RSS, output digest.

    ``parent`` is the CPU time of the `clean` process itself (reading, the
    repetition tally, writing), the part that workers cannot share: with the
    total CPU it bounds the speed-up when the machine is busy with other work.
    """
    peak = 0
    parent = 0.0
    before = os.times()
    t0 = time.perf_counter()
    with out.open("wb") as sink:
        proc = subprocess.Popen([exe, "--format", "jsonl", "--no-config", "-j", str(jobs), *extra,
                                 str(src)], stdout=sink, stderr=subprocess.PIPE)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, parent
            while not done.is_set():
                peak = max(peak, _tree_rss_kb(proc.pid))
                parent = _own_cpu(proc.pid) or parent
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = proc.communicate()
        done.set()
        sampler.join()
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode != 0:
        sys.exit(f"bench: clean exited {proc.returncode}: {err.decode(errors='replace')[-2000:]}")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()[:16]
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall": wall, "cpu": cpu, "parent": parent, "peak_mb": peak / 1024, "digest": digest}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--scales", default="1,10", help="input sizes to run, as multiples of the 1x file")
    ap.add_argument("--jobs", default="1,2", help="worker counts to run on the 1x file")
    ap.add_argument("--big-jobs", type=int, default=2, help="workers for the scaled-up runs")
    ap.add_argument("--no-heuristics", action="store_true", help="rules only (much faster)")
    ap.add_argument("--keep", type=Path, help="build the inputs and outputs here and keep them")
    args = ap.parse_args()
    scales = sorted({int(s) for s in args.scales.split(",")} | {1})
    jobs = [int(j) for j in args.jobs.split(",")]
    extra = ["--no-heuristics"] if args.no_heuristics else []
    exe = find_clean()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="clean-bench-jsonl-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        files = build(args.corpus, folder, scales)
        rows = []
        for j in jobs:
            r = run(exe, files[1], j, extra, folder / f"out-x1-j{j}.jsonl")
            rows.append((1, j, r))
            print(f"x1  -j {j}: {r['wall']:7.1f} s wall, {r['cpu']:7.1f} s CPU "
                  f"({r['parent']:.1f} s in the parent), "
                  f"peak RSS {r['peak_mb']:6.0f} MB, output {r['digest']}", flush=True)
        if len(rows) > 1:
            base = rows[0][2]
            for _, j, r in rows[1:]:
                bound = r["cpu"] / max(r["parent"], r["cpu"] / j)
                print(f"speed-up -j {j} vs -j {rows[0][1]}: {base['wall'] / r['wall']:.2f}x wall "
                      f"(at most {bound:.2f}x on {j} free cores, from the parent's share); "
                      f"same output: {'yes' if r['digest'] == base['digest'] else 'NO'}")
        for n in scales:
            if n == 1:
                continue
            r = run(exe, files[n], args.big_jobs, extra, folder / f"out-x{n}.jsonl")
            size = files[n].stat().st_size / 1e6
            print(f"x{n:<2} -j {args.big_jobs}: {r['wall']:7.1f} s wall, {r['cpu']:7.1f} s CPU, "
                  f"peak RSS {r['peak_mb']:6.0f} MB ({size:.0f} MB input)", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
