"""Batch runs: clean many files in place, check them, diff them or copy them cleaned, in workers.

The flow of one run:

1. **collect** (``walk.collect``): the given files and folders, walked into an
   ordered list of targets (include/exclude globs, ignore files, symbolic
   links only inside the given paths, our own temporary files never);
2. **scan** (pass 1, in workers): read each target, skip binary and HTML
   files with a warning, decode it, and return its repetition keys
   (``repetition.scan_document``): small digests and a near-duplicate
   signature, never the text;
3. the parent counts the keys into ``CommonLines`` (near-duplicate files count
   once): lines shared by many files of the batch are boilerplate evidence;
4. **clean** (pass 2, in workers): read each file again, clean it with that
   evidence, and when the text changed, rewrite it (``atomic``: refused if the
   file changed meanwhile, became a link or a special file, has other hard
   links or extended attributes that cannot be kept), or return its diff, or
   write the cleaned copy under the output folder.

Results come back in input order whatever the number of workers, and each
file's result depends only on its own text and the batch's key counts, so
``--jobs 1`` and ``--jobs 8`` produce the same bytes. Memory holds the key
counter and one chunk of files per worker, not the batch's text.

Interrupts (``_Stop``): SIGINT and SIGTERM never cut a rewrite short. A signal
is recorded; it aborts work only where aborting loses nothing (cleaning a
text), and is otherwise acted on at the next file; the parent, waiting for a
worker, looks for it every ``SIGNAL_POLL`` seconds. Workers
ignore SIGINT (Ctrl-C reaches the whole process group; the parent coordinates);
the parent sends them SIGTERM, each returns the outcomes of the files it has
finished, rewrites included, and the parent counts those before it reports,
so the counts after an interrupt are exact. A worker whose parent died
(SIGKILL) exits after its current file instead of lingering, and so do the
workers left when one of them dies (``LEAVE``): the pool can no longer give
them work, and may never tell them to stop.
"""
from __future__ import annotations

import codecs
import math
import os
import signal
import sys
import threading
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence, TextIO

from . import atomic, pools
from .api import Cleaner
from .config import NestedSettings
from .errors import CleanerError
from .progress import View, view_for
from .reader import AUTO, decode, decode_as, detect_format, is_jsonl_name
from .repetition import MIN_DOCS, CommonLines, DocumentKeys, LineTally, scan_document
from .walk import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, Globs, Message, Target, collect
from .writer import counted, stats_lines, unified_diff

__all__ = ["run_batch", "collect", "Target", "Message", "DEFAULT_INCLUDE", "DEFAULT_EXCLUDE"]

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
BINARY_PROBE = 8192
# Below this many files per worker, starting processes costs more than it saves.
MIN_FILES_PER_WORKER = 16
# How long the parent waits, after an interrupt, for workers to finish their current file.
STOP_GRACE = 30.0
# How often the parent, waiting for a chunk, looks whether a signal came.
SIGNAL_POLL = 0.05
# The parent's word to the workers of a broken pool: finish the file being
# written, then exit. A worker killed while it held the pool's task-queue lock
# leaves the others waiting for that lock forever, and the pool's own way of
# ending them (SIGTERM) is, for our workers, "stop after this file".
LEAVE = getattr(signal, "SIGUSR1", signal.SIGTERM)   # no SIGUSR1 on Windows

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Scan:
    """Pass 1 for one file: its repetition keys, or why it is left out."""
    target: Target
    keys: DocumentKeys | None = None
    message: Message | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """Pass 2 for one file."""
    target: Target
    changed: bool = False
    removed: int = 0                                # lines removed (or that would be)
    reasons: tuple[tuple[str, str, int], ...] = ()  # removed lines per (kind, reason)
    diff: str | None = None
    message: Message | None = None
    written: bool = False                           # rewritten, or copied to the output folder


