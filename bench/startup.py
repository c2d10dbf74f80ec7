"""Start-up cost of `clean` on the plain-text path.

(a) Which heavy modules the plain-text path imports: runs the real `clean`
    console script under `python -X importtime` on the seed text and lists
    trafilatura / lxml / justext / htmldate / courlan if any of them were
    imported (they must not be: only HTML input pays for them).
(b) Time of `clean < seed` against `python -c "import typer"` (the floor
    any typer CLI pays), median of N runs each (the commands take turns),
    and their ratio (target < 2.5x):
    wall time, and CPU time (user + system of the child), which a machine
    shared with other work disturbs less. The cleaner package's bytecode is
    compiled first, as an installed wheel's is: with PYTHONDONTWRITEBYTECODE
    set (as here), every run would otherwise compile its ~30 modules again.
(c) Where the time goes, phase by phase, in one fresh interpreter; and the
    floor below which the ratio cannot go while `clean` imports numpy.
(d) With --instructions: the instructions each command executes, counted by
    valgrind (callgrind). A count is the same run after run whatever the
    machine is doing, so it tells two trees apart by a few milliseconds'
    worth where (b)'s medians cannot; its ratio is not (b)'s ratio.

Run from the repository root:  python bench/startup.py [--runs 15] [--instructions]
"""
from __future__ import annotations

import argparse
import compileall
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
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


def run_once(cmd: list[str], stdin: bytes) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"bench/startup.py: {' '.join(cmd)} failed: {p.stderr.decode()[-500:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def run_times(commands: list[tuple[list[str], bytes]], runs: int) -> list[tuple[list[float], list[float]]]:
    """Wall times and CPU times of ``runs`` runs of each (command, stdin).

    The commands take turns, one run each: on a shared machine, load that
    comes and goes then weighs on all of them alike, not on whichever ran
    while it lasted, and their ratios hold better from one bench to the next.
    """
    times: list[tuple[list[float], list[float]]] = [([], []) for _ in commands]
    for _ in range(runs):
        for (cmd, stdin), (wall, cpu) in zip(commands, times):
            w, c = run_once(cmd, stdin)
            wall.append(w)
            cpu.append(c)
    return times


