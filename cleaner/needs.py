"""What every match of a rule pattern needs, read from ``re``'s own parse tree.

``analyze`` walks the tree that ``re._parser`` builds (the one ``re``
compiles, so nothing is re-implemented) and derives three necessary
conditions, each one that a line must meet for the pattern to match it. The
literal prefilter (``prefilter``) checks them in bulk and runs a rule's
pattern only on the lines that meet all of them:

- **clauses**: sets of literals, one of each set occurring in every match
  ("sign" and "up" for ``^\\W*sign\\s+up``). Literals are at least
  ``MIN_LITERAL`` characters, or symbols only ("©", "(", "|"): shorter words
  occur on most lines and filter nothing. A run of characters right before
  a group of alternatives also makes one with each alternative's leading
  characters (".com", ".de" for ``\\.(?:com|de)``). A literal that holds
  another of its set is left out ("r$" holds "$"): the set holds on the
  same lines without it.
- a **size gate**, for a pattern whose match is the whole searched line
  (``^`` before anything it consumes, ``$`` at its end), or that opens with
  a lookahead to the end (``^(?=.{0,120}$)``): bounds on the line's
  non-space characters and words (runs of non-space characters).
- a **digit**, when every match holds one (``\\d+ of \\d+``), and
  **forbidden characters**, for a pattern anchored with ``^`` that opens
  with ``(?!.*[.,;])``: the line may hold none of them.
- **heads**, for a pattern anchored with ``^``: the strings the line can
  start with, counted from its first letter or digit, ``HEAD`` characters
  long (whitespace read as " "). ``^(?:[-*•]\\s*)?(?:menu|search)\\b`` can
  only match a line whose head starts with "men" or "sea". A lookahead
  that opens with one known character narrows the next one: ``o(?=\\s)``
  admits "o " and not "our".

Everything is compared after ``prefilter.normalize`` (re's case equivalences
folded), so the conditions hold for ``re.IGNORECASE`` and, more loosely, for
case-sensitive patterns. Lines hold no newline: ``$`` is their end.

Deriving costs ~100 ms for the shipped packs, so their results ship as data
(``data/rule_literals.json``, written by ``scripts/rule_literals.py``); this
module is imported only to write that file and for rules a user adds.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from re import _casefix, _parser
from re import _constants as C

import _sre

from .prefilter import (COMMON_SYMBOLS, HEAD, LEFT, MIN_LITERAL, NO_NEEDS, NON_ASCII_HEAD, RIGHT,
                        Needs, automaton_literal, normalize, word_char)

# Clauses kept per rule beyond the primary one: each costs a test on every
# line the primary one lets through.
MAX_EXTRA_CLAUSES = 3
# Most distinct heads kept (beyond that: no heads).
MAX_HEADS = 400
# A class of more characters than this ends a head where it stands.
_MAX_HEAD_CLASS = 40
_MAX_STATES = 4000


def analyze(pattern: str, flags: int = 0) -> Needs:
    """What every match of ``pattern`` needs; ``NO_NEEDS`` when ``re`` cannot parse it."""
    try:
        tree = _parser.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError):
        return NO_NEEDS
    try:
        clauses, edges, twice = _choose(_clauses(list(tree)))
        nonspace, words = _gate(tree)
        heads = _heads(tree)
        digit = _needs_digit(list(tree))
        forbid = _forbidden(tree)
        if not _unicode_words(tree):
            edges = ()
        min_len = min(tree.getwidth()[0], C.MAXREPEAT)
    except RecursionError:
        return NO_NEEDS
    return Needs(clauses, nonspace, words, heads, digit, forbid, edges, min_len, twice,
                 _tested(clauses))


def required_literals(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """The best clause of ``pattern``: literals one of which every match holds; or None."""
    clauses = analyze(pattern, flags).clauses
    return clauses[0] if clauses else None


# --- clauses ---------------------------------------------------------------------------
#
# A clause is a dict: literal -> its edges (``LEFT`` | ``RIGHT``, see ``Needs``),
# one of its literals occurring, with those edges, in every match.

Clause = dict


class _Twice(dict):
    """A clause whose literals occur twice, the occurrences apart, in every match
    (``X(?:, X){1,5}``: two consumed parts each hold one)."""


class _Seen(dict):
    """A clause from a lookaround: in the text, but maybe where consumed parts are too."""


def usable(literal: str) -> bool:
    """Whether a literal filters anything: ``MIN_LITERAL`` characters, or symbols only."""
    if not literal or "\n" in literal or "\r" in literal:
        return False
    return len(literal) >= MIN_LITERAL or not any(c.isalnum() or c.isspace() for c in literal)


def testable(literal: str) -> bool:
    """Whether a literal is worth a substring test on the lines a better clause
    let through: ``usable``, or two characters ("tv")."""
    return usable(literal) or (len(literal) == 2 and "\n" not in literal and "\r" not in literal)


def _literal_score(literal: str) -> int:
    if any(c.isalnum() for c in literal):
        # Two letters ("tv", "is") hit more lines than ASCII punctuation.
        return len(literal) if len(literal) >= MIN_LITERAL else len(literal) - 1
    # Symbols: rarer than their length says; ASCII punctuation less so than "©".
    return MIN_LITERAL if not literal.isascii() else MIN_LITERAL - 1


# --- how many lines hold a literal ------------------------------------------------------
#
# Each hit of the automaton is a step in Python: "the" and "app" are both
# three letters, but "the" is on one line in seven and "app" on one in
# thirty. The share of lines holding a literal is estimated from a table of
# runs of up to ``GRAM`` characters (data/literal_frequency.json, written by
# scripts/literal_frequency.py): a literal is on at most as many lines as its
# rarest run. Runs missing from the table are rarer than its floor.

FREQUENCY_FILE = Path(__file__).parent / "data" / "literal_frequency.json"
GRAM = 3


@lru_cache(maxsize=1)
def _frequencies() -> tuple[dict[str, float], float]:
    """(run -> share of lines holding it, the share of runs missing from it);
    no table: every run alike."""
    try:
        data = json.loads(FREQUENCY_FILE.read_text(encoding="utf-8"))
        return dict(data["shares"]), float(data["floor"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}, 1.0


def literal_share(literal: str) -> float:
    """About the share of lines that hold ``literal`` (normalised): that of its rarest
    run of ``GRAM`` characters, or of itself when shorter."""
    table, floor = _frequencies()
    if len(literal) <= GRAM:
        return table.get(literal, floor)
    return min(table.get(literal[i:i + GRAM], floor) for i in range(len(literal) - GRAM + 1))


def clause_share(clause) -> float:
    """About the share of lines that hold one of a clause's literals (at most 1)."""
    return min(1.0, sum(map(literal_share, clause)))