@dataclass(frozen=True, slots=True)
class Chunk:
    """What a worker returns for a chunk: results of the files it finished, and
    the signal that stopped it early, if one did."""
    results: list
    stopped: int | None = None


@dataclass(frozen=True)
class BatchOptions:
    write: bool = False            # rewrite changed files (--in-place)
    diff: bool = False             # return a unified diff for changed files
    encoding: str = "utf-8"
    output_dir: str | None = None  # write cleaned copies here instead (--output-dir)
    # Scan each file's repetition keys: not when the cleaner counts no
    # repetition, nor for fewer files than a common line needs (MIN_DOCS).
    keys: bool = True


@dataclass
class Summary:
    seen: int = 0
    changed: int = 0
    written: int = 0
    skipped: int = 0
    errors: int = 0
    removed: int = 0
    reasons: Counter = field(default_factory=Counter)     # lines per reason group (the summary)
    kinds: Counter = field(default_factory=Counter)       # lines per (kind, reason) (--stats)

    def count(self, o: Outcome) -> None:
        self.changed += o.changed
        self.written += o.written
        self.removed += o.removed
        for kind, reason, n in o.reasons:
            self.reasons[reason_group(reason)] += n
            self.kinds[kind, reason] += n


def reason_group(reason: str | None) -> str:
    """How the summary groups removals: a rule's pack, or the heuristic's name."""
    if not reason:
        return "other"
    if reason.startswith("heuristic."):
        return reason
    return reason.split(".", 1)[0]


# ---------------------------------------------------------------- signals

class Interrupted(Exception):
    """SIGINT or SIGTERM arrived; ``signum`` says which."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _Stop:
    """Signal state of one process (the parent, or a worker).

    The handler records the first signal. It raises ``Interrupted`` only while
    ``abortable`` is set: around work that has no effect outside the process
    (cleaning a text, waiting for a result), so a rewrite under way always
    completes and its outcome is always returned. Everywhere else the record
    is checked at the next file.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self.abortable = False
        self.busy = False           # writing a file: an exiting worker waits for it to end
        self.exiting = False        # exit as soon as no file is being written (LEAVE)

    def reset(self) -> None:
        self.signum, self.abortable, self.busy, self.exiting = None, False, False, False

    def handler(self, signum: int, frame: object) -> None:
        if self.signum is None:
            self.signum = signum
        if self.exiting and not self.busy:
            os._exit(128 + signum)
        if self.abortable:
            self.abortable = False
            raise Interrupted(signum)

    def enter(self) -> None:
        """Start abortable work (raises at once if a signal is already recorded)."""
        if self.signum is not None:
            raise Interrupted(self.signum)
        self.abortable = True

    def leave(self) -> None:
        self.abortable = False

    def exit_handler(self, signum: int, frame: object) -> None:
        """``LEAVE``: exit now, or when the file being written is whole. (Not
        ``leave``, which ends abortable work and keeps the worker going.)"""
        self.exiting = True
        self.handler(signum, frame)

    def check(self) -> None:
        """After a file is written: exit if told to leave meanwhile."""
        if self.exiting:
            os._exit(128 + (self.signum or signal.SIGTERM))


_STOP = _Stop()


# ---------------------------------------------------------------- per file work

_CLEANER: Cleaner | None = None
_OPTIONS = BatchOptions()
NO_KEYS = DocumentKeys(frozenset(), None)   # a file scanned without its keys (BatchOptions.keys)


def _setup(cleaner: Cleaner, options: BatchOptions) -> None:
    global _CLEANER, _OPTIONS
    _CLEANER, _OPTIONS = cleaner, options


def _worker_init(cleaner: Cleaner, options: BatchOptions, parent: int) -> None:
    """Runs once in each worker: the Cleaner arrives here, pickled once per worker."""
    _setup(cleaner, options)
    _STOP.reset()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _STOP.handler)
    signal.signal(LEAVE, _STOP.exit_handler)
    # The parent killed (SIGKILL leaves it no chance to stop us): finish the
    # file under way, then go, instead of lingering as an orphan.
    pools.watch_parent(parent, LEAVE)


