"""JSON Lines: clean one string field of each record; every other byte passes through.

A record is one line (ended by "\\n" only: a raw U+2028 inside a string is
data). Only the value of the top-level text field changes: other fields, key
order, spacing, numbers such as ``NaN``, ``1e400`` or a 5,000-digit integer,
and escapes are copied as they were. A small scanner on top of the standard
``json`` module finds the field's span; values it passes over are validated
but never converted to numbers. A record whose text comes out unchanged is
written back byte for byte.

The flow of one run, in memory that does not grow with the input:

1. **scan** (pass 1): read every record and validate it; workers compute
   what the repetition evidence needs from each text
   (``repetition.scan_document``: line keys and a near-duplicate signature),
   which the parent adds up in a ``LineTally``. Standard input and other
   inputs that cannot be read twice (pipes) are spooled to a temporary file
   on the way. A bad record stops the run here, before any output, unless
   ``skip_bad``.
2. **clean** (pass 2): read again; chunks of records are cleaned in worker
   processes (the Cleaner arrives once per worker, the run's small
   ``CommonLines`` with each chunk) and written in input order. Each record's
   result depends only on its own text and the run's evidence, so ``jobs=1``
   and ``jobs=8`` write the same bytes.

Memory holds the tally (about 140 bytes per record: each record's
near-duplicate signature and line keys wait in a temporary file) and, when
counting, one count per distinct line; then a window of chunks, never the input.
"""
from __future__ import annotations

import codecs
import json
import os
import signal
import stat
import sys
import tempfile
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from json.decoder import JSONDecodeError, scanstring
from itertools import chain, islice
from typing import IO, BinaryIO, Callable, Iterator, Sequence

from . import pools
from .api import Cleaner
from .errors import CleanerError, InputError
from .programs import compiled
from .repetition import CommonLines, DocumentKeys, LineTally, scan_document
from .writer import counted, removed_kinds, stats_lines

ANNOTATION_KEY = "clean"
# A chunk sent to a worker: this many bytes or records, whichever comes first.
# Small enough to keep both cores busy to the end and memory low, large enough
# that pickling and queueing cost little next to cleaning.
CHUNK_BYTES = 128 * 1024
CHUNK_RECORDS = 64
# Bad records passed through with skip_bad are named one by one up to here.
MAX_WARNINGS = 10
# How long an interrupted run waits for the pool's manager thread to end.
MANAGER_JOIN_SECONDS = 5.0

EXIT_OK, EXIT_ERROR = 0, 2

_WS = compiled(r"[ \t\n\r]*")
# Values other than the text field are only stepped over: numbers and constants
# stay strings, so a 5,000-digit integer (beyond int()'s digit limit), 1e400 or
# NaN cost nothing and raise nothing. The text is copied, never re-serialised.
_SCAN_VALUE = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str).scan_once
_SURROGATE = compiled("[\ud800-\udfff]")


class BadRecord(Exception):
    """A record that cannot be cleaned; the message says why (without the place)."""


@dataclass(frozen=True, slots=True)
class Located:
    """Where the text field sits in one record (indexes into the decoded line)."""
    start: int           # the field value's opening quote
    end: int             # just past its closing quote
    text: str            # the decoded value
    last_end: int        # just past the object's last value: annotations go here
    comma: str           # the record's own separators, for the annotation
    colon: str


