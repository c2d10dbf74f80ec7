"""What each unit of a document looks like: named features, computed for the whole document at once.

A feature is one small function from a ``DocView`` to an array with one value
per unit, registered under its name with ``@feature("name")``; the model
(``model.py``) looks its weight up by that name. Adding a feature is one
function here and one weight in ``data/weights.json`` (a feature without a
weight counts 0).

Nothing here loops over lines in Python: the document's lines are joined
into one string, each family of facts is found with one regex pass or one
``map`` over all tokens, and numpy adds the results up per line and per unit.
The features are chosen to be *stable under removal*: what a kept unit looks
like does not depend on boilerplate around it that the cleaner removes
(no relative position, no share of the document's units), so cleaning the
cleaned text changes nothing (see ``decide``).
"""
from __future__ import annotations

import json
import re
from functools import cached_property, lru_cache
from itertools import chain, count, repeat
from operator import add, itemgetter
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

import numpy as np

from .blocks import CJK_RANGES, Block, token
from .language import SAMPLE as LANGUAGE_SAMPLE, guess_language, stopwords
from .programs import compiled
from .units import (LIST_ITEM, lengths_of, line_offsets, lines_ending_with, lines_matching,
                    lines_opening_with, matched_lines)

DATA = Path(__file__).resolve().parent / "data"

# ---------------------------------------------------------------- line patterns
# Each is searched over the joined lines (re.M: ^ and $ are a line's ends);
# a match counts for the line it starts in.
# Patterns marked "lower" run over the lower-cased text without re.I, which
# lets the regex engine skip ahead to their first character (re.I does not).
_URL = compiled(r"https?://|www\.|\.(?:com|org|net|de|fr|es|uk)\b|@\w|#\w")          # lower
_SEPARATORS = compiled(r"[|·•/](?<=\s.)(?:\s|(?<=[|·•])$)", re.M)
_MONEY = compiled(r"[$€£¥₹]\s?\d")
_AMOUNT = compiled(r"\d\s?(?:[$€£¥₹]|eur\b|euro\b|usd\b|dollars?\b)")   # lower
# A line ends like a sentence when its last character (spaces and tabs after it
# left out) is one of these.
TERMINAL = frozenset(".!?…:;\"”»'’)]")
_ENDS_COLON = compiled(r":[ \t]*$", re.M)
# A sentence end followed by a capital letter: a second sentence in the line.
_SENTENCE = compiled(r"[.!?…][\"”»'’)]?\s+(?=[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я])")
# Dates written with digits; dates with a month name are found by their words (MONTHS).
_NUMERIC_DATE = compiled(r"\d(?:\d?[./-]\d{1,2}[./-]\d{2,4}|\d{3}-\d{2}-\d{2}|\d?:\d{2}\b)")
MONTHS = frozenset((
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june "
    "july august september october november december januar februar märz mai juni juli "
    "oktober dezember janvier février mars avril juin juillet août septembre octobre novembre "
    "décembre enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre").split())
_COPYRIGHT = compiled(r"©|\(c\)\s*\d{4}|copyright|all rights reserved|alle rechte")    # lower
# For a pattern: strings one of which every match of it holds. A text that
# holds none of them is not searched (a few substring tests instead of a
# regex trying every digit): most pages name no price.
_HELD_BY_EVERY_MATCH: dict[re.Pattern, tuple[str, ...]] = {
    _MONEY: tuple("$€£¥₹"),
    _AMOUNT: (*"$€£¥₹", "eur", "usd", "dollar"),
    # A quarter of pages name no copyright: its search stops at every "a" and "c".
    _COPYRIGHT: ("©", "(c)", "copyright", "all rights reserved", "alle rechte"),
}
# A table row rendered as text keeps its columns apart with runs of spaces.
_COLUMN_GAP = compiled(r"\S {3,}\S")
# Source code and shell sessions quoted in an article: statement punctuation
# or an operator anywhere; a prompt or a keyword opening the line (CODE_OPENERS,
# checked per line). SQL keywords count in capitals only.
# That is  [;{}][ \t]*$ | [=!<>]= | => | -> | \(\)  written to open with one
# character class (the same matches): re then skips to those characters
# instead of trying five alternatives at every position.
_CODE = compiled(r"[;{}=!<>(-](?:(?<=[;{}])[ \t]*$|(?<=[=!<>])=|(?<==)>|(?<=-)>|(?<=\()\))", re.M)
PROMPTS = ("$ ", ">>>", "#include", "#!/", "{", "}")
# A line opening with one of these, and with no sentence punctuation, is code.
KEYWORD_OPENERS = tuple(w + " " for w in (
    "import from def class return function var let const if elif else for while try catch "
    "public private static void int echo sudo git pip npm cd").split()) + (
    "SELECT ", "FROM ", "WHERE ", "ORDER BY ", "GROUP BY ", "LIMIT ", "INSERT ", "UPDATE ",
    "DELETE ", "JOIN ", "WITH ", "AND ", "OR ")
_SENTENCE_MARKS = compiled(r"[.!?]")


class WordLists(NamedTuple):
    cta: tuple[str, ...]           # a line opening with one of these calls to action (lower case)
    second_person: frozenset[str]
    first_plural: frozenset[str]


@lru_cache(maxsize=1)
def words() -> dict:
    """The shipped ``words.yaml`` (``word_data``), read once for every user of it."""
    return word_data(DATA / "words.yaml")


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    data = words()
    phrases = {w.casefold() for ws in data["cta_openers"].values() for w in ws}
    # A phrase counts when a word ends with it: followed by a space or a mark.
    cta = tuple(p + end for p in sorted(phrases) for end in " :,.!?»\u00a0")
    return WordLists(cta, frozenset(w.casefold() for w in data["second_person"]),
                     frozenset(w.casefold() for w in data["first_person_plural"]))


# The fixed word lists features count words of (``DocView.words_listed``),
# by their bit in ``listed_words``: each distinct word of a document is
# looked up once in one table of them all, not once in each list.
SECOND_PERSON, FIRST_PLURAL, MONTH_NAMES = range(3)


