"""The shipped rule set, built once and stored: read at start-up instead of built.

Building the shipped packs' rules and their literal index (``signals``)
takes ~45 ms in a fresh process (it was ~15 ms, a third of `clean`'s own
start-up, with ~220 rules): the packs' data read from rule_literals.json,
fragments expanded, the rules made, the index's tables derived from each
pattern's needs. ``scripts/rule_literals.py`` builds them once and pickles
them to ``data/shipped_rules.pickle``; a run that loads the shipped packs and
no others reads them back, in ~15 ms (bench/startup.py; ~4 of them make the
index's automaton again from its words: see ``LiteralIndex.__getstate__``).

The file is used only when it was made from the very sources in use: its key
hashes the Python version, the modules that build rules and the index, and
every pack and fragment file. Anything else (an edited pack or module,
another Python, a missing or damaged file) and the rules are built from the
sources as before: slower, the same rules. Each ``re`` pattern comes with
its compiled program (``programs``), used while ``re`` is the one that made
it (the third line of the file says which); under another, the patterns are
compiled and searched by parts (``alternatives``). Like the rest of ``data/``, the
file is written by our script and read only from the package folder: it has
the trust of the package's own code (unpickling runs what the file names).
Paths in it are stored relative to the packs' folder, so a copy installed
anywhere reads it.
"""
from __future__ import annotations

import importlib.util
import os
import pickle
import sys
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from . import programs

if TYPE_CHECKING:
    from .rules import RuleSet
    from .signals import Prefilter

SNAPSHOT_FILE = Path(__file__).resolve().parent / "data" / "shipped_rules.pickle"
MAGIC = b"cleaner shipped rules 1\n"
# The modules whose code decides what the stored objects hold.
BUILDERS = ("alternatives.py", "branches.py", "fragments.py", "needs.py", "patterns.py",
            "prefilter.py", "programs.py", "rules.py", "safeyaml.py", "signals.py", "snapshot.py")
_RELATIVE = "rules-dir"      # persistent id of a path under the packs' folder


def sources() -> list[Path]:
    """The files the key covers, in a fixed order."""
    from .rules import builtin_rules_dir, fragment_files, rule_files

    here = Path(__file__).resolve().parent
    return [here / name for name in BUILDERS] + rule_files(builtin_rules_dir()) + fragment_files()


def python() -> str:
    """The Python a snapshot is made for: pickles of one may not load in another."""
    return f"python {sys.version_info[0]}.{sys.version_info[1]}"


def made_elsewhere(data: bytes) -> str | None:
    """Why a snapshot's bytes cannot be compared with one made here: made for
    another Python, or its programs by another ``re`` (None: they can be, or
    they are no snapshot)."""
    if not data.startswith(MAGIC):
        return None
    key_line, re_line = (data[len(MAGIC):].split(b"\n", 2) + [b""])[:2]
    made_for = b" ".join(key_line.split(b" ", 2)[:2]).decode("ascii", "replace")
    if made_for != python():
        return f"made for {made_for}, not {python()}"
    if re_line.decode("ascii", "replace") != programs.key():
        return "its patterns' programs were made by another version of re"
    return None


def key() -> bytes:
    """What the snapshot must have been made from: one line, ASCII.

    ``importlib.util.source_hash`` is the hash Python checks hash-based .pyc
    files with: 64 bits per file, ~20x faster than sha256 here (~0.1 ms for
    all the files), and it differs between Python versions, as pickles may.
    """
    parts = [python()]
    for path in sources():
        parts.append(f"{path.name} {importlib.util.source_hash(path.read_bytes()).hex()}")
    return (" ".join(parts) + "\n").encode("ascii")


def build() -> "tuple[RuleSet, Prefilter]":
    """The shipped rule set as built from the sources now, each ``re`` pattern
    with its program (``programs``), and its literal index."""
    from .rules import build_rules
    from .signals import Prefilter

    rules = build_rules((), builtin=True)
    for rule in rules.rules:
        for pattern in rule.patterns:
            if pattern.engine == "re":
                pattern.program = programs.make(pattern.pattern, pattern.source_flags)
    return rules, Prefilter(rules)


def dumps() -> bytes:
    """The snapshot of the shipped rule set as built from the sources now."""
    from .rules import builtin_rules_dir

    rules, index = build()
    base = str(builtin_rules_dir()) + os.sep

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if type(obj) is str and obj.startswith(base):
                return (_RELATIVE, obj[len(base):])
            return None

    out = BytesIO()
    out.write(MAGIC + key() + programs.key().encode("ascii") + b"\n")
    Pickler(out, protocol=5).dump((rules, index))
    return out.getvalue()


def load() -> "RuleSet | None":
    """The shipped rule set from the snapshot, with its literal index; None when
    the snapshot is missing, damaged, or made from other sources."""
    try:
        with open(SNAPSHOT_FILE, "rb") as f:
            if f.readline() != MAGIC or f.readline() != key():
                return None
            made_by = f.readline()[:-1].decode("ascii", "replace")
            data = f.read()
    except OSError:
        return None
    from .rules import builtin_rules_dir

    base = str(builtin_rules_dir()) + os.sep

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, pid):
            kind, rest = pid
            if kind != _RELATIVE:
                raise pickle.UnpicklingError(f"unknown persistent id {kind!r}")
            return base + rest

    try:
        rules, index = Unpickler(BytesIO(data)).load()
    except Exception:       # a damaged file is no rule set: build from the sources
        return None
    if made_by == programs.key():
        rules.offer_index(index)
    else:   # programs of another re: compile the patterns, and search them by parts
        for rule in rules.rules:
            for pattern in rule.patterns:
                pattern.program = None
    return rules
