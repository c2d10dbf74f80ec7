"""Stop words per language (jusText's lists, and ours) and a cheap language guess.

jusText ships its stop-word lists as plain files. We read them straight from
the installed package without importing it: importing justext pulls in lxml,
and the plain-text path must stay light. jusText has no list for Chinese or
Japanese; ours (``data/stoplists``) fill that gap and are looked up first.

A guess asks every candidate's list, ~48,000 words in all: making sets of
them was most of a short document's guess. The first guesses of a process
bound each candidate's hits with a shipped index of the lists (hashed keys,
``data/stopword_index.bin``) and read the lists of the candidates that could
still win only: the same guess, from one or two lists.
"""
from __future__ import annotations

import importlib.util
import json
import zlib
from collections import Counter
from functools import lru_cache
from itertools import islice
from operator import is_not
from pathlib import Path
from typing import Callable, Iterable, Sequence

# The languages we try when guessing: those of the news we expect, which the
# corpus confirms (mostly English and German, then Polish, French, Spanish...).
CANDIDATES = ("English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch",
              "Polish", "Czech", "Swedish", "Danish", "Norwegian_Bokmal", "Finnish",
              "Russian", "Ukrainian", "Romanian", "Hungarian", "Turkish", "Indonesian",
              "Greek", "Croatian", "Catalan", "Chinese", "Japanese", "Korean")
OWN_STOPLISTS = Path(__file__).parent / "data" / "stoplists"
# A guess reads a document's first words only, this many.
SAMPLE = 2000
# The candidates' lists in a form that needs no set of their ~48,000 words
# (written by scripts/rule_literals.py; see ``upper_hits``).
STOPWORD_INDEX = Path(__file__).parent / "data" / "stopword_index.bin"


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


# The first guesses of a process bound each candidate's hits with the shipped
# index and read only the lists the bounds cannot rule out (nothing to build:
# one document starts fast); later ones use the union of the lists and
# remember, per stop word met, which candidates list it. The same hits either way.
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


# --- the shipped index: a bound on each candidate's hits ---------------------------------

def word_hash(word: str) -> int:
    """The index's key for a (case-folded) word: CRC-32 of its UTF-8 bytes.
    Two words may share one: the index gives bounds, never the hits themselves."""
    return zlib.crc32(word.encode("utf-8"))


def list_stamp(language: str) -> list[int] | None:
    """[size, CRC-32] of a language's list file as it is now (None: no list):
    the index holds these of the lists it was made from, and is used only
    while every candidate's list still has them."""
    path = _stoplist_path(language)
    try:
        data = path.read_bytes() if path is not None else None
    except OSError:
        data = None
    return None if data is None else [len(data), zlib.crc32(data)]


def index_bytes(lists: Sequence[frozenset[str]], stamps: Sequence[list[int] | None]) -> bytes:
    """The shipped index of the candidates' ``lists`` (scripts/rule_literals.py):
    a JSON line (the candidates, their lists' stamps, how many keys), then the
    keys (``word_hash``) ascending as little-endian uint32, then for each key
    the candidates (bit i: ``CANDIDATES[i]``) that list a word with that key."""
    import numpy as np

    if len(CANDIDATES) > 32:
        raise ValueError("the index keeps a candidate per bit of a uint32")
    masks: dict[int, int] = {}
    for i, words in enumerate(lists):
        for w in words:
            key = word_hash(w)
            masks[key] = masks.get(key, 0) | 1 << i
    keys = sorted(masks)
    head = json.dumps({"candidates": CANDIDATES, "stamps": list(stamps), "keys": len(keys)}).encode()
    head += b" " * (-(len(head) + 1) % 4) + b"\n"      # the arrays start 4-aligned
    return (head + np.array(keys, dtype="<u4").tobytes()
            + np.array([masks[k] for k in keys], dtype="<u4").tobytes())


@lru_cache(maxsize=1)
def _shipped_index():
    """(keys, masks) of the shipped index, or None when it is missing, unreadable,
    or not made from the lists as they are now."""
    import numpy as np

    try:
        data = STOPWORD_INDEX.read_bytes()
        end = data.index(b"\n") + 1
        head = json.loads(data[:end])
        n = head["keys"]
        if head["candidates"] != list(CANDIDATES) or n < 1 or len(data) != end + 8 * n \
                or head["stamps"] != [list_stamp(lang) for lang in CANDIDATES]:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    arrays = np.frombuffer(data, dtype="<u4", offset=end)
    return arrays[:n], arrays[n:]


def upper_hits(counts: Counter) -> list[int] | None:
    """Per candidate, at least as many as its hits (``guess_language``) among the
    sample's ``counts``, from the shipped index (None: no index fits the lists).

    A word counts for every candidate listing a word with its key: its own
    lists, and any other word's that shares the key (rare: CRC-32 of ~48,000
    words). So each bound holds, and is mostly the hits themselves.
    """
    index = _shipped_index()
    if index is None:
        return None
    import numpy as np

    keys, masks = index
    words = list(counts)
    asked = np.fromiter(map(word_hash, words), dtype=np.uint32, count=len(words))
    at = np.minimum(np.searchsorted(keys, asked), len(keys) - 1)
    listed = keys[at] == asked
    found = masks[at[listed]]
    n = np.fromiter(map(counts.__getitem__, words), dtype=np.int64, count=len(words))[listed]
    bits = (found[:, None] >> np.arange(len(CANDIDATES), dtype=np.uint32)) & 1
    return (bits * n[:, None]).sum(axis=0).tolist()


def _hits(language: str, counts: Counter) -> int:
    """How many of the sample's words (``counts``) a language's list holds."""
    return sum(counts[w] for w in stopwords(language).intersection(counts))


def _best(bounds: Sequence[int], exact: Callable[[int], int]) -> tuple[int, int]:
    """The candidate with the most hits (ties: the earlier one) and its hits,
    given a bound on each candidate's hits and ``exact``, which counts them:
    only the candidates whose bound could still win are counted. (Hits
    already counted are their own bounds.)"""
    known: dict[int, int] = {}
    while True:
        i = max(range(len(bounds)), key=lambda k: (known.get(k, bounds[k]), -k))
        if i in known:        # its hits reach every other candidate's bound
            return i, known[i]
        known[i] = exact(i)


def guess_language(words: Iterable[str], sample: int = SAMPLE) -> str:
    """The candidate language whose stop words cover most of the (case-folded) words.

    Ties go to the earlier candidate; no words at all means English.
    """
    # Count the sample's distinct words once, then ask each list about those
    # only: far cheaper than indexing all ~38,000 stop words of the candidates.
    counts = Counter(islice(words, sample))
    global _guesses
    _guesses += 1
    if _guesses <= _GUESSES_BEFORE_INDEX:
        def hits_of(i: int) -> int:
            return _hits(CANDIDATES[i], counts)

        # With the index, the lists of few candidates are read: mostly the winner's only.
        bounds, exact = upper_hits(counts), hits_of
        if bounds is None:          # no index fits the lists: every list is asked
            bounds = list(map(hits_of, range(len(CANDIDATES))))
            exact = bounds.__getitem__
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
        bounds, exact = hits, hits.__getitem__
    best, most = _best(bounds, exact)
    return CANDIDATES[best] if most else "English"