@lru_cache(maxsize=1)
def listed_words() -> dict[str, int]:
    """Word -> the bits (``1 << SECOND_PERSON`` ...) of the fixed word lists that hold it."""
    lists = word_lists()
    table: dict[str, int] = {}
    for k, vocabulary in zip((SECOND_PERSON, FIRST_PLURAL, MONTH_NAMES),
                             (lists.second_person, lists.first_plural, MONTHS)):
        for w in vocabulary:
            table[w] = table.get(w, 0) | 1 << k
    return table


WORD_DATA_FILE = DATA / "word_lists.json"


def word_data(path: Path) -> dict:
    """``words.yaml`` as the safe loader reads it: from the shipped data
    (``data/word_lists.json``, written by scripts/rule_literals.py) while the
    file has the bytes it was made from, else from the YAML. Importing and
    running yaml was ~15 ms of every run's start-up."""
    from .rules import pack_digest

    raw = path.read_bytes()
    try:
        held = json.loads(WORD_DATA_FILE.read_bytes())
    except (OSError, ValueError):
        held = None
    if isinstance(held, dict) and held.get("sha256") == pack_digest(raw) and "data" in held:
        return held["data"]
    import yaml

    return yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """Word -> log-odds of appearing in article rather than boilerplate text.

    Fitted by scripts/fit_weights.py from how many dev-corpus sites use the word
    in article text and in boilerplate; only words seen on many sites are kept,
    so it knows the vocabulary of menus, share bars and credits in general,
    not the names of particular sites.
    """
    path = DATA / "lexicon.json"
    return read_lexicon(path) if path.is_file() else {}


def read_lexicon(path: Path) -> dict[str, float]:
    """A lexicon file (``lexicon_json``)."""
    table: dict[str, float] = {}
    # UTF-8; a text-mode read is slower.
    for value, words in json.loads(path.read_bytes())["by_log_odds"].items():
        table.update(dict.fromkeys(words.split(), float(value)))
    return table


def lexicon_json(table: dict[str, float], comment: str) -> str:
    """The text of a lexicon file (scripts/fit_weights.py writes one): the
    words grouped by their log-odds, one line per value. ~240 values, each
    with a string of words to split, read in half the time of 6,000 words
    each with a number of its own (~1.5 against ~3 ms of every start)."""
    by_value: dict[float, list[str]] = {}
    for word, value in table.items():
        by_value.setdefault(value, []).append(word)
    return json.dumps({
        "_comment": comment,
        "by_log_odds": {json.dumps(value): " ".join(sorted(by_value[value])) for value in sorted(by_value)},
    }, ensure_ascii=False, indent=0) + "\n"


def lexicon_keys(words: Sequence[str]) -> list[str]:
    """Case-folded words as the lexicon knows them; a word with a digit (or '_') is '#'."""
    folded = list(map(str.casefold, words))
    return [w if a else "#" for w, a in zip(folded, map(str.isalpha, words))]


# A unit is article prose when it has this many words, a sentence end, and
# this share of stop words (see DocView.prose).
PROSE_MIN_WORDS = 12
PROSE_MIN_STOP_DENSITY = 0.15
CONTENT_MIN_CHARS = 4      # shorter words say little about a topic


# ---------------------------------------------------------------- the view

# Classes of characters (``DocView.char_counts``). Letters are 0, so that the
# table of every code point starts as zeros: memory the system hands out
# untouched, where filling 1.1 MB took ~0.5 ms of every start.
LETTER, SPACE, DIGIT, OTHER = 0, 1, 2, 3


def _char_class_table() -> np.ndarray:
    """Class of each code point below 0x3100 (letters, by default)."""
    t = np.zeros(0x3100, dtype=np.uint8)
    for c in range(0x80):
        ch = chr(c)
        t[c] = SPACE if ch.isspace() else LETTER if ch.isalpha() else DIGIT if ch.isdigit() else OTHER
    t[0x80:0xC0] = OTHER                             # Latin-1 punctuation and signs
    t[0xA0] = SPACE
    t[0xAA] = t[0xB5] = t[0xBA] = LETTER
    t[0xD7] = t[0xF7] = OTHER
    t[0x2000:0x2070] = OTHER                         # general punctuation
    t[0x2000:0x200C] = SPACE
    t[0x2028:0x202A] = SPACE
    t[0x20A0:0x2400] = OTHER                         # currency, arrows, symbols
    t[0x2500:0x2C00] = OTHER                         # box drawing, shapes, dingbats
    t[0x3000] = SPACE
    t[0x3001:0x3040] = OTHER                         # CJK punctuation
    return t


_CHAR_CLASS = _char_class_table()
# Every code point's class (letters above the table): one lookup per character.
_CHAR_CLASS_ALL = np.zeros(0x110000, dtype=np.uint8)
_CHAR_CLASS_ALL[:len(_CHAR_CLASS)] = _CHAR_CLASS


