"""Stop words per language (jusText's lists, and ours) and a cheap language guess.

jusText ships its stop-word lists as plain files. We read them straight from
the installed package without importing it: importing justext pulls in lxml,
and the plain-text path must stay light. jusText has no list for Chinese or
Japanese; ours (``data/stoplists``) fill that gap and are looked up first.
"""
from __future__ import annotations

import importlib.util
from collections import Counter
from functools import lru_cache
from itertools import islice
from operator import is_not
from pathlib import Path
from typing import Iterable

# The languages we try when guessing: those of the news we expect, which the
# corpus confirms (mostly English and German, then Polish, French, Spanish...).
CANDIDATES = ("English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch",
              "Polish", "Czech", "Swedish", "Danish", "Norwegian_Bokmal", "Finnish",
              "Russian", "Ukrainian", "Romanian", "Hungarian", "Turkish", "Indonesian",
              "Greek", "Croatian", "Catalan", "Chinese", "Japanese", "Korean")
OWN_STOPLISTS = Path(__file__).parent / "data" / "stoplists"


@lru_cache(maxsize=1)
def _stoplist_dir() -> Path | None:
    # Found once: find_spec walks sys.path, and every language asks.
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "stoplists"


@lru_cache(maxsize=1)
def _own_stoplists() -> frozenset[str]:
    # Listed once: a stat of a missing file for each of 25 languages cost more.
    try:
        return frozenset(p.name for p in OWN_STOPLISTS.iterdir() if p.suffix == ".txt" and p.is_file())
    except OSError:
        return frozenset()


def _stoplist_path(language: str) -> Path | None:
    if f"{language}.txt" in _own_stoplists():
        return OWN_STOPLISTS / f"{language}.txt"
    folder = _stoplist_dir()
    return folder / f"{language}.txt" if folder is not None else None


# The characters str.splitlines breaks a line at.
_LINE_BREAKS = "\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029"


def _without_comment_lines(text: str) -> str:
    """``text`` with every line that starts with "#" (after white space) cut out.

    Looks only around each "#", so the rest splits in one call: going line by
    line cost more than all the other lists together (Korean's 13,000 lines
    hold one "#", at the start of a line). Each cut ends before a line break,
    which keeps the words on either side apart.
    """
    kept: list[str] = []
    done = 0
    at = text.find("#")
    while at >= 0:
        start = max(text.rfind(c, 0, at) for c in _LINE_BREAKS) + 1
        end = min((e for e in (text.find(c, at) for c in _LINE_BREAKS) if e >= 0), default=len(text))
        if start == at or text[start:at].isspace():
            kept.append(text[done:start])
            done = end
        at = text.find("#", end)      # a later "#" of this line starts no comment
    if not kept:
        return text
    kept.append(text[done:])
    return "".join(kept)


def _listed(language: str) -> list[str]:
    """The case-folded words of a language's list in file order, repeats kept; empty if none."""
    path = _stoplist_path(language)
    if path is None:
        return []
    # Read on every run, never kept on disk: a cached list could be edited to
    # steer what the cleaner removes. Lines starting with "#" are comments.
    # Bytes decoded in one call: a text-mode read (newlines translated, which
    # split() and the comment cut do not need) took a third longer.
    try:
        text = path.read_bytes().decode("utf-8").casefold()
    except OSError:
        return []
    return _without_comment_lines(text).split()


@lru_cache(maxsize=None)
def stopwords(language: str) -> frozenset[str]:
    """The case-folded stop words of a language; empty if there is no list."""
    return frozenset(_listed(language))


# The first guesses of a process ask every list (nothing to build: one
# document starts fast); later ones use the union of the lists and remember,
# per stop word met, which candidates list it. The same hits either way.
_GUESSES_BEFORE_INDEX = 8
_guesses = 0
# The lists the index was made of, their union, and stop word -> the candidates listing it.
_index: tuple[tuple[frozenset[str], ...], frozenset[str], dict[str, tuple[int, ...]]] = \
    ((), frozenset(), {})


def _stop_index(lists: tuple[frozenset[str], ...]):
    """The index of ``lists`` (made again when they are other lists: stopwords' cache cleared)."""
    global _index
    if len(_index[0]) != len(lists) or any(map(is_not, _index[0], lists)):
        _index = (lists, frozenset().union(*lists), {})
    return _index


def guess_language(words: Iterable[str], sample: int = 2000) -> str:
    """The candidate language whose stop words cover most of the (case-folded) words.

    Ties go to the earlier candidate; no words at all means English.
    """
    # Count the sample's distinct words once, then ask each list about those
    # only: far cheaper than indexing all ~38,000 stop words of the candidates.
    counts = Counter(islice(words, sample))
    global _guesses
    _guesses += 1
    if _guesses <= _GUESSES_BEFORE_INDEX:
        hits = [sum(counts[w] for w in stopwords(lang).intersection(counts)) for lang in CANDIDATES]
    else:
        # A run guesses for every document: the sample's stop words, found
        # with one intersection, and each one's candidates, remembered.
        hits = [0] * len(CANDIDATES)
        lists = tuple(map(stopwords, CANDIDATES))
        _, union, langs = _stop_index(lists)
        found = union.intersection(counts)
        for w in found.difference(langs):
            langs[w] = tuple(i for i, words in enumerate(lists) if w in words)
        for w in found:
            c = counts[w]
            for i in langs[w]:
                hits[i] += c
    if not any(hits):
        return "English"
    return CANDIDATES[max(range(len(CANDIDATES)), key=lambda i: (hits[i], -i))]
