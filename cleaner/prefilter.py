"""Which rules can possibly match a line: required literals and size gates, checked cheaply.

Trying each of ~150 rule patterns on every line was half of the cleaner's
time, though almost every line matches none of them. Most patterns cannot
match unless some fixed text occurs in the line (``^\\W*sign\\s+up\\s+(?:for|to)``
needs "sign" and "up"). For each rule we derive, by walking the parse tree of
``re``'s own parser, what every match needs (``analyze``):

- **clauses**: sets of literals, one of each set occurring in every match
  (a conjunction: "sign" and "up" above). The best clause (``primary``) of
  every rule goes into one Aho-Corasick automaton (``pyahocorasick``, a C
  automaton) that finds them all in one pass over the text; a rule is a
  candidate for a line only when one of its primary literals is there, and
  then only if its other clauses hold too (substring tests on the line).
  Literals are at least ``MIN_LITERAL`` characters, or a single symbol
  ("©", "(", "|"): shorter words hit most lines and filter nothing.
- a **size gate** for patterns whose match is the whole line (``^...$``): a
  bound on the non-space characters and on the words of any match, so a
  longer line cannot match and is not tried.

A rule with no usable clause (a pattern with no fixed text) is tried on
every line its gate lets through; unless it has heads, a clause of words
with two-letter ones will do, when every match has those as whole words
("tv" in ``\\b(?:tv|news|sport)\\b``): fewer lines hold them than all.

Case: both the literals and the text are normalised with ``normalize``, which
maps every pair of characters that ``re.IGNORECASE`` treats as equal to the
same character (simple lower case, then ``re``'s own extra equivalences such as
"ſ" = "s"). Equal under the rule's matching implies equal after normalising, so
the filter can only let through too much, never too little; case-sensitive
rules go through the same (looser) filter.

Deriving this with ``re._parser`` costs ~100 ms for the shipped packs, more
than the start-up it saves, so the results for the shipped patterns are kept
as data (``data/rule_literals.json``, written by ``scripts/rule_literals.py``
and checked by the tests), keyed by the exact pattern text and flags: package
data, not a cache in the user's folder. A shipped pattern missing from it (a
rule edited since) is derived when the rule set is built. The index built
for the shipped packs is itself stored, with them (``snapshot``).
"""
from __future__ import annotations

import json
import pickle
import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from .programs import compiled


LITERALS_FILE = Path(__file__).parent / "data" / "rule_literals.json"
# Shorter literals hit most lines and filter nothing (single symbols aside).
MIN_LITERAL = 3


def _canon_table() -> dict[int, int]:
    """Maps each character to the representative of its ``re`` case-equivalence class."""
    from re import _casefix  # the extra equivalences re's compiler applies

    parent: dict[int, int] = {}

    def find(c: int) -> int:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for c, others in _casefix._EXTRA_CASES.items():
        for o in others:
            a, b = find(c), find(o)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {c: find(c) for c in parent}


_CANON = _canon_table()
# The characters the table changes, found by one regex scan: str.translate
# with a dict looks up every character and was most of the prefilter's time.
_CANON_CHARS = {chr(k): chr(v) for k, v in _CANON.items() if k != v}
_CANON_FIND = compiled("[" + "".join(sorted(_CANON_CHARS)) + "]")


def _canon_char(m: re.Match) -> str:
    return _CANON_CHARS[m.group()]


def normalize(text: str) -> str:
    """``text`` with every ``re.IGNORECASE`` equivalence class reduced to one character.

    Keeps the length, so offsets in the result are offsets in ``text``.
    """
    if text.isascii():
        return text.lower()
    # str.lower() is re's simple lower case for every character but U+0130
    # ("İ"), which it turns into two ("i" + combining dot); re compares it as "i".
    if "\u0130" in text:
        text = text.replace("\u0130", "i")
    low = text.lower()
    return _CANON_FIND.sub(_canon_char, low) if _CANON_FIND.search(low) else low


