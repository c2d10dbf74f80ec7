"""datatrove pipeline steps: clean documents, and count repeated lines across shards.

Three steps (``docs/datatrove.md`` shows whole pipelines):

- ``CountLines``: pass 1, one task per shard. Writes, per task, each document's
  site (the URL host in its metadata, or "" when there is none), line keys and
  near-duplicate signature to ``<folder>/<rank>.lines``.
- ``MergeLineCounts``: one task. Reads every ``.lines`` file and writes one
  ``common-lines.json``: per site, the lines common enough to be boilerplate
  evidence, near-duplicate documents counted once (``cleaner.repetition``).
  Clustering and counting see the whole corpus at once, so the result is the
  same for any number of tasks in pass 1.
- ``CleanDocuments``: pass 2, a filter. Cleans each document's text with a
  ``Cleaner`` built once per worker (and, when given that file, the counts of
  the document's site), records what it removed in ``doc.metadata["clean"]``,
  and drops documents that clean to nothing (``keep_empty=True`` keeps them).

The ``.lines`` files are a small binary format of our own, read with bounds
checks; nothing is unpickled.
"""
from __future__ import annotations

import json
import struct
import tempfile
from collections import Counter, defaultdict
from typing import IO, Any, Iterator, Literal, Mapping
from urllib.parse import urlsplit

from datatrove.data import Document, DocumentsPipeline
from datatrove.io import DataFolderLike, get_datafolder, open_file
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.writers.disk_base import DiskWriter

from ..api import Cleaner
from ..errors import CleanerError, ConfigError
from ..repetition import BINS, CommonLines, DocumentKeys, LineTally, scan_document

LINES_SUFFIX = ".lines"
COMMON_FILE = "common-lines.json"
_MAGIC = b"cleaner-lines 1\n"
_COMMON_FORMAT = "cleaner-common-lines"
_SIG_BYTES = BINS * 8


def site_of(doc: Document, url_key: str = "url") -> str:
    """The site a document belongs to: the host of its URL, or "" (one site for all)."""
    url = doc.metadata.get(url_key)
    if not isinstance(url, str) or not url:
        return ""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:       # a malformed URL counts with the documents that have none
        return ""


# ---------------------------------------------------------------- the .lines format