class DocView:
    """One document as the feature functions see it: lines, units, and facts measured once.

    ``blocks`` are all lines (blank ones too); ``unit_of_line`` gives each line's
    unit (-1 for blank lines); units are numbered in document order.

    A view of some of another view's lines (what the rules leave of a
    document) names that ``parent`` and, per line, ``from_parent``: the
    parent's line with the same text, or -1 for a new text (a trimmed line).
    What depends on a line's own text alone (its words, and the facts
    ``local`` computes) it takes from the parent when the parent has it
    already, instead of computing it again; else it computes it for its own
    lines only (the parent's may never be asked for). Facts that depend on
    neighbours are always its own.

    ``list_items``: whether each line opens with a list marker, when the
    caller has it already (``units.line_facts``, which grouping reads);
    ``texts``: the blocks' texts, likewise. ``rules_near``: per line, the
    share of the document's lines around it that the rules removed
    (``evidence.rules_near``; None: they removed none).
    """

    def __init__(self, blocks: Sequence[Block], unit_of_line: np.ndarray, n_units: int,
                 language: str | None = None, lexicon_table: dict[str, float] | None = None,
                 parent: "DocView | None" = None, from_parent: np.ndarray | None = None,
                 list_items: np.ndarray | None = None, texts: list[str] | None = None,
                 rules_near: np.ndarray | None = None):
        self.blocks = blocks
        self.rules_near = rules_near
        if texts is not None:    # the blocks' texts, when the caller has them: not made again
            self.texts = texts
        self.unit_of_line = unit_of_line
        self.n = n_units
        self._language = language
        # A view derived from another reads its words with the same lexicon.
        self._lexicon = lexicon_table if lexicon_table is not None or parent is None \
            else parent._lexicon
        self._parent = parent if from_parent is not None else None
        self._from_parent = from_parent
        self._list_items = list_items

    # -- lines
    @cached_property
    def texts(self) -> list[str]:
        return [b.text for b in self.blocks]

    @cached_property
    def joined(self) -> str:
        return "\n".join(self.texts)

    @cached_property
    def line_lengths(self) -> np.ndarray:
        return lengths_of(self.texts)

    @cached_property
    def line_starts(self) -> np.ndarray:
        return line_offsets(self.line_lengths)

    @cached_property
    def lower(self) -> str:
        """The joined lines in lower case, offsets unchanged."""
        low = self.joined.lower()
        if len(low) != len(self.joined):   # 'İ' lower-cases to two characters
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in self.joined)
        return low

    def local(self, key: str, fn: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
        """``fn(texts)``: a value per line that depends on that line's text alone,
        computed once per view (and only for its new lines in a derived view
        whose parent has it).

        ``fn`` must give each line what it would give the line alone: a
        pattern it searches over the joined lines must not reach across one.
        """
        cache = self.__dict__.setdefault("_local", {})
        found = cache.get(key)
        if found is None:
            parent = self._parent
            if parent is None or key not in parent.__dict__.get("_local", ()):
                found = fn(self.texts)
            else:
                source = self._from_parent
                found = parent.local(key, fn)[np.maximum(source, 0)]
                new = np.flatnonzero(source < 0)
                if len(new):
                    found[new] = fn([self.texts[i] for i in new])
            cache[key] = found
        return found

    def lines_of(self, pattern: re.Pattern, lower: bool = False) -> np.ndarray:
        """Line index of every match of ``pattern`` over the joined (or lower-cased) lines."""
        text = self.lower if lower else self.joined
        held = _HELD_BY_EVERY_MATCH.get(pattern)
        if held is not None and not any(map(text.__contains__, held)):
            return np.zeros(0, dtype=np.int64)
        return matched_lines(pattern, text, self.line_starts)

    def line_count(self, pattern: re.Pattern, lower: bool = False) -> np.ndarray:
        """Matches of ``pattern`` per line."""
        return np.bincount(self.lines_of(pattern, lower), minlength=len(self.texts))

    def line_any(self, pattern: re.Pattern, lower: bool = False) -> np.ndarray:
        return self.line_count(pattern, lower) > 0

    def line_starts_with(self, prefixes: tuple[str, ...], lower: bool = False) -> np.ndarray:
        """Whether each line, leading spaces and a list marker left out, opens with a prefix."""
        heads = self.heads_lower if lower else self.heads
        return np.fromiter(map(str.startswith, heads, repeat(prefixes)), dtype=bool,
                           count=len(heads))

    @cached_property
    def heads(self) -> list[str]:
        """Each line without leading spaces and list marker, with a space after it."""
        heads = list(map(add, map(str.lstrip, self.texts), repeat(" ")))
        # The marker is looked for on the list items only (``list_item_lines``
        # has matched it on every line already): few lines.
        texts = self.texts
        for i in np.flatnonzero(self.list_item_lines).tolist():
            heads[i] = texts[i][LIST_ITEM.match(texts[i]).end():] + " "
        return heads

    @cached_property
    def heads_lower(self) -> list[str]:
        return list(map(str.lower, self.heads))

    @cached_property
    def list_item_lines(self) -> np.ndarray:
        """Whether each line opens with a list marker."""
        if self._list_items is not None:
            return self._list_items
        return self.local("list_item", _list_items)

    @cached_property
    def content_lines(self) -> np.ndarray:
        return np.flatnonzero(self.unit_of_line >= 0)

    def per_unit(self, line_values: np.ndarray) -> np.ndarray:
        """Sum of a per-line value over each unit's lines."""
        idx = self.content_lines
        return np.bincount(self.unit_of_line[idx], weights=line_values[idx], minlength=self.n)

    def unit_any(self, pattern: re.Pattern, lower: bool = False) -> np.ndarray:
        """1.0 for the units where a line has a match of ``pattern``."""
        return self._units_of(self.lines_of(pattern, lower))

    def any_line(self, flags: np.ndarray) -> np.ndarray:
        """1.0 for the units where any line is flagged."""
        return self._units_of(flags)

    def _units_of(self, lines: np.ndarray) -> np.ndarray:
        """1.0 for the units of ``lines`` (indices or a mask; blank lines have no unit).

        Marked straight from the lines' units: a feature of every unit asks
        this, and per-line counts summed per unit cost several more numpy
        calls, which on a page of a few hundred lines take longer than the
        work itself."""
        units = self.unit_of_line[lines]
        out = np.zeros(self.n)
        out[units[units >= 0]] = 1.0
        return out

    @cached_property
    def first_line(self) -> np.ndarray:
        """Index of each unit's first line."""
        idx = self.content_lines
        u = self.unit_of_line[idx]
        first = np.full(self.n, -1, dtype=np.int64)
        starts = np.flatnonzero(np.concatenate(([True], u[1:] != u[:-1]))) if len(u) else np.array([], int)
        first[u[starts]] = idx[starts]
        return first

    @cached_property
    def last_line(self) -> np.ndarray:
        idx = self.content_lines
        u = self.unit_of_line[idx]
        last = np.full(self.n, -1, dtype=np.int64)
        ends = np.flatnonzero(np.concatenate((u[1:] != u[:-1], [True]))) if len(u) else np.array([], int)
        last[u[ends]] = idx[ends]
        return last

    def at_first(self, line_values: np.ndarray) -> np.ndarray:
        return line_values[self.first_line].astype(float)

    def at_last(self, line_values: np.ndarray) -> np.ndarray:
        return line_values[self.last_line].astype(float)

    # -- characters
    @cached_property
    def char_counts(self) -> dict[str, np.ndarray]:
        """Non-space characters, letters and digits per unit."""
        codes = np.frombuffer(self.joined.encode("utf-32-le"), dtype=np.uint32)
        n_lines = len(self.texts)
        # 4 x the line of each character (a line and its "\n", which is a space)
        line4 = np.repeat(np.arange(0, 4 * n_lines, 4), self.line_lengths + 1)[:len(codes)]
        # Characters of each class per line (one count over line and class), then per unit.
        per_line = np.bincount(line4 + _CHAR_CLASS_ALL[codes], minlength=4 * n_lines).reshape(n_lines, 4)
        letters, digits, other = (np.asarray(self.per_unit(per_line[:, k]), dtype=float)
                                  for k in (LETTER, DIGIT, OTHER))
        return {"chars": letters + digits + other, "letters": letters, "digits": digits,
                "symbols": other}

    @cached_property
    def indent(self) -> np.ndarray:
        """Indentation of each unit's first line, in characters."""
        first = [self.texts[i] for i in self.first_line.tolist()]
        return (np.fromiter(map(len, first), dtype=np.int64, count=self.n)
                - np.fromiter(map(len, map(str.lstrip, first)), dtype=np.int64, count=self.n))

    # -- words
    @cached_property
    def _tokens(self) -> tuple[list[str], np.ndarray]:
        """The words of the document and the line of each."""
        if self._parent is not None and "_tokens" in self._parent.__dict__:
            return self._inherited("words", _line_tokens)
        return _line_tokens(self.texts)

    def _inherited(self, key: str, fn: Callable[[Sequence[str]], tuple[list, np.ndarray]]
                   ) -> tuple[list, np.ndarray]:
        """A derived view's per-word values: runs of the parent's, and ``fn``'s for new lines.

        ``fn(texts)`` gives a list of values and each value's line. The
        parent has them already (``key`` "words": its ``_tokens``; else its
        attribute ``key``).
        """
        cache = self.__dict__.setdefault("_local", {})
        if key in cache:
            return cache[key]
        parent, source = self._parent, self._from_parent
        values, line = parent._tokens if key == "words" else (getattr(parent, key), parent._tokens[1])
        bounds = np.searchsorted(line, np.arange(len(parent.texts) + 1))
        out: list = []
        lines: list[np.ndarray] = []
        n = len(source)
        i = 0
        while i < n:
            if source[i] < 0:              # a new text: its own values
                j = i
                while j < n and source[j] < 0:
                    j += 1
                vals, ln = fn([self.texts[k] for k in range(i, j)])
                out.extend(vals)
                lines.append(ln + i)
            else:                          # a run of lines that follow each other in the parent
                j = i + 1
                while j < n and source[j] == source[j - 1] + 1:
                    j += 1
                a, b = bounds[source[i]], bounds[source[j - 1] + 1]
                out.extend(values[a:b])
                lines.append(line[a:b] - source[i] + i)
            i = j
        found = (out, np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64))
        cache[key] = found
        return found

    @cached_property
    def words(self) -> list[str]:
        return self._tokens[0]

    @cached_property
    def word_line(self) -> np.ndarray:
        return self._tokens[1]

    @cached_property
    def word_unit(self) -> np.ndarray:
        line = self.word_line
        return self.unit_of_line[line] if len(line) else line.astype(np.int64)

    @cached_property
    def _spellings(self) -> tuple[list[str], np.ndarray]:
        """The distinct words as written, and each word's place among them.

        A page repeats its words (several times fewer spellings than words):
        what depends on a word's spelling alone (its case-folded form, whether
        it is alphabetic or capitalised) is asked once per spelling, then
        spread to the words with one numpy index.
        """
        return _places(self.words)

    @cached_property
    def folded(self) -> list[str]:
        words, place = self.distinct
        return list(map(words.__getitem__, place.tolist()))

    def per_unit_words(self, flags: np.ndarray) -> np.ndarray:
        """Sum over each unit's words of a per-word value."""
        keep, units = self._unit_words
        return np.bincount(units, weights=flags[keep], minlength=self.n)

    @cached_property
    def _unit_words(self) -> tuple[np.ndarray, np.ndarray]:
        """The words inside units (a mask), and their units."""
        u = self.word_unit
        keep = u >= 0
        return keep, u[keep]

    @cached_property
    def distinct(self) -> tuple[list[str], np.ndarray]:
        """The distinct folded words, and for each word its place among them.

        A word list asks about each distinct word once (a page repeats its
        words: there are several times fewer distinct ones). Found from the
        spellings: each is case-folded once, not each word.
        """
        spellings, place = self._spellings
        words, folded_of = _places(list(map(str.casefold, spellings)))
        return words, folded_of[place]

    def of_distinct(self, fn: Callable[[str], object], dtype=float) -> np.ndarray:
        """``fn`` of each folded word, called once per distinct word."""
        words, place = self.distinct
        return np.fromiter(map(fn, words), dtype=dtype, count=len(words))[place]

    def words_in(self, vocabulary: frozenset[str]) -> np.ndarray:
        """How many of each unit's words are in ``vocabulary`` (case-folded)."""
        return self.per_unit_words(self.of_distinct(vocabulary.__contains__))

    @cached_property
    def _listed(self) -> np.ndarray:
        """Per word: the bits of the fixed word lists that hold it (``listed_words``)."""
        table = listed_words()
        words, place = self.distinct
        return np.fromiter(map(table.get, words, repeat(0)), dtype=np.uint8, count=len(words))[place]

    def words_listed(self, k: int) -> np.ndarray:
        """How many of each unit's words are in the fixed word list ``k`` (``SECOND_PERSON`` ...)."""
        return self.per_unit_words(((self._listed >> k) & 1).astype(float))

    @cached_property
    def n_words(self) -> np.ndarray:
        return self.per_unit_words(np.ones(len(self.words)))

    @cached_property
    def language(self) -> str:
        if self._language:
            return self._language
        # The guess reads the first words only: those, not every word, folded.
        words, place = self.distinct
        return guess_language(map(words.__getitem__, place[:LANGUAGE_SAMPLE].tolist()))

    @cached_property
    def n_stop(self) -> np.ndarray:
        return self.words_in(stopwords(self.language))

    @cached_property
    def terminal(self) -> np.ndarray:
        return self.at_last(self.local("terminal", _terminal_lines))

    @cached_property
    def list_item(self) -> np.ndarray:
        return self.at_first(self.list_item_lines)

    @cached_property
    def code_line(self) -> np.ndarray:
        """1.0 for units with a line that reads as source code (``_code_from``,
        with the heads the view has already)."""
        return self.any_line(_code_from(self.texts, self.heads,
                                        self.local("code_operators", _code_operators)))

    @cached_property
    def prose(self) -> np.ndarray:
        """Words of each unit that reads as article prose, 0 for the others.

        Prose is long, ends like a sentence and reads like running text
        (enough stop words, in languages that have a list).
        """
        words = self.n_words
        has_stoplist = bool(self.n_stop.any())
        density_ok = (self.n_stop / np.maximum(words, 1) >= PROSE_MIN_STOP_DENSITY) \
            if has_stoplist else np.ones(self.n, dtype=bool)
        prose = (words >= PROSE_MIN_WORDS) & (self.terminal > 0) & density_ok & (self.code_line == 0)
        return np.where(prose, words, 0.0)

    @cached_property
    def priced(self) -> np.ndarray:
        """1.0 for the units that name a sum of money ("$12", "9,99 €", "20 dollars")."""
        return np.maximum(self.unit_any(_MONEY), self.unit_any(_AMOUNT, lower=True))

    @cached_property
    def alpha(self) -> np.ndarray:
        """Whether each word is alphabetic."""
        spellings, place = self._spellings
        return np.fromiter(map(str.isalpha, spellings), dtype=bool, count=len(spellings))[place]

    @cached_property
    def lexicon_mean(self) -> np.ndarray:
        table = self._lexicon if self._lexicon is not None else lexicon()
        # lexicon_keys(self.words): the folded alphabetic words, "#" for the others.
        words, place = self.distinct
        known = np.fromiter(map(table.get, words, repeat(0.0)), dtype=float, count=len(words))
        weights = np.where(self.alpha, known[place], table.get("#", 0.0))
        return self.per_unit_words(weights) / np.maximum(self.n_words, 1)

    @cached_property
    def title_share(self) -> np.ndarray:
        """Share of a unit's alphabetic words that start with a capital."""
        alpha = self.alpha
        spellings, place = self._spellings
        initials = map(itemgetter(0), spellings)
        upper = np.fromiter(map(str.isupper, initials), dtype=bool, count=len(spellings))[place]
        return self.per_unit_words((alpha & upper).astype(float)) / np.maximum(
            self.per_unit_words(alpha.astype(float)), 1)

    def memo(self, fn: Callable[["DocView"], object]):
        """``fn(self)``, computed once per view (for facts several features share)."""
        cache = self.__dict__.setdefault("_memo", {})
        if fn not in cache:
            cache[fn] = fn(self)
        return cache[fn]

    # -- neighbourhoods
    def window_sum(self, values: np.ndarray, radius: int) -> np.ndarray:
        """Sum of ``values`` over the units within ``radius``, the unit itself left out."""
        hi, lo = self._window(radius)
        c = np.concatenate(([0.0], np.cumsum(values, dtype=float)))
        return c[hi] - c[lo] - values

    def _window(self, radius: int) -> tuple[np.ndarray, np.ndarray]:
        """Where each unit's window within ``radius`` ends and starts among the
        cumulative sums, found once per view: several features sum over the
        same windows, and on a page of a few hundred units each numpy call
        costs more than its work."""
        windows = self.__dict__.setdefault("_windows", {})
        if radius not in windows:
            i = np.arange(self.n)
            windows[radius] = (np.minimum(i + radius + 1, self.n), np.maximum(i - radius, 0))
        return windows[radius]

    def window_count(self, radius: int) -> np.ndarray:
        return self.window_sum(np.ones(self.n), radius)

    def previous(self, values: np.ndarray) -> np.ndarray:
        return np.concatenate(([0.0], values[:-1])) if self.n else values

    def following(self, values: np.ndarray) -> np.ndarray:
        return np.concatenate((values[1:], [0.0])) if self.n else values


