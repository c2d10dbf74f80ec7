"""A rule pattern's groups of alternatives, so that a short input compiles only those its lines can match.

Most of the time of cleaning one short document was ``re.compile`` of the
rules the prefilter let through, and most of those then matched nothing:
patterns built from ``{{fragments}}`` are big alternations
(``^\\W*(?:subscribe|sign\\s+up|...70 more)\\b.*newsletter``), and a line
with "newsletter" in it makes the whole rule a candidate, though none of the
70 can match it.

An alternative that cannot match anywhere in a line (a literal that every
match of it holds is not in the line) takes part in no match of the pattern
on that line, wherever it stands (in a repeat, a lookaround, an atomic
group): each time the search tries it, it fails. So the pattern with that
alternative taken out of its group finds the very same matches in that line;
a group left with no alternative is ``(?!)``, which fails the same way. A
line is searched with the pattern cut down to the alternatives it may match,
and the answer is the one the whole pattern gives. Taking out alternatives
renumbers the groups after them: patterns with back-references or
conditionals are left whole. Only whether a line matches is asked of the
pattern (rules that remove spans are left whole: where they match is their
answer, and what they cost is not the start-up's).

``split`` reads the pattern's text (escapes, classes, groups) to find its
groups; ``scripts/rule_literals.py`` keeps them for the shipped patterns,
with what each alternative needs (``needs``, read from the alternative
alone), in ``data/rule_parts.jsonl`` (one line per pattern; the pattern's
needs in ``data/rule_literals.json`` say where). At run time ``Alternatives`` finds
which alternatives a batch of lines may match and compiles the pattern with
those only, in the first batch that needs the rule (``NARROW_BATCHES``), and
unless that would cost as much as compiling the whole pattern; then the
whole pattern is used, as for any other rule.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING, Callable, NamedTuple, Sequence

from .prefilter import Needs, line_starts, normalize, set_bits
from .programs import compiled

if TYPE_CHECKING:
    from .rules import Rule

_DIGIT = compiled(r"\d").search

# A group that sets flags of its own ("(?-i:", "(?s:").
_SCOPED_FLAGS = compiled(r"\(\?[aiLmsux]*-?[imsx]*:(?<!\(\?:)")
# The opening of a group that is not "(" or "(?:": lookarounds, atomic groups,
# scoped flags. Global flags ("(?i)"), references ("(?P=x)") and conditionals
# ("(?(1)") make ``split`` give up.
_GROUP_OPENING = compiled(r"\(\?(?:<=|<!|=|!|>|[aiLmsux]*-?[imsx]+:|P<\w+>)")


# A NamedTuple, not a dataclass: its class is made at start-up (see blocks.Block).
class Group(NamedTuple):
    """A group of alternatives in a pattern's text: it opens at ``start``
    (``pattern[start:body]`` is "(?:", "(?=", ...), closes with the ")" just
    before ``end``, and alternative ``k`` is ``pattern[a:b]``,
    ``a, b = bounds[2 * k], bounds[2 * k + 1]``."""
    start: int
    body: int
    end: int
    bounds: tuple[int, ...]      # flat: as the shipped data holds them, read with no pairing

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Each alternative's (a, b)."""
        return list(zip(self.bounds[::2], self.bounds[1::2]))


