"""The shipped packs read from the shipped data: the same rules as from their YAML, and
only while the sources are the ones the data was made from (cleaner/rules.py
``shipped_pack``, cleaner/fragments.py ``pre_expanded``, scripts/rule_literals.py)."""
from __future__ import annotations

import shutil

from cleaner import fragments, prefilter, rules, safeyaml
from cleaner.rules import builtin_rules_dir, load_file, load_rules, rule_files


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


def test_the_word_lists_come_from_the_shipped_data_while_words_yaml_is_unchanged(tmp_path):
    import yaml

    from cleaner import features

    path = features.DATA / "words.yaml"
    assert features.word_data(path) is prefilter.shipped_data()["words"]["data"]
    assert features.word_data(path) == yaml.safe_load(path.read_text(encoding="utf-8"))
    edited = tmp_path / "words.yaml"
    edited.write_text(path.read_text(encoding="utf-8").replace("payment_words: [", "payment_words: [zzz, "),
                      encoding="utf-8")
    assert "zzz" in features.word_data(edited)["payment_words"]


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