def _tier(literal: str) -> int:
    """2: the automaton looks for it; 1: an ASCII symbol it could look for, on
    fewer lines than "." or ","; 0: a test on each line only ("tv", ".")."""
    if automaton_literal(literal):
        return 2
    return 1 if literal not in COMMON_SYMBOLS and not any(map(str.isalnum, literal)) else 0


def _score(clause: Clause) -> tuple[int, float, int, int]:
    """What the automaton can look for first, then fewer lines holding it, then
    longer shortest literal, then fewer literals."""
    return (min(map(_tier, clause)), -clause_share(clause), min(map(_literal_score, clause)),
            -len(clause))


# A clause of words after the first, of at most TESTED_MAX_LITERALS words,
# that TESTED_RATIO times as many lines hold as the first ("the", "our") is
# tested on the lines the first lets through (a substring test per word)
# rather than looked for by the automaton (a step in Python per hit on any
# line). Longer clauses cost more to test than their hits.
TESTED_RATIO = 2
TESTED_MAX_LITERALS = 4


def _tested(clauses: tuple[tuple[str, ...], ...]) -> tuple[int, ...]:
    """The clauses after the first to test on the lines it lets through (``Needs.tested``)."""
    if not clauses or not all(map(automaton_literal, clauses[0])):
        return ()
    first = clause_share(clauses[0])
    return tuple(k for k in range(1, len(clauses))
                 if len(clauses[k]) <= TESTED_MAX_LITERALS and all(map(automaton_literal, clauses[k]))
                 and clause_share(clauses[k]) >= TESTED_RATIO * first)


def _edge_count(clause: Clause) -> int:
    """How many edges its least bounded literal has: a bounded literal hits fewer lines."""
    return min(bin(e).count("1") for e in clause.values())


def _rank(clause: Clause) -> tuple:
    return (_score(clause), isinstance(clause, _Twice), _edge_count(clause),
            sorted(clause))   # sorted: the same order in every run


def _implies(k: Clause, c: Clause) -> bool:
    """Whether clause ``k`` holding means ``c`` holds: each of its literals holds
    one of c's with at least the edges c asks of it (".de" holds "de" with a
    non-word character before it), and twice only if k asks twice."""
    return (isinstance(k, _Twice) or not isinstance(c, _Twice)) \
        and all(any(_holds(a, k[a], b, c[b]) for b in c) for a in k)


def _holds(a: str, a_edges: int, b: str, b_edges: int) -> bool:
    """Whether an occurrence of literal ``a`` with edges ``a_edges`` is one of
    ``b`` with ``b_edges``: ``b`` is in ``a`` where the characters around it
    (in ``a``, or beyond it) give the edges ``b`` asks."""
    at = a.find(b)
    while at >= 0:
        end = at + len(b)
        if (not b_edges & LEFT or (a_edges & LEFT if at == 0 else _not_wordy(a[at - 1]))) and \
                (not b_edges & RIGHT or (a_edges & RIGHT if end == len(a) else _not_wordy(a[end]))):
            return True
        at = a.find(b, at + 1)
    return False


