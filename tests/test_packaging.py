"""The wheel: its distribution name (free on the package index), py.typed, the rules."""
from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import REPO


@pytest.mark.slow
def test_wheel_ships_py_typed_under_the_distribution_name(tmp_path):
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                        str(REPO)], capture_output=True, text=True, timeout=600)
    if p.returncode != 0 and "hatchling" in p.stderr:
        pytest.skip("cannot fetch the build backend")
    assert p.returncode == 0, p.stderr
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.name.startswith("cleaner_news-")
    names = zipfile.ZipFile(wheel).namelist()
    assert "cleaner/py.typed" in names
    assert any(n.startswith("cleaner/rules/") and n.endswith(".yaml") for n in names)
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert b"\nName: cleaner-news\n" in meta
    # The start-up snapshot serves the installed layout (packs under cleaner/rules,
    # not beside the package): unpacked elsewhere, the wheel's own copy reads it,
    # with the rules' paths in the new place.
    assert "cleaner/data/shipped_rules.pickle" in names and "cleaner/data/word_lists.json" in names
    assert "cleaner/data/code_programs.pickle" in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "from cleaner import programs, snapshot, rules\n"
            "held = snapshot.load()\n"
            "print(snapshot.__file__.startswith(sys.argv[1]), held is not None,\n"
            "      held is not None and held.rules[0].source.startswith(str(rules.builtin_rules_dir())),\n"
            "      str(rules.builtin_rules_dir()).startswith(sys.argv[1]),\n"
            "      0 < len(programs.asked) and set(programs.asked) <= set(programs._stored()))\n")
    p = subprocess.run([sys.executable, "-c", code, str(unpacked)], capture_output=True, text=True,
                       cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["True"] * 5, p.stdout
