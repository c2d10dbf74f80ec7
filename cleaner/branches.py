"""Alternations rewritten so that the matcher enters only those a character can open.

``re``'s matcher tries the alternatives of a group one after another. It
passes over one without entering it only when the alternative opens with a
literal or a class compared as written (``LITERAL``, ``IN``). Under
``re.IGNORECASE`` a cased literal is compared by its case
(``LITERAL_UNI_IGNORE``), and every alternative is entered, its state saved
and restored. A rule that looks for any of ~150 phrases anywhere in a line
(``.*{{word_start}}{{your_support}}``, eight languages) entered all 150 at
each word start of every line handed to it: 1.3 s of the 7 s that the rules'
patterns take on the dev corpus's lines. Rewritten, the rules' matching takes
about half the time.

``dispatched`` rewrites a parse tree of ``re``'s parser into one that matches
the same text with the same spans and groups. Each alternation of at least
``MIN_ALTERNATIVES`` alternatives goes through three steps:

1. **spread**: an alternative that opens with a group of alternatives or an
   optional item becomes the alternatives it stands for, in the order the
   matcher tries them: ``(?:a|b)c`` is ``ac|bc``; ``(?:a)?b`` is ``ab|b``
   (``b|ab`` when lazy). Not where that would repeat a capturing group or a
   back reference, and at most ``MAX_SPREAD`` alternatives from one.
2. **group**: alternatives next to each other that open with a literal are
   grouped by the characters that literal matches (under ``IGNORECASE``:
   "y" and "Y"; "k", "K" and the Kelvin sign), the order within a group kept:
   ``your|our|yet`` is ``y(?:our|et)|our``, and each group's rests are grouped
   again. Two alternatives whose first literals match no common character
   never both match at one place, so which one matches first there does not
   depend on their order. An alternative that opens otherwise, or whose
   characters overlap a group's without being the same, keeps its place: the
   alternatives around it are not moved across it.
3. **compare as written**: under ``IGNORECASE`` a group opens with the
   class of its characters matched case-sensitively (``(?-i:[Yy])``), an
   ``IN`` the matcher tests without entering the group (not where a
   character lies beyond Latin-1: ``LATIN_1``).

The rewritten tree is compiled by ``re``'s own compiler (``programs.make``):
the shipped rules' programs and the package's own come from it, and are
checked against the pattern as ``re`` compiles it on the rules' examples
and lines (tests/test_branches.py). Without stored programs (another
Python) the patterns are compiled by ``re`` as written: the same matches,
found more slowly.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from re import _constants as sre
from re import _parser

from .alternatives import group_references, inside

SubPattern = _parser.SubPattern
Items = list   # a SubPattern's data: (op, av) pairs

# Alternatives one alternative may be spread into: each repeats what follows
# its opening group. Matching the shipped rules on the dev corpus's lines
# (bench/rule_cost.py's lines) took 6.4-8.2 s as written; spread into at most
# 4, 8 or 16: 3.6-3.8 s; 32: 4.4 s; not spread: 5.2 s.
MAX_SPREAD = 16
# Alternations of fewer alternatives are left as written: the matcher's tries
# are few, and each group's opening class is more code to load. Rewriting all
# of them made the shipped rules' code 1.8 million words (1.0 as written) for
# no faster a search than rewriting those of 6 or more (1.3 million).
MIN_ALTERNATIVES = 6

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_REFERENCES = group_references()


def dispatched(tree: SubPattern, flags: int) -> SubPattern:
    """``tree`` (``re._parser.parse(pattern, flags)``) with its alternations
    rewritten to dispatch on their first character; ``flags``: the pattern's
    flags with the ones it sets itself (``tree.state.flags``)."""
    flags = int(flags)          # RegexFlag's operators are slow: a tree has thousands of nodes
    if flags & sre.SRE_FLAG_LOCALE:     # classes by the locale of the match: left as written
        return tree
    return _rewrite(tree, flags)


def _rewrite(p: SubPattern, flags: int) -> SubPattern:
    out: Items = []
    for op, av in p.data:
        if op is sre.SUBPATTERN:
            group, add, remove, sub = av
            av = (group, add, remove, _rewrite(sub, (flags | add) & ~remove))
        elif op in _REPEATS:
            av = (av[0], av[1], _rewrite(av[2], flags))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            av = (av[0], _rewrite(av[1], flags))
        elif op is sre.ATOMIC_GROUP:
            av = _rewrite(av, flags)
        elif op is sre.GROUPREF_EXISTS:
            av = (av[0], _rewrite(av[1], flags), None if av[2] is None else _rewrite(av[2], flags))
        elif op is sre.BRANCH and len(av[1]) >= MIN_ALTERNATIVES:
            out.extend(_alternation([list(a.data) for a in av[1]], p.state, flags))
            continue
        elif op is sre.BRANCH:
            av = (None, [_rewrite(a, flags) for a in av[1]])
        out.append((op, av))
    return SubPattern(p.state, out)


def _alternation(alternatives: list[Items], state: Any, flags: int, limit: int = MAX_SPREAD) -> Items:
    """Items that match as ``BRANCH`` of ``alternatives`` does, grouped by first
    character (``limit``: how many alternatives one may be spread into)."""
    spread: list[Items] = []
    for items in alternatives:
        spread.extend([items] if state.groups > 1 and _has_groups(items) else _spread(items, limit))
    groups: list[tuple[frozenset | None, list[Items]]] = []
    run: list[tuple[frozenset, list[Items]]] = []      # the groups alternatives may still join
    for items in spread:
        chars = _opening_chars(items, flags, state)
        if chars is None:               # keeps its place: nothing moves across it
            groups.append((None, [items]))
            run = []
            continue
        same = next((g for g in run if g[0] == chars), None)
        if same is not None:
            same[1].append(items)
            continue
        if any(g[0] & chars for g in run):
            run = []
        group = (chars, [items])
        groups.append(group)
        run.append(group)
    branches = []
    for chars, members in groups:
        if chars is None:
            branches.append(_rewrite(SubPattern(state, members[0]), flags).data)
            continue
        first = _compared_as_written(members[0][0], chars, state, flags)
        if len(members) == 1:
            rest = _rewrite(SubPattern(state, members[0][1:]), flags).data
        else:
            # Grouped again, not spread again: spreading the rests too made
            # more code and no faster a search (measured on the dev lines).
            rest = _alternation([m[1:] for m in members], state, flags, limit=1)
        branches.append([first, *rest])
    if len(branches) == 1:
        return branches[0]
    return [(sre.BRANCH, (None, [SubPattern(state, b) for b in branches]))]


def _spread(items: Items, limit: int) -> list[Items]:
    """Alternatives equal to the sequence ``items``, in the order the matcher
    tries them, spread out of its opening group or optional item (at most
    ``limit`` of them)."""
    if not items or limit <= 1:
        return [items]
    op, av = items[0]
    rest = items[1:]
    if op is sre.SUBPATTERN and av[0] is None and not av[1] and not av[2]:
        return _spread(list(av[3].data) + rest, limit)       # (?:...) without flags of its own
    if op is sre.BRANCH and len(av[1]) <= limit:
        share = max(1, limit // len(av[1]))
        return [out for a in av[1] for out in _spread(list(a.data) + rest, share)]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[:2] == (0, 1) and av[2].getwidth()[0] > 0:
        once = _spread(list(av[2].data) + rest, limit // 2)
        never = _spread(rest, limit // 2)
        return once + never if op is sre.MAX_REPEAT else never + once
    return [items]


def _has_groups(items: Items) -> bool:
    """Whether ``items`` hold a capturing group or a back reference (not to be repeated)."""
    return any(op in _REFERENCES or (op is sre.SUBPATTERN and av[0] is not None)
               or any(map(_has_groups, inside(op, av))) for op, av in items)


def _opening_chars(items: Items, flags: int, state: Any) -> frozenset | None:
    """The characters an alternative's opening literal matches (None: it opens otherwise)."""
    if not items or items[0][0] is not sre.LITERAL:
        return None
    return matched_by(items[0][1], flags & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_ASCII),
                      isinstance(state.str, bytes))