def _minimal(c: Clause) -> Clause:
    """``c`` without the literals that hold another of its literals: a line
    holds one of them exactly when it holds one of the rest. ("r$" holds "$":
    without it, a clause of "$" and words can be the automaton's, and its rule
    is no longer tried on every line.)"""
    kept: dict[str, int] = {}
    for lit in sorted(c, key=len):      # a literal holds only ones no longer than itself
        if not any(_holds(lit, c[lit], k, e) for k, e in kept.items()):
            kept[lit] = c[lit]
    return c if len(kept) == len(c) else type(c)(kept)


def _choose(found: list[Clause]) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[int, ...], ...],
                                          tuple[int, ...]]:
    """The testable clauses, best first, without those another one implies, their
    literals' edges, and which of them are needed twice.

    The best clause the automaton takes (``automaton_literal``) comes first
    whatever its rank, then at most ``MAX_EXTRA_CLAUSES`` others.
    """
    distinct: dict[tuple, Clause] = {}       # one per literal set: the one with most edges
    for c in map(_minimal, found):
        if c and all(map(testable, c)):
            key = (frozenset(c), isinstance(c, _Twice))
            if key not in distinct or sum(c.values()) > sum(distinct[key].values()):
                distinct[key] = c
    clauses = sorted(distinct.values(), key=_rank, reverse=True)
    kept: list[Clause] = []
    for c in clauses:
        if not any(_implies(k, c) for k in kept):
            kept.append(c)
    primary = next((c for c in kept if all(map(automaton_literal, c))), None)
    if primary is not None:
        kept.remove(primary)
        kept.insert(0, primary)
    kept = kept[:1 + MAX_EXTRA_CLAUSES]
    return (tuple(tuple(sorted(c)) for c in kept),
            tuple(tuple(c[lit] for lit in sorted(c)) for c in kept),
            tuple(k for k, c in enumerate(kept) if isinstance(c, _Twice)))


def _best(items: list, before: int = 0, after: int = 0) -> Clause | None:
    found = [c for c in _clauses(items, before, after) if all(map(testable, c))]
    return max(found, key=_rank) if found else None


def _exact(items: list) -> str | None:
    """The one string a sequence matches, if it matches exactly one (zero-width parts aside)."""
    out = []
    for op, av in items:
        if op is C.LITERAL:
            out.append(chr(av))
        elif op is C.AT:
            continue
        elif op is C.SUBPATTERN or op is C.ATOMIC_GROUP:
            inner = _exact(list(av[-1] if op is C.SUBPATTERN else av))
            if inner is None:
                return None
            out.append(inner)
        else:
            return None
    return "".join(out)


# A class of at most this many plain characters is a clause of one-character literals.
_MAX_CLASS_LITERALS = 8


def _class_literals(items: list) -> frozenset[str] | None:
    """The characters of a small class of plain characters (``[(\\[]``), or None."""
    if len(items) > _MAX_CLASS_LITERALS or not all(op is C.LITERAL for op, _ in items):
        return None
    return frozenset(normalize(chr(av)) for _, av in items)