# A NamedTuple, not a dataclass: its class is made at start-up (see blocks.Block).
class Split(NamedTuple):
    """The groups of alternatives of a pattern (``split``), in text order; a
    group may lie inside an alternative of another. Alternatives are numbered
    across all groups in that order."""
    groups: tuple[Group, ...]

    @property
    def size(self) -> int:
        return sum(len(g.bounds) for g in self.groups) // 2

    def spans(self) -> list[tuple[int, int]]:
        """Every alternative's span, by number."""
        return [span for g in self.groups for span in g.spans]

    def pattern(self, pattern: str, alive: int) -> str:
        """``pattern`` with only the alternatives in the mask ``alive`` (bit k:
        alternative k) in their groups; a group left with none is ``(?!)``
        inside its parentheses, which never matches."""
        groups = self.groups
        out: list[str] = []
        first_of = [0]          # per group, the number of its first alternative
        for g in groups:
            first_of.append(first_of[-1] + len(g.bounds) // 2)

        def emit(lo: int, hi: int, i: int) -> int:
            """Writes ``pattern[lo:hi]``, from group ``i`` on; returns the first group after it."""
            pos = lo
            while i < len(groups) and groups[i].start < hi:
                g = groups[i]
                k = first_of[i]
                out.append(pattern[pos:g.body])
                i += 1
                first = True
                bounds = iter(g.bounds)
                for a, b in zip(bounds, bounds):
                    if alive >> k & 1:
                        if not first:
                            out.append("|")
                        first = False
                        i = emit(a, b, i)
                    else:        # the groups inside it go with it
                        while i < len(groups) and groups[i].start < b:
                            i += 1
                    k += 1
                if first:
                    out.append("(?!)")
                out.append(")")
                pos = g.end
            out.append(pattern[pos:hi])
            return i

        emit(0, len(pattern), 0)
        return "".join(out)

    def to_json(self) -> list[list[int]]:
        # One list of offsets per group: [start, body, end, a, b, a, b, ...].
        # (rule_parts.jsonl is not indented: lists cost no more room than a
        # string of the numbers, and json's C reader parses them 3x faster.)
        return [[g.start, g.body, g.end, *g.bounds] for g in self.groups]

    @classmethod
    def from_json(cls, data: list[list[int]]) -> "Split":
        return cls(tuple(Group(g[0], g[1], g[2], tuple(g[3:])) for g in data))


class _Unsplittable(Exception):
    """Text ``split`` does not read (it leaves the pattern whole)."""


class _Top(Exception):
    """A "|" outside any group."""


def _groups(p: str, i: int, nested: bool, found: list[Group]) -> int:
    """Reads ``p`` from ``i`` to the ``)`` that closes a group (``nested``) or
    the end, adding the groups of two or more alternatives to ``found``
    (outer ones first); returns where it stopped."""
    n = len(p)
    while i < n:
        c = p[i]
        if c == "\\":
            i += 2
        elif c == "[":
            j = i + 1
            if j < n and p[j] == "^":
                j += 1
            if j < n and p[j] == "]":      # a "]" first is a member
                j += 1
            while j < n and p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            if j >= n:
                raise _Unsplittable("unclosed class")
            i = j + 1
        elif c == "(":
            if p.startswith("(?#", i):
                j = p.find(")", i)
                if j < 0:
                    raise _Unsplittable("unclosed comment")
                i = j + 1
                continue
            if p.startswith("(?:", i):
                body = i + 3
            elif not p.startswith("(?", i):
                body = i + 1
            else:
                m = _GROUP_OPENING.match(p, i)
                if m is None:
                    raise _Unsplittable(f"group at {i}")
                body = m.end()
            at = len(found)
            found.append(None)                  # its place, before the groups inside it
            bars = []
            j = body
            while True:
                j = _groups(p, j, True, found)
                if p[j] == "|":
                    bars.append(j)
                    j += 1
                else:                           # its ")"
                    break
            if bars:
                edges = [body, *bars, j]
                found[at] = Group(i, body, j + 1, tuple(x for k in range(len(edges) - 1)
                                                        for x in (edges[k] + (k > 0), edges[k + 1])))
            else:
                del found[at]
            i = j + 1
        elif c == ")":
            if not nested:
                raise _Unsplittable("unbalanced )")
            return i
        elif c == "|":
            if nested:
                return i
            raise _Top()
        else:
            i += 1
    if nested:
        raise _Unsplittable("unclosed group")
    return i


def inside(op, av) -> list:
    """The item lists inside one node of a parse tree (``re._parser``): what a
    walk of the tree goes down into."""
    from re import _constants as C

    if op is C.SUBPATTERN:
        return [av[3]]
    if op is C.BRANCH:
        return av[1]
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return [av[2]]
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [av[1]]
    if op is C.ATOMIC_GROUP:
        return [av]
    return []


def group_references() -> tuple:
    """The parse tree's operators that refer to a group by number (back-references, conditionals)."""
    from re import _constants as C

    return (C.GROUPREF, C.GROUPREF_EXISTS, C.GROUPREF_IGNORE, C.GROUPREF_LOC_IGNORE,
            C.GROUPREF_UNI_IGNORE)


def _counts_groups(items) -> bool:
    """Whether a parse tree refers to groups by number (back-references, conditionals)."""
    refs = group_references()
    return any(op in refs or any(map(_counts_groups, inside(op, av))) for op, av in items)


def split(pattern: str, flags: int = 0) -> Split | None:
    """Every group of two or more alternatives in ``pattern``; None when it has
    none, or when its matches could depend on more than which alternatives
    can match (see the module's docstring)."""
    from re import _parser

    if flags & re.VERBOSE:
        return None
    try:
        tree = _parser.parse(pattern, flags)
        if tree.state.flags & re.VERBOSE or _counts_groups(list(tree)):
            return None
        found: list[Group] = []
        _groups(pattern, 0, False, found)
    except (re.error, _Unsplittable, _Top, RecursionError):   # _Top: "A|B" outside a group (rare)
        return None
    return Split(tuple(found)) if found else None


def alternative_needs(pattern: str, flags: int, found: Split) -> list[Needs]:
    """What each alternative needs, read from it alone: its literal clauses and
    whether it holds a digit (any match through an alternative holds a match of
    it). Edges, gates and heads read where the text ends, which an alternative
    alone does not know: they are left out."""
    from .needs import analyze

    out = []
    for a, b in found.spans():
        needs = analyze(f"(?:{pattern[a:b]})", flags)
        out.append(Needs(needs.clauses, digit=needs.digit))
    return out


def splittable(rule: "Rule") -> bool:
    """Rules whose pattern may be searched by parts: shipped ``re`` rules that
    only ask whether a line matches (not drop-span: it removes the spans)."""
    return rule.action != "drop-span" and rule.timeout is None and rule.pattern.engine == "re"


def parts_json(rule: "Rule") -> dict | None:
    """A rule's split and what its alternatives need, as the shipped data keeps
    them (``scripts/rule_literals.py``); None when it has no split.

    Laid out for the run, which reads it for every rule that is a candidate
    on some line: ``first`` maps each literal of the alternatives' first
    clauses to the alternatives ("3 17 18") whose first clause holds it (a
    batch of lines holds few of them, and only those are read); ``more``
    holds the further clauses of an alternative (clauses apart by tabs,
    literals by newlines: no literal holds a newline, and one with a tab
    would be read as two that the line must both hold, looser, never
    wrong); ``always`` the
    alternatives that need no literal, ``digit`` those that need a digit,
    ``searched`` those tested by a search of their own (``MIN_SEARCHED_RANGE``;
    number, start, end), ``cased`` those among them that are one "(?-i:...)"
    group, searched without IGNORECASE (``Alternatives.searched``).
    The alternatives' numbers are strings of numbers (most are never read);
    the split's offsets are lists (``Split.to_json``), which every search by
    parts reads.
    """
    if not splittable(rule):
        return None
    pattern, flags = rule.pattern.pattern, rule.pattern.source_flags
    found = split(pattern, flags)
    if found is None:
        return None
    # An alternative searched alone has the pattern's flags: only when no group
    # sets a flag of its own but "-i" (which makes a match only harder).
    may_search = all(m.group() == "(?-i:" for m in _SCOPED_FLAGS.finditer(pattern))
    first: dict[str, list[int]] = {}
    more: dict[str, str] = {}
    always, digit, searched, cased = [], [], [], []
    for k, needs in enumerate(alternative_needs(pattern, flags, found)):
        if needs.digit:
            digit.append(k)
        if not needs.clauses:
            always.append(k)
            a, b = found.spans()[k]
            if may_search and _range_size(pattern[a:b], flags) >= MIN_SEARCHED_RANGE:
                searched.extend((k, a, b))
                if flags & re.IGNORECASE and _case_sensitive(pattern[a:b], flags):
                    cased.append(k)
            continue
        for lit in needs.clauses[0]:
            first.setdefault(lit, []).append(k)
        if len(needs.clauses) > 1:
            more[str(k)] = "\t".join("\n".join(c) for c in needs.clauses[1:])
    return {"split": found.to_json(), "first": {lit: _numbers(ks) for lit, ks in first.items()},
            "more": more, "always": _numbers(always), "digit": _numbers(digit),
            "searched": _numbers(searched), "cased": _numbers(cased)}


def _case_sensitive(text: str, flags: int) -> bool:
    """Whether ``text`` is one group that turns IGNORECASE off ("(?-i:...)"):
    searched alone, it matches the same with the flag or without."""
    from re import _constants as C, _parser

    items = list(_parser.parse(text, flags))
    return (len(items) == 1 and items[0][0] is C.SUBPATTERN
            and bool(items[0][1][2] & re.IGNORECASE))


# An alternative with no literal to test whose character classes hold this
# many characters of ranges (below U+10000) is tested by a search of its own
# on the line: re's compiler walks such ranges a character at a time, in
# every pattern that holds them ({{bullet}}'s class, in 87 patterns, was the
# better part of their cost); its own search is compiled once per run.
MIN_SEARCHED_RANGE = 1000


def _range_size(text: str, flags: int) -> int:
    """How many characters below U+10000 the ranges of the classes in ``text`` hold."""
    from re import _constants as C, _parser

    def walk(items) -> int:
        size = 0
        for op, av in items:
            if op is C.IN:
                size += sum(min(hi, 0xFFFF) - lo + 1 for o, (lo, hi) in
                            ((o, v) for o, v in av if o is C.RANGE) if lo <= 0xFFFF)
            else:
                size += sum(map(walk, inside(op, av)))
        return size

    return walk(_parser.parse(text, flags))


def _numbers(ks: Sequence[int]) -> str:
    return " ".join(map(str, ks))


def _mask(numbers: str) -> int:
    """The bit mask of the alternatives in a string of numbers."""
    m = 0
    for k in numbers.split():
        m |= 1 << int(k)
    return m


# --- at run time --------------------------------------------------------------------------

# Batches of lines (calls of signals.rule_hits with new lines: one per
# document, mostly) in which a rule is narrowed to its alternatives before the
# whole pattern is compiled anyway. One: a single document (the command
# line's usual input) compiles only the parts it needs; a long run pays for
# one part per rule, then compiles the whole once and narrows no batch after.
# (With 4, the parts' compiles cost a run of the corpus 3% of its rule time.)
NARROW_BATCHES = 1


class Alternatives:
    """One rule's alternatives: which of them lines may match, and a search
    that covers those, compiled on demand.

    ``possible`` tests the alternatives' clauses on the lines (substring
    tests after ``normalize``, as the prefilter's); ``search_for`` compiles
    the pattern with only the alternatives needed, or says (None) to use the
    whole pattern from now on: when what the parts compiled so far cost, by
    their length, would reach what the whole costs. ``data`` is the rule's
    ``parts`` in the shipped data (``parts_json``), read as far as needed.
    """

    def __init__(self, pattern: str, flags: int, data: dict) -> None:
        self.pattern = pattern
        self.flags = flags
        self.data = data
        self.covered = 0                 # the alternatives the compiled part holds
        self.search: Callable | None = None
        self.spent = 0                   # characters of the pattern compiled in parts
        self.batches = 0
        self.parts_compiled = 0
        self.always = _mask(data.get("always", ""))
        self.digit = _mask(data.get("digit", ""))
        self._first: dict[str, int] = {}
        self._more: dict[int, tuple[tuple[str, ...], ...]] = {}
        more = data.get("more", {})
        self.has_more = _mask(" ".join(more))
        self._searched: list[tuple[int, Callable]] | None = None

    def possible(self, lines: Sequence[str]) -> list[int]:
        """For each line, the alternatives (bit mask) that may match it."""
        self.batches += 1
        norm = [normalize(line) for line in lines]
        joined = "\n".join(norm)
        starts = line_starts(norm)
        out = [self.always] * len(norm)
        # One search per literal in all the lines at once, then one per line that
        # holds it: a literal has no line break, so each hit lies in one line.
        for lit in self.data["first"]:
            at = joined.find(lit)
            if at < 0:
                continue
            bits = self._first_mask(lit)
            while at >= 0:
                j = bisect_right(starts, at) - 1
                out[j] |= bits
                at = joined.find(lit, starts[j + 1]) if j + 1 < len(starts) else -1
        for j, line in enumerate(norm):
            m = out[j]
            if not m:
                continue
            for k in set_bits(m & self.has_more):
                if not all(any(lit in line for lit in c) for c in self._more_of(k)):
                    m &= ~(1 << k)
            if m & self.digit and not _DIGIT(line):
                m &= ~self.digit
            out[j] = m
        for bit, search in self.searched():
            # On the text the rule's pattern searches: a line stripped.
            for j, line in enumerate(lines):
                if out[j] & bit and not search(line.strip()):
                    out[j] &= ~bit
        return out

    def searched(self) -> list[tuple[int, Callable]]:
        """The alternatives tested by a search of their own (``MIN_SEARCHED_RANGE``):
        (bit, search). A match through an alternative holds a match of it, on
        the same text, under the same flags (``parts_json``)."""
        if self._searched is None:
            numbers = list(map(int, self.data.get("searched", "").split()))
            # A "(?-i:...)" alternative is compiled without IGNORECASE, as in the
            # case-sensitive rules: re compiles {{bullet}}'s glyph class once, not
            # once per flag set (~0.6 ms each).
            cased = _mask(self.data.get("cased", ""))
            self._searched = [
                (1 << k, re.compile(f"(?:{self.pattern[a:b]})",
                                    self.flags & ~re.IGNORECASE if cased >> k & 1 else self.flags).search)
                for k, a, b in zip(numbers[::3], numbers[1::3], numbers[2::3])]
        return self._searched

    def _first_mask(self, lit: str) -> int:
        m = self._first.get(lit)
        if m is None:
            m = self._first[lit] = _mask(self.data["first"][lit])
        return m

    def _more_of(self, k: int) -> tuple[tuple[str, ...], ...]:
        c = self._more.get(k)
        if c is None:
            c = self._more[k] = tuple(tuple(x.split("\n")) for x in self.data["more"][str(k)].split("\t"))
        return c

    @property
    def done(self) -> bool:
        """Whether the rule should be searched whole from the next batch on."""
        return self.batches >= NARROW_BATCHES

    def search_for(self, needed: int) -> Callable | None:
        """A search of the pattern with (at least) the alternatives in ``needed``
        (the ones compiled before too, so that it serves later batches as
        well); None: use the whole pattern."""
        if needed & ~self.covered == 0 and self.search is not None:
            return self.search
        chosen = self.covered | needed
        text = Split.from_json(self.data["split"]).pattern(self.pattern, chosen)
        if self.spent + len(text) >= len(self.pattern):
            return None
        self.spent += len(text)
        self.covered = chosen
        self.search = re.compile(text, self.flags).search
        self.parts_compiled += 1
        return self.search
