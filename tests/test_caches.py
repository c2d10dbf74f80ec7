"""The start-up cache cannot steer: no compiled programs, no parsed rules, bounded reads.

The shipped patterns compile lazily (cleaner/patterns.py) and rules and stop
words are rebuilt on every run, so nothing in the cache folder decides what
is removed. Whatever is planted there, output stays the same and no read
blocks; a folder others can write is not used at all (cleaner/diskcache.py).
"""
from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys

import pytest
from conftest import SEED

from cleaner import diskcache
from cleaner.diskcache import DiskCache, cache_dir
from cleaner.patterns import LazyPattern
from cleaner.rules import builtin_rules_dir, load_file

SHIPPED = [rule for f in sorted(builtin_rules_dir().glob("*.yaml")) for rule in load_file(f, trusted=True)]
TAG = diskcache.TAG


def test_every_shipped_pattern_compiles_with_re():
    """The plain-text path must not need the `regex` module for the shipped packs."""
    others = [r.id for r in SHIPPED if r.pattern.engine != "re"]
    assert others == []
    for r in SHIPPED:
        assert isinstance(r.pattern.compiled, re.Pattern), r.id


def test_shipped_patterns_are_compiled_on_first_use_only():
    fresh = load_file(builtin_rules_dir() / "share.yaml", trusted=True)
    assert all(r.pattern._compiled is None for r in fresh)
    rule = fresh[0]
    assert rule.pattern.pattern and rule.pattern._compiled is None   # the text needs no compiling
    rule.pattern.search("x")
    assert isinstance(rule.pattern._compiled, re.Pattern)


def test_a_lazy_pattern_pickles_without_its_program():
    import pickle

    p = LazyPattern(r"^sign\s+up$", re.IGNORECASE, "re")
    assert p.search("Sign up")
    again = pickle.loads(pickle.dumps(p))
    assert again._compiled is None and again.search("SIGN UP") and not again.search("sign up now")


def _run(clean_exe, cache: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "CLEAN_CACHE_DIR": cache}
    return subprocess.run([clean_exe, "--no-config"], input=(SEED / "input.txt").read_bytes(),
                          capture_output=True, env=env, timeout=timeout)


def _plant_tampered(folder) -> None:
    """What an attacker would plant: the old caches' files, rewritten to remove every line."""
    folder.mkdir(exist_ok=True)
    # a "compiled program" for a pattern that matches everything, and a rules
    # pack with one rule that drops every line, under the old file names
    everything = ("", 2, [17, 4, 0, 0, 4294967295, 1], 0, {}, ())
    (folder / f"patterns-0-{TAG}.marshal").write_bytes(marshal.dumps((1, {("x", 2): everything})))
    (folder / f"rules-{TAG}.marshal").write_bytes(marshal.dumps(
        (1, {"any": marshal.dumps([{"id": "evil.all", "pattern": ".", "__line__": 1}])})))
    (folder / f"stopwords-{TAG}.marshal").write_bytes(marshal.dumps((1, {})))


@pytest.mark.slow
def test_a_tampered_cache_leaves_the_output_unchanged(clean_exe, tmp_path):
    baseline = _run(clean_exe, "")                  # no cache at all
    assert baseline.returncode == 0
    folder = tmp_path / "cache"
    _plant_tampered(folder)
    for name in sorted(os.listdir(folder)):         # every planted file, and garbage too
        planted = _run(clean_exe, str(folder))
        assert (planted.returncode, planted.stdout) == (0, baseline.stdout), name
        (folder / name).write_bytes(os.urandom(64))
    assert _run(clean_exe, str(folder)).stdout == baseline.stdout


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_special_file_in_the_cache_does_not_hang(clean_exe, tmp_path, kind):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    for name in ("patterns", "rules", "stopwords", "fragments"):
        path = folder / f"{name}-{TAG}.marshal"
        if kind == "fifo":
            os.mkfifo(path)
        else:
            os.symlink("/dev/zero", path)
    p = _run(clean_exe, str(folder), timeout=60)     # a hang would be a TimeoutExpired
    assert p.returncode == 0 and p.stdout == (SEED / "expected.txt").read_bytes()


def test_disk_cache_ignores_a_fifo_and_a_link_to_dev_zero(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    os.mkfifo(folder / "fifo.marshal")
    os.symlink("/dev/zero", folder / "zero.marshal")
    assert DiskCache("x", folder / "fifo.marshal").entries == {}
    assert DiskCache("x", folder / "zero.marshal").entries == {}


def test_disk_cache_ignores_an_oversized_file(tmp_path, monkeypatch):
    path = tmp_path / "big.marshal"
    path.write_bytes(marshal.dumps((1, {"k": "v" * 100})))
    assert DiskCache("x", path).entries == {"k": "v" * 100}
    monkeypatch.setattr(diskcache, "MAX_FILE_BYTES", 50)
    assert DiskCache("x", path).entries == {}


def test_a_world_writable_cache_folder_is_ignored(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "x.marshal"
    path.write_bytes(marshal.dumps((1, {"k": "planted"})))
    os.chmod(folder, 0o777)
    cache = DiskCache("x", path)
    assert cache.entries == {} and cache.path is None
    cache.put("k", "mine")
    cache.save()                                   # never written either
    assert marshal.loads(path.read_bytes()) == (1, {"k": "planted"})
    os.chmod(folder, 0o775)                        # group-writable: ignored too
    assert DiskCache("x", path).entries == {}
    os.chmod(folder, 0o755)
    assert DiskCache("x", path).entries == {"k": "planted"}


def test_a_new_cache_folder_is_private(tmp_path):
    cache = DiskCache("x", tmp_path / "new" / "x.marshal")
    cache.put("k", 1)
    cache.save()
    assert (tmp_path / "new").stat().st_mode & 0o077 == 0
    assert DiskCache("x", tmp_path / "new" / "x.marshal").entries == {"k": 1}


@pytest.mark.parametrize("content", [b"", b"not marshal at all", b"\x00\x01\x02",
                                     marshal.dumps((2, {"k": "v"}))])
def test_a_damaged_cache_file_counts_as_empty(tmp_path, content):
    path = tmp_path / "p.marshal"
    path.write_bytes(content)
    assert DiskCache("x", path).entries == {}


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    cache = DiskCache("x", blocker / "sub" / "p.marshal")
    cache.put("k", 1)
    cache.save()  # must not raise
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


def test_stop_words_equal_the_lists():
    from cleaner import language

    language.stopwords.cache_clear()
    words = {lang: language.stopwords(lang) for lang in language.CANDIDATES}
    assert "the" in words["English"] and "und" in words["German"]
    assert not any(w.startswith("#") for ws in words.values() for w in ws)


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