def _clauses(items: list, before: int = 0, after: int = 0) -> list[Clause]:
    """Every clause of a sequence: each is a set of literals one of which must occur.

    ``before`` / ``after``: what is known (``_NONWORD``, ``_BOUNDARY``) just
    before / after the sequence in every match, for the literals' edges. A
    literal set that two consumed items of the sequence each need (or a
    repeat at least twice) is needed twice, apart (``_Twice``).
    """
    found: list[Clause] = []
    origin: list[int] = []        # per clause found, the item it comes from
    run: list[str] = []
    start = end = 0       # the items the run of literal characters spans

    def flush() -> None:
        if run:
            lit = normalize("".join(run))
            found.append({lit: _edges(lit, _before(items, start, before),
                                      _after(items, end + 1, after))})
            origin.append(start)
            run.clear()

    def add(clauses: list[Clause], i: int) -> None:
        found.extend(clauses)
        origin.extend([i] * len(clauses))

    for i, (op, av) in enumerate(items):
        if op is C.LITERAL or op is C.SUBPATTERN or op is C.ATOMIC_GROUP:
            exact = _exact([(op, av)])
            if exact is not None:
                if not run:
                    start = i
                run.append(exact)
                end = i
                continue
            flush()
            add(_clauses(list(av[-1] if op is C.SUBPATTERN else av),
                         _before(items, i, before), _after(items, i + 1, after)), i)
        elif op is C.AT or op is C.ASSERT_NOT:
            continue      # zero-width: the characters around it stay adjacent
        elif op is C.ASSERT:
            flush()
            # What a lookaround sees is in the text: a lookahead's starts here,
            # a lookbehind's ends here.
            direction, sub = av
            if direction == 1:
                seen = _clauses(list(sub), _before(items, i, before), 0)
            else:
                seen = _clauses(list(sub), 0, _after(items, i + 1, after))
            add([_Seen(c) for c in seen], i)
        elif op is C.BRANCH:
            joined = _joined(items, i, start, run, before, after) if run else None
            flush()
            if joined is not None:
                add([joined], start)
            left, right = _before(items, i, before), _after(items, i + 1, after)
            union: Clause = {}
            consumed = True
            for alt in av[1]:
                sub = _best(list(alt), left, right)
                if sub is None:
                    union = {}
                    break
                consumed = consumed and not isinstance(sub, _Seen)
                for lit, e in sub.items():    # in several branches: the edges all give
                    union[lit] = union[lit] & e if lit in union else e
            if union:
                add([union if consumed else _Seen(union)], i)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            flush()
            lo, hi, inner = av
            inner = list(inner)
            if lo >= 1:
                left, right = _before(items, i, before), _after(items, i + 1, after)
                if hi != 1:       # a repeat may follow / precede another one
                    left &= _before(inner, len(inner), 0)
                    right &= _after(inner, 0, 0)
                sub = _clauses(inner, left, right)
                if lo >= 2:
                    sub += [_Twice(c) for c in sub if type(c) is dict]
                add(sub, i)
        elif op is C.IN:
            flush()
            chars = _class_literals(list(av))
            if chars is not None:
                add([dict.fromkeys(chars, 0)], i)
        else:             # any character, back references, conditionals
            flush()
    flush()
    found += _twice(found, origin)
    return [f for f in found if all(f) and not any("\n" in s or "\r" in s for s in f)]


def _joined(items: list, i: int, start: int, run: list[str], before: int, after: int) -> Clause | None:
    """The clause of a run of literal characters (``items[start:i]``, text
    ``run``) and the group of alternatives ``items[i]`` right after it: the
    run followed by each alternative's leading literal characters
    (``\\.(?:com|de)``: ".com", ".de"), or None when an alternative starts
    with anything else. The run alone may be too short to filter anything
    ("."), the run and each alternative's start are not."""
    head = "".join(run)
    right = _after(items, i + 1, after)
    out: Clause = {}
    for alt in items[i][1][1]:
        alt = list(alt)
        lead: list[str] = []
        j = 0
        while j < len(alt):
            if alt[j][0] is C.AT or alt[j][0] is C.ASSERT_NOT:
                j += 1        # zero-width: the characters around it stay adjacent
                continue
            exact = _exact([alt[j]])
            if exact is None:
                break
            lead.append(exact)
            j += 1
        if not lead:
            return None
        lit = normalize(head + "".join(lead))
        e = _edges(lit, _before(items, start, before), _after(alt, j, right))
        out[lit] = out[lit] & e if lit in out else e
    return out


def _twice(found: list[Clause], origin: list[int]) -> list[Clause]:
    """Literal sets that two different consumed items each need: twice, apart."""
    first: dict[frozenset, tuple[int, Clause]] = {}
    out: dict[frozenset, Clause] = {}
    for c, i in zip(found, origin):
        if type(c) is not dict:
            continue
        key = frozenset(c)
        held = first.get(key)
        if held is None:
            first[key] = (i, c)
        elif held[0] != i:
            base = out.get(key, held[1])
            out[key] = _Twice({lit: base[lit] & c[lit] for lit in c})
    return list(out.values())


# --- edges: what every match has next to a literal ---------------------------------------
#
# Facts about a position in every match: the character on the side looked at
# is not a word character (or there is none: the searched text's start or
# end, which in the line touches whitespace or nothing), or a ``\b`` stands
# there. Word characters are re's Unicode ones (``str.isalnum`` or "_").

_NONWORD, _BOUNDARY = 1, 2
_STARTS = (C.AT_BEGINNING, C.AT_BEGINNING_STRING)
_ENDS = (C.AT_END, C.AT_END_STRING)
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)


def _case_variants(c: str) -> list[str]:
    """``c`` and what re.IGNORECASE matches it with: its simple lower case and
    the extra equivalences. (Characters with one simple lower case are all word
    characters or all not; only the extras mix them: "ͅ" and "ι".)"""
    low = _sre.unicode_tolower(ord(c))
    return [c, chr(low), *map(chr, _casefix._EXTRA_CASES.get(low, ()))]


@lru_cache(maxsize=4096)
def _wordy(c: str) -> bool:
    """Whether every character that can match ``c`` is a word character."""
    return all(map(word_char, _case_variants(c)))


@lru_cache(maxsize=4096)
def _not_wordy(c: str) -> bool:
    """Whether no character that can match ``c`` is a word character."""
    return not any(map(word_char, _case_variants(c)))


