"""Alternations rewritten to dispatch on their first character (cleaner/branches.py):
the rewritten pattern finds what ``re.compile`` finds, span for span and group
for group, and its alternatives open with what the matcher tests without
entering them (a class compared as written, ``IN``, or a literal)."""
from __future__ import annotations

import re
from re import _constants as sre
from re import _parser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner import branches, programs
from cleaner.rules import load_rules
from cleaner.signals import literal_index
from conftest import FIXTURES

pytestmark = pytest.mark.skipif(not programs.key(), reason="no programs on this Python")


@pytest.fixture
def every_alternation():
    """Every alternation rewritten, the short ones too: the shipped programs have
    only those of ``MIN_ALTERNATIVES`` or more rewritten, and the short ones
    of these tests would be left as written and test nothing."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(branches, "MIN_ALTERNATIVES", 2)
        yield


def dispatched(pattern: str | bytes, flags: int = 0) -> re.Pattern:
    """``pattern`` as the shipped programs make it (``programs.make``)."""
    program = programs.make(pattern, flags)
    assert program is not None, pattern
    made = programs.load(pattern, program)
    assert made is not None
    return made


def found(p: re.Pattern, text):
    """Everything a search of ``text`` can tell: each match's span and groups, in order."""
    return [(m.span(), m.groups(), m.groupdict()) for m in p.finditer(text)]


def assert_same(pattern, texts, flags: int = 0) -> None:
    made, plain = dispatched(pattern, flags), re.compile(pattern, flags)
    for text in texts:
        assert found(made, text) == found(plain, text), (pattern, text)


def top_alternatives(pattern: str, flags: int = 0) -> list:
    """The alternatives of the first alternation of ``pattern`` rewritten (its opening items)."""
    tree = _parser.parse(pattern, flags)
    items = branches.dispatched(tree, flags | tree.state.flags).data
    branch = next((av for op, av in items if op is sre.BRANCH), None)
    return [] if branch is None else [a.data[0] for a in branch[1]]


# --- what the rewrite does ------------------------------------------------------------------

def test_alternatives_opening_with_one_letter_are_one_group_opening_with_a_class(every_alternation):
    opening = top_alternatives(r"\b(?:your|our|yet|you)\b", re.IGNORECASE)
    # y(?:our|et|ou) and our: two alternatives, each opening with its letters as written
    assert len(opening) == 2
    for op, av in opening:
        assert op is sre.SUBPATTERN and av[2] == sre.SRE_FLAG_IGNORECASE
        assert av[3].data[0][0] is sre.IN
    assert_same(r"\b(?:your|our|yet|you)\b", ["YOUR, our; Yet you", "yo ou ye", "tour"],
                re.IGNORECASE)


def test_a_case_sensitive_alternation_is_grouped_and_keeps_its_literals(every_alternation):
    opening = top_alternatives(r"(?:Sign|Subscribe|sign)")
    assert opening == [(sre.LITERAL, ord("S")), (sre.LITERAL, ord("s"))]
    assert_same(r"(?:Sign|Subscribe|sign)", ["Sign up, Subscribe or sign", "SIGN"])


def test_groups_and_optional_items_are_spread_in_the_order_they_are_tried(every_alternation):
    # greedy: the longer match first; lazy: the shorter
    assert_same(r"(?:(?:ab)?a|x)", ["aba", "ababa", "xa"])
    assert_same(r"(?:(?:ab)??a|x)", ["aba", "ababa", "xa"])
    assert_same(r"(?:(?:our|this) (?:journalism|work)|ours)", ["ours this work our journalism"],
                re.IGNORECASE)
    assert len(top_alternatives(r"(?:(?:our|this) x|ours)", re.IGNORECASE)) == 2   # o(...), t...


def test_short_alternations_and_classes_beyond_latin_1_are_left_as_written():
    # four alternatives: as written, each opening with its literal
    assert top_alternatives(r"(?:your|our|yet|you)", re.IGNORECASE) == \
        [(sre.LITERAL, ord(c)) for c in "yoyy"]
    opening = top_alternatives(r"(?:your|our|yet|you|keep|kind|zero)", re.IGNORECASE)
    assert len(opening) == 4                      # y(...), our, k(...), zero
    assert opening[2] == (sre.LITERAL, ord("k"))  # "k" also matches the Kelvin sign
    assert opening[1][0] is opening[3][0] is sre.SUBPATTERN


def test_case_classes_are_re_s_own_kelvin_sign_long_s_and_dotted_i(every_alternation):
    assert branches.matched_by(ord("k"), re.IGNORECASE) == {ord("k"), ord("K"), 0x212A}
    assert branches.matched_by(ord("s"), re.IGNORECASE) == {ord("s"), ord("S"), 0x17F}
    assert {0x130, 0x131} <= branches.matched_by(ord("i"), re.IGNORECASE)
    assert branches.matched_by(ord("k"), re.IGNORECASE | re.ASCII) == {ord("k"), ord("K")}
    texts = ["\u212aeep it", "\u017fign in", "\u0130n the news", "\u0131n", "KEEP", "skip"]
    assert_same(r"\b(?:keep|sign|in|skip)\b", texts, re.IGNORECASE)
    assert_same(r"\b(?:keep|sign|in|skip)\b", texts, re.IGNORECASE | re.ASCII)


