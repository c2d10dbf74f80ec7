"""The shipped packs read from the shipped data: the same rules as from their YAML, and
only while the sources are the ones the data was made from (cleaner/rules.py
``shipped_pack``, cleaner/fragments.py ``pre_expanded``, scripts/rule_literals.py)."""
from __future__ import annotations

import pickle
import re
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest

from cleaner import (Cleaner, alternatives, fragments, patterns, prefilter, programs, rules,
                     safeyaml, signals, snapshot)
from cleaner.patterns import LazyPattern
from cleaner.rules import build_rules, builtin_rules_dir, load_file, load_rules, rule_files
from conftest import FIXTURES


def _summary(rule_list) -> list[tuple]:
    return [(r.id, r.pack, r.description, r.action, r.pattern.pattern, r.pattern.source_flags,
             r.pattern.engine, r.until.pattern if r.until is not None else None, r.lines, r.zone,
             r.lang, r.kind, r.langs, r.examples_drop, r.examples_keep, r.examples_remain,
             r.source, r.line, r.timeout) for r in rule_list]


def test_the_shipped_data_holds_every_pack_and_expansion():
    data = prefilter.shipped_data()
    assert sorted(data["packs"]) == sorted(f.name for f in rule_files(builtin_rules_dir()))
    assert fragments.pre_expanded(), "the fragment files changed: run scripts/rule_literals.py"


def test_packs_from_the_data_are_the_packs_from_yaml(monkeypatch):
    fast = {f.name: _summary(load_file(f, trusted=True)) for f in rule_files(builtin_rules_dir())}
    monkeypatch.setattr(prefilter, "shipped_data", lambda: {})
    fragments.pre_expanded.cache_clear()
    try:
        slow = {f.name: _summary(load_file(f, trusted=True)) for f in rule_files(builtin_rules_dir())}
    finally:
        fragments.pre_expanded.cache_clear()
    assert fast == slow


def test_the_shipped_packs_are_read_without_parsing_yaml(monkeypatch):
    def no_yaml(*args, **kwargs):
        raise AssertionError("a shipped pack was parsed from YAML")

    monkeypatch.setattr(safeyaml, "load", no_yaml)
    monkeypatch.setattr(fragments, "shipped", no_yaml)
    assert len(load_rules([])) > 100


def test_reading_twice_gives_the_same_rules():
    # The shared data must come out of a load unchanged.
    assert _summary(load_rules([])) == _summary(load_rules([]))


def test_a_pack_whose_bytes_changed_is_read_from_its_yaml(tmp_path, monkeypatch):
    shipped = builtin_rules_dir() / "share.yaml"
    copy = tmp_path / "share.yaml"
    shutil.copy(shipped, copy)
    calls = []
    real = safeyaml.load
    monkeypatch.setattr(safeyaml, "load", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    same = load_file(copy, trusted=True)
    assert calls == [] and [r.id for r in same] == [r.id for r in load_file(shipped, trusted=True)]
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("id: share.", "id: edited.", 1), encoding="utf-8")
    edited = load_file(copy, trusted=True)
    assert calls == [copy] and edited[0].id.startswith("edited.")