def locate(line: str, key: str, *, annotate: bool = False) -> Located:
    """Find the top-level string field ``key`` of the JSON object on ``line``.

    Raises ``BadRecord`` for invalid JSON, a non-object, a missing, null or
    non-string field, a lone surrogate in the field, and (with ``annotate``) a
    record that already has the annotation field.
    """
    n = len(line)
    i = _WS.match(line, 0).end()
    if line.startswith("\ufeff", i):   # a byte order mark on the first line
        i = _WS.match(line, i + 1).end()
    if i >= n or line[i] != "{":
        raise BadRecord("not a JSON object" if i < n else "empty record")
    i = _WS.match(line, i + 1).end()
    found: tuple[int, int, object] | None = None
    comma = colon = None
    if line.startswith("}", i):
        raise BadRecord(f"no field {key!r}")
    while True:
        if not line.startswith('"', i):
            raise BadRecord(f"invalid JSON: expecting a key in double quotes at column {i + 1}")
        try:
            name, i = scanstring(line, i + 1)
        except JSONDecodeError as e:
            raise BadRecord(f"invalid JSON: {e.msg} at column {e.colno}") from None
        j = _WS.match(line, i).end()
        if not line.startswith(":", j):
            raise BadRecord(f"invalid JSON: expecting ':' at column {j + 1}")
        k = _WS.match(line, j + 1).end()
        colon = colon if colon is not None else line[i:k]
        try:
            value, end = _SCAN_VALUE(line, k)
        except StopIteration:
            raise BadRecord(f"invalid JSON: expecting a value at column {k + 1}") from None
        except JSONDecodeError as e:
            raise BadRecord(f"invalid JSON: {e.msg} at column {e.colno}") from None
        except RecursionError:
            raise BadRecord(f"invalid JSON: nested too deeply at column {k + 1}") from None
        if name == key:
            # Duplicate keys: the last one wins, as for json.loads and every reader after us.
            found = (k, end, value if line.startswith('"', k) else None)
        elif annotate and name == ANNOTATION_KEY:
            raise BadRecord(f"already has a field {ANNOTATION_KEY!r} (--annotate adds it)")
        i = _WS.match(line, end).end()
        if line.startswith(",", i):
            nxt = _WS.match(line, i + 1).end()
            comma = comma if comma is not None else line[end:nxt]
            i = nxt
            continue
        if line.startswith("}", i):
            last_end = end
            break
        raise BadRecord(f"invalid JSON: expecting ',' or '}}' at column {i + 1}")
    rest = _WS.match(line, i + 1).end()
    if rest != n:
        raise BadRecord(f"invalid JSON: extra data at column {rest + 1}")
    if found is None:
        raise BadRecord(f"no field {key!r}")
    start, stop, text = found
    if not isinstance(text, str):
        what = line[start:stop] if stop - start <= 20 else line[start:start + 17] + "..."
        raise BadRecord(f"field {key!r} is not a string: {what}")
    m = _SURROGATE.search(text)
    if m:
        raise BadRecord(f"field {key!r} holds a lone surrogate (\\u{ord(m.group()):04x}), "
                        f"which no UTF-8 output can carry")
    return Located(start, stop, text, last_end, comma if comma is not None else ", ",
                   colon if colon is not None else ": ")


def splice(line: str, loc: Located, cleaned: str, annotation: object = None) -> str:
    """``line`` with the field's value replaced by ``cleaned`` (and ``annotation`` added).

    The new value follows the record's style: escaped non-ASCII when the old
    value had it escaped (``ensure_ascii``), raw otherwise.
    """
    raw = line[loc.start:loc.end]
    escaped = raw.isascii() and not loc.text.isascii()
    new = raw if cleaned == loc.text else json.dumps(cleaned, ensure_ascii=escaped)
    head = line[:loc.start] + new
    if annotation is None:
        return head + line[loc.end:]
    compact = loc.comma.strip() == loc.comma and loc.colon.strip() == loc.colon
    extra = (loc.comma + json.dumps(ANNOTATION_KEY) + loc.colon
             + json.dumps(annotation, ensure_ascii=escaped,
                          separators=(",", ":") if compact else None))
    if loc.last_end == loc.end:
        return head + extra + line[loc.end:]
    return head + line[loc.end:loc.last_end] + extra + line[loc.last_end:]


# ---------------------------------------------------------------- one record

@dataclass(frozen=True)
class Options:
    """What the run asks of each record (sent once to each worker)."""
    field: str = "text"
    encoding: str = "utf-8"
    skip_bad: bool = False
    explain: bool = False
    stats: bool = False
    annotate: bool = False


@dataclass(slots=True)
class Outcome:
    """One record cleaned (or why not)."""
    data: bytes                       # the output line, with its line end
    changed: bool = False
    removed: int = 0                  # lines removed from the text
    reasons: Counter | None = None    # (kind, reason) -> lines removed (with stats)
    explain: list[str] | None = None
    error: str | None = None          # why the record is bad (it is passed through)
    internal: bool = False            # the error is a bug of ours, not a bad record