# Ranges longer than this are not looked through (the class then proves nothing).
_MAX_RANGE = 10_000


@lru_cache(maxsize=1024)
def _nonword_class(items: tuple) -> bool:
    """Whether a character class matches only non-word characters."""
    if items and items[0][0] is C.NEGATE:
        return any(op is C.CATEGORY and av is C.CATEGORY_WORD for op, av in items[1:])
    for op, av in items:
        if op is C.LITERAL:
            ok = _not_wordy(chr(av))
        elif op is C.CATEGORY:
            ok = av in (C.CATEGORY_NOT_WORD, C.CATEGORY_SPACE)
        elif op is C.RANGE:
            lo, hi = av
            ok = hi - lo <= _MAX_RANGE and all(_not_wordy(chr(c)) for c in range(lo, hi + 1))
        else:
            ok = False
        if not ok:
            return False
    return bool(items)


def _edges(literal: str, before: int, after: int) -> int:
    """A literal's edges from the facts before and after it (a ``\\b`` next to a
    word character means a non-word character, or none, beyond it)."""
    edges = 0
    if before & _NONWORD or (before & _BOUNDARY and _wordy(literal[0])):
        edges |= LEFT
    if after & _NONWORD or (after & _BOUNDARY and _wordy(literal[-1])):
        edges |= RIGHT
    return edges


def _before(items: list, i: int, outer: int) -> int:
    """The facts just before ``items[i]`` (``outer``: before ``items[0]``)."""
    facts = 0
    while i > 0:
        op, av = items[i - 1]
        if op is C.AT:
            facts |= _BOUNDARY if av is C.AT_BOUNDARY else _NONWORD if av in _STARTS else 0
        elif op is C.ASSERT:
            if av[0] == -1:   # a lookbehind ends here: what it saw is before
                facts |= _before(list(av[1]), len(av[1]), 0)
        elif op is not C.ASSERT_NOT:
            return facts | _end_char(op, av, lambda: _before(items, i - 1, outer), _from_end)
        i -= 1
    return facts | outer


def _after(items: list, i: int, outer: int) -> int:
    """The facts at the start of ``items[i:]`` (``outer``: after the last item)."""
    facts = 0
    while i < len(items):
        op, av = items[i]
        if op is C.AT:
            facts |= _BOUNDARY if av is C.AT_BOUNDARY else _NONWORD if av in _ENDS else 0
        elif op is C.ASSERT:
            if av[0] == 1:    # a lookahead starts here: what it sees is after
                facts |= _after(list(av[1]), 0, 0)
        elif op is not C.ASSERT_NOT:
            return facts | _end_char(op, av, lambda: _after(items, i + 1, outer), _from_start)
        i += 1
    return facts | outer


def _from_start(items: list, outer: int) -> int:
    return _after(items, 0, outer)


def _from_end(items: list, outer: int) -> int:
    return _before(items, len(items), outer)


def _end_char(op, av, beside, scan) -> int:
    """``_NONWORD`` if the character one item consumes at its end next to the
    literal is never a word character: its first with ``scan=_from_start``, its
    last with ``_from_end``. ``beside()``: the facts beyond the item on that
    side, for when it consumes nothing."""
    if op is C.LITERAL:
        return _NONWORD if _not_wordy(chr(av)) else 0
    if op is C.IN:
        return _NONWORD if _nonword_class(tuple(av)) else 0
    if op is C.SUBPATTERN or op is C.ATOMIC_GROUP:
        return scan(list(av[-1] if op is C.SUBPATTERN else av), beside()) & _NONWORD
    if op is C.BRANCH:
        outer = beside()
        return _NONWORD if all(scan(list(alt), outer) & _NONWORD for alt in av[1]) else 0
    if op in _REPEATS:
        lo, hi, inner = av
        facts = scan(list(inner), beside() if hi == 1 else 0) & _NONWORD
        return facts & beside() if lo == 0 else facts
    return 0


def _unicode_words(tree) -> bool:
    """Whether ``\\b`` and ``\\w`` mean Unicode word characters throughout (no
    ``(?a)`` or ``(?L)``, global or local): the edges assume so."""
    odd = re.ASCII | re.LOCALE
    if tree.state.flags & odd:
        return False

    def walk(items) -> bool:
        for op, av in items:
            if op is C.SUBPATTERN:
                if av[1] & odd or not walk(av[-1]):
                    return False
            elif op is C.BRANCH:
                if not all(walk(alt) for alt in av[1]):
                    return False
            elif op in _REPEATS:
                if not walk(av[2]):
                    return False
            elif op is C.ATOMIC_GROUP:
                if not walk(av):
                    return False
            elif op is C.ASSERT or op is C.ASSERT_NOT:
                if not walk(av[1]):
                    return False
            elif op is C.GROUPREF_EXISTS:
                if not all(walk(b) for b in av[1:] if b is not None):
                    return False
        return True

    return walk(tree)