def _read(t: Target) -> tuple[bytes, atomic.Snapshot] | Message:
    """The file's bytes and snapshot, or the message saying why not."""
    try:
        return atomic.read_file(t.path, t.folder)
    except atomic.NotRegular:
        return Message("warning", f"{t.name}: not a regular file (any more), skipped")
    except atomic.ChangedMeanwhile as e:
        return Message("error", f"{t.name}: {_why(e)}, skipped")
    except OSError as e:
        return Message("error", f"{t.name}: cannot read: {e.strerror or e}")


def _looks_binary(data: bytes, encoding: str) -> bool:
    """A NUL among the first ``BINARY_PROBE`` bytes; in a declared UTF-16 or
    UTF-32, whose every character holds NUL bytes, among the first characters."""
    probe = data[:BINARY_PROBE]
    if encoding != AUTO and codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        try:
            return "\0" in codecs.getincrementaldecoder(encoding)(errors="replace").decode(probe)
        except UnicodeError:     # no BOM where the codec needs one: decoding will say so
            return False
    return b"\0" in probe


def _why(e: OSError) -> str:
    text = str(e)
    return text.split(": ", 1)[1] if ": " in text else text


def _scan_one(t: Target) -> Scan:
    if is_jsonl_name(t.name):
        # As text its records would pass through untouched: say so instead.
        return Scan(t, message=Message("warning", f"{t.name}: JSON Lines are not rewritten by a batch "
                                                  f"run, skipped (`clean {t.name} > OUT` cleans its records)"))
    got = _read(t)
    if isinstance(got, Message):
        return Scan(t, message=got)
    data, _ = got
    if _looks_binary(data, _OPTIONS.encoding):
        return Scan(t, message=Message("warning", f"{t.name}: binary file (NUL byte in the first "
                                                  f"8 KB), skipped"))
    if t.name.lower().endswith(HTML_SUFFIXES) or detect_format(data) == "html":
        return Scan(t, message=Message("warning", f"{t.name}: HTML is not rewritten by a batch run, "
                                                  f"skipped (`clean {t.name}` prints its cleaned text)"))
    try:
        text = decode(data, t.name, _OPTIONS.encoding)
    except CleanerError as e:
        return Scan(t, message=Message("error", str(e)))
    return Scan(t, keys=scan_document(text) if _OPTIONS.keys else NO_KEYS)


def _analyze(t: Target, data: bytes, common: CommonLines | None) -> Outcome | tuple[list[bytes], Outcome]:
    """Clean one file's bytes: an Outcome for an unchanged file or an error, else
    (the new bytes in pieces, Outcome)."""
    assert _CLEANER is not None
    try:
        # Written back in the encoding it was read in: with --encoding auto,
        # the one guessed for this file.
        text, encoding = decode_as(data, t.name, _OPTIONS.encoding)
        removed: Counter = Counter()
        _STOP.enter()
        try:
            new, same = _cleaned_bytes(text, t.name, common, removed, encoding)
        finally:
            _STOP.leave()
        if same:
            return Outcome(t)
        diff = unified_diff(text, b"".join(new).decode(encoding), t.name) \
            if _OPTIONS.diff else None
    except CleanerError as e:
        # Decoding errors already name the file; rule errors (a pattern timing
        # out) name the rule and line, and need the file in front.
        text = str(e) if str(e).startswith(t.name + ":") else f"{t.name}: {e}"
        return Outcome(t, message=Message("error", text))
    except (Interrupted, KeyboardInterrupt):
        raise
    except Exception as e:  # a bug in the cleaner: name the file, keep the batch going
        return Outcome(t, message=Message("error", f"{t.name}: internal error: "
                                                   f"{type(e).__name__}: {e}"))
    return new, Outcome(t, True, sum(removed.values()),
                        tuple(sorted((kind, reason, n) for (kind, reason), n in removed.items())), diff)


