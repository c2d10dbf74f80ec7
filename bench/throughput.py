"""Throughput of the plain-text path on the dev corpus's scraped-full.txt files.

Reads every ../shared/corpus/**/scraped-full.txt, builds one Cleaner, and
cleans each document in-process (Cleaner().clean per document), reporting MB,
CPU seconds and MB/s per core; the same with heuristics off (rules only), the
same texts as one document, and — timed in the same run, as the peer to beat —
the C4 line filter (datatrove's C4QualityFilter with its line rules only), with
the ratio clean / C4.
With --cli it also times the whole `clean` command on the concatenation of all
documents (one big input on stdin) and with every document as a FILE argument.
With --pieces KB it also cuts every text at line ends into documents of about
KB kilobytes and times the default cleaner and the C4 filter on those: web
corpora hold many small documents (C4's run about 2 KB), where what a document
costs whatever its size weighs more.

Run from the repository root:  python bench/throughput.py [--corpus PATH] [--name FILE] [--cli] [--pieces KB] [--repeat N]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO / ".." / "shared" / "corpus"


def load_docs(corpus: Path, name: str = "scraped-full.txt") -> list[tuple[Path, str]]:
    files = sorted(corpus.glob(f"**/{name}"))
    return [(p, p.read_text(encoding="utf-8")) for p in files]


def time_in_process(docs: list[tuple[Path, str]], repeat: int, **kw) -> tuple[float, float, list[str], list]:
    """(seconds to build the Cleaner, best seconds over ``repeat`` passes of cleaning
    all docs, errors). A document the cleaner refuses (a rule timing out, say) is
    counted and named, not allowed to stop the run."""
    from cleaner import Cleaner, CleanerError

    t0 = time.process_time()
    cleaner = Cleaner(**kw)
    build = time.process_time() - t0
    best = float("inf")
    errors: list[str] = []
    per_doc: list[tuple[float, Path, int]] = []
    for _ in range(repeat):
        errors, per_doc = [], []
        t0 = time.process_time()
        for path, text in docs:
            t1 = time.process_time()
            try:
                cleaner.clean(text)
            except CleanerError as e:
                errors.append(f"{path}: {e}")
            per_doc.append((time.process_time() - t1, path, len(text.encode("utf-8"))))
        best = min(best, time.process_time() - t0)
    return build, best, errors, sorted(per_doc, key=lambda x: x[0], reverse=True)


def time_c4(texts: list[str], repeat: int) -> float | None:
    """CPU seconds of the C4 line filter over the texts (None without datatrove)."""
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError:
        return None
    # Line rules only: no document-level drops, so every text is filtered whole.
    c4 = C4QualityFilter(min_num_sentences=-1, filter_lorem_ipsum=False, filter_curly_bracket=False)
    best = float("inf")
    for _ in range(repeat):
        docs = [Document(text=t, id=str(i)) for i, t in enumerate(texts)]
        t0 = time.process_time()
        for d in docs:
            c4.filter(d)
        best = min(best, time.process_time() - t0)
    return best


def pieces(texts: list[str], size: int) -> list[str]:
    """Each text cut at line ends into documents of about ``size`` characters (the
    last piece of a text may be shorter)."""
    out = []
    for text in texts:
        piece, length = [], 0
        for line in text.splitlines(keepends=True):
            piece.append(line)
            length += len(line)
            if length >= size:
                out.append("".join(piece))
                piece, length = [], 0
        if piece:
            out.append("".join(piece))
    return out


def time_one_document(texts: list[str]) -> float:
    """CPU seconds of one Cleaner on all texts joined into one document."""
    from cleaner import Cleaner

    cleaner = Cleaner()
    joined = "\n".join(texts)
    t0 = time.process_time()
    cleaner.clean(joined)
    return time.process_time() - t0


def find_clean() -> str | None:
    beside = Path(sys.executable).parent / "clean"
    return str(beside) if beside.is_file() else shutil.which("clean")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default ../shared/corpus)")
    ap.add_argument("--cli", action="store_true", help="also time the whole `clean` command")
    ap.add_argument("--name", default="scraped-full.txt",
                    help="file name to read in every case folder (default scraped-full.txt)")
    ap.add_argument("--repeat", type=int, default=1, help="passes over the corpus; the best is reported")
    ap.add_argument("--pieces", type=float, metavar="KB",
                    help="also time documents of about KB kilobytes cut from the texts")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"bench/throughput.py: no corpus at {args.corpus}")
    sys.path.insert(0, str(REPO))

    loaded = load_docs(args.corpus, args.name)
    if not loaded:
        sys.exit(f"bench/throughput.py: no {args.name} under {args.corpus}")
    docs = [t for _, t in loaded]
    mb = sum(len(t.encode("utf-8")) for t in docs) / 1e6
    lines = sum(t.count("\n") + 1 for t in docs)
    print(f"corpus: {len(docs)} {args.name} documents, {mb:.2f} MB, {lines} lines ({args.corpus.resolve()})")
    print()
    print(f"{'run (CPU time, one core)':<44}{'build':>9}{'seconds':>10}{'MB/s':>9}{'docs/s':>9}")
    c4 = time_c4(docs, args.repeat)
    default_secs = None
    for label, kw in (("in-process Cleaner().clean, default", {}),
                      ("in-process Cleaner().clean, rules only", {"heuristics": False})):
        try:
            build, secs, errors, slowest = time_in_process(loaded, args.repeat, **kw)
        except TypeError:           # a Cleaner without that option
            continue
        print(f"{label:<44}{build * 1000:>7.0f}ms{secs:>10.2f}{mb / secs:>9.2f}{len(docs) / secs:>9.0f}")
        if default_secs is None:
            default_secs = secs
        for dt, path, size in slowest[:3]:
            print(f"    slowest: {dt:6.2f}s  {size / 1000:7.1f} KB  {path.parent.parent.name}/{path.parent.name}")
        for e in errors[:5]:
            print(f"    error: {e}")
        if len(errors) > 5:
            print(f"    ... and {len(errors) - 5} more errors")

    one = time_one_document(docs)
    print(f"{'in-process, all texts as one document':<44}{'':>9}{one:>10.2f}{mb / one:>9.2f}")
    if c4 is not None:
        print(f"{'C4 line filter (datatrove), line rules':<44}{'':>9}{c4:>10.2f}{mb / c4:>9.2f}"
              f"{len(docs) / c4:>9.0f}")
        if default_secs:
            print(f"ratio clean / C4 (MB/s): {c4 / default_secs:.2f}")
    else:
        print("C4 line filter: datatrove is not installed (pip install -e '.[datatrove]')")

    if args.pieces:
        small = pieces(docs, int(args.pieces * 1000))
        small_mb = sum(len(t.encode("utf-8")) for t in small) / 1e6
        print(f"\n{len(small)} documents of about {args.pieces:g} KB cut from the same texts")
        _, secs, errors, _ = time_in_process([(Path(f"piece-{i}"), t) for i, t in enumerate(small)],
                                             args.repeat)
        print(f"{'in-process Cleaner().clean, default':<44}{'':>9}{secs:>10.2f}{small_mb / secs:>9.2f}"
              f"{len(small) / secs:>9.0f}")
        small_c4 = time_c4(small, args.repeat)
        if small_c4 is not None:
            print(f"{'C4 line filter (datatrove), line rules':<44}{'':>9}{small_c4:>10.2f}"
                  f"{small_mb / small_c4:>9.2f}{len(small) / small_c4:>9.0f}")
            print(f"ratio clean / C4 (MB/s): {small_c4 / secs:.2f}")

    if args.cli:
        clean = find_clean()
        if not clean:
            sys.exit("bench/throughput.py: the `clean` executable is not installed")
        with tempfile.TemporaryDirectory() as tmp:
            cat = Path(tmp) / "all.txt"
            cat.write_text("\n".join(docs), encoding="utf-8")
            for label, cmd, stdin in (
                ("clean < concatenation (one document)", [clean], cat.read_bytes()),
                ("clean FILE... (every document, one run)", [clean, *map(str, (p for p, _ in loaded))], b""),
            ):
                t0 = time.perf_counter()
                p = subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                secs = time.perf_counter() - t0
                status = "" if p.returncode == 0 else f"  (exit {p.returncode})"
                print(f"{label:<44}{'':>9}{secs:>10.2f}{mb / secs:>9.2f}{len(docs) / secs:>9.0f}{status}")
                if p.returncode != 0:
                    last = (p.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
                    print(f"    stderr: {last[:200]}")


if __name__ == "__main__":
    main()