# --- the size gate ----------------------------------------------------------------------

_INF = float("inf")
_SPACES = (C.CATEGORY_SPACE, C.CATEGORY_UNI_SPACE)


@lru_cache(maxsize=1)
def _whitespace() -> tuple[int, ...]:
    return tuple(c for c in range(0x3001) if chr(c).isspace())


def _class_spaces(items: list) -> tuple[bool, bool]:
    """(matches only whitespace, may match whitespace) for a character class.

    Under IGNORECASE a class also matches the case variants of its members;
    whitespace has none, and no letter is a case variant of whitespace, so
    the answers hold with the flag too.
    """
    if any(op is C.NEGATE for op, _ in items):
        return False, not any(op is C.CATEGORY and av in _SPACES for op, av in items)
    only = all((op is C.LITERAL and chr(av).isspace()) or (op is C.CATEGORY and av in _SPACES)
               for op, av in items)
    may = False
    for op, av in items:
        if op is C.LITERAL:
            may |= chr(av).isspace()
        elif op is C.RANGE:
            may |= any(av[0] <= w <= av[1] for w in _whitespace())
        elif op is C.CATEGORY:
            may |= av not in (C.CATEGORY_DIGIT, C.CATEGORY_UNI_DIGIT, C.CATEGORY_WORD,
                              C.CATEGORY_UNI_WORD, C.CATEGORY_NOT_SPACE, C.CATEGORY_UNI_NOT_SPACE)
        else:
            may = True
    return only, may


def _size(items: list) -> tuple[float, float, bool, float]:
    """Upper bounds on what any match of a sequence holds: non-space characters,
    words (runs of non-space characters), whether it may hold whitespace, and
    runs of whitespace (a match of ``r`` whitespace runs has at most ``r + 1`` words)."""
    nonspace = words = runs = 0.0
    spaces = False
    for op, av in items:
        if op is C.LITERAL:
            blank = chr(av).isspace()
            nonspace += not blank
            words += not blank
            runs += blank
            spaces |= blank
        elif op is C.NOT_LITERAL or op is C.ANY:
            nonspace += 1
            words += 1
            runs += 1
            spaces = True
        elif op is C.IN:
            only, may = _class_spaces(list(av))
            nonspace += not only
            words += not only
            runs += may
            spaces |= may
        elif op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
            continue
        elif op is C.SUBPATTERN or op is C.ATOMIC_GROUP:
            n, w, s, r = _size(list(av[-1] if op is C.SUBPATTERN else av))
            nonspace += n
            words += w
            runs += r
            spaces |= s
        elif op is C.BRANCH:
            sizes = [_size(list(alt)) for alt in av[1]]
            nonspace += max(x[0] for x in sizes)
            words += max(x[1] for x in sizes)
            spaces |= any(x[2] for x in sizes)
            runs += max(x[3] for x in sizes)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            _lo, hi, inner = av
            n, w, s, r = _size(list(inner))
            bounded = hi != C.MAXREPEAT
            nonspace += 0 if not n else (hi * n if bounded else _INF)
            # Repeats of something without whitespace stay one run of non-space
            # characters; repeats of whitespace alone, one run of whitespace.
            words += 0 if not w else (min(w, 1) if not s else (hi * w if bounded else _INF))
            runs += 0 if not r else (min(r, 1) if not n else (hi * r if bounded else _INF))
            spaces |= s and hi > 0
        else:             # back references, conditionals: no bound
            return _INF, _INF, True, _INF
    return nonspace, min(words, runs + 1), spaces, runs




def _start_anchored(tree) -> bool:
    """Every match starts where the searched text starts: ``^`` before anything consumed."""
    if tree.state.flags & re.MULTILINE:
        return False
    for op, av in tree:
        if op is C.AT and av in _STARTS:
            return True
        if op is not C.ASSERT and op is not C.ASSERT_NOT:
            return False
    return False


def _end_anchored(tree) -> bool:
    items = list(tree)
    return (not tree.state.flags & re.MULTILINE and bool(items)
            and items[-1][0] is C.AT and items[-1][1] in _ENDS)


def _gate(tree) -> tuple[int | None, int | None]:
    """Bounds on the non-space characters and words of the searched text.

    From a lookahead before anything consumed in a ``^``-anchored pattern
    that reaches ``$`` (``^(?=.{0,90}$)``): it spans the whole text. And,
    when every match spans it all (``$`` last too), from the pattern itself.
    """
    if not _start_anchored(tree):
        return None, None
    items = list(tree)
    nonspace = words = _INF
    for op, av in items:
        if op is C.ASSERT and av[0] == 1:          # a lookahead before anything consumed
            sub = list(av[1])
            if sub and sub[-1][0] is C.AT and sub[-1][1] in _ENDS:
                n, w, _, _ = _size(sub)
                nonspace, words = min(nonspace, n), min(words, w)
        elif op is not C.AT and op is not C.ASSERT_NOT:
            break
    if _end_anchored(tree):
        n, w, _, _ = _size(items)
        nonspace, words = min(nonspace, n), min(words, w)
    return (int(nonspace) if nonspace != _INF else None, int(words) if words != _INF else None)