# ---------------------------------------------------------------- facts of one line
# Each takes a list of line texts and gives one value per line that depends on
# that line alone (``DocView.local``): patterns searched over the joined lines
# here never reach across a line end.

def _list_items(texts: Sequence[str]) -> np.ndarray:
    return lines_opening_with(texts, LIST_ITEM)


def _terminal_lines(texts: Sequence[str]) -> np.ndarray:
    return lines_ending_with(texts, TERMINAL)


def _code_operators(texts: Sequence[str]) -> np.ndarray:
    return lines_matching(texts, _CODE)


def _code_from(texts: Sequence[str], heads: Sequence[str], operators: np.ndarray) -> np.ndarray:
    """Lines that read as source code: an operator or statement punctuation
    (``operators``, from ``_code_operators``), a prompt, or a keyword opening a
    line without sentence punctuation; ``heads``: the lines' ``DocView.heads``."""
    code = operators | np.fromiter(map(str.startswith, heads, repeat(PROMPTS)), dtype=bool,
                                   count=len(heads))
    keyword = np.fromiter(map(str.startswith, heads, repeat(KEYWORD_OPENERS)), dtype=bool,
                          count=len(heads))
    for i in np.flatnonzero(keyword):      # few lines: the marks only there
        code[i] |= not _SENTENCE_MARKS.search(texts[i])
    return code


