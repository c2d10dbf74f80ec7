"""Searching a rule's pattern by parts: only the alternatives a line can match, same answers."""
from __future__ import annotations

import re

import pytest
from conftest import FIXTURES

from cleaner.alternatives import NARROW_BATCHES, Alternatives, parts_json, split, splittable
from cleaner.blocks import split_lines
from cleaner.prefilter import LiteralIndex, literal_key, rule_sources, shipped_parts
from cleaner.rules import load_rules
from cleaner.signals import line_matches, rule_hits

RULES = load_rules([])


def _texts(pattern: str) -> list[list[str]]:
    found = split(pattern)
    return [[pattern[a:b] for a, b in g.spans] for g in found.groups] if found else None


@pytest.mark.parametrize("pattern, groups", [
    (r"^\W*(?:sign\s+up|subscribe)\b", [[r"sign\s+up", "subscribe"]]),
    (r"a(?:b|c(?:d|e))f", [["b", "c(?:d|e)"], ["d", "e"]]),        # outer groups first
    (r"[(|)](?:x|y)\)", [["x", "y"]]),                              # "(", "|", ")" in a class, escaped
    (r"[]|](?:x|\|)", [["x", r"\|"]]),                              # "]" first in a class is a member
    (r"(?=.*(?:foo|bar))(?<!x)(?:a|)", [["foo", "bar"], ["a", ""]]),
    (r"(?-i:[A-Z]|[0-9])(?#a|b)", [["[A-Z]", "[0-9]"]]),
    (r"(?P<n>a|b)c", [["a", "b"]]),
    (r"abc", None),                        # no alternatives
    (r"a|b", None),                        # "|" outside any group
    (r"(a|b)\1", None),                    # a back-reference counts groups
    (r"(?x) (?:a|b)", None),               # verbose: spaces and "#" are not text
])
def test_split_finds_every_group_of_alternatives(pattern, groups):
    assert _texts(pattern) == groups


def test_a_pattern_rebuilt_with_every_alternative_is_the_pattern():
    split_rules = [r for r in RULES if splittable(r) and split(r.pattern.pattern, r.pattern.source_flags)]
    assert len(split_rules) > 150
    for r in split_rules:
        p, flags = r.pattern.pattern, r.pattern.source_flags
        found = split(p, flags)
        assert found.pattern(p, (1 << found.size) - 1) == p, r.id
        re.compile(found.pattern(p, 0), flags)          # every group emptied: (?!)


def test_an_emptied_group_never_matches_and_its_nested_groups_go_with_it():
    p = r"^(?:a(?:x|y)|b)(?:c|d)?$"
    found = split(p)
    # alternatives: 0 "a(?:x|y)", 1 "b", 2 "x", 3 "y", 4 "c", 5 "d"
    assert found.pattern(p, 0b000010) == r"^(?:b)(?:(?!))?$"
    assert found.pattern(p, 0b010101) == r"^(?:a(?:x))(?:c)?$"
    assert re.search(found.pattern(p, 0b000010), "b") and not re.search(found.pattern(p, 0b000010), "bc")


def _lines() -> list[str]:
    lines = [b.text for f in sorted(FIXTURES.glob("*/input.txt"))
             for b in split_lines(f.read_text(encoding="utf-8")) if not b.blank]
    examples = [e for r in RULES for e in r.examples_drop + r.examples_keep]
    # Variants: case, bullets and glyphs the {{bullet}} class holds, a digit.
    return lines + examples + [e.upper() for e in examples] + [f"• {e}" for e in examples] \
        + [f"\u2192 {e} 2024" for e in examples]


@pytest.mark.slow     # every splittable rule on its candidates among ~12,000 lines: ~7 s
def test_the_parts_a_line_needs_match_it_exactly_as_the_whole_pattern():
    """On the lines the prefilter lets through for a rule, as ``rule_hits`` narrows
    (that it lets every match through is test_signals' check)."""
    lines = list(dict.fromkeys(_lines()))
    masks = LiteralIndex(rule_sources(RULES)).masks(lines)
    checked = 0
    for i, r in enumerate(RULES.rules):
        p, flags = r.pattern.pattern, r.pattern.source_flags
        data = shipped_parts(literal_key(p, flags))
        if not splittable(r) or data is None:
            continue
        candidates = [lines[j] for j, m in enumerate(masks) if m >> i & 1]
        parts = Alternatives(p, flags, data)
        possible = parts.possible(candidates)
        needed = 0
        for m in possible:
            needed |= m
        part = re.compile(parts_pattern(p, flags, needed), flags)
        whole = r.pattern.compiled
        for text, m in zip(candidates, possible):
            text = text.strip()
            assert bool(m and part.search(text)) == bool(whole.search(text)), (r.id, text)
        # A line that matches, with the parts it needs alone.
        for text in [e for e in r.examples_drop if whole.search(e.strip())][:3]:
            m = parts.possible([text])[0]
            assert m and re.search(parts_pattern(p, flags, m), text.strip(), flags), (r.id, text)
        checked += 1
    assert checked > 150


def parts_pattern(pattern: str, flags: int, alive: int) -> str:
    return split(pattern, flags).pattern(pattern, alive)


def test_the_shipped_parts_are_what_the_rules_give():
    for r in RULES:
        key = literal_key(r.pattern.pattern, r.pattern.source_flags)
        if splittable(r):
            assert shipped_parts(key) == parts_json(r), r.id


def test_rule_hits_searches_by_parts_then_whole_with_the_same_hits():
    lines = _lines()[:400]
    cache: dict = {}
    expected = [[(r.id, s) for r, s in line_matches(t, RULES.rules, 0)] for t in lines]
    # Batches of distinct lines: parts for the first NARROW_BATCHES, whole after.
    for start in range(0, len(lines), 50):
        batch = split_lines("\n".join(lines[start:start + 50]))
        hits = rule_hits(batch, RULES, 0, cache)
        for b, found in zip(batch, hits):
            want = expected[start + b.index]
            got = [(h.rule.id, h.spans) for h in found if h.rule.action in ("drop", "drop-span")]
            assert got == [w for w in want if RULES.rules[[r.id for r in RULES].index(w[0])].action
                           in ("drop", "drop-span")], b.text
    assert len(range(0, len(lines), 50)) > NARROW_BATCHES


def test_a_case_sensitive_alternative_is_searched_without_ignorecase():
    """{{bullet}}'s glyph class is a "(?-i:...)" group: searched alone it matches the
    same with IGNORECASE or without, so it is compiled without, as in the
    case-sensitive rules: one compiled pattern for both kinds of rule."""
    cased = []
    for rule in RULES:
        p = rule.pattern
        parts = shipped_parts(literal_key(p.pattern, p.source_flags))
        if parts and parts.get("cased") and p.source_flags & re.IGNORECASE:
            cased.append(Alternatives(p.pattern, p.source_flags, parts))
    assert len(cased) > 20
    lines = ["► Home", "• Sign in", "— Advertisement —", "ↂ Ↄ", "Home", "ÄÖÜ äöü", "\ue600 Menu"]
    for alts in cased:
        mask = sum(1 << int(k) for k in alts.data["cased"].split())
        searched = [(search.__self__, bit & mask) for bit, search in alts.searched()]
        assert any(marked for _, marked in searched)
        for compiled, marked in searched:
            assert bool(compiled.flags & re.IGNORECASE) == (not marked)
            flagged = re.compile(compiled.pattern, alts.flags).search
            assert [bool(compiled.search(s)) for s in lines] == [bool(flagged(s)) for s in lines]