# Memo tables of a prefilter stop growing at this many entries: a run over
# many distinct lines keeps bounded memory and simply computes the rest.
MEMO_LIMIT = 100_000


def remember(table: dict, key, value):
    """``value``, stored under ``key`` while ``table`` is below ``MEMO_LIMIT``."""
    if len(table) < MEMO_LIMIT:
        table[key] = value
    return value


# --- what a pattern needs (derived by ``needs``) ----------------------------------------

# A NamedTuple, not a frozen dataclass: its class is made at start-up, and
# the shipped data makes one per rule (a frozen dataclass sets each field
# through object.__setattr__).
class Needs(NamedTuple):
    """What every match of a pattern needs (see ``needs``, which derives it).

    ``clauses``: normalised literal sets, best first, one literal of each in
    every match. ``max_nonspace``, ``max_words``: bounds on the searched
    text when a match must span all of it. ``heads``: what the line can start
    with, from its first letter or digit (``head``). None: no bound.
    ``digit``: every match holds a digit (``\\d``). ``forbid``: characters
    a matched line cannot hold anywhere (``^(?!.*[.!?])``). ``edges``: per
    literal of each clause, ``LEFT`` / ``RIGHT`` when every match has a
    non-word character (or the text's end) on that side of it (``\\bsign\\s``).
    ``min_len``: the fewest characters any match spans (``re``'s own bound).
    ``twice``: the clauses whose literals every match holds twice, the two
    occurrences apart (rows: ``X(?:, X){1,5}``). ``tested``: the clauses
    (not the first) that many lines hold: a test on the lines the first one
    lets through costs less than the automaton's hits on all of them.
    """
    clauses: tuple[tuple[str, ...], ...] = ()
    max_nonspace: int | None = None
    max_words: int | None = None
    heads: tuple[str, ...] | None = None
    digit: bool = False
    forbid: str = ""
    edges: tuple[tuple[int, ...], ...] = ()
    min_len: int = 0
    twice: tuple[int, ...] = ()
    tested: tuple[int, ...] = ()

    def to_json(self) -> dict | None:
        if self == NO_NEEDS:
            return None
        out: dict = {"clauses": [list(c) for c in self.clauses]}
        if self.max_nonspace is not None or self.max_words is not None:
            out["gate"] = [self.max_nonspace, self.max_words]
        if self.heads is not None:       # one string: hundreds of short items
            out["heads"] = "\n".join(self.heads)
        if self.digit:
            out["digit"] = True
        if self.forbid:
            out["forbid"] = self.forbid
        if any(map(any, self.edges)):    # a string of digits per clause: one line of JSON
            out["edges"] = ["".join(map(str, e)) for e in self.edges]
        if self.min_len:
            out["min"] = self.min_len
        if self.twice:
            out["twice"] = list(self.twice)
        if self.tested:
            out["tested"] = list(self.tested)
        return out

    @classmethod
    def from_json(cls, data: dict | None) -> "Needs":
        if not data:
            return NO_NEEDS
        gate = data.get("gate") or [None, None]
        heads = data.get("heads")
        return cls(tuple(tuple(c) for c in data.get("clauses", ())), gate[0], gate[1],
                   tuple(heads.split("\n")) if heads is not None else None,
                   bool(data.get("digit")), str(data.get("forbid", "")),
                   tuple(map(_edge_digits, data.get("edges", ()))), int(data.get("min", 0)),
                   tuple(data.get("twice", ())), tuple(data.get("tested", ())))

    def edges_of(self, k: int) -> tuple[int, ...]:
        """The edges of clause ``k``'s literals (0: none known)."""
        return self.edges[k] if k < len(self.edges) else (0,) * len(self.clauses[k])


NO_NEEDS = Needs()

# "0".."3" -> 0..3: a clause's edges as a string of digits (``Needs.to_json``)
# read in one C call; int() per digit was most of reading the shipped needs.
_DIGIT_VALUES = bytes.maketrans(b"0123456789", bytes(range(10)))


def _edge_digits(digits: str) -> tuple[int, ...]:
    return tuple(digits.encode("ascii").translate(_DIGIT_VALUES))

