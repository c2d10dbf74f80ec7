"""A small cache on disk for data derived from shipped files, like Python's ``__pycache__``.

Start-up is most of the cost of ``clean < file``, and three things it did on
every run give the same result every time: compiling the shipped patterns
(``patterns``), parsing the shipped rule files (``rules``) and building the
stop-word sets (``language``). Each keeps its results in one ``DiskCache``
file and rebuilds only what is missing.

- The folder is ``$CLEAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/cleaner``, else
  ``~/.cache/cleaner``; ``CLEAN_CACHE_DIR=`` (empty) turns caching off.
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
import sys
import tempfile
from pathlib import Path
from typing import Any, Hashable

_FORMAT = 1
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
        if path is not None:
            try:
                data = marshal.loads(path.read_bytes())
                if isinstance(data, tuple) and len(data) == 2 and data[0] == _FORMAT \
                        and isinstance(data[1], dict):
                    self.entries = data[1]
            except (OSError, EOFError, ValueError, TypeError):
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
            self.path.parent.mkdir(parents=True, exist_ok=True)
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
