"""Batch runs: clean many files in place, or check them, in worker processes.

The flow of one run:

1. **collect**: walk the given files and folders into an ordered list of
   targets (include/exclude globs, symbolic links only inside the given paths,
   our own temporary files never);
2. **scan** (pass 1, in workers): read each target, skip binary and HTML
   files with a warning, decode it, and return its repetition keys
   (``repetition.document_keys``): small digests, never the text;
3. the parent counts the keys into ``CommonLines``: lines shared by many files
   of the batch are boilerplate evidence;
4. **clean** (pass 2, in workers): read each file again, clean it with that
   evidence, and when the text changed, rewrite it atomically (``atomic``) or
   return its diff.

Results come back in input order whatever the number of workers, and each
file's result depends only on its own text and the batch's key counts, so
``--jobs 1`` and ``--jobs 8`` produce the same bytes. Memory holds the key
counter and one chunk of files per worker, not the batch's text.

Interrupts: workers ignore SIGINT (Ctrl-C reaches the whole process group; the
parent coordinates) and defer SIGTERM while a rewrite is under way, so a file
is always its old or its new self and no temporary file is left behind. The
parent does the same when it cleans in-process (``--jobs 1``), and on SIGINT or
SIGTERM stops its workers that way. A worker whose parent died (SIGKILL) exits
after its current file instead of lingering.
"""
from __future__ import annotations

import math
import os
import signal
import stat
import sys
import threading
import time
from collections import Counter, deque
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TextIO

from . import atomic
from .api import Cleaner
from .errors import CleanerError
from .reader import decode, detect_format
from .repetition import CommonLines, document_keys
from .writer import removed_lines

DEFAULT_INCLUDE = ("*.txt", "*.text", "*.md", "*.markdown")
# Folders nobody wants cleaned; an explicit --exclude or config replaces this list.
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
                   ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
BINARY_PROBE = 8192
# Below this many files per worker, starting processes costs more than it saves.
MIN_FILES_PER_WORKER = 16
PROGRESS_MIN_FILES = 200

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Target:
    """One file of the batch: ``path`` is read and written, ``name`` is shown."""
    path: str
    name: str


@dataclass(frozen=True, slots=True)
class Message:
    level: str      # "warning" or "error"
    text: str


@dataclass(frozen=True, slots=True)
class Scan:
    """Pass 1 for one file: its repetition keys, or why it is left out."""
    target: Target
    keys: frozenset[bytes] | None = None
    message: Message | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """Pass 2 for one file."""
    target: Target
    changed: bool = False
    removed: int = 0               # lines removed (or that would be)
    diff: str | None = None
    message: Message | None = None


@dataclass(frozen=True)
class BatchOptions:
    write: bool = False            # rewrite changed files (--in-place)
    diff: bool = False             # return a unified diff for changed files
    encoding: str = "utf-8"


@dataclass
class Summary:
    seen: int = 0
    changed: int = 0
    skipped: int = 0
    errors: int = 0
    removed: int = 0


# ---------------------------------------------------------------- collect

def _matches(globs: Iterable[str], name: str, shown: str, rel: str) -> bool:
    """A glob without '/' matches the file or folder name; one with '/' the path."""
    for g in globs:
        if "/" in g:
            g = g.rstrip("/")
            if fnmatchcase(shown, g) or fnmatchcase(rel, g) or (
                    g.startswith("**/") and (fnmatchcase(shown, g[3:]) or fnmatchcase(rel, g[3:]))):
                return True
        elif fnmatchcase(name, g):
            return True
    return False


def _inside(real: str, roots: Sequence[str]) -> bool:
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _join(base: str, name: str) -> str:
    return name if base in ("", ".") else os.path.join(base, name)