def instructions(cmd: list[str], stdin: bytes, env: dict[str, str] | None = None) -> int | None:
    """Instructions ``cmd`` executes, counted by valgrind's callgrind (None without valgrind);
    ``env``: variables set for it over this process's. bench/compare.py counts with it too.

    A count, not a time: the same for the same program and input whatever else
    the machine runs, so two trees compare to a fraction of a percent where the
    medians of (b) cannot. It weighs every instruction alike (an import's file
    reads and page faults count for little), so its ratio is not (b)'s ratio.
    The hash seed is fixed: string hashes decide how sets and dicts grow and
    are walked, and a random seed moved the count of `clean < seed` by ~2M.
    """
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    p = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                       input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env={**os.environ, **(env or {}), "PYTHONHASHSEED": "0"})
    if p.returncode != 0:
        sys.exit(f"{Path(sys.argv[0]).name}: valgrind {' '.join(cmd[:3])} … failed: {p.stderr.decode()[-500:]}")
    counted = re.search(rb"Collected : (\d+)", p.stderr)
    return int(counted.group(1)) if counted else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15, help="runs per command for the wall-time median")
    ap.add_argument("--instructions", action="store_true",
                    help="also (d): instructions executed, counted by valgrind (steady on a busy machine)")
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

    # (b) against the typer import floor, with the package's bytecode compiled
    import cleaner

    compileall.compile_dir(str(Path(cleaner.__file__).parent), quiet=1)
    run_once([clean], seed)
    # as clean imports them: numpy with one BLAS thread (cleaner.cli sets it)
    with_numpy = ("import os; os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); "
                  "import typer, numpy")
    (clean_w, clean_c), (typer_w, typer_c), (numpy_w, numpy_c), (bare_w, bare_c) = run_times(
        [([clean], seed), ([sys.executable, "-c", "import typer"], b""),
         ([sys.executable, "-c", with_numpy], b""), ([sys.executable, "-c", "pass"], b"")], args.runs)
    print()
    print(f"(b) median of {args.runs} runs")
    print(f"    {'command':<34}{'wall':>10}{'min':>10}{'CPU':>10}")
    for label, w, c in (("python -c pass", bare_w, bare_c), ("python -c 'import typer'", typer_w, typer_c),
                        ("python -c 'import typer, numpy'", numpy_w, numpy_c),
                        ("clean < seed", clean_w, clean_c)):
        print(f"    {label:<34}{statistics.median(w) * 1000:>8.1f}ms{min(w) * 1000:>8.1f}ms"
              f"{statistics.median(c) * 1000:>8.1f}ms")
    ratio = statistics.median(clean_w) / statistics.median(typer_w)
    cpu_ratio = statistics.median(clean_c) / statistics.median(typer_c)
    floor = statistics.median(numpy_w) / statistics.median(typer_w)
    cpu_floor = statistics.median(numpy_c) / statistics.median(typer_c)
    print(f"    {'ratio clean / import typer (wall)':<34}{ratio:>9.2f}x  (target < {TARGET_RATIO}x: "
          f"{'PASS' if ratio < TARGET_RATIO else 'FAIL'})")
    print(f"    {'ratio clean / import typer (CPU)':<34}{cpu_ratio:>9.2f}x")
    print(f"    {'floor: import typer, numpy (wall)':<34}{floor:>9.2f}x")
    print(f"    {'floor: import typer, numpy (CPU)':<34}{cpu_floor:>9.2f}x")
    # (c) where the time goes, in one fresh interpreter
    phases = subprocess.run([sys.executable, "-c", PHASES, str(SEED)], capture_output=True, text=True)
    if phases.returncode == 0:
        print()
        print("(c) phases in one fresh interpreter (CPU)")
        for row in phases.stdout.splitlines():
            label, ms = row.rsplit("\t", 1)
            if label.startswith("yaml imported"):
                print(f"    {label:<52}{'yes' if float(ms) else 'no':>10}")
            else:
                print(f"    {label:<52}{float(ms):>8.1f}ms")
    if args.instructions:
        print()
        print("(d) instructions executed (valgrind --tool=callgrind), one run each")
        counts = {label: instructions(cmd, stdin) for label, cmd, stdin in (
            ("python -c 'import typer'", [sys.executable, "-c", "import typer"], b""),
            ("python -c 'import typer, numpy'", [sys.executable, "-c", with_numpy], b""),
            ("clean < seed", [clean], seed))}
        if None in counts.values():
            print("    valgrind is not installed (apt-get install valgrind), or counted nothing")
        else:
            for label, n in counts.items():
                print(f"    {label:<34}{n / 1e6:>8.0f}M")
            typer_n = counts["python -c 'import typer'"]
            print(f"    {'ratio clean / import typer':<34}{counts['clean < seed'] / typer_n:>9.2f}x")
    sys.exit(0 if not heavy else 1)


PHASES = """
import os, sys, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # as cleaner.cli sets it
clock = time.process_time
t0 = clock()
import numpy
t1 = clock()
import typer
t2 = clock()
import cleaner.cli
t3 = clock()
from cleaner import Cleaner
c = Cleaner()
t4 = clock()
stored = bool(c.rules._index)   # the snapshot's literal index, not yet taken: rules from the snapshot
text = open(sys.argv[1], encoding="utf-8").read()
c.clean(text)
t5 = clock()
c.clean(text)
t6 = clock()
yaml_loaded = "yaml" in sys.modules   # the shipped rule packs and word lists are pre-parsed
compiled = [r for r in c.rules if r.pattern._compiled is not None]
# Made from re's stored program (cleaner.programs), not compiled.
from_programs = sum(r.pattern.program is not None for r in compiled)
# Rules searched by parts (cleaner.alternatives): the patterns cut down to the
# alternatives the seed's lines may match, compiled instead of the whole.
from cleaner.signals import parts_compiled
parts = parts_compiled(c._matches)
# Of those, the ones that match a line of the seed: the others were compiled
# for nothing (their literals let a line through that the pattern then refused).
lines = [l for l in text.splitlines() if l.strip()]
used = sum(1 for r in c.rules if (r.pattern._compiled is not None or r.id in parts)
           and any(r.pattern.search(l if r.action == "drop-span" else l.strip()) for l in lines))
for label, dt in (("import numpy", t1 - t0), ("import typer", t2 - t1),
                  ("import cleaner.cli (the rest)", t3 - t2),
                  ("Cleaner() (rules from the snapshot)" if stored
                   else "Cleaner() (rules built: no usable snapshot)", t4 - t3),
                  (f"first clean(seed) ({len(compiled)} of {len(c.rules)} made, "
                   f"{from_programs} from programs, {len(parts)} in part, {used} match)", t5 - t4),
                  ("second clean(seed)", t6 - t5)):
    print(f"{label}\t{dt * 1000:.1f}")
print(f"yaml imported (it need not be)\t{float(yaml_loaded):.0f}")
"""


if __name__ == "__main__":
    main()