def _utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _decode(line: bytes, encoding: str) -> str:
    try:
        return line.decode(encoding)
    except UnicodeDecodeError as e:
        raise BadRecord(f"not valid {encoding} at byte {e.start + 1} of the line "
                        f"(use --encoding to read another encoding)") from None
    except UnicodeError as e:       # codecs such as idna raise their own kind
        raise BadRecord(f"cannot be read as {encoding}: {e}") from None


def clean_record(cleaner: Cleaner, data: bytes, where: str, common: CommonLines | None,
                 opts: Options) -> Outcome:
    """Clean one record (``data``: its bytes with the line end); never raises for bad input."""
    try:
        line = _decode(data, opts.encoding)
        if not line.strip():
            return Outcome(data if _utf8(opts.encoding) else line.encode("utf-8"))
        loc = locate(line, opts.field, annotate=opts.annotate)
        # Each removal's evidence only for --explain (~3% of the time of cleaning).
        result = cleaner.analyze(loc.text, where, common=common, explain=opts.explain)
        cleaned = result.text
    except BadRecord as e:
        return Outcome(data, error=str(e))
    except CleanerError as e:
        msg = str(e)
        return Outcome(data, error=msg[len(where) + 2:] if msg.startswith(where + ": ") else msg)
    except Exception as e:   # a bug in the cleaner: name the record; never skipped as "bad"
        return Outcome(data, error=f"internal error: {type(e).__name__}: {e}", internal=True)
    removed = [d for d in result.decisions if not d.block.blank and d.reason is not None]
    annotation = None
    if opts.annotate:
        annotation = {"removed": [
            {"line": d.block.line_no, "reason": d.reason, "text": d.block.text}
            if not d.kept else
            {"line": d.block.line_no, "reason": d.reason,
             "spans": [d.block.text[s:e] for s, e in d.spans]}
            for d in removed]}
    changed = cleaned != loc.text
    if not changed and annotation is None and _utf8(opts.encoding):
        out = data
    else:
        out = splice(line, loc, cleaned, annotation).encode("utf-8")
    n = sum(1 for d in removed if not d.kept)
    reasons = Counter(removed_kinds(result.decisions)) if opts.stats else None
    return Outcome(out, changed, n, reasons, result.explain() if opts.explain else None)


# ---------------------------------------------------------------- workers

_STATE: tuple[Cleaner, Options] | None = None


def _setup(cleaner: Cleaner, opts: Options) -> None:
    global _STATE
    _STATE = (cleaner, opts)


def _worker_init(cleaner: Cleaner, opts: Options, parent: int) -> None:
    """Runs once in each worker: the Cleaner arrives here, pickled once per worker."""
    _setup(cleaner, opts)
    # Ctrl-C reaches the whole process group; the parent stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker writes nothing: when the parent was killed, it just goes.
    pools.watch_parent(parent, signal.SIGTERM)


def _scan_chunk(name: str, first: int, lines: list[bytes]) -> list[DocumentKeys | str | None]:
    """Pass 1 for a chunk: per line its repetition scan, why it is bad, or None (blank)."""
    assert _STATE is not None
    opts = _STATE[1]
    out: list[DocumentKeys | str | None] = []
    for data in lines:
        if data.isspace():
            out.append(None)
            continue
        try:
            loc = locate(_decode(data, opts.encoding), opts.field, annotate=opts.annotate)
        except BadRecord as e:
            out.append(str(e))
            continue
        out.append(scan_document(loc.text))
    return out


def _clean_chunk(name: str, first: int, lines: list[bytes],
                 common: CommonLines | None) -> list[Outcome]:
    assert _STATE is not None
    cleaner, opts = _STATE
    return [clean_record(cleaner, data, f"{name}:{first + i}", common, opts)
            for i, data in enumerate(lines)]