# Edges of a literal (``Needs.edges``): every match has a non-word character,
# or the searched text's start / end, just before it (LEFT) / after it (RIGHT).
# Lines are searched stripped, so the text's ends touch whitespace or nothing.
LEFT, RIGHT = 1, 2


def required_literals(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """The best clause of ``pattern``: literals one of which every match holds; or None."""
    from .needs import required_literals as derive

    return derive(pattern, flags)


def analyze(pattern: str, flags: int = 0) -> Needs:
    """What every match of ``pattern`` needs (``needs.analyze``)."""
    from .needs import analyze as derive

    return derive(pattern, flags)


# Heads: how many characters of a line, from its first letter or digit, are compared.
HEAD = 3
# Among a pattern's heads: any head that starts with a character outside ASCII.
NON_ASCII_HEAD = "\x01"
_FIRST_ALNUM = compiled(r"[^\W_]")
_DIGIT = compiled(r"\d").search
_WHITESPACE_RUN = compiled(r"\s")
# Every line's head in one pass (before whitespace becomes " "): what follows
# the characters before its first letter or digit; "" when it has none.
# The characters before the first letter or digit are non-word characters with
# runs of "_" among them: [^\w\n]* goes through them in one step on most lines
# (a lazy [\W_]*? tried a lookahead after each character: twice the time).
# Each match takes the rest of its line and the "\n": re then starts the next
# search at the next line, instead of trying every character for "^".
# (Matching the "\n" also keeps a blank line to one match: "" then "\n" could
# be two.)
_LINE_HEADS = compiled(r"^[^\w\n]*(?:_+[^\w\n]*)*((?:[^\W_][^\n]{0,%d})?)[^\n]*\n?" % (HEAD - 1), re.M)


def head(normalized: str, start: int = 0, end: int | None = None) -> str:
    """The head of a (normalised) line: ``HEAD`` characters from its first letter
    or digit, whitespace as " "; "" for a line with neither."""
    end = len(normalized) if end is None else end
    m = _FIRST_ALNUM.search(normalized, start, end)
    if m is None:
        return ""
    return _spaced(normalized[m.start():min(m.start() + HEAD, end)])


def _spaced(h: str) -> str:
    """A head with each whitespace character as " ", as heads are compared
    (``needs.head_char`` reads a pattern's the same way)."""
    return h if h.isalnum() else _WHITESPACE_RUN.sub(" ", h)


# --- the shipped results, as data --------------------------------------------------------

def literal_key(pattern: str, flags: int) -> str:
    return f"{int(flags)}:{pattern}"


@lru_cache(maxsize=1)
def shipped_data() -> dict:
    """``data/rule_literals.json`` as it is ({} when unreadable): what is derived
    from the shipped rule packs (see ``scripts/rule_literals.py``). Read once; do
    not change what it holds."""
    try:
        data = json.loads(LITERALS_FILE.read_bytes())     # UTF-8; a text-mode read is slower
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def shipped_needs() -> dict[str, dict | None]:
    """Literal key -> ``Needs.to_json()`` (None: nothing needed), from the shipped data."""
    needs = shipped_data().get("needs")
    return needs if isinstance(needs, dict) else {}


# Where each shipped pattern's alternatives are and what each needs
# (``alternatives.parts_json``), one JSON line ``[key, parts]`` per pattern;
# a pattern's ``parts`` in ``shipped_needs`` is its line. Apart from
# rule_literals.json, they were a third of it, and half of the time of reading
# it on every run; a document needs the parts of a few rules, read line by
# line from a map of the file (reading all of its 0.6 MB took ~1 ms of every
# start). An index keeps where each rule's line is, in bytes (``Prefilter``);
# the snapshot of the shipped rules holds those, so a run finds no line ends.
PARTS_FILE = LITERALS_FILE.parent / "rule_parts.jsonl"


@lru_cache(maxsize=1)
def _parts_file() -> "mmap.mmap | bytes":
    import mmap

    try:
        with open(PARTS_FILE, "rb") as f:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):      # ValueError: an empty file cannot be mapped
        return b""