# --- digits and forbidden characters -----------------------------------------------------

_DIGITS_ONLY = frozenset("0123456789")


def _is_digit_class(op, av) -> bool:
    if op is C.LITERAL:
        return chr(av) in _DIGITS_ONLY
    if op is not C.IN:
        return False
    items = list(av)
    return bool(items) and all(
        (o is C.CATEGORY and a in (C.CATEGORY_DIGIT, C.CATEGORY_UNI_DIGIT))
        or (o is C.LITERAL and chr(a) in _DIGITS_ONLY)
        or (o is C.RANGE and chr(a[0]) in _DIGITS_ONLY and chr(a[1]) in _DIGITS_ONLY)
        for o, a in items)


def _needs_digit(items: list) -> bool:
    """Whether every match of a sequence holds a (Unicode decimal) digit."""
    for op, av in items:
        if _is_digit_class(op, av):
            return True
        if op is C.SUBPATTERN and _needs_digit(list(av[-1])):
            return True
        if op is C.ATOMIC_GROUP and _needs_digit(list(av)):
            return True
        if op is C.ASSERT and _needs_digit(list(av[1])):
            return True
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1 \
                and _needs_digit(list(av[2])):
            return True
        if op is C.BRANCH and all(_needs_digit(list(alt)) for alt in av[1]):
            return True
    return False


def _forbidden(tree) -> str:
    """Characters no matched line holds: ``(?!.*[...])`` before anything consumed
    in a ``^``-anchored pattern (``.`` reaches every character of a line)."""
    if not _start_anchored(tree):
        return ""
    found: set[str] = set()
    for op, av in tree:
        if op is C.AT:
            continue
        if op is C.ASSERT:
            continue
        if op is not C.ASSERT_NOT:
            break
        direction, sub = av
        sub = list(sub)
        if direction != 1 or len(sub) != 2:
            continue
        (rop, rav), (cop, cav) = sub
        if rop not in (C.MAX_REPEAT, C.MIN_REPEAT) or rav[0] != 0 or rav[1] != C.MAXREPEAT \
                or list(rav[2]) != [(C.ANY, None)]:
            continue
        members = [cav] if cop is C.LITERAL else list(cav) if cop is C.IN else None
        if not members or not all(o is C.LITERAL for o, _ in ([(cop, cav)] if cop is C.LITERAL
                                                                else members)):
            continue
        chars = [chr(a) for a in (members if cop is C.LITERAL else [a for _, a in members])]
        # Only characters without case variants: the line is tested as it is.
        if all(len(normalize(c)) == 1 and normalize(c) == c and c.upper() == c for c in chars):
            found.update(chars)
    return "".join(sorted(found))


# --- heads ------------------------------------------------------------------------------
#
# A head is followed through the tree as a set of states: the head read so
# far ("" while only characters before the first letter or digit were
# consumed). A state that ends in _DONE stopped early: the line's head only
# has to start with it. A character class too large to enumerate ends every
# started head where it stands. A started head that a lookahead lets go on
# only with some characters carries them after _NEXT, until the next step
# (the "o" of a text browser's list item, ``o(?=\s)``: else every line
# starting with "O", "Our", "One", "Once", would pass as a possible "o").

_DONE = "\0"
_NEXT = "\x02"


class _NoHeads(Exception):
    """The pattern's heads cannot be bounded (say, it may start with any letter)."""


@lru_cache(maxsize=None)
def head_char(c: str) -> str:
    """A character as heads compare it: normalised, whitespace as " "."""
    c = normalize(c)
    return " " if c.isspace() else c


@lru_cache(maxsize=1)
def _digits() -> frozenset[str]:
    return frozenset(chr(c) for c in range(0x110000) if chr(c).isdecimal())


_NOT_WORD = object()      # \W: characters that never start a head


@lru_cache(maxsize=256)
def _head_chars(items: tuple):
    """The head characters a class can match: a set, ``_NOT_WORD``, or None (too many to list)."""
    out: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(head_char(chr(av)))
        elif op is C.RANGE:
            lo, hi = av
            if hi - lo > 20_000:
                return None
            out.update(head_char(chr(c)) for c in range(lo, hi + 1))
        elif op is C.CATEGORY and av in _SPACES:
            out.add(" ")
        elif op is C.CATEGORY and av in (C.CATEGORY_DIGIT, C.CATEGORY_UNI_DIGIT):
            out.update(_digits())
        elif op is C.CATEGORY and av in (C.CATEGORY_NOT_WORD, C.CATEGORY_UNI_NOT_WORD) \
                and len(items) == 1:
            return _NOT_WORD
        else:             # \w, \S, negated classes...
            return None
    return frozenset(out)


