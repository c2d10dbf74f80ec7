"""From command-line options and project settings to a Cleaner, checked.

The CLI's decisions that are not about reading or writing: which options may
not go together, which rules and heuristics are on (``--disable`` names are
checked, with a "did you mean"), and which globs pick the files of a batch
(or exclude piped input given a name with ``--stdin-filename``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Sequence

from .config import Config
from .errors import CleanerError
from .names import check_disable, check_mode, cleaner_names, heuristic_switches

if TYPE_CHECKING:
    from .walk import Globs


class OptionError(CleanerError):
    """Options that cannot be used together, or a value no option takes."""


def check_conflicts(given: set[str], *, stdin: bool, batch: bool, fmt: str) -> None:
    """Refuse options that would be silently ignored; the message names both.

    ``given``: the options the user typed (their long names); ``stdin``: the
    input is stdin; ``batch``: --in-place or --check.
    """
    if "--json" in given and "--diff" in given:
        raise OptionError("--json and --diff cannot be used together (one report per input)")
    if "--text-field" in given and fmt != "jsonl":
        raise OptionError("--text-field needs --format jsonl")
    if "--jobs" in given and stdin and not batch and fmt != "jsonl":
        raise OptionError("--jobs cannot be used with stdin (one input is cleaned in one process)")


class Switches(NamedTuple):
    """What is on for this run, after settings and options are merged (a
    NamedTuple: its class is made at every start, see blocks.Block)."""
    rules: tuple[Path, ...]
    disable: tuple[str, ...]        # rule ids and packs only
    builtin: bool
    heuristics: bool
    repetition: bool
    mode: str


def merge(cfg: Config, *, rules: Sequence[Path] = (), disable: Sequence[str] = (),
          mode: str | None = None, no_builtin: bool = False, no_heuristics: bool = False,
          no_repetition: bool = False) -> Switches:
    """Options override settings; rule files and disabled names add up."""
    mode = check_mode(mode or cfg.mode or "balanced", "--mode")
    names = (*cfg.disable, *disable)
    heuristics, repetition = heuristic_switches(names)
    return Switches(
        rules=(*cfg.rules, *rules),
        disable=tuple(cleaner_names(names)),
        builtin=not no_builtin and cfg.builtin_rules is not False,
        heuristics=heuristics and not no_heuristics and cfg.heuristics is not False,
        repetition=repetition and not no_repetition and cfg.repetition is not False,
        mode=mode,
    )


def build_cleaner(cfg: Config, switches: Switches, cli_disable: Sequence[str] = ()):
    """The Cleaner for this run; unknown ``disable`` names are an error.

    Names from the settings file are checked with the file named in the
    message, names from ``--disable`` with the option named.
    """
    from .api import Cleaner
    from .rules import load_rules

    full = load_rules(switches.rules, builtin=switches.builtin)
    cli = set(cli_disable)
    check_disable(full, [n for n in cfg.disable if n not in cli], f"{cfg.path}: key 'disable'")
    check_disable(full, cli_disable, "--disable")
    # repetition=False only when it is off: a Cleaner that predates the
    # keyword still serves every run that does not ask for it.
    extra = {} if switches.repetition else {"repetition": False}
    return Cleaner(ruleset=full, disable=switches.disable, mode=switches.mode,
                   heuristics=switches.heuristics, **extra)


def path_globs(cfg: Config, include: Sequence[str] | None,
               exclude: Sequence[str] | None) -> tuple["Globs | None", tuple["Globs", ...]]:
    """The include globs of a run (None: the default) and its exclude globs.

    ``--include`` replaces the settings' include; ``--exclude`` adds to their
    exclude, as ``--rules`` and ``--disable`` add up: what a project says to
    leave alone stays alone when someone leaves out one more folder. The
    settings' globs are read from their file's folder (``walk.Globs``).
    """
    from .walk import Globs    # lazy: only batches and named piped input need it

    base = os.path.abspath(cfg.path.parent) if cfg.path is not None else None
    inc = Globs(tuple(include)) if include else Globs(cfg.include, base) if cfg.include else None
    exc = (Globs(tuple(exclude or ())), Globs(cfg.exclude or (), base))
    return inc, tuple(g for g in exc if g.patterns)