def collect(paths: Iterable[str], include: Sequence[str] = DEFAULT_INCLUDE,
            exclude: Sequence[str] = DEFAULT_EXCLUDE) -> tuple[list[Target], list[Message]]:
    """The files to process, in a stable order, and what was wrong on the way.

    A file named on the command line is taken whatever its name (unless an
    exclude glob matches it: that is how a project keeps pre-commit away from
    some files); files found in folders must match an include glob. Folders
    are walked in sorted order. A symbolic link is followed only when its
    target lies inside one of the given paths, and then the target is
    processed (once), so the link stays a link.
    """
    paths = list(paths)
    roots = [os.path.realpath(p) for p in paths if os.path.exists(p)]
    targets: list[Target] = []
    messages: list[Message] = []
    seen: set[str] = set()

    def add(real: str, shown: str) -> None:
        if real not in seen:
            seen.add(real)
            targets.append(Target(real, shown))

    for given in paths:
        shown0 = os.path.normpath(given)
        if not os.path.lexists(given):
            messages.append(Message("error", f"{given}: no such file or folder"))
            continue
        if not os.path.exists(given):
            messages.append(Message("error", f"{given}: broken symbolic link"))
            continue
        if _matches(exclude, os.path.basename(shown0), shown0, shown0):
            continue
        if not os.path.isdir(given):
            if atomic.is_temp_name(os.path.basename(given)):
                continue
            if not stat.S_ISREG(os.stat(given).st_mode):
                messages.append(Message("warning", f"{given}: not a regular file, skipped"))
                continue
            add(os.path.realpath(given), given)
            continue
        errors: list[OSError] = []
        for folder, dirs, files in os.walk(given, onerror=errors.append):
            rel_folder = os.path.relpath(folder, given)
            kept_dirs = []
            for d in sorted(dirs):
                full = os.path.join(folder, d)
                shown = os.path.normpath(full)
                rel = os.path.normpath(_join(rel_folder, d))
                if _matches(exclude, d, shown, rel):
                    continue
                if os.path.islink(full):
                    # Never descended into (os.walk does not follow links); say so
                    # only when the target lies outside, where it would matter.
                    if not _inside(os.path.realpath(full), roots):
                        messages.append(Message("warning", f"{shown}: symbolic link to a folder "
                                                           f"outside the given paths, not followed"))
                    continue
                kept_dirs.append(d)
            dirs[:] = kept_dirs
            for f in sorted(files):
                if atomic.is_temp_name(f):
                    continue
                full = os.path.join(folder, f)
                shown = os.path.normpath(full)
                rel = os.path.normpath(_join(rel_folder, f))
                if not _matches(include, f, shown, rel) or _matches(exclude, f, shown, rel):
                    continue
                real = os.path.realpath(full)
                if os.path.islink(full):
                    if not os.path.exists(full):
                        messages.append(Message("error", f"{shown}: broken symbolic link"))
                        continue
                    if not _inside(real, roots):
                        messages.append(Message("warning", f"{shown}: symbolic link to a file "
                                                           f"outside the given paths, not followed"))
                        continue
                try:
                    mode = os.stat(real).st_mode
                except OSError as e:
                    messages.append(Message("error", f"{shown}: cannot read: {e.strerror or e}"))
                    continue
                if not stat.S_ISREG(mode):
                    messages.append(Message("warning", f"{shown}: not a regular file, skipped"))
                    continue
                add(real, shown)
        for e in errors:
            messages.append(Message("error", f"{e.filename}: cannot read folder: {e.strerror or e}"))
    return targets, messages


# ---------------------------------------------------------------- signals