class _Workers:
    """Chunks to worker processes, results back in order.

    The pool starts only when an input has more than one chunk: a few records
    are cleaned in this process, where starting workers would cost more than
    it saves. Once started, it serves both passes.
    """

    def __init__(self, cleaner: Cleaner, opts: Options, jobs: int):
        self.cleaner, self.opts, self.jobs = cleaner, opts, jobs
        self.pool: ProcessPoolExecutor | None = None
        _setup(cleaner, opts)

    def map(self, fn: Callable, name: str, chunks: Iterator[tuple[int, list[bytes]]],
            *extra: object) -> Iterator[tuple[int, list]]:
        """(first line, fn(name, first, lines, *extra)) per chunk, in chunk order."""
        head = list(islice(chunks, 2))
        if self.pool is None and self.jobs > 1 and len(head) > 1:
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_worker_init,
                                            initargs=(self.cleaner, self.opts, os.getpid()))
        every = chain(head, chunks)
        if self.pool is None:
            for first, lines in every:
                yield first, fn(name, first, lines, *extra)
            return
        # At most a few chunks per worker in flight: memory stays bounded.
        window = self.jobs * 4
        pending: deque = deque()
        for first, lines in every:
            pending.append((first, self.pool.submit(fn, name, first, lines, *extra)))
            if len(pending) >= window:
                first0, fut = pending.popleft()
                yield first0, fut.result()
        while pending:
            first0, fut = pending.popleft()
            yield first0, fut.result()

    def finish(self) -> bool:
        """After the last result: shut the pool down, and say whether a worker died."""
        pool, self.pool = self.pool, None
        return pool is not None and pools.close(pool, leave=signal.SIGTERM)

    def stop(self) -> None:
        """After an error or interrupt: stop the workers at once."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        # Taken before shutdown, which lets go of both; chunks under way are lost anyway.
        procs = pools.workers(pool)
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        # The pool's manager thread closes its wake-up pipe as it ends; left running,
        # it races the interpreter's exit, which writes to that pipe (CPython 3.11:
        # "OSError: [Errno 9] Bad file descriptor" on stderr after Ctrl-C). Bounded:
        # a CPython without gh-107219's fix can leave it stuck on a dead worker's
        # pipe, and a stray line on stderr is better than a run that will not stop.
        if manager is not None:
            manager.join(MANAGER_JOIN_SECONDS)


# ---------------------------------------------------------------- reading

@dataclass
class Source:
    """One input, readable twice: a regular file, or a spool of a stream."""
    name: str
    path: str | None = None                  # a regular file read in place
    spool: IO[bytes] | None = None           # a temporary copy of a stream
    identity: tuple | None = None            # (size, mtime_ns, inode) seen in pass 1


def _open_source(path: str) -> tuple[Source, BinaryIO]:
    """The input and a binary stream for pass 1 (gzip is read transparently)."""
    if path == "-":
        src, raw = Source("<stdin>"), sys.stdin.buffer
    else:
        try:
            raw = open(path, "rb")
            st = os.fstat(raw.fileno())
        except IsADirectoryError:
            raise InputError(f"{path}: is a folder") from None
        except OSError as e:
            raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
        if stat.S_ISDIR(st.st_mode):
            raw.close()
            raise InputError(f"{path}: is a folder")
        src = Source(path)
        if stat.S_ISREG(st.st_mode):
            src.path, src.identity = path, (st.st_size, st.st_mtime_ns, st.st_ino)
    stream = _maybe_gunzip(raw)
    if src.path is None:   # a pipe: keep a copy for pass 2
        src.spool = tempfile.TemporaryFile(prefix="clean-jsonl-")
    return src, stream


def _maybe_gunzip(raw: BinaryIO) -> BinaryIO:
    import io

    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type]
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        import gzip

        return gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
    return buffered


def _reopen(src: Source) -> BinaryIO:
    if src.spool is not None:
        src.spool.seek(0)
        return src.spool  # type: ignore[return-value]
    assert src.path is not None
    try:
        raw = open(src.path, "rb")
    except OSError as e:
        raise InputError(f"{src.name}: cannot read: {e.strerror or e}") from None
    st = os.fstat(raw.fileno())
    if (st.st_size, st.st_mtime_ns, st.st_ino) != src.identity:
        raw.close()
        raise InputError(f"{src.name}: changed while being read (it is read twice: "
                         f"once for repetition evidence, once to clean)")
    return _maybe_gunzip(raw)


def _lines(stream: BinaryIO, name: str) -> Iterator[bytes]:
    """Records split on b"\\n" only; read errors become one-line input errors."""
    try:
        yield from stream
    except OSError as e:   # includes gzip's BadGzipFile
        raise InputError(f"{name}: cannot read: {e.strerror or e}") from None
    except EOFError:
        raise InputError(f"{name}: compressed stream ends early") from None


# ---------------------------------------------------------------- the run

@dataclass
class Summary:
    records: int = 0
    changed: int = 0
    bad: int = 0
    removed: int = 0
    reasons: Counter = field(default_factory=Counter)   # (kind, reason) -> lines


class _Progress:
    """rich's progress bar on a terminal (imported only then), or nothing."""

    def __init__(self, enabled: bool):
        self.bar = None
        self.task = None
        if enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self.bar = Progress(TextColumn("clean: {task.description}"), BarColumn(),
                                MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                                TimeElapsedColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()

    def phase(self, label: str, total: int | None) -> None:
        if self.bar is not None:
            if self.task is not None:
                self.bar.remove_task(self.task)
            self.task = self.bar.add_task(label, total=total, rate="")

    def advance(self, n: int) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task, n)
            t = self.bar.tasks[-1]
            if t.speed:
                self.bar.update(self.task, rate=f"{t.speed:,.0f} records/s")

    def write(self, text: str, err: IO[str]) -> None:
        """Text for stderr that the bar, when shown, must not overwrite."""
        if self.bar is not None:
            self.bar.console.print(text, end="", markup=False, highlight=False, soft_wrap=True)
        else:
            err.write(text)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def check_encoding(encoding: str) -> str:
    """The encoding to read records in; JSON Lines need one where "\\n" is the byte 0x0A."""
    if encoding == "auto":
        return "utf-8"    # RFC 8259: JSON exchanged between systems is UTF-8
    try:
        info = codecs.lookup(encoding)
        ok = getattr(info, "_is_text_encoding", True) and "\n{}\"".encode(encoding) == b"\n{}\""
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    except (UnicodeError, TypeError):
        ok = False
    if not ok:
        raise InputError(f"--format jsonl reads encodings where '\\n' is one byte "
                         f"(UTF-8, Latin-1, cp1252 ...), not {encoding!r}")
    return encoding


