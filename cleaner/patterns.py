"""Compile the shipped rule patterns with ``re``, through a cache on disk.

Compiling the ~100 shipped patterns takes ``re`` about 70 ms, which was the
largest part of the start-up of ``clean < file``: ``re`` parses a pattern and
generates its matching program in pure Python, and only the last step (handing
that program to the C engine) is fast. This module keeps the generated
programs in a small file per Python version, the way Python keeps bytecode in
``__pycache__``, so later runs skip straight to the last step (about 2 ms for
all patterns).

The cache is an optimisation only; every failure falls back to ``re.compile``:
- the generated program is an internal of CPython's ``re`` (its ``_parser``,
  ``_compiler`` and ``_sre`` modules), so the file is keyed to the exact Python
  version and the engine's MAGIC number, and any missing internal, unreadable
  file or malformed entry means "compile normally";
- the cache lives in ``$CLEAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/cleaner``,
  else ``~/.cache/cleaner``; ``CLEAN_CACHE_DIR=`` (empty) turns it off. A cache
  that cannot be written is silently not written;
- it is written to a temporary file and renamed, so concurrent runs (``--jobs``)
  never read half a file.
Only patterns of the shipped packs go through here; user rules are compiled by
``regex`` with a timeout (see ``rules._compile``).
"""
from __future__ import annotations

import marshal
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

try:  # CPython internals; absent or different elsewhere, then no cache.
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - other Pythons
    _sre = _compiler = _parser = None

_Key = tuple[str, int]
_FORMAT = 1


def _cache_file() -> Path | None:
    if _sre is None:
        return None
    folder = os.environ.get("CLEAN_CACHE_DIR")
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "cleaner")
    if not folder:
        return None
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{getattr(_sre, 'MAGIC', 0)}"
    return Path(folder) / f"patterns-{tag}.marshal"


class PatternCache:
    """Compiled ``re`` programs by (pattern, flags), loaded once, saved if grown."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.programs: dict[_Key, tuple] = {}
        self.used: set[_Key] = set()
        self.added = False
        if path is not None:
            try:
                data = marshal.loads(path.read_bytes())
                if isinstance(data, tuple) and len(data) == 2 and data[0] == _FORMAT \
                        and isinstance(data[1], dict):
                    self.programs = data[1]
            except (OSError, EOFError, ValueError, TypeError):
                pass

    def compile(self, pattern: str, flags: int) -> re.Pattern:
        """``re.compile(pattern, flags)``, from the cached program when there is one."""
        key = (pattern, int(flags))
        self.used.add(key)
        program = self.programs.get(key)
        if program is None:
            program = _program(pattern, int(flags))
            if program is not None:
                self.programs[key] = program
                self.added = True
        if program is not None:
            try:
                return _sre.compile(*program)
            except Exception:  # a stale or foreign entry: forget it, compile afresh
                del self.programs[key]
        return re.compile(pattern, flags)

    def save(self) -> None:
        """Write the cache if patterns were added or some went stale; never fails the caller.

        Only the programs this process used are written, so entries of edited
        or removed rules do not pile up in the file.
        """
        stale = self.used and not self.programs.keys() <= self.used
        if not (self.added or stale) or self.path is None:
            return
        self.added = False
        self.programs = {k: v for k, v in self.programs.items() if k in self.used}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".patterns-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(marshal.dumps((_FORMAT, self.programs)))
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, ValueError):
            pass


def _program(pattern: str, flags: int) -> tuple | None:
    """The arguments ``re`` passes to the C engine for this pattern, or None.

    The same steps as ``re._compiler.compile``: parse, generate the program,
    name the groups. None (compile normally) on any error, including an invalid
    pattern, which ``re.compile`` then reports.
    """
    if _sre is None:
        return None
    try:
        tree = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(tree, flags)]
        state = tree.state
        names: list[Any] = [None] * state.groups
        for name, index in state.groupdict.items():
            names[index] = name
        program = (pattern, int(flags | state.flags), code, state.groups - 1,
                   dict(state.groupdict), tuple(names))
        marshal.dumps(program)  # only what the cache file can hold
        return program
    except Exception:
        return None


_shared: PatternCache | None = None


def shared_cache() -> PatternCache:
    """The process's cache (loaded on first use)."""
    global _shared
    if _shared is None:
        _shared = PatternCache(_cache_file())
    return _shared