def _cleaned_bytes(text: str, name: str, common: CommonLines | None, removed: Counter,
                   encoding: str) -> tuple[list[bytes], bool]:
    """The cleaned text, encoded in pieces, and whether it is the text as it was.

    Window by window, as `clean` writes stdout: each piece is compared with the
    text where it would stand and encoded as it comes, so that memory holds
    the text, its bytes and one window's decisions however big the file is
    (the cleaned text whole, as a str, would take up to four bytes a character;
    the pieces are written as they are, not joined).
    """
    assert _CLEANER is not None
    # One encoder for the whole text: a BOM (UTF-16, utf-8-sig) once, at the
    # start, and a stateful encoding's shifts (ISO-2022-JP) carried across pieces.
    encoder = codecs.getincrementalencoder(encoding)()
    pieces: list[bytes] = []
    at, same = 0, True
    for piece in _CLEANER.iter_clean(text, name, common=common, removed=removed):
        if same:
            same = text.startswith(piece, at)
            at += len(piece)
        pieces.append(encoder.encode(piece))
    pieces.append(encoder.encode("", final=True))
    return pieces, same and at == len(text)


def _clean_one(t: Target, common: CommonLines | None) -> Outcome:
    got = _read(t)
    if isinstance(got, Message):
        return Outcome(t, message=got)
    data, snap = got
    done = _analyze(t, data, common)
    if _OPTIONS.output_dir is not None:
        new, o = ([data], done) if isinstance(done, Outcome) else done
        if o.message is not None:
            return o
        return _copy_out(t, new, o)
    if isinstance(done, Outcome) or not _OPTIONS.write:
        return done if isinstance(done, Outcome) else done[1]
    new, o = done

    def refused(why: str) -> Outcome:
        return Outcome(t, True, o.removed, o.reasons, o.diff,
                       Message("error", f"{t.name}: {why}, not rewritten"))

    if not snap.mode & 0o222:
        # A rename would happily swap a read-only file (only the folder's
        # permissions count); its owner made it read-only for a reason.
        return refused("read-only file")
    if snap.nlink > 1:
        return refused(f"has {snap.nlink} hard links (a rewrite would split them; "
                       f"use --output-dir, or copy the file first)")
    _STOP.busy = True
    try:
        atomic.replace_bytes(t.path, new, expect=snap, folder=t.folder)
    except atomic.HardLinked as e:
        return refused(f"{_why(e)} (a rewrite would split them)")
    except atomic.XattrsNotKept as e:
        return refused(_why(e))
    except atomic.NotRegular:
        return refused("became a symbolic link or special file during the run")
    except atomic.ChangedMeanwhile as e:
        return refused(_why(e))
    except OSError as e:
        return Outcome(t, True, o.removed, o.reasons, o.diff,
                       Message("error", f"{t.name}: cannot rewrite: {e.strerror or e} "
                                        f"(file left as it was)"))
    finally:
        _STOP.busy = False
        _STOP.check()
    return Outcome(t, True, o.removed, o.reasons, o.diff, written=True)


def _copy_out(t: Target, new: list[bytes], o: Outcome) -> Outcome:
    """Write the cleaned (or unchanged) bytes under the output folder."""
    assert _OPTIONS.output_dir is not None
    dest = os.path.join(_OPTIONS.output_dir, t.out)
    if os.path.realpath(dest) == t.path:
        return Outcome(t, o.changed, o.removed, o.reasons, o.diff,
                       Message("error", f"{t.name}: the output would overwrite the input "
                                        f"(use --in-place to rewrite files)"))
    _STOP.busy = True
    try:
        atomic.write_new(dest, new)
    except OSError as e:
        return Outcome(t, o.changed, o.removed, o.reasons, o.diff,
                       Message("error", f"{dest}: cannot write: {e.strerror or e}"))
    finally:
        _STOP.busy = False
        _STOP.check()
    return Outcome(t, o.changed, o.removed, o.reasons, o.diff, written=True)