@lru_cache(maxsize=1)
def _parts_lines() -> list[tuple[int, int]]:
    """(offset, length) in bytes of every line of rule_parts.jsonl."""
    data, out, start = _parts_file(), [], 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        out.append((start, end - start))
        start = end + 1
    return out


def shipped_parts_line(key: str) -> tuple[int, int] | None:
    """Where in rule_parts.jsonl the ``parts`` of the shipped pattern with literal
    key ``key`` are (offset, length in bytes), or None (none shipped)."""
    held = shipped_needs().get(key)
    at = held.get("parts") if isinstance(held, dict) else None
    if not isinstance(at, int):
        return None
    lines = _parts_lines()
    return lines[at] if 0 <= at < len(lines) else None


def shipped_parts(key: str, at: tuple[int, int] | None = None) -> dict | None:
    """The ``parts`` of the shipped pattern with literal key ``key`` (at ``at``
    in rule_parts.jsonl when known), or None (none shipped, or the files do not
    agree: the pattern is searched whole)."""
    if at is None:
        at = shipped_parts_line(key)
    data = _parts_file()
    if at is None or not (0 <= at[0] and at[0] + at[1] <= len(data)):
        return None
    try:
        line_key, parts = json.loads(data[at[0]:at[0] + at[1]])
    except (ValueError, TypeError):
        return None
    return parts if line_key == key and isinstance(parts, dict) else None


# --- the index over a rule set --------------------------------------------------------------

# Punctuation on most lines: no primary clause for the automaton (each
# occurrence is a hit to handle), only a test on the lines that get that far.
COMMON_SYMBOLS = frozenset(".,:;-'\"!?")


# A size bound that no line reaches (``_Check``: no bound).
_UNBOUNDED = 1 << 62


class _Check:
    """The tests a rule must pass on a line beyond its primary clause and heads.

    ``words_needed``: the automaton bits of its clauses of words only (each
    must be set); ``mixed``: per clause with ASCII symbols, or of words on
    many lines (``Needs.tested``), its automaton bit (0: none) and a test for
    the rest on the normalised line.
    """

    __slots__ = ("bit", "nonspace", "words", "count_from", "min_len", "words_needed", "mixed", "digit",
                 "forbid", "twice")

    def __init__(self, bit: int, needs: Needs, clauses: Sequence[tuple[int, Callable | None]]) -> None:
        self.bit = bit
        # No bound: one that no line reaches, so the loop compares without asking.
        self.nonspace = _UNBOUNDED if needs.max_nonspace is None else needs.max_nonspace
        self.words = _UNBOUNDED if needs.max_words is None else needs.max_words
        # A line no longer than this is within both bounds (each word but the
        # last takes a space after it): its sizes need no counting.
        self.count_from = min(self.nonspace, 2 * self.words)
        self.min_len = needs.min_len
        # Per clause needed twice: an automaton of its literals (``_apart``).
        self.twice = tuple(_occurrences(needs.clauses[k], needs.edges_of(k)) for k in needs.twice)
        self.digit = needs.digit
        self.forbid = re.compile("[" + re.escape(needs.forbid) + "]").search if needs.forbid else None
        self.words_needed = sum(b for b, test in clauses if test is None)
        self.mixed = tuple((b, test) for b, test in clauses if test is not None)


def _holds_one_of(strings: tuple[str, ...]) -> Callable[[str], bool]:
    """A function telling whether a string holds one of ``strings``: a clause's
    few words or symbols (the shipped rules' have at most six), a substring
    test each, which for so few is as quick as one regular expression of them
    and needs no compiling."""
    if len(strings) == 1:
        return lambda s, x=strings[0]: x in s
    return lambda s, xs=strings: any(map(s.__contains__, xs))