# A class with a character beyond this is compiled by ``re`` to a table of
# ~90 code words (BIGCHARSET) where two letters take 6: under IGNORECASE "k",
# "s" and "i" also match the Kelvin sign, the long s and the dotted and
# dotless i. Such a group keeps its literal, entered when tried; giving it the
# class too made the rules' code 1.7 million words (1.3) for no faster a search.
LATIN_1 = 0xFF


def _compared_as_written(first: tuple, chars: frozenset, state: Any, flags: int) -> tuple:
    """A group's opening: its literal, or under ``IGNORECASE`` the class of the
    characters it matches, compared case-sensitively (an ``IN``), when all of
    them are Latin-1 characters."""
    if not flags & sre.SRE_FLAG_IGNORECASE or len(chars) == 1 or max(chars) > LATIN_1:
        return first
    members = SubPattern(state, [(sre.IN, [(sre.LITERAL, c) for c in sorted(chars)])])
    return (sre.SUBPATTERN, (None, 0, sre.SRE_FLAG_IGNORECASE, members))


@lru_cache(maxsize=None)
def matched_by(code: int, flags: int, is_bytes: bool = False) -> frozenset[int]:
    """The characters the literal with code ``code`` matches under ``flags``
    (``IGNORECASE``, ``ASCII``): asked of ``re`` itself, over every character."""
    if not flags & sre.SRE_FLAG_IGNORECASE:
        return frozenset((code,))
    if is_bytes:
        found = re.findall(re.escape(bytes((code,))), _every_byte(), flags)
        return frozenset(b[0] for b in found)
    return frozenset(map(ord, re.findall(re.escape(chr(code)), _every_character(), flags)))


@lru_cache(maxsize=1)
def _every_character() -> str:
    return "".join(map(chr, range(0x110000)))


@lru_cache(maxsize=1)
def _every_byte() -> bytes:
    return bytes(range(256))
