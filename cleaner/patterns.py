"""Compile the shipped rule patterns with ``re``, keeping the compiled programs on disk.

Compiling the ~120 shipped patterns takes ``re`` about 80 ms, which was the
largest part of the start-up of ``clean < file``: ``re`` parses a pattern and
generates its matching program in pure Python, and only the last step (handing
that program to the C engine) is fast. The generated programs are kept in a
``DiskCache`` (see ``diskcache``), so later runs skip straight to the last step
(about 2 ms for all patterns).

The program is an internal of CPython's ``re`` (its ``_parser``, ``_compiler``
and ``_sre`` modules). So the cache file is keyed to the engine's MAGIC number
as well as the Python version, and any missing internal, malformed entry or
error means "compile normally" with ``re.compile``. Only patterns of the
shipped packs come here; user rules are compiled by ``regex`` with a timeout
(see ``rules._compile``).
"""
from __future__ import annotations

import marshal
import re
from typing import Any

from . import diskcache
from .diskcache import DiskCache

try:  # CPython internals; absent or different elsewhere, then no cache.
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - other Pythons
    _sre = _compiler = _parser = None


class PatternCache:
    """Compiled ``re`` programs by (pattern, flags), in a ``DiskCache``."""

    def __init__(self, store: DiskCache) -> None:
        self.store = store

    def compile(self, pattern: str, flags: int) -> re.Pattern:
        """``re.compile(pattern, flags)``, from the cached program when there is one."""
        key = (pattern, int(flags))
        program = self.store.get(key)
        if program is None:
            program = _program(pattern, int(flags))
            if program is not None:
                self.store.put(key, program)
        if program is not None:
            try:
                return _sre.compile(*program)
            except Exception:  # a stale or foreign entry: forget it, compile afresh
                self.store.forget(key)
        return re.compile(pattern, flags)


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


def shared_cache() -> PatternCache:
    """The process's pattern cache: its store is ``diskcache``'s shared one."""
    return PatternCache(diskcache.shared(f"patterns-{getattr(_sre, 'MAGIC', 0)}"))
