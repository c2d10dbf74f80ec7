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
not used and the patterns are compiled as before. A program is compiled from
the pattern's parse tree with its alternations rewritten to dispatch on their
first character (``branches``: the same matches, a fraction of the tries);
the pattern loaded from it must have the flags and groups ``re.compile``
gives it.

``_sre.compile`` is CPython's internal constructor, the one ``re`` itself
ends with; anything it refuses (another implementation, another signature)
makes ``load`` give None, and the caller compiles the pattern.

The package's own patterns, the ones its modules compile when imported, go
the same way: ``compiled`` makes each from its program in
``data/code_programs.pickle`` (~10 ms of compiling on every start, a tenth
of that to load). ``scripts/rule_literals.py`` writes the file from what
importing every module asks ``compiled`` for; a pattern the file lacks (an
edited module before the script is run again) is compiled as before.
"""
from __future__ import annotations

import pickle
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
CODE_PROGRAMS = Path(__file__).resolve().parent / "data" / "code_programs.pickle"
_MAGIC = b"cleaner code programs 2\n"

# Every (pattern, flags) ``compiled`` was asked for in this process, in order:
# what the script stores after importing the modules.
asked: dict[tuple[str | bytes, int], None] = {}


class Program(NamedTuple):
    """What ``_sre.compile`` needs besides the pattern, the code compressed."""
    flags: int
    code: bytes                 # the code words (array, native order), raw deflate (``_pack``)
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


def make(pattern: str | bytes, flags: int) -> Program | None:
    """The program of ``pattern``: ``re``'s compiler's, for the pattern with its
    alternations rewritten to dispatch on their first character (``branches``).
    None: none that loads as ``re.compile(pattern, flags)`` does (its flags and
    groups; the code differs where an alternation was rewritten)."""
    if not key():
        return None
    from re import _compiler, _parser

    from .branches import dispatched

    tree = _parser.parse(pattern, flags)
    groupindex = dict(tree.state.groupdict)
    indexgroup = [None] * tree.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    code = _compiler._code(dispatched(tree, flags | tree.state.flags), int(flags))
    program = Program(flags | tree.state.flags, _pack(array("I", code).tobytes()),
                      tree.state.groups - 1, groupindex, tuple(indexgroup))
    made, plain = load(pattern, program), re.compile(pattern, flags)
    same = made is not None and all(getattr(made, a) == getattr(plain, a)
                                    for a in ("pattern", "flags", "groups", "groupindex"))
    return program if same else None


# Raw deflate: no zlib header and no Adler-32 sum to check on every load (a
# sixth of the time of inflating, most of it in the programs a start loads).
# Most damage still shows: a stream that does not inflate, or code that
# ``_sre.compile`` rejects; a changed literal would not (the file has the
# trust of the package's modules, which no sum guards either).
_RAW = -15


def _pack(code: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, _RAW)
    return packer.compress(code) + packer.flush()


def load(pattern: str | bytes, program: Program) -> re.Pattern | None:
    """The compiled pattern, made from its program (None: this Python cannot)."""
    try:
        code = array("I")
        code.frombytes(zlib.decompress(program.code, _RAW))
        return _sre.compile(pattern, program.flags, code.tolist(), program.groups,
                            program.groupindex, program.indexgroup)
    except Exception:   # another re, a damaged program: compile the pattern instead
        return None


def compiled(pattern: str | bytes, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, made from its stored program when the
    package's file holds one made by this ``re``."""
    key = (pattern, int(flags))
    asked[key] = None
    program = _stored().get(key)
    made = load(pattern, program) if program is not None else None
    return made if made is not None else re.compile(pattern, flags)


@lru_cache(maxsize=1)
def _stored() -> dict:
    """The stored programs of the package's own patterns (none: no file, a
    damaged one, or one made by another ``re``)."""
    if not key():
        return {}
    try:
        with open(CODE_PROGRAMS, "rb") as f:
            if f.readline() != _MAGIC or f.readline()[:-1].decode("ascii", "replace") != key():
                return {}
            return {(pattern, flags): Program(*program) for pattern, flags, program in pickle.load(f)}
    except Exception:       # missing or damaged: compile the patterns instead
        return {}


def package_patterns() -> dict[tuple[str | bytes, int], None]:
    """Every module of the package imported (not its subpackages): the
    (pattern, flags) they asked ``compiled`` for, ``asked``."""
    import importlib
    import pkgutil

    package = __name__.rpartition(".")[0]
    for module in pkgutil.iter_modules(sys.modules[package].__path__):
        if not module.ispkg:
            importlib.import_module(f"{package}.{module.name}")
    return asked


def dump_code_programs(keys) -> bytes:
    """The file ``compiled`` reads: a program for each (pattern, flags) of
    ``keys`` that has one, in a fixed order (so that a check can compare bytes)."""
    made = ((pattern, flags, make(pattern, flags)) for pattern, flags in sorted(keys, key=repr))
    rows = [(pattern, flags, tuple(program)) for pattern, flags, program in made if program is not None]
    return _MAGIC + key().encode("ascii") + b"\n" + pickle.dumps(rows, protocol=5)