def _write_record(f: IO[bytes], site: str, doc: DocumentKeys) -> None:
    s = site.encode("utf-8")
    sig = doc.signature or b""
    keys = b"".join(sorted(doc.keys))
    f.write(struct.pack("<HH I", len(s), len(sig), len(keys) // 8))
    f.write(s + sig + keys)


def _read_records(f: IO[bytes], name: str) -> Iterator[tuple[str, DocumentKeys]]:
    if f.read(len(_MAGIC)) != _MAGIC:
        raise ConfigError(f"{name}: not a cleaner line-count file")
    head = struct.Struct("<HH I")
    while True:
        h = f.read(head.size)
        if not h:
            return
        if len(h) != head.size:
            raise ConfigError(f"{name}: truncated record")
        ls, lsig, nkeys = head.unpack(h)
        if lsig not in (0, _SIG_BYTES):
            raise ConfigError(f"{name}: signature of {lsig} bytes, expected {_SIG_BYTES} "
                              f"(written by another version?)")
        body = f.read(ls + lsig + nkeys * 8)
        if len(body) != ls + lsig + nkeys * 8:
            raise ConfigError(f"{name}: truncated record")
        site = body[:ls].decode("utf-8")
        sig = body[ls:ls + lsig] or None
        keys = body[ls + lsig:]
        yield site, DocumentKeys(frozenset(keys[i:i + 8] for i in range(0, len(keys), 8)), sig)


# ---------------------------------------------------------------- pass 1

class CountLines(PipelineStep):
    """Pass 1: each document's site, line keys and signature, one file per task.

    A terminal step: it consumes the documents. Run ``MergeLineCounts`` after it.
    """

    name = "🧮 clean: count lines"
    type = "🧹 - CLEAN"

    def __init__(self, output_folder: DataFolderLike, url_key: str = "url"):
        super().__init__()
        self.output_folder = get_datafolder(output_folder)
        self.url_key = url_key

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        with self.output_folder.open(f"{rank:05d}{LINES_SUFFIX}", mode="wb") as f:
            f.write(_MAGIC)
            for doc in data or ():
                self.stat_update("documents")
                with self.track_time():
                    _write_record(f, site_of(doc, self.url_key), scan_document(doc.text))
        return
        yield  # a generator that yields nothing: the documents end here


class MergeLineCounts(PipelineStep):
    """Merge every task's ``.lines`` file into one ``common-lines.json`` (run with 1 task)."""

    name = "🧮 clean: merge line counts"
    type = "🧹 - CLEAN"

    def __init__(self, input_folder: DataFolderLike, output_folder: DataFolderLike | None = None):
        super().__init__()
        self.input_folder = get_datafolder(input_folder)
        self.output_folder = get_datafolder(output_folder) if output_folder else self.input_folder

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if world_size != 1:
            raise ConfigError("MergeLineCounts: run it with tasks=1 (it reads every task's file)")
        # One temporary file for every site's signatures and line keys, not one each.
        spool = tempfile.TemporaryFile(prefix="clean-merge-")
        tallies: dict[str, LineTally] = defaultdict(lambda: LineTally(spool))
        sites = {}
        try:
            for path in self.input_folder.list_files(glob_pattern=f"*{LINES_SUFFIX}"):
                with self.input_folder.open(path, mode="rb") as f:
                    for site, doc in _read_records(f, path):
                        tallies[site].add(doc)
            with self.track_time(unit="run"):
                for site in sorted(tallies):
                    common = tallies[site].common()
                    self.stat_update("documents", value=len(tallies[site]), unit="run")
                    self.stat_update("distinct_documents", value=common.documents, unit="run")
                    if common:
                        sites[site] = {"documents": common.documents,
                                       "keys": sorted(k.hex() for k in common.keys)}
                        self.stat_update("common_lines", value=len(common.keys), unit="run")
        finally:
            spool.close()
        self.stat_update("sites", value=len(tallies), unit="run")
        with self.output_folder.open(COMMON_FILE, mode="wt") as f:
            json.dump({"format": _COMMON_FORMAT, "version": 1, "sites": sites}, f)
        return
        yield


def load_common_lines(path: str) -> dict[str, CommonLines]:
    """Read a ``common-lines.json`` written by ``MergeLineCounts``: site -> CommonLines."""
    try:
        with open_file(path, mode="rt") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: cannot read line counts: {e}") from None
    if not isinstance(data, dict) or data.get("format") != _COMMON_FORMAT or data.get("version") != 1:
        raise ConfigError(f"{path}: not a cleaner common-lines file (version 1)")
    out = {}
    try:
        for site, entry in data["sites"].items():
            keys = frozenset(bytes.fromhex(k) for k in entry["keys"])
            if any(len(k) != 8 for k in keys) or not isinstance(entry["documents"], int):
                raise ValueError("bad entry")
            out[site] = CommonLines(keys, entry["documents"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ConfigError(f"{path}: malformed site entry in common-lines file") from None
    return out


# ---------------------------------------------------------------- pass 2

class CleanDocuments(BaseFilter):
    """Clean each document's text; record what went; drop documents left empty.

    ``cleaner_options``: keyword arguments for ``Cleaner`` (rules, disable, mode,
    ...); they are checked here, when the pipeline is built, and each worker
    builds its own ``Cleaner`` once. ``common_lines``: a ``common-lines.json``
    from ``MergeLineCounts`` (see the module docstring); without it, no
    cross-document evidence is used. ``keep_empty``: forward documents that
    clean to nothing instead of dropping them. ``on_error``: what to do with a
    document the cleaner reports an error for (a user rule out of time, ...):
    ``"raise"`` (the task fails), ``"keep"`` (forwarded unchanged, the error in
    ``metadata["clean"]["error"]``) or ``"drop"``.

    Metadata written to each document, under ``"clean"``: ``removed_lines`` (whole
    lines removed), ``trimmed_lines`` (lines of which only a span was removed),
    ``chars_removed``, ``reasons`` ({rule id or heuristic: lines removed or
    trimmed}), and ``kinds`` ({kind: lines}) when the cleaner's decisions carry a
    kind.
    """

    name = "🧹 clean"
    type = "🧹 - CLEAN"

    def __init__(self, cleaner_options: Mapping[str, Any] | None = None, *,
                 common_lines: str | None = None, url_key: str = "url", keep_empty: bool = False,
                 on_error: Literal["raise", "keep", "drop"] = "raise",
                 exclusion_writer: DiskWriter | None = None):
        super().__init__(exclusion_writer)
        if on_error not in ("raise", "keep", "drop"):
            raise ConfigError(f"on_error must be raise, keep or drop, not {on_error!r}")
        self.cleaner_options = dict(cleaner_options or {})
        Cleaner(**self.cleaner_options)          # fail at build time, not in a thousand tasks
        self.common_lines = common_lines
        self.url_key = url_key
        self.keep_empty = keep_empty
        self.on_error = on_error
        self._cleaner: Cleaner | None = None
        self._common: dict[str, CommonLines] | None = None

    def __getstate__(self) -> dict:
        # Ship the options, not a built Cleaner: each worker builds its own once.
        state = self.__dict__.copy()
        state["_cleaner"] = state["_common"] = None
        return state

    def _setup(self) -> None:
        self._cleaner = Cleaner(**self.cleaner_options)
        self._common = load_common_lines(self.common_lines) if self.common_lines else {}

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        if self._cleaner is None:
            self._setup()
        assert self._cleaner is not None and self._common is not None
        common = self._common.get(site_of(doc, self.url_key))
        original = doc.text
        try:
            # No explanations: the metadata keeps reasons and counts, not the
            # evidence behind each removal (~3% of the time of cleaning).
            result = self._cleaner.analyze(original, str(doc.id), common=common, explain=False)
        except CleanerError as e:
            if self.on_error == "raise":
                raise
            self.stat_update("clean_errors")
            doc.metadata["clean"] = {"error": str(e)}
            return True if self.on_error == "keep" else (False, "clean_error")
        text = result.text
        reasons: Counter = Counter()
        kinds: Counter = Counter()
        removed = trimmed = 0
        for d in result.removed:
            if d.kept:
                trimmed += 1
            else:
                removed += 1
            reasons[d.reason] += 1
            kind = getattr(d, "kind", None)
            if kind:
                kinds[kind] += 1
        meta: dict[str, Any] = {"removed_lines": removed, "trimmed_lines": trimmed,
                                "chars_removed": len(original) - len(text), "reasons": dict(reasons)}
        if kinds:
            meta["kinds"] = dict(kinds)
        doc.metadata["clean"] = meta
        doc.text = text
        self.stat_update("lines_removed", value=removed)
        self.stat_update("chars_removed", value=meta["chars_removed"])
        if text != original:           # (result.changed would render the text again)
            self.stat_update("changed")
        for reason, n in reasons.items():
            self.stat_update(f"removed_{reason}", value=n)
        if not text.strip():
            self.stat_update("emptied")
            if not self.keep_empty:
                return False, "empty"
        return True