def _scan_chunk(chunk: list[Target]) -> Chunk:
    out: list[Scan] = []
    try:
        for t in chunk:
            _STOP.enter()
            try:
                out.append(_scan_one(t))
            finally:
                _STOP.leave()
    except Interrupted as e:
        return Chunk(out, e.signum)
    return Chunk(out)


def _clean_chunk(chunk: list[Target], common: CommonLines | None) -> Chunk:
    out: list[Outcome] = []
    for t in chunk:
        if _STOP.signum is not None:
            return Chunk(out, _STOP.signum)
        try:
            out.append(_clean_one(t, common))
        except Interrupted as e:   # raised only while cleaning a text: nothing was written
            return Chunk(out, e.signum)
    return Chunk(out)


# ---------------------------------------------------------------- running

def _chunks(items: Sequence[Target], size: int) -> list[list[Target]]:
    # Small chunks first, so the first results (and the progress bar) come at once.
    out, i, n = [], 0, 1
    while i < len(items):
        step = min(n, size)
        out.append(list(items[i:i + step]))
        i += step
        n *= 2
    return out


class _Feed:
    """Chunk results in chunk order, at most ``window`` chunks in flight.

    A future stays in ``pending`` until its result has been taken, so after an
    interrupt ``drain`` still sees every chunk that was running.
    """

    def __init__(self, pool: ProcessPoolExecutor | None, fn: Callable, chunks: list,
                 extra: tuple, window: int):
        self.pool, self.fn, self.extra = pool, fn, extra
        self.it = iter(chunks)
        self.pending: deque[Future] = deque()
        if pool is not None:
            for chunk in self.it:
                self.pending.append(pool.submit(fn, chunk, *extra))
                if len(self.pending) >= window:
                    break

    def __iter__(self):
        if self.pool is None:
            for chunk in self.it:
                yield self.fn(chunk, *self.extra)
            return
        while self.pending:
            fut = self.pending[0]
            # Polled, not abortable: the handler's exception, raised inside
            # wait(), could leave the future's lock held (or its waiter
            # installed), and the pool's thread, then the shutdown after the
            # interrupt, would wait on it for ever.
            while not fut.done():
                if _STOP.signum is not None:
                    raise Interrupted(_STOP.signum)
                wait([fut], timeout=SIGNAL_POLL)
            result = fut.result()
            self.pending.popleft()
            nxt = next(self.it, None)
            if nxt is not None:
                self.pending.append(self.pool.submit(self.fn, nxt, *self.extra))
            yield result

    def drain(self, timeout: float) -> tuple[list[Chunk], bool]:
        """After the workers were told to stop: the results of chunks that ran, in
        order, and whether all of them came back in time."""
        for f in self.pending:
            f.cancel()
        done, not_done = wait(list(self.pending), timeout=timeout)
        results = []
        for f in self.pending:
            if f in done and not f.cancelled() and f.exception() is None:
                results.append(f.result())
        return results, not not_done


def _pool(cleaner: Cleaner, options: BatchOptions, jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init,
                               initargs=(cleaner, options, os.getpid()))