# Whether each code point is a word character as ``\w`` reads it (``str.isalnum``
# or "_"): _WORD or _NOT_WORD, or 0 while not yet asked. A code point is asked
# when a document first holds it: asking all 1.1 million at start-up takes
# ~0.2 s. (0 for unasked: the table starts as untouched zeros, see _CHAR_CLASS_ALL.)
_WORD, _NOT_WORD = 1, 2
_WORD_CHAR = np.zeros(0x110000, dtype=np.uint8)


def window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of the values within ``radius`` of each position, the position itself
    left out (0 where there is none): the neighbours' log-odds in the context
    passes (``model``), the share of removed neighbours (``evidence.rules_near``)."""
    n = len(values)
    c = np.concatenate(([0.0], np.cumsum(values)))
    i = np.arange(n)
    hi, lo = np.minimum(i + radius + 1, n), np.maximum(i - radius, 0)
    count = hi - lo - 1
    return np.where(count > 0, (c[hi] - c[lo] - values) / np.maximum(count, 1), 0.0)


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """The distinct ``values``, sorted. Not np.unique: its first call imports
    numpy.ma, ~13 ms of `clean`'s start-up."""
    values = np.sort(values)
    first = np.ones(len(values), dtype=bool)
    first[1:] = values[1:] != values[:-1]
    return values[first]


