"""The on-disk caches (cleaner/diskcache.py) and the compiled shipped patterns (cleaner/patterns.py)."""
from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys

import pytest
from conftest import SEED

from cleaner.diskcache import DiskCache, cache_dir
from cleaner.patterns import PatternCache
from cleaner.rules import builtin_rules_dir, load_file

SHIPPED = [rule for f in sorted(builtin_rules_dir().glob("*.yaml")) for rule in load_file(f, trusted=True)]
# (pattern, flags) of every shipped pattern, with a sample of text it is meant for.
CASES = [(r.pattern.pattern, r.pattern.flags & re.IGNORECASE, r.examples_drop + r.examples_keep)
         for r in SHIPPED if isinstance(r.pattern, re.Pattern)]


def _patterns(path) -> PatternCache:
    return PatternCache(DiskCache("test", path))


def test_every_shipped_pattern_compiles_with_re():
    """The plain-text path must not need the `regex` module for the shipped packs."""
    others = [r.id for r in SHIPPED if not isinstance(r.pattern, re.Pattern)]
    assert others == []


def test_a_reloaded_cache_matches_exactly_like_re(tmp_path):
    path = tmp_path / "p.marshal"
    first = _patterns(path)
    for pattern, flags, _ in CASES:
        first.compile(pattern, flags)
    first.store.save()
    assert path.is_file()

    again = _patterns(path)
    assert len(again.store.entries) == len({(p, f) for p, f, _ in CASES})
    for pattern, flags, samples in CASES:
        cached, plain = again.compile(pattern, flags), re.compile(pattern, flags)
        assert (cached.pattern, cached.flags, cached.groupindex) == \
            (plain.pattern, plain.flags, plain.groupindex)
        for text in samples:
            a, b = cached.search(text), plain.search(text)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (pattern, text)
    assert not again.store.added  # nothing new to write


def test_named_groups_survive_the_cache(tmp_path):
    cache = _patterns(tmp_path / "p.marshal")
    cache.compile(r"(?P<word>\w+)-(\d+)", 0)
    cache.store.save()
    m = _patterns(tmp_path / "p.marshal").compile(r"(?P<word>\w+)-(\d+)", 0).search("ab-12")
    assert m.group("word") == "ab" and m.group(2) == "12"


@pytest.mark.parametrize("content", [b"", b"not marshal at all", b"\x00\x01\x02",
                                     marshal.dumps((1, {("x", 0): ("bad",)}))])
def test_a_damaged_cache_falls_back_to_re(tmp_path, content):
    path = tmp_path / "p.marshal"
    path.write_bytes(content)
    compiled = _patterns(path).compile(r"^sign\s+up$", re.IGNORECASE)
    assert compiled.search("Sign up") and not compiled.search("Sign up today to read")


def test_an_invalid_pattern_still_raises_re_error(tmp_path):
    with pytest.raises(re.error):
        _patterns(tmp_path / "p.marshal").compile("(unclosed", 0)


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    cache = _patterns(blocker / "sub" / "p.marshal")
    cache.compile("abc", 0)
    cache.store.save()  # must not raise
    assert not (blocker / "sub").exists()


def test_cache_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CLEAN_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    assert DiskCache("x").path.parent == tmp_path / "c"
    monkeypatch.setenv("CLEAN_CACHE_DIR", "")
    assert cache_dir() is None and DiskCache("x").path is None
    monkeypatch.delenv("CLEAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "cleaner"


def test_the_cli_writes_the_cache_once_and_gives_the_same_output(clean_exe, tmp_path):
    env = {**os.environ, "CLEAN_CACHE_DIR": str(tmp_path / "cache")}
    seed = (SEED / "input.txt").read_bytes()
    cold = subprocess.run([clean_exe], input=seed, capture_output=True, env=env, check=True)
    files = sorted((tmp_path / "cache").iterdir())
    assert [f.name.split("-")[0] for f in files] == ["patterns", "rules", "stopwords"]
    stamps = [f.stat().st_mtime_ns for f in files]
    warm = subprocess.run([clean_exe], input=seed, capture_output=True, env=env, check=True)
    assert warm.stdout == cold.stdout == (SEED / "expected.txt").read_bytes()
    assert [f.stat().st_mtime_ns for f in files] == stamps  # a warm run rewrites nothing
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")]


def test_the_plain_text_path_does_not_import_regex():
    """`regex` is only for user rules (timeouts); the shipped packs run on `re`."""
    probe = (
        "import sys\n"
        "from cleaner.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('regex' in sys.modules and 'REGEX' or 'NOREGEX')\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], input=(SEED / "input.txt").read_bytes(),
                         capture_output=True)
    assert out.stderr.decode().endswith("NOREGEX"), out.stderr.decode()[-300:]


def test_entries_of_patterns_no_longer_used_are_dropped_on_save(tmp_path):
    path = tmp_path / "p.marshal"
    old = _patterns(path)
    old.compile("old rule", 0)
    old.compile("kept rule", 0)
    old.store.save()
    new = _patterns(path)
    new.compile("kept rule", 0)        # "old rule" was edited away
    new.store.save()
    assert set(_patterns(path).store.entries) == {("kept rule", 0)}
    untouched = _patterns(path)     # a run that compiled no shipped pattern...
    untouched.store.save()             # ...(e.g. --no-builtin-rules) leaves the file alone
    assert set(_patterns(path).store.entries) == {("kept rule", 0)}


def test_shipped_rule_files_parse_the_same_from_the_cache(monkeypatch, tmp_path):
    from cleaner import diskcache, rules

    monkeypatch.setenv("CLEAN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(diskcache, "_shared", {})
    fresh = rules.load_rules([])                      # parses, fills and writes the cache
    assert (next(tmp_path.glob("rules-*"))).stat().st_size > 0
    monkeypatch.setattr(diskcache, "_shared", {})     # a new process, as it were
    cached = rules.load_rules([])
    assert [(r.id, r.source, r.pattern.pattern, r.examples_drop, r.examples_keep) for r in cached] == \
        [(r.id, r.source, r.pattern.pattern, r.examples_drop, r.examples_keep) for r in fresh]


def test_an_edited_rule_file_is_parsed_again(tmp_path, monkeypatch):
    from cleaner import diskcache, rules

    monkeypatch.setenv("CLEAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(diskcache, "_shared", {})
    pack = tmp_path / "mine.yaml"
    rule = "- id: mine.a\n  pattern: '^{}$'\n  examples: {{drop: ['{}'], keep: ['x']}}\n"
    pack.write_text(rule.format("old label", "old label"))
    assert rules.load_file(pack, trusted=True)[0].pattern.pattern == "^old label$"
    pack.write_text(rule.format("new label", "new label"))
    assert rules.load_file(pack, trusted=True)[0].pattern.pattern == "^new label$"


def test_stop_words_from_the_cache_equal_the_lists(monkeypatch, tmp_path):
    from cleaner import diskcache, language

    monkeypatch.setenv("CLEAN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(diskcache, "_shared", {})
    language.stopwords.cache_clear()
    first = {lang: language.stopwords(lang) for lang in language.CANDIDATES}
    diskcache.shared("stopwords").save()
    monkeypatch.setattr(diskcache, "_shared", {})
    language.stopwords.cache_clear()
    again = {lang: language.stopwords(lang) for lang in language.CANDIDATES}
    language.stopwords.cache_clear()
    assert again == first and "the" in again["English"] and "und" in again["German"]
    assert len(diskcache.shared("stopwords").entries) == len(language.CANDIDATES)