def run_batch(cleaner: Cleaner, paths: Sequence[str], *, write: bool = False, diff: bool = False,
              check: bool = False, jobs: int | None = None,
              include: Globs | Sequence[str] | None = None,
              exclude: Sequence[Globs | str] | None = None,
              encoding: str = "utf-8", exit_nonzero_on_fix: bool = False, quiet: bool = False,
              ignore: bool = True, output_dir: str | None = None, stats: bool = False,
              nested: NestedSettings | None = None,
              stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Clean files and folders in place (``write``), check them, diff them, or write
    cleaned copies under ``output_dir``; return the exit status.

    ``include`` and ``exclude``: ``walk.Globs``, or strings, globs as the
    command line gives them (relative to the working folder); ``nested``:
    settings files below the run's, whose exclude holds below them.

    stdout gets, per changed file in input order, its unified diff (``diff``)
    or, in check mode, its path; stderr gets warnings, one-line errors,
    ``cleaned PATH`` lines, a progress bar on a terminal, and a summary (with
    ``stats``, and the lines removed per kind and reason under it).
    Exit status: 2 if anything went wrong, else 1 if files would change
    (``check``) or changed with ``exit_nonzero_on_fix``, else 0; 128 + the
    signal number after SIGINT or SIGTERM.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    options = BatchOptions(write=write and not check and output_dir is None, diff=diff,
                           encoding=encoding,
                           output_dir=None if check or output_dir is None
                           else os.path.abspath(output_dir))
    summary = Summary()
    view: View = view_for(err, out, quiet)

    def say(m: Message) -> None:
        if m.level == "error":
            summary.errors += 1
        elif quiet:
            return
        view.note(f"clean: {m.level}: {m.text}")

    def report(o: Outcome) -> None:
        if o.message is not None:
            say(o.message)
        if not o.changed and not o.written:
            return
        if o.message is not None and o.message.level == "error":
            return
        summary.count(o)
        if not o.changed:
            return
        if o.diff is not None:
            view.emit(o.diff)
        elif check or not (options.write or options.output_dir):
            view.emit(o.target.name + "\n")
        if options.write and not quiet:
            view.note(f"clean: cleaned {o.target.name} ({counted(o.removed, 'line')} removed)")

    old_handlers = {}
    if threading.current_thread() is threading.main_thread():
        _STOP.reset()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # A signal ignored when we started stays ignored (a job started in the
            # background with `&` ignores Ctrl-C, and so must its rewrite); and
            # the handler we replace goes back when the run ends, however it ends.
            if signal.getsignal(sig) is not signal.SIG_IGN:
                old_handlers[sig] = signal.signal(sig, _STOP.handler)
    pool = None
    phase = "collecting"
    feed: _Feed | None = None
    try:
        view.phase("collecting")
        # Globs given replace the default include list but add to the excluded
        # folders: nobody means "clean inside .git" by excluding drafts/.
        _STOP.enter()
        try:
            targets, messages = collect(paths, include or DEFAULT_INCLUDE,
                                        (*DEFAULT_EXCLUDE, *(exclude or ())), ignore=ignore,
                                        skip=[options.output_dir] if options.output_dir else (),
                                        found=view.advance, nested=nested)
        finally:
            _STOP.leave()
        for m in messages:
            say(m)
        summary.seen = len(targets)
        if not (cleaner.repetition and len(targets) >= MIN_DOCS):
            options = replace(options, keys=False)
        jobs = max(1, jobs or os.cpu_count() or 1)
        jobs = min(jobs, max(1, len(targets) // MIN_FILES_PER_WORKER))
        size = max(1, min(64, math.ceil(len(targets) / (jobs * 8))))
        pool = _pool(cleaner, options, jobs) if jobs > 1 else None
        if pool is None:
            _setup(cleaner, options)

        # Pass 1: repetition keys of every readable text file.
        phase = "scanning"
        view.phase("scanning", len(targets))
        tally = LineTally()
        ok: list[Target] = []
        feed = _Feed(pool, _scan_chunk, _chunks(targets, size), (), jobs * 4)
        for chunk in feed:
            for s in chunk.results:
                if s.keys is None:
                    assert s.message is not None
                    if s.message.level == "warning":
                        summary.skipped += 1
                    say(s.message)
                    continue
                tally.add(s.keys)
                ok.append(s.target)
            view.advance(len(chunk.results))
            if chunk.stopped is not None:
                raise Interrupted(chunk.stopped)
        # Counting can take a while (near-duplicate clusters): say so rather than stall.
        view.phase("counting repeated lines")
        _STOP.enter()
        try:
            common = tally.common()
        finally:
            _STOP.leave()
        del tally

        # Pass 2: clean with the batch's evidence; rewrite, copy or report.
        phase = "cleaning"
        view.phase("cleaning" if options.write or options.output_dir else "checking", len(ok))
        feed = _Feed(pool, _clean_chunk, _chunks(ok, size), (common,), jobs * 4)
        for chunk in feed:
            for o in chunk.results:
                report(o)
            view.advance(len(chunk.results))
            if chunk.stopped is not None:
                raise Interrupted(chunk.stopped)
            if _STOP.signum is not None:
                raise Interrupted(_STOP.signum)
        out.flush()
        if pool is not None:
            closing, pool = pool, None
            if pools.close(closing, leave=LEAVE):
                raise BrokenProcessPool("a worker died after the last result")
    except BrokenProcessPool:
        # A worker died (killed from outside, out of memory): files it was
        # rewriting are still whole, but the run cannot vouch for the rest.
        # The others finish the file they are writing and exit; the pool's
        # shutdown below waits for them.
        if pool is not None:
            pools.signal_workers(pools.workers(pool), LEAVE)
        view.close()
        err.write(f"clean: error: a worker process died; {summary.written} files "
                  f"{_done_word(options)} before it, none left half-written\n")
        return EXIT_ERROR
    except Interrupted as e:
        complete = True
        if pool is not None:
            # Each worker finishes (or abandons, if it is only reading) its
            # current file and returns what it completed; count all of it.
            workers = pools.workers(pool)
            pools.signal_workers(workers, signal.SIGTERM)
            if phase == "cleaning" and feed is not None:
                chunks, complete = feed.drain(STOP_GRACE)
                for chunk in chunks:
                    for o in chunk.results:
                        report(o)
            if not complete:
                pools.signal_workers(workers, signal.SIGKILL)
            closing, pool = pool, None
            pools.close(closing, leave=LEAVE, cancel=True)
        view.close()
        name = signal.Signals(e.signum).name
        tail = ("none left half-written" if complete else
                "a worker did not stop in time and was killed; its last file is its old or new self")
        err.write(f"clean: interrupted ({name}) while {phase}; {summary.written} files "
                  f"{_done_word(options)}, {tail}\n")
        return 128 + e.signum
    finally:
        if pool is not None:
            pools.close(pool, leave=LEAVE)
        for sig, h in old_handlers.items():
            # None: a handler set outside Python, which signal.signal cannot put back.
            signal.signal(sig, h if h is not None else signal.SIG_DFL)
        view.close()
    if not quiet:
        err.write(_summary_line(summary, options) + "\n")
    if stats:
        err.writelines(f"clean:   {line}\n" for line in stats_lines(summary.kinds))
    if summary.errors:
        return EXIT_ERROR
    if summary.changed and (check or exit_nonzero_on_fix):
        return EXIT_CHANGED
    return EXIT_OK


def _done_word(options: BatchOptions) -> str:
    if options.output_dir:
        return f"written to {options.output_dir}"
    return "rewritten" if options.write else "checked"


def _summary_line(s: Summary, options: BatchOptions) -> str:
    writes = bool(options.write or options.output_dir)
    verb = "changed" if writes else "would change"
    removed = "removed" if writes else "would be removed"
    line = (f"clean: {counted(s.seen, 'file')} seen, {s.changed} {verb}, {s.skipped} skipped, "
            f"{counted(s.errors, 'error')}, {counted(s.removed, 'line')} {removed}")
    if s.reasons:
        parts = sorted(s.reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        line += " (" + ", ".join(f"{k} {v}" for k, v in parts) + ")"
    if options.output_dir:
        line += f"; {counted(s.written, 'file')} written to {options.output_dir}"
    return line
