"""names: modes and the names `disable` takes, with a "did you mean" for typos."""
from __future__ import annotations

import typing

import pytest

from cleaner import CleanerError, ConfigError, Mode, ModeError, UnknownNameError
from cleaner.names import (HEURISTIC_NAMES, MODES, check_disable, check_mode, heuristic_switches,
                           rule_names)
from cleaner.rules import load_rules


@pytest.fixture(scope="module")
def builtin():
    return load_rules((), builtin=True)


def test_mode_literal_lists_the_modes():
    assert typing.get_args(Mode) == MODES == ("careful", "balanced", "thorough")
    for m in MODES:
        assert check_mode(m) == m


@pytest.mark.parametrize("bad", ["fast", "", None, "Balanced"])
def test_wrong_mode_is_the_packages_error_and_a_value_error(bad):
    with pytest.raises(ModeError) as e:
        check_mode(bad, "--mode")
    assert isinstance(e.value, CleanerError) and isinstance(e.value, ValueError)
    assert str(e.value).startswith("--mode must be one of careful, balanced, thorough")


def test_known_names_pass(builtin):
    some = next(iter(builtin))
    check_disable(builtin, [some.id, some.pack, *HEURISTIC_NAMES])


@pytest.mark.parametrize("typo, meant", [("sahre", "share"), ("donation.suport-banner", "donation.support-banner"),
                                         ("heuristic.repeat", "heuristic.repeated"),
                                         ("heuristics", "heuristic")])
def test_typo_is_an_error_with_a_suggestion(builtin, typo, meant):
    with pytest.raises(UnknownNameError) as e:
        check_disable(builtin, ["share", typo], "--disable")
    assert isinstance(e.value, ConfigError) and isinstance(e.value, ValueError)
    assert e.value.name == typo and e.value.suggestion == meant
    assert str(e.value) == f"--disable: no rule, pack or heuristic named {typo!r} (did you mean {meant!r}?)"


def test_name_far_from_everything_has_no_suggestion(builtin):
    with pytest.raises(UnknownNameError) as e:
        check_disable(builtin, ["zzzzqqqq"])
    assert e.value.suggestion is None and "did you mean" not in str(e.value)


def test_heuristic_switches():
    assert heuristic_switches(["share"]) == (True, True)
    assert heuristic_switches(["heuristic"]) == (False, False)
    assert heuristic_switches(["heuristic.boilerplate"]) == (False, True)
    assert heuristic_switches(["heuristic.repeated"]) == (True, False)
    assert rule_names(["share", "heuristic", "heuristic.repeated", "x.y"]) == ["share", "x.y"]


def test_a_cleaner_takes_the_box_heuristics_as_names_the_others_as_switches():
    from cleaner.names import cleaner_names

    names = ["share", "heuristic.repeated", "heuristic.enclosed", "heuristic.boilerplate",
             "heuristic.box-title", "x.y"]
    assert cleaner_names(names) == ["share", "heuristic.enclosed", "heuristic.box-title", "x.y"]