class LiteralIndex:
    """For a sequence of rules: which of them can match each of many lines.

    ``sources`` gives, per rule, its pattern text and flags, whether its needs
    may come from the shipped data (shipped rules), whether they can be
    derived at all, and whether its size gate and heads apply (patterns
    ``re`` runs). Built once per rule set; about a millisecond with the
    shipped data.

    One automaton holds every primary literal and every word of the other
    clauses; its hits on a line make one integer: bit ``i`` for rule ``i``
    (its primary clause holds), bit ``size + j`` for clause ``j`` (one of its
    words is there).
    """

    def __init__(self, sources: Sequence[tuple]) -> None:
        shipped = shipped_needs()
        self.size = n = len(sources)
        self.always: list[int] = []      # rules with no primary clause: tried on every line they pass
        # literal -> the bits it sets when found: [always, with LEFT, with RIGHT, with both]
        by_literal: dict[str, list[int]] = {}
        # rule index -> what its check is made of (or, once pickled, their
        # pickle), made into a ``_Check`` when a line first needs it (``_check``):
        # a document checks a third of the rules.
        self._check_parts: dict[int, tuple[Needs, list[tuple]] | bytes] = {}
        self._check_of: dict[int, _Check] = {}    # a rule's bit -> its check
        by_head: dict[str, int] = {}     # a head (or its start) -> rules it is a head of
        head_bits = 0
        next_clause = n
        for i, source in enumerate(sources):
            pattern, flags, trusted, derivable = source[:4]
            gated = source[4] if len(source) > 4 else False
            key = literal_key(pattern, flags)
            if trusted and key in shipped:
                needs = Needs.from_json(shipped[key])
            else:
                needs = analyze(pattern, flags) if derivable else NO_NEEDS
            if not gated:     # edges, gates and heads read \b, ^, $ and \s as re does
                needs = Needs(needs.clauses, digit=needs.digit, tested=needs.tested)
            if needs.heads is not None:
                bit = 1 << i
                head_bits |= bit
                for h in needs.heads:
                    by_head[h] = by_head.get(h, 0) | bit
            primary = next((c for c in needs.clauses if all(map(automaton_literal, c))), None)
            if primary is None:
                # ASCII symbols then, beside words the automaton takes, unless the
                # symbols are on most lines.
                primary = next((c for c in needs.clauses if not COMMON_SYMBOLS.intersection(c)
                                and all(automaton_literal(lit) or not any(map(str.isalnum, lit))
                                        for lit in c)), None)
            if primary is None and needs.heads is None:
                # Else tried on every line: two-letter words will do, when every
                # match has a non-word character on both sides of them ("tv").
                primary = next((c for k, c in enumerate(needs.clauses)
                                if all(automaton_literal(lit) or _whole_word(lit, e)
                                       for lit, e in zip(c, needs.edges_of(k)))), None)
            if primary is None:
                self.always.append(i)
            else:
                _add(by_literal, primary, needs.edges_of(needs.clauses.index(primary)), 1 << i)
            tests = []      # (automaton bit or 0, the test's maker or None, its literals)
            for k, clause in enumerate(needs.clauses):
                if clause is primary:
                    continue
                bit = 0
                if k in needs.tested:     # on many lines: a test on the lines let through
                    tests.append((0, _holds_one_of, clause))
                    continue
                if any(map(automaton_literal, clause)):
                    bit = 1 << next_clause
                    next_clause += 1
                    words = [(lit, e) for lit, e in zip(clause, needs.edges_of(k)) if automaton_literal(lit)]
                    _add(by_literal, [w for w, _ in words], [e for _, e in words], bit)
                symbols = tuple(lit for lit in clause if not automaton_literal(lit))
                tests.append((bit, _holds_one_of if symbols else None, symbols))
            if not any(len(lit) < needs.min_len for lit in primary or ("",)):
                needs = needs._replace(min_len=0)     # a hit is as long: no test needed
            if tests or needs.max_nonspace is not None or needs.max_words is not None \
                    or needs.digit or needs.forbid or needs.min_len or needs.twice:
                self._check_parts[i] = (needs, tests)
        self.literals = len(by_literal)
        self._rule_bits = (1 << n) - 1
        self._always_bits = sum(1 << i for i in self.always)
        self._head_bits = head_bits
        self._by_head = by_head
        self._kept_by_head: dict[str, int] = {}    # a line's head -> ``_head_keeps``
        self._checked_bits = sum(1 << i for i in self._check_parts)
        self._decoded: dict[int, tuple[int, ...]] = {}
        # A plain int when no rule asks for edges: most hits need no look around.
        self._words = tuple((lit, bits[0] if not any(bits[1:]) else (*bits, len(lit)))
                            for lit, bits in by_literal.items())
        self._automaton = _automaton(self._words)

    def __getstate__(self) -> dict:
        # The automaton is made again from its words (``__setstate__``), ~4 ms
        # with their unpickling. pyahocorasick's own pickle reads back in ~1.5,
        # but it is the raw memory of its nodes: not the same bytes twice (so
        # the shipped file could not be checked against its sources), and
        # readable only by the build that wrote it.
        # Each rule's check parts go as a pickle of their own, read when a line
        # first needs that check (``_check``): a document needs a third of them,
        # and reading them all took ~2 ms of every start. The caches start
        # empty, as in a new index.
        state = dict(self.__dict__)
        state.update(_automaton=None, _kept_by_head={}, _check_of={}, _decoded={},
                     _check_parts={i: parts if isinstance(parts, bytes) else pickle.dumps(parts, protocol=5)
                                   for i, parts in self._check_parts.items()})
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._automaton = _automaton(self._words)

    def masks(self, lines: Sequence[str]) -> list[int]:
        """For each line, the rules that may match it, as a bit mask (bit i: rule i)."""
        if not lines:
            return []
        starts = line_starts(lines)
        # One pass over all lines; "\n" joins them and no literal holds one.
        raw = "\n".join(lines)
        text = normalize(raw)        # as long as raw: offsets are the same
        masks = self._literal_masks(raw, text, starts)
        self._gate(masks, lines, text, starts)
        return masks

    def _literal_masks(self, raw: str, text: str, starts: list[int]) -> list[int]:
        """Per line: the always-candidates, the rules whose primary literal the
        automaton finds in it, and the clause bits of the words it finds
        (``text``: ``raw`` normalised; ``starts``: each line's offset)."""
        n = len(starts)
        masks = [self._always_bits] * n
        if self._automaton is None:
            return masks
        # A line's ends are "\n" or the text's ends: non-word, as the searched
        # text's ends are. Framed in "\n", the characters around a hit need no
        # test of where the text ends: the one before the hit [end - size + 1,
        # end] is framed[end - size + 1], the one after it framed[end + 2].
        framed = "\n" + raw + "\n"
        # Hits come in text order, so the line changes only forward.
        line_i, next_start = 0, (starts[1] if n > 1 else len(raw) + 1)
        for end, bits in self._automaton.iter(text):
            if end >= next_start:
                line_i = bisect_right(starts, end) - 1
                next_start = starts[line_i + 1] if line_i + 1 < n else len(raw) + 1
            if bits.__class__ is tuple:
                # Rules asking for edges: the characters around the hit.
                # Inline: most hits come here.
                free, left, right, both, size = bits
                c = framed[end - size + 1]
                ok = not (c.isalnum() or c == "_")
                c = framed[end + 2]
                if not (c.isalnum() or c == "_"):
                    bits = free | right | both | left if ok else free | right
                else:
                    bits = free | left if ok else free
            masks[line_i] |= bits
        return masks

    def _gate(self, masks: list[int], lines: Sequence[str], text: str, starts: list[int]) -> None:
        """``masks`` (from ``_literal_masks``) without the rules that a line's
        head or a rule's check rules out, and without the clause bits."""
        rule_bits, checked, head_bits = self._rule_bits, self._checked_bits, self._head_bits
        heads = _LINE_HEADS.findall(text) if head_bits else ()    # one per line...
        if head_bits and len(heads) != len(lines):     # ...unless a "line" held a newline after all
            heads = [head(text, a, a + len(line)) for a, line in zip(starts, lines)]
        kept_by_head, check_of = self._kept_by_head, self._check_of
        for i, m in enumerate(masks):
            if m & head_bits:
                keep = kept_by_head.get(heads[i])
                if keep is None:
                    keep = self._head_keeps(heads[i])
                m &= keep
            todo = m & checked
            if todo:
                line = lines[i]
                size = len(line)
                # The checks clear rule bits only: the clause bits they test stay as found.
                absent = ~m
                sizes = norm = digit = None
                # Each check's rule is in m, and each clears it at most once:
                # m ^= c.bit clears it (without making ~c.bit). The rules come
                # lowest bit first, in rule order, a dict lookup each: the sets
                # of rules vary from line to line, so a tuple of checks per set
                # would be made for most lines.
                while todo:
                    low = todo & -todo
                    todo ^= low
                    c = check_of.get(low) or self._check(low)
                    # The gates first: a comparison, or one split of the line
                    # that every check asking for its sizes shares. (All the
                    # tests must hold: their order changes the cost only.)
                    if size < c.min_len or c.words_needed & absent:
                        # a line shorter than any match, or a clause none of
                        # whose words is there
                        m ^= c.bit
                        continue
                    if size > c.count_from:      # a shorter line is within the bounds
                        if sizes is None:
                            parts = line.split()
                            sizes = (len("".join(parts)), len(parts))
                        if sizes[0] > c.nonspace or sizes[1] > c.words:
                            m ^= c.bit
                            continue
                    if c.digit:
                        if digit is None:
                            digit = _DIGIT(line) is not None
                        if not digit:
                            m ^= c.bit
                            continue
                    if c.forbid is not None and c.forbid(line):
                        m ^= c.bit
                        continue
                    for bit, test in c.mixed:
                        if m & bit:
                            continue
                        if norm is None:
                            norm = text[starts[i]:starts[i] + size]
                        if not test(norm):
                            m ^= c.bit
                            break
                    else:
                        # Last: a search per literal, where the gates cost a comparison.
                        if c.twice:
                            if norm is None:
                                norm = text[starts[i]:starts[i] + size]
                            if not all(_apart(norm, line, t) for t in c.twice):
                                m ^= c.bit
            masks[i] = m & rule_bits

    def _head_keeps(self, raw: str) -> int:
        """The rules a line with head ``raw`` keeps: all but the head-gated
        rules whose heads do not admit it."""
        h = _spaced(raw)
        by_head = self._by_head
        if not h:
            allowed = by_head.get("", 0)
        else:
            allowed = 0
            for k in range(1, len(h) + 1):
                allowed |= by_head.get(h[:k], 0)
            if not h[0].isascii():
                allowed |= by_head.get(NON_ASCII_HEAD, 0)
        return remember(self._kept_by_head, raw, ~self._head_bits | allowed)

    def _check(self, bit: int) -> _Check:
        """The check of the rule whose bit is ``bit``, made on first use
        (``_gate`` looks in ``_check_of`` first)."""
        c = self._check_of.get(bit)
        if c is None:
            parts = self._check_parts[bit.bit_length() - 1]
            needs, tests = pickle.loads(parts) if isinstance(parts, bytes) else parts
            c = self._check_of[bit] = _Check(bit, needs, [(b, make(literals) if make else None)
                                                           for b, make, literals in tests])
        return c

    def decode(self, mask: int) -> tuple[int, ...]:
        """The rule indices (ascending) of a mask."""
        out = self._decoded.get(mask)
        if out is None:
            out = remember(self._decoded, mask, tuple(set_bits(mask)))
        return out

    def candidates(self, lines: Sequence[str]) -> list[tuple[int, ...]]:
        """For each line, the indices (ascending) of the rules that may match it."""
        return [self.decode(m) for m in self.masks(lines)]