def _word_chars(codes: np.ndarray) -> np.ndarray:
    """Whether each of the code points ``codes`` is a word character (``\\w``)."""
    word = _WORD_CHAR[codes]
    unknown = word == 0
    if unknown.any():
        new = _sorted_distinct(codes[unknown])
        _WORD_CHAR[new] = [_WORD if c.isalnum() or c == "_" else _NOT_WORD for c in map(chr, new.tolist())]
        word = _WORD_CHAR[codes]
    return word == _WORD


def _holds_cjk(codes: np.ndarray) -> bool:
    """Whether one of the code points ``codes`` is in a Chinese or Japanese range (blocks._CJK).

    Asked of the code points with numpy rather than searched for with a class
    of those ranges, which costs ``re`` ~5 ms to compile in every process.
    """
    high = codes[codes >= CJK_RANGES[0][0]]
    return bool(len(high)) and any(bool(((high >= first) & (high <= last)).any())
                                   for first, last in CJK_RANGES)


def _line_tokens(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The words of the lines and the line of each."""
    if not texts:
        return [], np.zeros(0, dtype=np.int64)
    codes = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if _holds_cjk(codes):
        # Each Chinese or Japanese character is a word of its own (``token``): one findall per line.
        per_line = list(map(token().findall, texts))
        counts = np.fromiter(map(len, per_line), dtype=np.int64, count=len(per_line))
        return (list(chain.from_iterable(per_line)),
                np.repeat(np.arange(len(texts), dtype=np.int64), counts))
    # The words are the runs of word characters (what ``\w+`` finds): with
    # every other character a space, ``split`` finds them, in a third of the
    # regex's time (no word character is a space). A word's line is the
    # number of line ends before its first character.
    word = _word_chars(codes)
    spaced = np.where(word, codes, 32).tobytes().decode("utf-32-le")
    starts = np.flatnonzero(word & ~np.concatenate(([False], word[:-1])))
    return spaced.split(), np.searchsorted(np.flatnonzero(codes == 10), starts)


def _places(items: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct ``items`` in the order they first come, and each item's place among them."""
    first: dict[str, int] = {}
    at = np.fromiter(map(first.setdefault, items, count()), dtype=np.int64, count=len(items))
    rank = np.zeros(len(items), dtype=np.int64)
    rank[np.fromiter(first.values(), dtype=np.int64, count=len(first))] = np.arange(len(first))
    return list(first), rank[at]


# ---------------------------------------------------------------- the registry

FeatureFunction = Callable[[DocView], np.ndarray]
FEATURES: dict[str, FeatureFunction] = {}


def feature(name: str) -> Callable[[FeatureFunction], FeatureFunction]:
    """Register a feature function under ``name`` (its weight's name in weights.json)."""
    def register(fn: FeatureFunction) -> FeatureFunction:
        if name in FEATURES:
            raise ValueError(f"feature {name!r} registered twice")
        FEATURES[name] = fn
        return fn
    return register


def _share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return num / np.maximum(den, 1)


@feature("bias")
def _bias(d: DocView) -> np.ndarray:
    return np.ones(d.n)


@feature("log_words")
def _log_words(d: DocView) -> np.ndarray:
    return np.log1p(d.n_words)


@feature("log_chars")
def _log_chars(d: DocView) -> np.ndarray:
    return np.log1p(d.char_counts["chars"] / 6)


@feature("short")
def _short(d: DocView) -> np.ndarray:
    return ((d.n_words <= 3) & (d.char_counts["chars"] < 20)).astype(float)


@feature("stopword_density")
def _stop_density(d: DocView) -> np.ndarray:
    return _share(d.n_stop, d.n_words)


@feature("log_stopwords")
def _log_stop(d: DocView) -> np.ndarray:
    return np.log1p(d.n_stop)


@feature("terminal_punct")
def _terminal(d: DocView) -> np.ndarray:
    return d.terminal


@feature("ends_colon")
def _ends_colon(d: DocView) -> np.ndarray:
    return d.at_last(d.line_any(_ENDS_COLON))


@feature("title_case")
def _title_case(d: DocView) -> np.ndarray:
    return d.title_share


@feature("digit_share")
def _digits(d: DocView) -> np.ndarray:
    return _share(d.char_counts["digits"], d.char_counts["chars"])


@feature("symbol_share")
def _symbols(d: DocView) -> np.ndarray:
    return _share(d.char_counts["symbols"], d.char_counts["chars"])


@feature("list_marker")
def _list_marker(d: DocView) -> np.ndarray:
    return d.list_item


@feature("url")
def _url(d: DocView) -> np.ndarray:
    return d.unit_any(_URL, lower=True)


@feature("separators")
def _separators(d: DocView) -> np.ndarray:
    return d.any_line(d.line_any(_SEPARATORS) | d.line_starts_with(("| ", "|\t")))


@feature("second_person")
def _second_person(d: DocView) -> np.ndarray:
    return np.minimum(1.0, 5 * _share(d.words_listed(SECOND_PERSON), d.n_words))


@feature("first_plural")
def _first_plural(d: DocView) -> np.ndarray:
    return np.minimum(1.0, 5 * _share(d.words_listed(FIRST_PLURAL), d.n_words))


_SEGMENT_END = compiled(r"[\s:,.!?»]")


@lru_cache(maxsize=1)
def _cta_index() -> dict[str, tuple[str, ...]]:
    """The call-to-action prefixes by their text up to the first space or mark.

    Each ends with a space or mark, so a line can only start with the
    prefixes filed under its own text up to its first space or mark: a few
    ``startswith`` tests instead of one for each of the hundreds of prefixes.
    """
    index: dict[str, list[str]] = {}
    for p in word_lists().cta:
        index.setdefault(p[:_SEGMENT_END.search(p).start()], []).append(p)
    return {k: tuple(v) for k, v in index.items()}


def _starts_cta(head: str) -> bool:
    end = _SEGMENT_END.search(head)
    if end is None:
        return False
    prefixes = _cta_index().get(head[:end.start()])
    return prefixes is not None and head.startswith(prefixes)


@lru_cache(maxsize=1)
def _cta_openings() -> tuple[Callable[[str], str], frozenset[str]]:
    """How a line opens as far as every call-to-action prefix is long (up to four
    characters), and how the prefixes open."""
    size = min([4, *map(len, word_lists().cta)])
    return itemgetter(slice(0, size)), frozenset(p[:size] for p in word_lists().cta)


@feature("cta_opener")
def _cta(d: DocView) -> np.ndarray:
    heads = d.heads_lower
    # Only a line opening as some prefix does can start with it: the others
    # are ruled out by their first characters, in one pass.
    opening, openings = _cta_openings()
    maybe = np.fromiter(map(openings.__contains__, map(opening, heads)), dtype=bool,
                        count=len(heads))
    found = np.zeros(len(heads), dtype=bool)
    for i in np.flatnonzero(maybe).tolist():
        found[i] = _starts_cta(heads[i])
    return d.at_first(found)


@feature("money")
def _money(d: DocView) -> np.ndarray:
    return d.priced


@feature("comma_rate")
def _commas(d: DocView) -> np.ndarray:
    commas = np.fromiter(map(str.count, d.texts, repeat(",")), dtype=float, count=len(d.texts))
    return np.minimum(1.0, _share(d.per_unit(commas), d.n_words))


@feature("sentences")
def _sentences(d: DocView) -> np.ndarray:
    return np.minimum(3.0, d.per_unit(d.line_count(_SENTENCE).astype(float)))


@feature("date")
def _date(d: DocView) -> np.ndarray:
    month = d.words_listed(MONTH_NAMES) > 0
    # A month name and a number of one or two digits in the same unit: the
    # numbers are looked for only in the units that name a month.
    unit = d.word_unit
    near_month = np.flatnonzero(month[unit] & (unit >= 0)) if month.any() else unit[:0]
    words = d.words
    number = np.zeros(d.n, dtype=bool)
    number[unit[[i for i in near_month.tolist() if len(words[i]) <= 2 and words[i].isdigit()]]] = True
    return np.maximum(d.unit_any(_NUMERIC_DATE), (month & number).astype(float))


@feature("copyright")
def _copyright(d: DocView) -> np.ndarray:
    return d.unit_any(_COPYRIGHT, lower=True)


@feature("table_columns")
def _columns(d: DocView) -> np.ndarray:
    # Only inside the text: leading indentation is no column gap.
    stripped = [t.strip() for t in d.texts]
    gaps = np.fromiter((bool(_COLUMN_GAP.search(s)) if "   " in s else False for s in stripped),
                       dtype=float, count=len(stripped))
    return (d.per_unit(gaps) > 0).astype(float)


def _main_indent(d: DocView) -> int | None:
    return d.memo(_compute_main_indent)


def _compute_main_indent(d: DocView) -> int | None:
    """The indentation that carries most words of prose: the article's, in scraped layouts."""
    prose = d.prose > 0
    if not prose.any():
        return None
    weight = np.bincount(d.indent[prose], weights=d.prose[prose])
    return int(np.argmax(weight))


@feature("main_indent")
def _is_main_indent(d: DocView) -> np.ndarray:
    main = _main_indent(d)
    return np.zeros(d.n) if main is None else (d.indent == main).astype(float)


@feature("indent_offset")
def _indent_offset(d: DocView) -> np.ndarray:
    main = _main_indent(d)
    return np.zeros(d.n) if main is None else np.minimum(1.0, np.abs(d.indent - main) / 8)


# -- where the unit lies relative to the article's prose. Unlike a relative
# position in the document, these do not move when boilerplate is removed:
# prose stays.

@feature("prose_before")
def _prose_before(d: DocView) -> np.ndarray:
    """Share of the document's prose that lies above the unit."""
    total = d.prose.sum()
    return (np.cumsum(d.prose) - d.prose) / total if total else np.zeros(d.n)


@feature("prose_after")
def _prose_after(d: DocView) -> np.ndarray:
    """Share of the document's prose that lies below the unit."""
    total = d.prose.sum()
    return (total - np.cumsum(d.prose)) / total if total else np.zeros(d.n)


@feature("prose_distance")
def _prose_distance(d: DocView) -> np.ndarray:
    """log(1 + units to the nearest prose unit); 0 for prose, and when there is none."""
    idx = np.flatnonzero(d.prose > 0)
    if not len(idx):
        return np.zeros(d.n)
    pos = np.searchsorted(idx, np.arange(d.n))
    after = idx[np.minimum(pos, len(idx) - 1)]
    before = idx[np.maximum(pos - 1, 0)]
    dist = np.minimum(np.abs(after - np.arange(d.n)), np.abs(np.arange(d.n) - before))
    return np.log1p(dist)


@feature("rules_near")
def _rules_near(d: DocView) -> np.ndarray:
    """Share of the document's lines around the unit that the rules removed.

    Teaser lists, menus and footers lose their dates, credits, bylines and
    "read more" links to the rules, and what is left of them stands among
    those gaps; an article's paragraphs stand together. Measured on the
    document as it came: cleaned text has no such gaps, and the feature is
    0 there, which can only raise a unit's log-odds on a second pass.
    """
    return np.zeros(d.n) if d.rules_near is None else d.at_first(d.rules_near)


@feature("prose_vocabulary")
def _prose_vocabulary(d: DocView) -> np.ndarray:
    """How many of the unit's content words another prose unit of the document uses
    too: +1 all of them, -1 none, 0 as many as not, and 0 when there is nothing to
    tell (no content word, or fewer than two prose units).

    An article's paragraphs share their names and topic words; the headline of
    another story, a menu or a shop's banner shares none with them.
    """
    if np.count_nonzero(d.prose) < 2:      # no other prose unit to share words with
        return np.zeros(d.n)
    stop = stopwords(d.language)
    content = d.of_distinct(lambda w: len(w) >= CONTENT_MIN_CHARS and w.isalpha() and w not in stop,
                            dtype=bool)
    words, place = d.distinct
    unit = d.word_unit
    keep = (unit >= 0) & content
    pairs = _sorted_distinct(place[keep].astype(np.int64) * d.n + unit[keep])    # (word, unit), once each
    word, unit = pairs // d.n, pairs % d.n
    in_prose = (d.prose > 0)[unit]
    used_by = np.bincount(word[in_prose], minlength=len(words))           # prose units using it
    shared = np.bincount(unit, weights=used_by[word] - in_prose > 0, minlength=d.n)
    total = np.bincount(unit, minlength=d.n).astype(float)
    return _share(2 * shared - total, total)


@feature("share_of_longest")
def _share_of_longest(d: DocView) -> np.ndarray:
    return d.n_words / max(1.0, float(d.n_words.max(initial=0)))


@feature("lexicon")
def _lexicon(d: DocView) -> np.ndarray:
    return d.lexicon_mean


@feature("near_code")
def _near_code(d: DocView) -> np.ndarray:
    # Code comes in blocks: a keyword-less line inside one is code too.
    return d.window_sum(d.code_line, 3) / 6.0


class ListRuns(NamedTuple):
    """For each list item, facts about its run (0 for units that are not list items)."""
    length: np.ndarray        # items in the run
    title: np.ndarray         # the items' mean title-case share
    nested: np.ndarray        # 1 if the run's items sit at more than one indent


def _list_runs(d: DocView) -> ListRuns:
    return d.memo(_compute_list_runs)


_INT64_MAX = int(np.iinfo(np.int64).max)   # asked once: np.iinfo builds an object per call


def _compute_list_runs(d: DocView) -> ListRuns:
    """Facts about the run of list items each list item belongs to.

    A run is a stretch of consecutive units that are list items; blank lines do
    not end it (scraped menus often leave one between their groups).
    """
    item = d.list_item > 0
    if not d.n:
        z = np.zeros(0)
        return ListRuns(z, z, z)
    run = np.cumsum(np.concatenate(([True], item[1:] != item[:-1]))) - 1
    length = np.bincount(run)
    lo = np.full(len(length), _INT64_MAX)
    hi = np.full(len(length), -1)
    np.minimum.at(lo, run, d.indent)
    np.maximum.at(hi, run, d.indent)
    mask = item.astype(float)
    return ListRuns(length=length[run] * mask,
                    title=(np.bincount(run, weights=d.title_share) / length)[run] * mask,
                    nested=(hi > lo).astype(float)[run] * mask)


@feature("list_run")
def _list_run(d: DocView) -> np.ndarray:
    return np.log1p(_list_runs(d).length)


@feature("list_run_title")
def _list_run_title(d: DocView) -> np.ndarray:
    runs = _list_runs(d)
    return runs.title * np.log1p(runs.length)


@feature("list_run_nested")
def _list_run_nested(d: DocView) -> np.ndarray:
    return _list_runs(d).nested


# -- the neighbours: what lies right before and after, and nearby

@feature("prev_log_words")
def _prev_words(d: DocView) -> np.ndarray:
    return d.previous(np.log1p(d.n_words))


@feature("next_log_words")
def _next_words(d: DocView) -> np.ndarray:
    return d.following(np.log1p(d.n_words))


@feature("prev_stopword_density")
def _prev_stop(d: DocView) -> np.ndarray:
    return d.previous(_share(d.n_stop, d.n_words))


@feature("next_stopword_density")
def _next_stop(d: DocView) -> np.ndarray:
    return d.following(_share(d.n_stop, d.n_words))


@feature("prev_terminal")
def _prev_terminal(d: DocView) -> np.ndarray:
    return d.previous(d.terminal)


@feature("next_terminal")
def _next_terminal(d: DocView) -> np.ndarray:
    return d.following(d.terminal)


@feature("near_long_lines")
def _near_long(d: DocView) -> np.ndarray:
    return d.window_sum((d.n_words >= 15).astype(float), 3) / 6.0


@feature("near_short_units")
def _near_short(d: DocView) -> np.ndarray:
    return d.window_sum(FEATURES["short"](d), 3) / np.maximum(d.window_count(3), 1)


@feature("blank_before")
def _blank_before(d: DocView) -> np.ndarray:
    """1 where a blank line precedes the unit; never for the first unit.

    Blank lines above the first unit are left over when something above them is
    removed, and the writer then drops them: counting them would score the first
    unit differently on a second pass over the output.
    """
    blank = d.unit_of_line < 0
    out = blank[np.maximum(d.first_line - 1, 0)].astype(float)
    out[:1] = 0.0
    return out


def unit_table(view: DocView, names: Sequence[str]) -> np.ndarray:
    """The features ``names`` of every unit: an (units x names) matrix."""
    out = np.empty((view.n, len(names)))
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name](view)
    return out