class Interrupted(Exception):
    """SIGINT or SIGTERM reached the parent; ``signum`` says which."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _Shield:
    """Defers SIGINT/SIGTERM while a file is being replaced.

    Python runs signal handlers in the main thread between bytecodes; the
    handler below only records the signal while ``busy`` is set, and the
    rewrite acts on it once the file is its new self.
    """

    def __init__(self) -> None:
        self.busy = False
        self.pending: int | None = None
        self.act: Callable[[int], None] = _raise_interrupted

    def handler(self, signum: int, frame: object) -> None:
        if self.busy:
            self.pending = signum
        else:
            self.act(signum)

    def replace(self, path: str, data: bytes, expect: os.stat_result) -> None:
        self.busy = True
        try:
            atomic.replace_bytes(Path(path), data, expect=expect)
        finally:
            self.busy = False
            if self.pending is not None:
                signum, self.pending = self.pending, None
                self.act(signum)


def _raise_interrupted(signum: int) -> None:
    raise Interrupted(signum)


def _exit_now(signum: int) -> None:
    os._exit(128 + signum)


_SHIELD = _Shield()


# ---------------------------------------------------------------- per file work

_CLEANER: Cleaner | None = None
_OPTIONS = BatchOptions()


def _setup(cleaner: Cleaner, options: BatchOptions) -> None:
    global _CLEANER, _OPTIONS
    _CLEANER, _OPTIONS = cleaner, options


def _worker_init(cleaner: Cleaner, options: BatchOptions, parent: int) -> None:
    """Runs once in each worker: the Cleaner arrives here, pickled once per worker."""
    _setup(cleaner, options)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _SHIELD.act = _exit_now
    signal.signal(signal.SIGTERM, _SHIELD.handler)
    main = threading.main_thread().ident

    def watch() -> None:
        # The parent was killed (SIGKILL leaves no chance to stop us): finish
        # the file under way, then go, instead of lingering as an orphan.
        while os.getppid() == parent:
            time.sleep(0.2)
        signal.pthread_kill(main, signal.SIGTERM)

    if hasattr(signal, "pthread_kill"):   # POSIX; elsewhere the pool's own checks apply
        threading.Thread(target=watch, daemon=True).start()


def _scan_one(t: Target) -> Scan:
    try:
        with open(t.path, "rb") as f:
            data = f.read()
    except OSError as e:
        return Scan(t, message=Message("error", f"{t.name}: cannot read: {e.strerror or e}"))
    if b"\0" in data[:BINARY_PROBE]:
        return Scan(t, message=Message("warning", f"{t.name}: binary file (NUL byte in the first "
                                                  f"8 KB), skipped"))
    if t.name.lower().endswith(HTML_SUFFIXES) or detect_format(data) == "html":
        return Scan(t, message=Message("warning", f"{t.name}: HTML is not rewritten by a batch run, "
                                                  f"skipped (`clean {t.name}` prints its cleaned text)"))
    try:
        text = decode(data, t.name, _OPTIONS.encoding)
    except CleanerError as e:
        return Scan(t, message=Message("error", str(e)))
    return Scan(t, keys=frozenset(document_keys(text)))


def _clean_one(t: Target, common: CommonLines | None) -> Outcome:
    assert _CLEANER is not None
    try:
        with open(t.path, "rb") as f:
            before = os.fstat(f.fileno())
            data = f.read()
    except OSError as e:
        return Outcome(t, message=Message("error", f"{t.name}: cannot read: {e.strerror or e}"))
    try:
        text = decode(data, t.name, _OPTIONS.encoding)
        result = _CLEANER.analyze(text, t.name, common=common)
        if not result.changed:
            return Outcome(t)
        new = result.text
        removed = removed_lines(result.decisions)
        diff = result.diff() if _OPTIONS.diff else None
    except CleanerError as e:
        # Decoding errors already name the file; rule errors (a pattern timing
        # out) name the rule and line, and need the file in front.
        text = str(e) if str(e).startswith(t.name + ":") else f"{t.name}: {e}"
        return Outcome(t, message=Message("error", text))
    except Exception as e:  # a bug in the cleaner: name the file, keep the batch going
        return Outcome(t, message=Message("error", f"{t.name}: internal error: "
                                                   f"{type(e).__name__}: {e}"))
    if _OPTIONS.write:
        if not before.st_mode & 0o222:
            # os.replace would happily swap a read-only file (only the folder's
            # permissions count); its owner made it read-only for a reason.
            return Outcome(t, True, removed, diff,
                           Message("error", f"{t.name}: read-only file, not rewritten"))
        try:
            _SHIELD.replace(t.path, new.encode(_OPTIONS.encoding), before)
        except atomic.ChangedMeanwhile:
            return Outcome(t, True, removed, diff,
                           Message("error", f"{t.name}: changed on disk while being cleaned, "
                                            f"not rewritten"))
        except OSError as e:
            return Outcome(t, True, removed, diff,
                           Message("error", f"{t.name}: cannot rewrite: {e.strerror or e} "
                                            f"(file left as it was)"))
    return Outcome(t, True, removed, diff)


def _scan_chunk(chunk: list[Target]) -> list[Scan]:
    return [_scan_one(t) for t in chunk]


def _clean_chunk(chunk: list[Target], common: CommonLines | None) -> list[Outcome]:
    return [_clean_one(t, common) for t in chunk]


# ---------------------------------------------------------------- running

def _chunks(items: Sequence[Target], size: int) -> list[list[Target]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def _ordered(pool: Executor | None, fn: Callable, chunks: list[list[Target]], *extra: object,
             window: int) -> Iterator[list]:
    """Results of ``fn(chunk, *extra)`` in chunk order, at most ``window`` chunks in flight."""
    if pool is None:
        for chunk in chunks:
            yield fn(chunk, *extra)
        return
    pending: deque = deque()
    it = iter(chunks)
    for chunk in it:
        pending.append(pool.submit(fn, chunk, *extra))
        if len(pending) >= window:
            break
    while pending:
        result = pending.popleft().result()
        nxt = next(it, None)
        if nxt is not None:
            pending.append(pool.submit(fn, nxt, *extra))
        yield result


class Progress:
    """A one-line progress indicator on a terminal: ``\\r``, no dependency."""

    def __init__(self, stream: TextIO, total: int, enabled: bool):
        self.stream, self.total, self.enabled = stream, total, enabled
        self.label, self.done, self.last = "", 0, 0.0
        self.shown = False

    def start(self, label: str) -> None:
        self.label, self.done = label, 0
        self._draw(force=True)

    def advance(self, n: int) -> None:
        self.done += n
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.1 and self.done < self.total:
            return
        self.last = now
        width = 30
        filled = width * self.done // max(self.total, 1)
        self.stream.write(f"\rclean: {self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{self.done}/{self.total}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def _pool(cleaner: Cleaner, options: BatchOptions, jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init,
                               initargs=(cleaner, options, os.getpid()))


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop workers now: each finishes the rewrite under way (SIGTERM is deferred there)."""
    procs = list(getattr(pool, "_processes", {}).values())
    for p in procs:
        try:
            p.terminate()
        except (OSError, ValueError):
            pass
    for p in procs:
        p.join(timeout=10)
    pool.shutdown(wait=False, cancel_futures=True)