def _automaton(words: Sequence[tuple[str, object]]):
    """An Aho-Corasick automaton of ``words`` (literal, value), or None for none."""
    if not words:
        return None
    import ahocorasick

    auto = ahocorasick.Automaton()
    for lit, value in words:
        auto.add_word(lit, value)
    auto.make_automaton()
    return auto


def line_starts(lines: Sequence[str]) -> list[int]:
    """Each line's offset in ``"\\n".join(lines)``: a hit at offset ``at`` lies in
    line ``bisect_right(starts, at) - 1`` (no literal holds a newline)."""
    return list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))


def set_bits(mask: int) -> Iterator[int]:
    """The indices of the bits set in ``mask``, ascending: a step per set bit
    (a mask has a few among hundreds)."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _add(by_literal: dict[str, list[int]], literals: Sequence[str], edges: Sequence[int],
         bit: int) -> None:
    """Sets ``bit`` for each literal's hits with its edges (``LEFT``, ``RIGHT``)."""
    for lit, e in zip(literals, edges):
        slots = by_literal.get(lit)
        if slots is None:       # not setdefault: that makes a list for every literal
            slots = by_literal[lit] = [0, 0, 0, 0]
        slots[e] |= bit


def _occurrences(literals: Sequence[str], edges: Sequence[int]):
    """An automaton finding every occurrence of ``literals``, overlapping ones
    too; each hit carries the literal's length and the edges (``LEFT``,
    ``RIGHT``) asked of it, one entry per way the clause lists it."""
    asked: dict[str, list[int]] = {}
    for lit, e in zip(literals, edges):
        asked.setdefault(lit, []).append(e)
    return _automaton([(lit, (len(lit), tuple(es))) for lit, es in asked.items()])


