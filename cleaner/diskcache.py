"""A small cache on disk for data derived from shipped files, like Python's ``__pycache__``.

What it may hold: only values a reader checks against what they claim to be,
or values that cannot change what ``clean`` removes. Whoever can write the
folder can write any value, so a value taken on trust (a compiled program, a
parsed rule file) would let them steer the output. The cleaner's own rules,
patterns and stop words no longer use it: they are rebuilt on every run.

- The folder is ``$CLEAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/cleaner``, else
  ``~/.cache/cleaner``; ``CLEAN_CACHE_DIR=`` (empty) turns caching off.
- It is used only when it is owned by the user and not writable by group or
  others (as ssh and pip treat their folders); otherwise it is ignored,
  silently, and never written. A new one is made with mode 0700.
- A cache file is read only if it is a regular file (not a link, FIFO or
  device) owned by the user and at most ``MAX_FILE_BYTES``; otherwise it
  counts as empty.
- File names carry the interpreter's version, so two Pythons never share one.
- Keys must say everything the value depends on (a file's full text, say).
- A file that cannot be read, or holds something unexpected, counts as empty;
  one that cannot be written is not written. The cache never fails a run.
- Writes go to a temporary file that is then renamed, so concurrent runs
  (``--jobs``) never read half a file; only the entries a run used are
  written, so entries for edited files do not pile up.
"""
from __future__ import annotations

import marshal
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Hashable

_FORMAT = 1
MAX_FILE_BYTES = 16 * 1024 * 1024
TAG = f"{sys.implementation.cache_tag}-{sys.hexversion:x}"


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is turned off."""
    folder = os.environ.get("CLEAN_CACHE_DIR")
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "cleaner")
    return Path(folder) if folder else None


class DiskCache:
    """A dict of marshal-able values kept in ``<cache dir>/<name>-<python tag>.marshal``."""

    def __init__(self, name: str, path: Path | None = None) -> None:
        if path is None:
            folder = cache_dir()
            path = folder / f"{name}-{TAG}.marshal" if folder is not None else None
        self.path = path
        self.entries: dict = {}
        self.used: set = set()
        self.added = False
        if path is not None and not _safe_folder(path.parent):
            self.path = path = None      # someone else could write it: not ours to use
        if path is not None:
            blob = _read_bounded(path)
            try:
                data = marshal.loads(blob) if blob else None
                if isinstance(data, tuple) and len(data) == 2 and data[0] == _FORMAT \
                        and isinstance(data[1], dict):
                    self.entries = data[1]
            except (EOFError, ValueError, TypeError):
                pass

    def get(self, key: Hashable) -> Any:
        """The value stored under ``key``, or None."""
        self.used.add(key)
        return self.entries.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        """Store ``value`` (it must be marshal-able) under ``key``; written by ``save``."""
        self.used.add(key)
        self.entries[key] = value
        self.added = True

    def forget(self, key: Hashable) -> None:
        self.entries.pop(key, None)

    def save(self) -> None:
        """Write the file if entries were added or some went unused; never fails the caller."""
        stale = self.used and not self.entries.keys() <= self.used
        if not (self.added or stale) or self.path is None:
            return
        self.added = False
        self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _safe_folder(self.path.parent):
                return
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.stem}-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(marshal.dumps((_FORMAT, self.entries)))
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, ValueError):
            pass


def _safe_folder(folder: Path) -> bool:
    """True if ``folder`` is missing, or a directory of ours that no one else can write."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    uid = os.getuid() if hasattr(os, "getuid") else info.st_uid
    return stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o022


def _read_bounded(path: Path) -> bytes | None:
    """The bytes of a regular file of ours of at most MAX_FILE_BYTES, else None.

    Opened without following a link and without blocking, then checked with
    fstat: a FIFO or a link to /dev/zero is never read.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        uid = os.getuid() if hasattr(os, "getuid") else info.st_uid
        if not stat.S_ISREG(info.st_mode) or info.st_uid != uid or info.st_size > MAX_FILE_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_FILE_BYTES + 1)
        return data if len(data) <= MAX_FILE_BYTES else None
    except OSError:
        return None
    finally:
        os.close(fd)


_shared: dict[str, DiskCache] = {}


def shared(name: str) -> DiskCache:
    """The process's cache of that name (loaded on first use)."""
    if name not in _shared:
        _shared[name] = DiskCache(name)
    return _shared[name]


def save_all() -> None:
    """Save every shared cache this process has opened (see ``DiskCache.save``)."""
    for cache in list(_shared.values()):
        cache.save()
