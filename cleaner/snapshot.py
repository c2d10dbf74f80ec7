"""The shipped rule set, built once and stored: read at start-up instead of built.

Building the shipped packs' rules and their literal index (``signals``) took
~15 ms of every run: the packs' data read from rule_literals.json, fragments
expanded, ~220 rules made, the index's tables derived from each pattern's
needs. That was a third of `clean`'s own start-up (bench/startup.py).
``scripts/rule_literals.py`` builds them once and pickles them to
``data/shipped_rules.pickle``; a run that loads the shipped packs and no
others reads them back, in ~5 ms in a fresh process (the index's automaton
is made again from its words: as fast as reading it).

The file is used only when it was made from the very sources in use: its key
hashes the Python version, the modules that build rules and the index, and
every pack and fragment file. Anything else (an edited pack or module,
another Python, a missing or damaged file) and the rules are built from the
sources as before: slower, the same rules. Like the rest of ``data/``, the
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

if TYPE_CHECKING:
    from .rules import RuleSet

SNAPSHOT_FILE = Path(__file__).resolve().parent / "data" / "shipped_rules.pickle"
MAGIC = b"cleaner shipped rules 1\n"
# The modules whose code decides what the stored objects hold.
BUILDERS = ("alternatives.py", "fragments.py", "needs.py", "patterns.py", "prefilter.py",
            "rules.py", "safeyaml.py", "signals.py", "snapshot.py")
_RELATIVE = "rules-dir"      # persistent id of a path under the packs' folder


def sources() -> list[Path]:
    """The files the key covers, in a fixed order."""
    from .rules import builtin_rules_dir, fragment_files, rule_files

    here = Path(__file__).resolve().parent
    return [here / name for name in BUILDERS] + rule_files(builtin_rules_dir()) + fragment_files()


def python() -> str:
    """The Python a snapshot is made for: pickles of one may not load in another."""
    return f"python {sys.version_info[0]}.{sys.version_info[1]}"


def made_for(data: bytes) -> str | None:
    """The Python a snapshot's bytes were made for (None: not a snapshot)."""
    if not data.startswith(MAGIC):
        return None
    first = data[len(MAGIC):].split(b"\n", 1)[0].split(b" ", 2)
    return b" ".join(first[:2]).decode("ascii", "replace")


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


def dumps() -> bytes:
    """The snapshot of the shipped rule set as built from the sources now."""
    from .rules import build_rules, builtin_rules_dir
    from .signals import Prefilter

    rules = build_rules((), builtin=True)
    index = Prefilter(rules)
    base = str(builtin_rules_dir()) + os.sep

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if type(obj) is str and obj.startswith(base):
                return (_RELATIVE, obj[len(base):])
            return None

    out = BytesIO()
    out.write(MAGIC + key())
    Pickler(out, protocol=5).dump((rules, index))
    return out.getvalue()


def load() -> "RuleSet | None":
    """The shipped rule set from the snapshot, with its literal index; None when
    the snapshot is missing, damaged, or made from other sources."""
    try:
        with open(SNAPSHOT_FILE, "rb") as f:
            if f.readline() != MAGIC or f.readline() != key():
                return None
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
    rules.offer_index(index)
    return rules