def _finished(h: str) -> bool:
    """Whether the head read so far takes no more characters: full, or stopped
    early (a head still waiting on a lookahead's characters is not)."""
    return h.endswith(_DONE) or (len(h) >= HEAD and _NEXT not in h)


def _step(states: set[str], chars) -> set[str]:
    """The states after one more character from ``chars``."""
    out: set[str] = set()
    for h in states:
        if _NEXT in h:                      # a lookahead allows only some characters here
            h, allowed = h.split(_NEXT)
            if chars is None or chars is _NOT_WORD:
                both = frozenset(c for c in allowed if chars is None or not c.isalnum())
            else:
                both = frozenset(allowed).intersection(chars)
            if both:                        # else no line goes on this way
                out |= _step({h}, both)
            continue
        if _finished(h):
            out.add(h)
        elif not h:
            if chars is _NOT_WORD:
                out.add("")
                continue
            if chars is None:
                raise _NoHeads
            starts = [c for c in chars if c.isalnum()]
            if len(starts) < len(chars):
                out.add("")                   # a character before the head
            if len(starts) > _MAX_HEAD_CLASS:
                # ASCII ones go on; for the rest (① ② ...) any head that
                # starts outside ASCII is admitted.
                out.update(c for c in starts if c.isascii())
                if not all(c.isascii() for c in starts):
                    out.add(NON_ASCII_HEAD + _DONE)
            else:
                out.update(starts)
        elif chars is None or chars is _NOT_WORD or len(chars) > _MAX_HEAD_CLASS:
            out.add(h + _DONE)
        else:
            # A pattern's own "\x02" would read as a lookahead's mark (_NEXT):
            # the head stops before it instead, which admits more, never less.
            out.update(h + c if c != _NEXT else h + _DONE for c in chars)
    if len(out) > _MAX_STATES:
        raise _NoHeads
    return out


def _follow(items: list, states: set[str]) -> set[str]:
    for op, av in items:
        if all(map(_finished, states)):
            return states
        if op is C.LITERAL:
            states = _step(states, {head_char(chr(av))})
        elif op is C.ANY or op is C.NOT_LITERAL:
            states = _step(states, None)
        elif op is C.IN:
            states = _step(states, _head_chars(tuple(av)))
        elif op is C.ASSERT and av[0] == 1:
            states = _look_ahead(list(av[1]), states)
        elif op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
            continue      # zero-width; a lookaround only narrows the matches
        elif op is C.SUBPATTERN:
            states = _follow(list(av[-1]), states)
        elif op is C.ATOMIC_GROUP:
            states = _follow(list(av), states)
        elif op is C.BRANCH:
            states = set().union(*(_follow(list(alt), states) for alt in av[1]))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, hi, inner = av
            inner = list(inner)
            for _ in range(lo):
                states = _follow(inner, states)
            # Any number of further repeats: add states until nothing new comes.
            seen, count = set(states), lo
            while count < hi:
                states = _follow(inner, states)
                count += 1
                if states <= seen:
                    break
                seen |= states
                if len(seen) > _MAX_STATES:
                    raise _NoHeads
            states = seen
        else:             # back references, conditionals
            raise _NoHeads
    return states


def _look_ahead(items: list, states: set[str]) -> set[str]:
    """``states`` with a positive lookahead ``items`` seen: a started head
    that it lets go on only with a few characters carries them (``_NEXT``).
    Only a lookahead that opens with one character from a class or a literal
    narrows anything; any other is zero-width here, as before."""
    if not items or items[0][0] not in (C.LITERAL, C.IN):
        return states
    op, av = items[0]
    chars = {head_char(chr(av))} if op is C.LITERAL else _head_chars(tuple(av))
    if chars is None or chars is _NOT_WORD or len(chars) > _MAX_HEAD_CLASS or _NEXT in chars:
        return states
    allowed = "".join(sorted(chars))
    return {h + _NEXT + allowed if h and _NEXT not in h and not _finished(h) else h
            for h in states}


def _heads(tree) -> tuple[str, ...] | None:
    """The heads a line matched by a ``^``-anchored pattern can have, or None.

    "" among them: a line without any letter or digit (only for a pattern that
    must match the whole line).
    """
    if not _start_anchored(tree):
        return None
    try:
        states = _follow(list(tree), {""})
    except _NoHeads:
        return None
    heads = {h.split(_NEXT)[0].rstrip(_DONE) for h in states}
    if ("" in heads and not _end_anchored(tree)) or len(heads) > MAX_HEADS:
        return None
    return tuple(sorted(heads))