def test_an_alternative_that_opens_otherwise_keeps_its_place(every_alternation):
    # "[ab]cd" may match where "ac" does, and longer: "ac" stays after it
    opening = top_alternatives(r"(?:ab|[ab]cd|ac|bd)")
    assert opening[0] == (sre.LITERAL, ord("a")) and opening[1][0] is sre.IN
    assert opening[2] == (sre.LITERAL, ord("a"))
    assert_same(r"(?:ab|[ab]cd|ac|bd)", ["acd", "abc", "bd", "bcd"])
    assert_same(r"(?:a|)b", ["b", "ab", "aab"])


def test_capturing_groups_and_references_are_not_repeated(every_alternation):
    assert_same(r"(?:(a)|b)?c|(d)\2", ["ac", "bc", "c", "dd", "d"])
    assert_same(r"(?P<x>ab|ac)|a(?P<y>d)", ["ab ac ad"])
    assert_same(r"(?i)(?:(?P<w>your) support|our)", ["Your support, OUR"])


def test_bytes_patterns_and_scoped_flags(every_alternation):
    assert_same(rb"(?i)(?:ab|ac|b)", [b"AB ac B", b"\xc1b"])
    assert_same(r"(?:a(?i:b|c)|A)", ["aB Ac A"])
    assert_same(r"(?i:(?-i:a)b|Ab|c)", ["ab AB Ab c"])


# --- any pattern -------------------------------------------------------------------------------

_ATOMS = st.sampled_from(["a", "b", "k", "s", "i", "ab", "ba", "kS", "\\d", "[ab]", ".", "\\b",
                          "$", "^", "\\s", "x"])


def _patterns():
    def combine(children):
        return st.one_of(
            st.lists(children, min_size=2, max_size=4).map(lambda xs: "(?:" + "|".join(xs) + ")"),
            st.lists(children, min_size=1, max_size=3).map("".join),
            children.map(lambda x: f"(?:{x})?"),
            children.map(lambda x: f"(?:{x})??"),
            children.map(lambda x: f"(?:{x})*"),
            children.map(lambda x: f"({x})"),
            children.map(lambda x: f"(?={x})"),
            children.map(lambda x: f"(?>{x})"),
        )
    return st.recursive(_ATOMS, combine, max_leaves=12)


_TEXT = st.text(alphabet="abkisABKIS \u212a\u017f\u0130\u01317", max_size=12)


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_patterns(), st.sampled_from([0, re.IGNORECASE, re.IGNORECASE | re.ASCII]),
       st.lists(_TEXT, min_size=1, max_size=6))
@example("(?:(?:ab)?a|ab|k|[ab]|K)", re.IGNORECASE, ["abab \u212a"])
@example("(?:ax|[ab]bb|ab)", 0, ["abb"])
def test_any_pattern_finds_what_re_compile_finds(every_alternation, pattern, flags, texts):
    assert_same(pattern, texts, flags)


# --- the shipped patterns ---------------------------------------------------------------------

def _lines() -> list[str]:
    """Every line of the fixtures' texts and line files (YAML and Markdown read as text)."""
    files = [p for p in sorted(FIXTURES.rglob("*")) if p.suffix in (".txt", ".yaml", ".md")]
    lines = [line for p in files for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    return list(dict.fromkeys(lines))


def test_every_shipped_program_finds_what_re_compile_finds():
    """The rules' stored programs on each rule's examples and on the lines of the
    fixtures the prefilter hands the rule (where ``clean`` searches it), as
    written and stripped; the package's own on every line of the fixtures."""
    rules = load_rules([])
    lines = _lines()
    assert len(lines) > 4000
    masks = literal_index(rules).masks(lines)
    checked = 0
    for i, r in enumerate(rules):
        texts = [*r.examples_drop, *r.examples_keep,
                 *(line for line, m in zip(lines, masks) if m >> i & 1)]
        for p in r.patterns:
            if p.engine != "re":
                continue
            made, plain = p.compiled, re.compile(p.pattern, p.source_flags)
            assert p.program is not None and made.pattern == plain.pattern
            for t in texts:
                for text in (t, t.strip()):
                    assert found(made, text) == found(plain, text), (r.id, text)
            checked += len(texts)
    assert checked > 10000
    for (pattern, flags), program in programs._stored().items():
        made, plain = programs.load(pattern, program), re.compile(pattern, flags)
        for t in lines if isinstance(pattern, str) else [t.encode() for t in lines]:
            assert found(made, t) == found(plain, t), (pattern, t)
