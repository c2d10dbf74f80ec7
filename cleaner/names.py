"""Names a user may give: modes, and what ``disable`` may turn off.

``disable`` takes rule ids (``share.label``), pack names (``share``) and the
heuristic names below. A name that matches nothing is an error with a "did you
mean", never a silent no-op: a typo in ``--disable sahre`` must not leave the
user believing the share rules are off.
"""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Iterable, Literal, get_args

from .errors import ModeError, UnknownNameError

if TYPE_CHECKING:
    from .rules import RuleSet

Mode = Literal["careful", "balanced", "thorough"]
MODES: tuple[str, ...] = get_args(Mode)

# Heuristic names ``disable`` accepts, and what each turns off.
HEURISTIC = "heuristic"                       # every heuristic (boilerplate scores, boxes, repetition)
HEURISTIC_BOILERPLATE = "heuristic.boilerplate"  # the per-unit boilerplate model
HEURISTIC_REPEATED = "heuristic.repeated"     # lines repeated across the documents of a run
HEURISTIC_ENCLOSED = "heuristic.enclosed"     # short lines inside a box the rules removed
HEURISTIC_BOX_TITLE = "heuristic.box-title"   # a short title right above a box the rules removed
BOX_HEURISTICS = (HEURISTIC_ENCLOSED, HEURISTIC_BOX_TITLE)   # decide's, after the model
HEURISTIC_NAMES = (HEURISTIC, HEURISTIC_BOILERPLATE, HEURISTIC_REPEATED, *BOX_HEURISTICS)
# The names that become a Cleaner's on/off arguments (heuristics, repetition); a
# Cleaner takes the others in ``disable`` as they are.
SWITCH_NAMES = (HEURISTIC, HEURISTIC_BOILERPLATE, HEURISTIC_REPEATED)


def check_mode(mode: object, where: str = "mode") -> Mode:
    """``mode`` if it is one of MODES, else ModeError (a ValueError too)."""
    if mode not in MODES:
        raise ModeError(f"{where} must be one of {', '.join(MODES)}, not {mode!r}")
    return mode  # type: ignore[return-value]


def check_disable(ruleset: "RuleSet", names: Iterable[str], where: str = "disable") -> None:
    """Raise UnknownNameError for the first name that is no rule id, pack or heuristic name.

    ``ruleset`` is the full set, before anything is disabled; ``where`` starts
    the message (``--disable``, or ``<config file>: key 'disable'``).
    """
    names = list(names)
    if not names:
        return
    known = {*HEURISTIC_NAMES}
    for rule in ruleset:
        known.add(rule.id)
        known.add(rule.pack)
    for name in names:
        if name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownNameError(f"{where}: no rule, pack or heuristic named {name!r}{hint}",
                               name, close[0] if close else None)


def heuristic_switches(names: Iterable[str]) -> tuple[bool, bool]:
    """(heuristics on, repetition on) once the heuristic names among ``names`` are off."""
    off = set(names)
    heuristics = not off & {HEURISTIC, HEURISTIC_BOILERPLATE}
    repetition = not off & {HEURISTIC, HEURISTIC_REPEATED}
    return heuristics, repetition


def cleaner_names(names: Iterable[str]) -> list[str]:
    """``names`` without those ``heuristic_switches`` turns into switches: what a
    Cleaner's ``disable`` takes (rule ids, packs, ``heuristic.enclosed``,
    ``heuristic.box-title``)."""
    return [n for n in names if n not in SWITCH_NAMES]


def rule_names(names: Iterable[str]) -> list[str]:
    """``names`` without the heuristic names: what RuleSet.without takes."""
    return [n for n in names if n not in HEURISTIC_NAMES]
