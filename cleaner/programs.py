"""The shipped rules' patterns, stored compiled: ``re``'s program for each.

``re.compile`` parses a pattern and turns it into a program for the C
matcher, in Python: ~0.9 ms for a typical shipped rule, 196 ms for all 223.
The program itself is a list of integers, and the C matcher makes a pattern
from it in ~20 us. A single document's first clean compiled ~60 patterns
(rules, or parts of them: ``alternatives``), ~11 ms of ``clean < seed``.
So ``snapshot`` stores each shipped rule's program (``make``), and a rule's
``LazyPattern`` makes its pattern from it (``load``).

A program belongs to the ``re`` that made it: the key covers the sources of
``re``'s parser and compiler, its case-folding table, the C matcher's magic
number and word size, and the byte order. Under any other, the programs are
not used and the patterns are compiled as before. Each program is checked when
it is made: the pattern loaded from it must equal (code included: that is what
``re.Pattern`` equality compares) the one ``re.compile`` gives.

``_sre.compile`` is CPython's internal constructor, the one ``re`` itself
ends with; anything it refuses (another implementation, another signature)
makes ``load`` give None, and the caller compiles the pattern.
"""
from __future__ import annotations

import re
import sys
import zlib
from array import array
from functools import lru_cache
from importlib.util import source_hash
from pathlib import Path
from typing import NamedTuple

try:
    import _sre
except ImportError:          # not CPython: no programs
    _sre = None

# The modules of re that decide what program a pattern gets.
_RE_SOURCES = ("_parser.py", "_compiler.py", "_constants.py", "_casefix.py")


class Program(NamedTuple):
    """What ``_sre.compile`` needs besides the pattern, the code compressed."""
    flags: int
    code: bytes                 # zlib of the code words (array, native order)
    groups: int
    groupindex: dict
    indexgroup: tuple


@lru_cache(maxsize=1)
def key() -> str:
    """The ``re`` a program is made by (empty: none can be made or used here)."""
    if _sre is None or array("I").itemsize != _sre.CODESIZE:
        return ""
    here = Path(re.__file__).parent
    try:
        hashes = [source_hash((here / name).read_bytes()).hex() for name in _RE_SOURCES]
    except OSError:
        return ""
    return f"re {_sre.MAGIC} {_sre.CODESIZE} {sys.byteorder} {' '.join(hashes)}"


def make(pattern: str, flags: int) -> Program | None:
    """The program ``re`` compiles ``pattern`` to (None: none that loads as it)."""
    if not key():
        return None
    from re import _compiler, _parser

    tree = _parser.parse(pattern, flags)
    groupindex = dict(tree.state.groupdict)
    indexgroup = [None] * tree.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    program = Program(flags | tree.state.flags,
                      zlib.compress(array("I", _compiler._code(tree, flags)).tobytes(), 9),
                      tree.state.groups - 1, groupindex, tuple(indexgroup))
    return program if load(pattern, program) == re.compile(pattern, flags) else None


def load(pattern: str, program: Program) -> re.Pattern | None:
    """The compiled pattern, made from its program (None: this Python cannot)."""
    try:
        code = array("I")
        code.frombytes(zlib.decompress(program.code))
        return _sre.compile(pattern, program.flags, code.tolist(), program.groups,
                            program.groupindex, program.indexgroup)
    except Exception:   # another re, a damaged program: compile the pattern instead
        return None
