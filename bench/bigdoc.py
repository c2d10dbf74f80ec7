"""One huge document through the real `clean` command: time, peak memory, and how they scale.

Builds a single text of the dev corpus's scraped-full.txt files joined end to
end, repeated up to each SIZE (in MB), pipes it through `clean` (stdin to
/dev/null) and reports wall and CPU seconds, MB/s and the peak resident memory
of the process, as bytes of memory per byte of input. Cost must grow linearly:
10x the input at most 12x the time, and peak memory under 10x the input.

``--shape paragraphs`` joins each run of non-blank lines into one line first: a
paragraph a line, as many extractors write text. The same bytes then make far
fewer, longer lines (a window of the cleaner is bounded in characters as well
as in lines for that reason). ``--shape pages`` makes each page one line (a
text field whose line ends were lost), and ``--shape line`` the whole input a
single line: a line longer than a window is kept unread (``limit.long-line``)
and written out in pieces as it is read.

``--via in-place`` rewrites the file with `clean --in-place` instead (a batch
run of one file: it reads the file whole, and cleans it window by window).

Run from the repository root:  python bench/bigdoc.py [--sizes 10 100] [--shape lines|paragraphs|pages|line] [--via stdin|in-place] [--corpus PATH]
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


# A line break between two non-blank lines (not one next to a blank line).
_INNER_BREAK = re.compile(r"(?<=[^\n])\n(?=[^\n])")


def build(corpus: Path, mb: float, dest: Path, shape: str = "lines") -> int:
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*/*/scraped-full.txt"))]
    if shape == "paragraphs":
        texts = [_INNER_BREAK.sub(" ", t) for t in texts]
    elif shape in ("pages", "line"):
        texts = [" ".join(t.split()) for t in texts]
    if not texts:
        sys.exit(f"bench/bigdoc.py: no scraped-full.txt under {corpus}")
    # Each text, then this between it and the next: one line for the whole input
    # takes a space, and a newline closes it.
    between = " " if shape == "line" else "\n"
    target = int(mb * 1e6)
    size = 0
    with open(dest, "w", encoding="utf-8") as f:
        while size < target:
            for t in texts:
                f.write(t + between)
                size += len(t.encode("utf-8")) + 1
                if size >= target:
                    break
        if shape == "line":
            f.write("\n")
            size += 1
    return size


def run(clean: str, path: Path, via: str = "stdin") -> tuple[float, float, int, int]:
    """(wall s, CPU s, peak RSS bytes, exit status) of `clean < path`, or of
    `clean --in-place path` (``via``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    if via == "in-place":
        p = subprocess.run([clean, "--in-place", "--quiet", str(path)], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    else:
        with open(path, "rb") as stdin:
            p = subprocess.run([clean], stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode:
        print(f"    exit {p.returncode}: {p.stderr.decode(errors='replace').strip()[-300:]}")
    # ru_maxrss of the children is the largest child so far (KB on Linux).
    return wall, cpu, after.ru_maxrss * 1024, p.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO / ".." / "shared" / "corpus")
    ap.add_argument("--sizes", type=float, nargs="+", default=[10.0, 100.0], help="sizes in MB, ascending")
    ap.add_argument("--shape", choices=("lines", "paragraphs", "pages", "line"), default="lines",
                    help="the pages' lines as scraped, a paragraph a line, a page a line, or all one line")
    ap.add_argument("--via", choices=("stdin", "in-place"), default="stdin",
                    help="pipe the text through `clean`, or rewrite the file with `clean --in-place`")
    a = ap.parse_args()
    clean = str(Path(sys.executable).parent / "clean") if (Path(sys.executable).parent / "clean").is_file() \
        else shutil.which("clean")
    if not clean:
        sys.exit("bench/bigdoc.py: the `clean` executable is not installed")
    print(f"{'input':>10}{'wall s':>10}{'CPU s':>10}{'MB/s (CPU)':>12}{'peak RSS':>12}{'RSS/input':>11}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in a.sizes:
            path = Path(tmp) / f"big-{mb}.txt"
            size = build(a.corpus, mb, path, a.shape)
            wall, cpu, rss, status = run(clean, path, a.via)
            rows.append((size, cpu))
            print(f"{size / 1e6:>8.1f}MB{wall:>10.1f}{cpu:>10.1f}{size / 1e6 / cpu:>12.2f}"
                  f"{rss / 1e6:>10.0f}MB{rss / size:>11.2f}")
            os.unlink(path)
    for (s0, c0), (s1, c1) in zip(rows, rows[1:]):
        print(f"{s1 / s0:.1f}x the input took {c1 / c0:.1f}x the CPU time")


if __name__ == "__main__":
    main()