def test_a_user_rule_file_is_always_read_by_the_safe_loader(tmp_path, monkeypatch):
    copy = tmp_path / "share.yaml"
    shutil.copy(builtin_rules_dir() / "share.yaml", copy)      # a shipped pack's very bytes
    calls = []
    real = safeyaml.load
    monkeypatch.setattr(safeyaml, "load", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    user = load_rules([copy], builtin=False)
    assert calls == [copy] and all(r.timeout is not None for r in user)


def test_expansions_are_used_only_for_the_fragment_files_they_were_made_from(monkeypatch):
    fragments.pre_expanded.cache_clear()
    monkeypatch.setattr(fragments, "digest", lambda folder=None: "changed")
    try:
        assert fragments.pre_expanded() == {}
    finally:
        fragments.pre_expanded.cache_clear()


def test_every_pre_expanded_pattern_is_its_expansion():
    frags = fragments.load_fragments()
    for raw, done in fragments.pre_expanded().items():
        assert fragments.expand(raw, frags) == done, raw


def test_a_pack_with_the_recorded_name_elsewhere_is_checked_by_its_bytes(tmp_path):
    # Only the bytes decide: a file named like a shipped pack but different is parsed.
    p = tmp_path / "ads.yaml"
    p.write_text("- id: mine.x\n  pattern: 'x'\n", encoding="utf-8")
    assert [r.id for r in load_file(p, trusted=True)] == ["mine.x"]
    assert rules.shipped_pack(p) is rules._UNREAD


def test_the_word_lists_come_from_the_shipped_data_while_words_yaml_is_unchanged(tmp_path,
                                                                                 monkeypatch):
    import yaml

    from cleaner import features

    path = features.DATA / "words.yaml"
    parsed = yaml.safe_load(path.read_text(encoding="utf-8"))
    monkeypatch.setattr(yaml, "load", lambda *a, **k: pytest.fail("words.yaml was parsed"))
    assert features.word_data(path) == parsed
    monkeypatch.undo()
    edited = tmp_path / "words.yaml"
    edited.write_text(path.read_text(encoding="utf-8").replace("second_person: [", "second_person: [zzz, "),
                      encoding="utf-8")
    assert "zzz" in features.word_data(edited)["second_person"]


def test_the_plain_text_path_does_not_import_yaml():
    import subprocess
    import sys
    from pathlib import Path

    seed = Path(__file__).resolve().parents[1] / "fixtures" / "seed-moscowtimes-bout" / "input.txt"
    code = ("import sys\nfrom cleaner import Cleaner\nCleaner().clean(sys.stdin.read())\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'yaml'))")
    p = subprocess.run([sys.executable, "-c", code], input=seed.read_text(encoding="utf-8"),
                       capture_output=True, text=True, check=True)
    assert p.stdout.strip() == "[]"


# --- the start-up snapshot (cleaner/snapshot.py) ----------------------------------------------

def _stored():
    """The rule set from the shipped snapshot; skips when it was made for another Python."""
    held = snapshot.load()
    elsewhere = snapshot.made_elsewhere(snapshot.SNAPSHOT_FILE.read_bytes())
    if elsewhere:
        pytest.skip(f"the snapshot was {elsewhere}")
    if held is None:
        pytest.fail("the snapshot is out of date: run python scripts/rule_literals.py")
    return held


def _fixture_lines() -> list[str]:
    return [line for p in sorted(FIXTURES.glob("*/input.txt"))
            for line in p.read_text(encoding="utf-8").splitlines()]


def test_the_snapshot_holds_the_rule_set_and_index_built_from_the_sources():
    stored, (built, fresh) = _stored(), snapshot.build()
    assert _summary(stored) == _summary(built) == _summary(build_rules([]))
    assert stored.files == built.files
    assert [r.pattern.program for r in stored] == [r.pattern.program for r in built]
    index = stored.take_index()
    assert isinstance(index, signals.Prefilter) and index.rules is stored
    lines = _fixture_lines()
    masks = index.index.masks(lines)
    assert len(lines) > 400 and sum(map(bool, masks)) > 100
    assert masks == fresh.index.masks(lines)
    assert index._parts == fresh._parts and index.index.always == fresh.index.always


# --- the patterns' programs (cleaner/programs.py) ---------------------------------------------

def test_every_stored_program_is_the_one_programs_make_makes():
    """Each makes its pattern with re.compile's flags and groups; that it finds
    what re.compile's finds is tests/test_branches.py's."""
    stored = _stored()
    patterns = [p for r in stored for p in r.patterns if p.engine == "re"]
    assert len(patterns) > 200 and all(p.program is not None for p in patterns)
    for p in patterns:
        assert p.program == programs.make(p.pattern, p.source_flags), p.pattern
        made, plain = programs.load(p.pattern, p.program), re.compile(p.pattern, p.source_flags)
        assert (made.pattern, made.flags, made.groups, made.groupindex) == \
            (plain.pattern, plain.flags, plain.groups, plain.groupindex)


def test_with_programs_no_shipped_pattern_is_compiled(monkeypatch):
    """A clean that matches rules compiles none of their patterns: each is made
    from its program, and none is searched by parts (that compiles them too)."""
    ids = {r.id for r in _stored()}
    lines = _fixture_lines()
    refuse = SimpleNamespace(compile=lambda *a, **k: pytest.fail(f"compiled {a[0]!r}"),
                             IGNORECASE=re.IGNORECASE)
    monkeypatch.setattr(patterns, "re", refuse)
    monkeypatch.setattr(alternatives, "re", refuse)
    c = Cleaner()
    result = c.analyze("\n".join(lines))
    monkeypatch.undo()
    assert sum(d.reason in ids for d in result.removed) > 50
    assert result.text == Cleaner().clean("\n".join(lines))


def test_programs_of_another_re_are_not_used(monkeypatch):
    """The rules still come from the snapshot; their patterns are compiled, and
    searched by parts, as when built from the sources: the same output."""
    stored = _stored()
    text = "\n".join(_fixture_lines())
    expected = Cleaner().clean(text)
    monkeypatch.setattr(programs, "key", lambda: "re of another Python")
    other = snapshot.load()
    assert other is not None and _summary(other) == _summary(stored)
    assert all(r.pattern.program is None for r in other) and not other._index
    c = Cleaner(ruleset=other)
    assert c.clean(text) == expected
    assert signals.parts_compiled(c._matches)


def test_a_damaged_program_is_compiled_instead():
    pattern = LazyPattern(r"^sign up\b", re.IGNORECASE, "re")
    pattern.program = programs.make(pattern.pattern, pattern.source_flags)
    assert pattern.program is not None and pattern.search("Sign up now")
    damaged = LazyPattern(pattern.pattern, pattern.source_flags, "re")
    damaged.program = pattern.program._replace(code=b"not zlib")
    assert programs.load(damaged.pattern, damaged.program) is None
    assert damaged.search("Sign up now") and not damaged.search("Do not sign up")


def test_importing_the_package_compiles_none_of_its_own_patterns():
    """Each pattern a module compiles when imported is made from its stored
    program (``programs.compiled``): in a fresh interpreter, re compiles no
    pattern for the package's module code while its modules load, and every
    stored program is the one ``programs.make`` makes of its pattern."""
    code = (
        "import sys\n"
        "from re import _compiler\n"
        "made = []\n"
        "def watch(p, flags=0, _compile=_compiler.compile):\n"
        "    f = sys._getframe(1)\n"
        "    while f.f_globals.get('__name__') in ('re', 're._compiler', 'functools'):\n"
        "        f = f.f_back\n"      # the frame that asked re: a module's own code?
        "    name = f.f_globals.get('__name__', '')\n"
        "    if name.split('.')[0] == 'cleaner' and f.f_code.co_name == '<module>':\n"
        "        made.append(f'{name}:{f.f_lineno}: {p}')\n"
        "    return _compile(p, flags)\n"
        "_compiler.compile = watch\n"
        "from cleaner import programs\n"
        "print(len(programs.package_patterns()), len(programs._stored()))\n"
        "for m in made: print(m)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    counts, *compiled_at_import = p.stdout.splitlines()
    asked, stored = map(int, counts.split())
    assert compiled_at_import == [], "compile module patterns with programs.compiled"
    assert asked > 30 and stored == asked, "run python scripts/rule_literals.py"
    for (pattern, flags), program in programs._stored().items():
        assert program == programs.make(pattern, flags), pattern


def test_code_programs_of_another_re_or_damaged_are_compiled_instead(tmp_path, monkeypatch):
    stored = programs._stored()
    (pattern, flags), _ = next(iter(stored.items()))
    try:
        monkeypatch.setattr(programs, "key", lambda: "re of another Python")
        programs._stored.cache_clear()
        assert programs._stored() == {}
        assert programs.compiled(pattern, flags) == re.compile(pattern, flags)
        monkeypatch.undo()
        damaged = tmp_path / "code_programs.pickle"
        data = programs.CODE_PROGRAMS.read_bytes()
        damaged.write_bytes(data[:len(data) // 2])
        monkeypatch.setattr(programs, "CODE_PROGRAMS", damaged)
        programs._stored.cache_clear()
        assert programs._stored() == {}
        assert programs.compiled(r"^sign up\b", re.I).search("Sign up now")
    finally:
        monkeypatch.undo()
        programs._stored.cache_clear()
    assert programs._stored() == stored


def test_the_shipped_rules_are_read_from_the_snapshot_not_built(monkeypatch):
    _stored()
    monkeypatch.setattr(rules, "build_rules", lambda *a, **k: pytest.fail("rules were built"))
    monkeypatch.setattr(signals.Prefilter, "__init__", lambda *a, **k: pytest.fail("an index was built"))
    c = Cleaner()
    assert c.clean("Some text.\nSign up for our newsletter\n") == "Some text.\n"


def test_user_rules_and_no_builtin_are_built(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("- id: mine.x\n  pattern: '^xyz$'\n  description: x\n  langs: [en]\n",
                    encoding="utf-8")
    assert [r.id for r in load_rules([mine], builtin=False)] == ["mine.x"]
    both = load_rules([mine])
    assert both.rules[-1].id == "mine.x" and len(both) > 100 and not both._index


def test_a_snapshot_of_other_sources_or_damaged_is_not_used(tmp_path, monkeypatch):
    _stored()
    monkeypatch.setattr(snapshot, "key", lambda: b"python 0.0 edited\n")
    assert snapshot.load() is None
    assert _summary(load_rules([])) == _summary(build_rules([]))
    monkeypatch.undo()
    damaged = tmp_path / "shipped_rules.pickle"
    data = snapshot.SNAPSHOT_FILE.read_bytes()
    damaged.write_bytes(data[:len(data) // 2])
    monkeypatch.setattr(snapshot, "SNAPSHOT_FILE", damaged)
    assert snapshot.load() is None
    damaged.write_bytes(b"")
    assert snapshot.load() is None


def test_an_edited_pack_is_not_read_from_the_snapshot(tmp_path, monkeypatch):
    _stored()
    copy = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), copy)
    monkeypatch.setattr(rules, "builtin_rules_dir", lambda: copy)
    moved = snapshot.load()        # the same bytes elsewhere: its paths are the new folder's
    assert moved is not None and moved.rules[0].source.startswith(str(copy))
    assert all(f.startswith(str(copy)) for f in moved.files)
    share = copy / "share.yaml"
    share.write_text(share.read_text(encoding="utf-8").replace("id: share.", "id: edited.", 1),
                     encoding="utf-8")
    assert snapshot.load() is None
    assert any(r.id.startswith("edited.") for r in load_rules([]))


def test_each_cache_has_its_own_index_and_workers_get_none():
    stored = _stored()
    a, b = {}, {}
    first, second = signals.literal_index(stored, a), signals.literal_index(stored, b)
    assert first is not second
    assert signals.literal_index(stored, a) is first
    assert pickle.loads(pickle.dumps(_stored()))._index == []


def test_made_elsewhere_names_the_python_or_the_re_and_reads_a_short_header():
    here = snapshot.python().encode("ascii")
    assert "python 0.0" in snapshot.made_elsewhere(snapshot.MAGIC + b"python 0.0 a.py 1\n" + b"re x\n")
    assert "another version of re" in snapshot.made_elsewhere(snapshot.MAGIC + here + b" a.py 1\nre x\n")
    assert snapshot.made_elsewhere(snapshot.MAGIC + here + b" a.py 1")      # no programs line
    assert snapshot.made_elsewhere(b"not a snapshot") is None