def run_jsonl(cleaner: Cleaner, paths: Sequence[str], *, field: str = "text",
              encoding: str = "utf-8", jobs: int | None = 1, skip_bad: bool = False,
              explain: bool = False, stats: bool = False, annotate: bool = False,
              quiet: bool = False, progress: bool | None = None,
              stdout: BinaryIO | None = None, stderr: IO[str] | None = None) -> int:
    """Clean JSON Lines inputs to ``stdout``; return the exit status (0, or 2 on an error).

    Without ``skip_bad`` the first bad record (invalid JSON, a missing, null or
    non-string field) is a one-line error naming its line, found in pass 1,
    before anything is written; a record the cleaner itself fails on (a rule
    timing out) stops the run after the records before it were written. With
    ``skip_bad`` bad records are written unchanged and counted on stderr.
    ``jobs``: worker processes (None: one per core); the output is the same
    for any number.
    """
    out = stdout or sys.stdout.buffer
    err = stderr or sys.stderr
    summary = Summary()
    bar = _Progress(progress if progress is not None else (not quiet and err.isatty()))
    sources: list[Source] = []
    workers: _Workers | None = None
    written: str | None = None   # where the output ends: the last record written, "name:line"

    def fail(message: str) -> int:
        bar.stop()
        err.write(f"clean: error: {message}\n")
        return EXIT_ERROR

    def warn(message: str) -> None:
        summary.bad += 1
        if not quiet and summary.bad <= MAX_WARNINGS:
            bar.stop()   # the bar would overwrite the line; the run goes on without it
            err.write(f"clean: warning: {message} (passed through unchanged)\n")
            if summary.bad == MAX_WARNINGS:
                err.write("clean: warning: more bad records are counted, not named\n")

    try:
        opts = Options(field, check_encoding(encoding), skip_bad, explain, stats, annotate)
        workers = _Workers(cleaner, opts, max(1, jobs or os.cpu_count() or 1))
        # Pass 1: validate, collect the repetition evidence, spool streams.
        tally = LineTally()
        bar.phase("reading ", None)
        for path in paths:
            src, stream = _open_source(path)
            sources.append(src)
            for first, scans in workers.map(_scan_chunk, src.name,
                                            _chunks(stream, src.name, src.spool)):
                for i, scan in enumerate(scans):
                    if isinstance(scan, str):
                        if not skip_bad:
                            return fail(f"{src.name}:{first + i}: {scan} (--skip-bad passes "
                                        f"bad records through unchanged)")
                    elif scan is not None:
                        tally.add(scan)
                bar.advance(len(scans))
            if src.spool is not None:
                src.spool.flush()
            if stream is not sys.stdin.buffer:
                stream.close()
        documents = len(tally)
        common = tally.common() if documents > 1 else None
        del tally

        # Pass 2: clean in chunks; write them in input order.
        bar.phase("cleaning", documents)
        for src in sources:
            stream = _reopen(src)
            for first, outcomes in workers.map(_clean_chunk, src.name,
                                               _chunks(stream, src.name), common):
                for i, o in enumerate(outcomes):
                    if o.error is not None:
                        if not skip_bad or o.internal:
                            out.flush()
                            return fail(f"{src.name}:{first + i}: {o.error}")
                        warn(f"{src.name}:{first + i}: {o.error}")
                    elif o.data.strip():
                        summary.records += 1
                    out.write(o.data)
                    if o.explain:
                        bar.write("".join(line + "\n" for line in o.explain), err)
                    summary.changed += o.changed
                    summary.removed += o.removed
                    if o.reasons:
                        summary.reasons.update(o.reasons)
                bar.advance(len(outcomes))
                written = f"{src.name}:{first + len(outcomes) - 1}"
            if stream is not src.spool:
                stream.close()
        out.flush()
        # Here, not in `finally`: a worker that died after the last result is an error too.
        closing, workers = workers, None
        if closing.finish():
            raise BrokenProcessPool("a worker died after the last result")
    except CleanerError as e:
        return fail(str(e))
    except BrokenProcessPool:
        out.flush()
        return fail("a worker process died; " + (f"the output ends after {written}"
                                                 if written else "nothing was written"))
    finally:
        bar.stop()
        if workers is not None:      # an error or an interrupt came first
            workers.stop()
        for src in sources:
            if src.spool is not None:
                src.spool.close()
    if not quiet and (stats or summary.bad):
        _report(err, summary, stats)
    return EXIT_OK


def _chunks(stream: BinaryIO, name: str,
            spool: IO[bytes] | None = None) -> Iterator[tuple[int, list[bytes]]]:
    """(first line number, lines) of at most CHUNK_BYTES / CHUNK_RECORDS each.

    ``spool``: a copy of every line read goes there, for a second pass.
    """
    lines: list[bytes] = []
    size = 0
    first = 1
    for no, data in enumerate(_lines(stream, name), 1):
        if spool is not None:
            spool.write(data)
        lines.append(data)
        size += len(data)
        if size >= CHUNK_BYTES or len(lines) >= CHUNK_RECORDS:
            yield first, lines
            first, lines, size = no + 1, [], 0
    if lines:
        yield first, lines


def _report(err: IO[str], s: Summary, stats: bool) -> None:
    """The summary line; with ``stats``, lines removed per kind and, under it, per reason."""
    err.write(f"clean: {counted(s.records + s.bad, 'record')}, {s.changed} changed, "
              f"{s.bad} bad (passed through unchanged), {counted(s.removed, 'line')} removed\n")
    if not stats:
        return
    for line in stats_lines(s.reasons):
        err.write(f"clean:   {line}\n")