def run_batch(cleaner: Cleaner, paths: Sequence[str], *, write: bool = False, diff: bool = False,
              check: bool = False, jobs: int | None = None,
              include: Sequence[str] | None = None, exclude: Sequence[str] | None = None,
              encoding: str = "utf-8", exit_nonzero_on_fix: bool = False, quiet: bool = False,
              stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Clean files and folders in place (``write``), or check them; return the exit status.

    stdout gets, per changed file in input order, its unified diff (``diff``)
    or, in check mode, its path; stderr gets warnings, one-line errors,
    ``cleaned PATH`` lines, a progress bar on a terminal, and a summary.
    Exit status: 2 if anything went wrong, else 1 if files would change
    (``check``) or changed with ``exit_nonzero_on_fix``, else 0.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    options = BatchOptions(write=write and not check, diff=diff, encoding=encoding)
    summary = Summary()

    def say(m: Message) -> None:
        if m.level == "error":
            summary.errors += 1
        elif quiet:
            return
        progress.clear()
        err.write(f"clean: {m.level}: {m.text}\n")

    # Globs given replace the default include list but add to the excluded
    # folders: nobody means "clean inside .git" by excluding drafts/.
    targets, messages = collect(paths, include or DEFAULT_INCLUDE,
                                (*DEFAULT_EXCLUDE, *(exclude or ())))
    progress = Progress(err, len(targets), enabled=not quiet and len(targets) > PROGRESS_MIN_FILES
                        and err.isatty())
    for m in messages:
        say(m)
    summary.seen = len(targets)
    jobs = max(1, jobs or os.cpu_count() or 1)
    jobs = min(jobs, max(1, len(targets) // MIN_FILES_PER_WORKER))
    size = max(1, min(64, math.ceil(len(targets) / (jobs * 8))))

    old_handlers = {}
    if threading.current_thread() is threading.main_thread():
        _SHIELD.act = _raise_interrupted
        for sig in (signal.SIGINT, signal.SIGTERM):
            old_handlers[sig] = signal.signal(sig, _SHIELD.handler)
    pool = _pool(cleaner, options, jobs) if jobs > 1 else None
    if pool is None:
        _setup(cleaner, options)
    try:
        # Pass 1: repetition keys of every readable text file.
        counts: Counter = Counter()
        ok: list[Target] = []
        progress.start("reading ")
        for scans in _ordered(pool, _scan_chunk, _chunks(targets, size), window=jobs * 4):
            for s in scans:
                if s.keys is None:
                    assert s.message is not None
                    if s.message.level == "warning":
                        summary.skipped += 1
                    say(s.message)
                    continue
                counts.update(s.keys)
                ok.append(s.target)
            progress.advance(len(scans))
        common = CommonLines.from_counts(counts, len(ok))
        del counts

        # Pass 2: clean with the batch's evidence; rewrite or report.
        progress.start("cleaning")
        for outcomes in _ordered(pool, _clean_chunk, _chunks(ok, size), common, window=jobs * 4):
            for o in outcomes:
                if o.message is not None:
                    say(o.message)
                if not o.changed or (o.message is not None and o.message.level == "error"):
                    continue
                summary.changed += 1
                summary.removed += o.removed
                if o.diff is not None:
                    progress.clear()
                    out.write(o.diff)
                elif check:
                    progress.clear()
                    out.write(o.target.name + "\n")
                if options.write and not quiet:
                    progress.clear()
                    err.write(f"clean: cleaned {o.target.name} ({o.removed} lines removed)\n")
            progress.advance(len(outcomes))
        out.flush()
    except BrokenProcessPool:
        # A worker died (killed from outside, out of memory): files it was
        # rewriting are still whole, but the run cannot vouch for the rest.
        progress.clear()
        err.write(f"clean: error: a worker process died; {summary.changed} files "
                  f"{'rewritten' if options.write else 'checked'} before it, none left half-written\n")
        return EXIT_ERROR
    except Interrupted as e:
        if pool is not None:
            _stop_workers(pool)
            pool = None
        progress.clear()
        done = "rewritten" if options.write else "checked"
        err.write(f"clean: interrupted; {summary.changed} files {done} so far, "
                  f"none left half-written\n")
        return 128 + e.signum
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
        for sig, h in old_handlers.items():
            signal.signal(sig, h)
        progress.clear()
    if not quiet:
        verb = "would change" if not options.write else "changed"
        err.write(f"clean: {summary.seen} files seen, {summary.changed} {verb}, "
                  f"{summary.skipped} skipped, {summary.errors} error{'' if summary.errors == 1 else 's'}, "
                  f"{summary.removed} lines removed\n")
    if summary.errors:
        return EXIT_ERROR
    if summary.changed and (check or exit_nonzero_on_fix):
        return EXIT_CHANGED
    return EXIT_OK
