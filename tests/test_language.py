"""The language guess's shipped index (cleaner/data/stopword_index.bin): bounds, never other guesses."""
from __future__ import annotations

from collections import Counter

import pytest

from cleaner import language
from cleaner.language import CANDIDATES, guess_language, stopwords

SAMPLES = {
    "English": "the of and to in is that it was".split(),
    "German": "der die und das ist nicht mit dem".split(),
    "Polish": "nie się jest to że na w i z do".split(),
    "Russian": "и в не на что он с как а то".split(),
    "none": "zzqx qqzv vvxq".split(),
}


def exact_hits(counts: Counter) -> list[int]:
    return [sum(counts[w] for w in stopwords(lang).intersection(counts)) for lang in CANDIDATES]


@pytest.fixture
def first_guesses(monkeypatch):
    """Every guess in the test is one of a process's first (the index's path)."""
    monkeypatch.setattr(language, "_guesses", 0)
    monkeypatch.setattr(language, "_GUESSES_BEFORE_INDEX", 10 ** 9)


def test_the_shipped_index_fits_the_installed_lists():
    assert language._shipped_index() is not None, "run python scripts/rule_literals.py"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_bounds_are_at_least_the_hits(name):
    counts = Counter(SAMPLES[name])
    bounds = language.upper_hits(counts)
    assert all(b >= h for b, h in zip(bounds, exact_hits(counts), strict=True))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_guess_with_the_index_is_the_guess_without(name, first_guesses, monkeypatch):
    words = SAMPLES[name]
    with_index = guess_language(words)
    monkeypatch.setattr(language, "upper_hits", lambda counts: None)
    assert guess_language(words) == with_index == (name if name != "none" else "English")


def test_best_counts_only_the_candidates_whose_bound_could_win():
    counted = []

    def hits(i: int) -> int:
        counted.append(i)
        return [3, 5, 1, 5][i]

    # bounds over the hits: 1 must be counted (its bound 9 beats 3's hits),
    # 3 too (its bound 6 beats 1's hits 5), then 1 wins the tie with 3
    assert language._best([3, 9, 4, 6], hits) == (1, 5)
    assert sorted(counted) == [1, 3]


def test_an_index_of_other_lists_is_not_used(tmp_path, monkeypatch):
    lists = [frozenset({"zzqx"}) if lang == "Greek" else stopwords(lang) for lang in CANDIDATES]
    stamps = [language.list_stamp(lang) for lang in CANDIDATES]
    stale = tmp_path / "index.bin"
    monkeypatch.setattr(language, "STOPWORD_INDEX", stale)
    language._shipped_index.cache_clear()
    try:
        stale.write_bytes(language.index_bytes(lists, [[0, 0], *stamps[1:]]))
        assert language.upper_hits(Counter(["zzqx"])) is None            # a list changed since
        stale.write_bytes(language.index_bytes(lists, stamps)[:-4])
        language._shipped_index.cache_clear()
        assert language.upper_hits(Counter(["zzqx"])) is None            # cut short
        stale.write_bytes(language.index_bytes(lists, stamps))
        language._shipped_index.cache_clear()
        assert language.upper_hits(Counter(["zzqx"]))[CANDIDATES.index("Greek")] == 1
    finally:
        language._shipped_index.cache_clear()