def _apart(norm: str, line: str, occurrences) -> bool:
    """Whether two occurrences of a clause's literals (with their edges) that do
    not overlap are in a line (``norm``: the line normalised; ``occurrences``:
    the clause's automaton, from ``_occurrences``).

    Two such exist exactly when one starts at or after the earliest end of
    any. Hits come in the order of their ends: the first that holds its edges
    has the earliest end, and any later one may start after it.
    """
    first_end = -1
    for end, (size, edges) in occurrences.iter(norm):
        stop = end + 1
        at = stop - size
        if first_end >= 0 and at < first_end:
            continue
        left = at == 0 or not word_char(line[at - 1])
        right = stop == len(line) or not word_char(line[stop])
        if any((left or not e & LEFT) and (right or not e & RIGHT) for e in edges):
            if first_end >= 0:
                return True
            first_end = stop
    return False


def word_char(c: str) -> bool:
    """Whether ``c`` is a word character as ``re`` reads ``\\w`` and ``\\b``."""
    return c.isalnum() or c == "_"


def _whole_word(literal: str, edges: int) -> bool:
    """A two-letter word that every match has as a whole word (``\\btv\\b``):
    for a rule with no better clause nor heads, which would otherwise be tried
    on every line. Far fewer lines hold it than hold its two letters."""
    return len(literal) == 2 and literal.isalnum() and edges == LEFT | RIGHT


def automaton_literal(literal: str) -> bool:
    """Literals worth a place in the automaton: words, and symbols outside ASCII ("©").

    ASCII punctuation ("(", "|") occurs on many lines: tested per line instead,
    only for the rules some other literal let through.
    """
    return len(literal) >= MIN_LITERAL or not literal.isascii()


def rule_sources(rules: Iterable) -> list[tuple[str, int, bool, bool, bool]]:
    """(pattern, flags, shipped, derivable, gated) per rule, as ``LiteralIndex`` wants them.

    Derivable: ``re``'s parser reads the pattern as its engine does (always
    for ``re`` patterns; for ``regex`` ones, unless they use its own syntax).
    Gated: ``re`` runs it, so the size gate's reading of ``^``, ``$`` and
    ``\\s`` is the engine's.
    """
    return [(r.pattern.pattern, r.pattern.source_flags, r.timeout is None, r.pattern.reparseable,
             r.pattern.engine == "re")
            for r in rules]
