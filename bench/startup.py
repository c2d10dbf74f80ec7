"""Start-up cost of `clean` on the plain-text path.

(a) Which heavy modules the plain-text path imports: runs the real `clean`
    console script under `python -X importtime` on the seed text and lists
    trafilatura / lxml / justext / htmldate / courlan if any of them were
    imported (they must not be: only HTML input pays for them).
(b) Wall time of `clean < seed` against `python -c "import typer"` (the floor
    any typer CLI pays), median of N runs each, and their ratio (target < 2.5x).
    clean keeps no cache, so the "cold" row (a fresh CLEAN_CACHE_DIR per run)
    should equal the first: it is kept to show that nothing is cached.
(c) Where the time goes, phase by phase, in one fresh interpreter.

Run from the repository root:  python bench/startup.py [--runs 15]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.5   # clean < seed at most this many times `python -c "import typer"`
SEED = REPO / "fixtures" / "seed-moscowtimes-bout" / "input.txt"
HEAVY = ("trafilatura", "lxml", "justext", "htmldate", "courlan", "charset_normalizer")


def find_clean() -> str:
    beside = Path(sys.executable).parent / "clean"
    exe = str(beside) if beside.is_file() else shutil.which("clean")
    if not exe:
        sys.exit("bench/startup.py: the `clean` executable is not installed (pip install -e .)")
    return exe


def imported_modules(cmd: list[str], stdin: bytes) -> tuple[list[str], dict[str, int]]:
    """Module names imported by ``cmd`` (a Python command run with -X importtime)
    and cumulative import microseconds of the top-level ones."""
    p = subprocess.run(cmd, input=stdin, capture_output=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if p.returncode != 0:
        sys.exit(f"bench/startup.py: {' '.join(cmd)} failed: {p.stderr.decode()[-500:]}")
    names, cumulative = [], {}
    for line in p.stderr.decode().splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, raw = line[len("import time:"):].split("|", 2)
        mod = raw.strip()
        names.append(mod)
        if len(raw) - len(raw.lstrip()) == 1:      # top level: not imported by another module
            cumulative[mod] = int(cum_us)
    return names, cumulative


def wall_times(cmd: list[str], stdin: bytes, runs: int, cold: bool = False) -> list[float]:
    """Wall times of `cmd`; `cold` gives every run an empty cache folder."""
    out = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as empty:
            env = {**os.environ, "CLEAN_CACHE_DIR": empty} if cold else None
            t0 = time.perf_counter()
            p = subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env)
            out.append(time.perf_counter() - t0)
        if p.returncode != 0:
            sys.exit(f"bench/startup.py: {' '.join(cmd)} failed: {p.stderr.decode()[-500:]}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15, help="runs per command for the wall-time median")
    args = ap.parse_args()
    clean = find_clean()
    seed = SEED.read_bytes()

    # (a) heavy imports on the plain-text path, through the real console script
    names, cumulative = imported_modules([sys.executable, "-X", "importtime", clean], seed)
    heavy = sorted({n for n in names if n.split(".")[0] in HEAVY})
    print("(a) modules imported by `clean < seed` (plain-text path)")
    print(f"    {'modules imported':<34}{len(names):>8}")
    for top in ("cleaner.cli", "typer", "typer._adapters", "pydantic"):
        if top in cumulative:
            print(f"    {'import ' + top + ' (cumulative)':<34}{cumulative[top] / 1000:>8.1f}ms")
    verdict = "PASS: none imported" if not heavy else "FAIL: imported " + ", ".join(heavy)
    print(f"    {'trafilatura / lxml / justext ...':<34}{verdict}")

    # (b) wall time against the typer import floor
    wall_times([clean], seed, 1)  # fills the start-up cache if it is empty
    clean_t = wall_times([clean], seed, args.runs)
    cold_t = wall_times([clean], seed, args.runs, cold=True)
    typer_t = wall_times([sys.executable, "-c", "import typer"], b"", args.runs)
    bare_t = wall_times([sys.executable, "-c", "pass"], b"", args.runs)
    m_clean, m_typer, m_bare = (statistics.median(t) for t in (clean_t, typer_t, bare_t))
    print()
    print(f"(b) wall time, median of {args.runs} runs")
    print(f"    {'command':<34}{'median':>10}{'min':>10}{'max':>10}")
    for label, ts in (("python -c pass", bare_t), ("python -c 'import typer'", typer_t),
                      ("clean < seed", clean_t), ("clean < seed, cold cache", cold_t)):
        print(f"    {label:<34}{statistics.median(ts) * 1000:>8.1f}ms{min(ts) * 1000:>8.1f}ms"
              f"{max(ts) * 1000:>8.1f}ms")
    ratio = m_clean / m_typer
    print(f"    {'ratio clean / import typer':<34}{ratio:>9.2f}x  (target < {TARGET_RATIO}x: "
          f"{'PASS' if ratio < TARGET_RATIO else 'FAIL'})")
    print(f"    {'ratio, cold cache':<34}{statistics.median(cold_t) / m_typer:>9.2f}x")
    # (c) where the time goes, in one fresh interpreter
    phases = subprocess.run([sys.executable, "-c", PHASES, str(SEED)], capture_output=True, text=True)
    if phases.returncode == 0:
        print()
        print("(c) phases in one fresh interpreter")
        for row in phases.stdout.splitlines():
            label, ms = row.rsplit("\t", 1)
            print(f"    {label:<34}{float(ms):>8.1f}ms")
    sys.exit(0 if not heavy else 1)


PHASES = """
import sys, time
t0 = time.perf_counter()
import cleaner.cli
t1 = time.perf_counter()
from cleaner import Cleaner
c = Cleaner()
t2 = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
c.clean(text)
t3 = time.perf_counter()
c.clean(text)
t4 = time.perf_counter()
for label, dt in (("import cleaner.cli", t1 - t0), ("Cleaner() (load + compile rules)", t2 - t1),
                  ("first clean(seed)", t3 - t2), ("second clean(seed)", t4 - t3)):
    print(f"{label}\t{dt * 1000:.1f}")
"""


if __name__ == "__main__":
    main()
