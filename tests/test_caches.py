"""Nothing on disk but the shipped files can steer the output: clean keeps no cache.

The shipped patterns compile lazily (cleaner/patterns.py, only the ones a
text's literals call for), and rules, fragments and stop words are read from
the package on every run. Files planted where the old start-up cache lived
(compiled programs, parsed rules, expanded patterns, FIFOs) change nothing.
"""
from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys

import pytest
from conftest import SEED

from cleaner.patterns import LazyPattern
from cleaner.rules import builtin_rules_dir, load_file

SHIPPED = [rule for f in sorted(builtin_rules_dir().glob("*.yaml")) for rule in load_file(f, trusted=True)]
# The file names the old start-up cache used (interpreter tag and version).
TAG = f"{sys.implementation.cache_tag}-{sys.hexversion:x}"


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
    (folder / f"fragments-{TAG}.marshal").write_bytes(marshal.dumps(
        (1, {("expanded", None, "x"): "(?s).*"})))


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
        "from cleaner.cli import run\n"
        "run([])\n"
        "sys.stderr.write('regex' in sys.modules and 'REGEX' or 'NOREGEX')\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], input=(SEED / "input.txt").read_bytes(),
                         capture_output=True)
    assert out.stderr.decode().endswith("NOREGEX"), out.stderr.decode()[-300:]
