"""Rule matching at speed: the literal prefilter, lazy patterns, budgets, bounded YAML."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES

from cleaner.blocks import split_lines
from cleaner.errors import ConfigError, RuleError
from cleaner.needs import analyze, literal_share
from cleaner.prefilter import (_LINE_HEADS, LiteralIndex, Needs, _spaced, head, normalize,
                               required_literals, rule_sources)
from cleaner.rules import load_file, load_rules
from cleaner.signals import line_matches, rule_hits

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("pattern, flags, expected", [
    (r"^\W*sign\s+up\s+(?:for|to)\b", re.I, ("sign",)),
    (r"newsletters?", re.I, ("newsletter",)),
    (r"(?:subscribe|abonnieren)\s+now", re.I, ("abonnieren", "subscribe")),
    (r"(?=.*paywall)\w+", 0, ("paywall",)),
    (r"Read (?:more)?$", 0, ("read ",)),
    (r"^(?:a|b)c$", re.I, None),               # too short to filter anything
    (r"\w+ \d+", 0, None),                     # no fixed text at all
    (r"(unclosed", 0, None),                   # re cannot parse it: always tried
])
def test_required_literals(pattern, flags, expected):
    assert required_literals(pattern, flags) == expected


def test_normalize_merges_what_ignorecase_merges():
    # "ſ" (long s) and "K" (Kelvin) match "s" and "k" under re.IGNORECASE; "İ" matches "i"
    for a, b in [("ſign", "SIGN"), ("\u212aey", "key"), ("İnfo", "info"), ("ΟΔΟΣ", "οδοσ")]:
        assert re.fullmatch(re.escape(b), a, re.I)
        assert normalize(a) == normalize(b)
        assert len(normalize(a)) == len(a)


def test_a_prefiltered_line_matches_exactly_like_every_rule():
    rules = load_rules([])
    index = LiteralIndex(rule_sources(rules))
    lines = [b.text for f in sorted(FIXTURES.glob("*/input.txt"))
             for b in split_lines(f.read_text(encoding="utf-8")) if not b.blank]
    lines += ["ſign up for our newsletter", "SHARE THIS ARTICLE", "Subscribe to continue reading"]
    lines += [e for r in rules for e in r.examples_drop + r.examples_keep]
    for text, picks in zip(lines, index.candidates(lines)):
        fast = line_matches(text, [rules.rules[i] for i in picks], 0)
        slow = line_matches(text, rules.rules, 0)
        assert [(r.id, s) for r, s in fast] == [(r.id, s) for r, s in slow], text


# Two-letter words ("up", "on") only ever narrow what a better clause let through.
@pytest.mark.parametrize("pattern, clauses", [
    (r"^\W*sign\s+up\s+(?:for|to)\b", [("sign",), ("up",), ("for", "to")]),
    (r"^share\s+on\s+(?:facebook|twitter)$", [("facebook", "twitter"), ("share",), ("on",)]),
    (r"(?<=[.!?])\s(?:©|\(c\))\s?\w+$", [("(c)", "©"), ("!", ".", "?")]),
    (r"[(\[]\s?ad\s?[)\]]", [("(", "["), (")", "]"), ("ad",)]),
    # A run of characters and the start of each alternative right after it;
    # the clauses such a literal holds ("." and "de" in ".de") are left out.
    (r"^[a-z0-9-]{3,40}\.(?:com|de|co\.uk)$", [(".co.uk", ".com", ".de")]),
    (r"\bre(?:porting|search)\b", [("reporting", "research")]),
])
def test_every_clause_of_a_pattern(pattern, clauses):
    assert list(analyze(pattern, re.I).clauses) == clauses     # the best one first


@pytest.mark.parametrize("pattern, gate", [
    (r"^(?:menu|search)$", (6, 1)),
    (r"^(?:[-*•]\s*){0,2}(?:read\s+more|more)\s*$", (10, 4)),
    (r"^(?=.{0,40}$)\w+\s\w+$", (40, 2)),         # the lookahead bounds the line
    (r"^\S+\s+ago$", (None, 2)),                  # one word, however long, then "ago"
    (r"^menu", (None, None)),                       # the line may go on after the match
    (r"menu$", (None, None)),
])
def test_size_gate(pattern, gate):
    n = analyze(pattern, re.I)
    assert (n.max_nonspace, n.max_words) == gate


def test_digits_and_forbidden_characters():
    n = analyze(r"^(?!.*[.;!?])(?:\S+\s+)?\d+\s*(?:-|to)\s*\d+ (?:of|von) [\d.,]+$", re.I)
    assert n.digit and n.forbid == "!.;?"
    assert not analyze(r"^(?:page \d+|next)$", re.I).digit      # "next" has no digit
    assert analyze(r"^(?!.*x)\w+$", re.I).forbid == ""            # a letter has case variants
    rules = load_rules([])
    index = LiteralIndex(rule_sources(rules))
    result_count = next(i for i, r in enumerate(rules.rules) if r.id == "navigation.result-count")
    lines = ["Showing 1-10 of 250 results", "Showing one of many results"]
    assert [result_count in c for c in index.candidates(lines)] == [True, False]


def test_heads():
    n = analyze(r"^(?:[-*•]\s*){0,2}(?:menu|search|×)\W{0,3}$", re.I)
    assert n.heads == ("", "men", "sea")        # "": a line without letters or digits ("• ×")
    assert analyze(r"^\w+ menu$", re.I).heads is None      # any letter may start it
    assert analyze(r"^(?:\d{1,2}) min read$", re.I).heads is not None
    assert analyze(r"menu$", re.I).heads is None              # not anchored at the start
    assert head(normalize("  • Menu  ")) == "men"
    assert head(normalize("--")) == "" and head(normalize("1\u00a0of 3")) == "1 o"


def test_heads_of_a_whole_text_are_each_lines_head():
    """The gate reads every line's head in one pass over the joined lines
    (``_LINE_HEADS``); each must be what ``head`` reads on the line alone:
    underscores and marks before the first letter or digit are skipped, a
    line without either has the head "", and no head reaches into the next line."""
    lines = ["  • Menu  ", "__init__ runs first", "_ _ x", "--", "* _Share_ this", "\u00a0é clair",
             "日本語のテキスト", "a", "__", "x_y", "– 12 comments", "\r• Back"]
    text = normalize("\n".join(lines))
    raw = _LINE_HEADS.findall(text)
    assert len(raw) == len(lines)
    assert [_spaced(h) for h in raw] == [head(normalize(line)) for line in lines]
    assert [head(normalize(line)) for line in lines[:4]] == ["men", "ini", "x", ""]


def test_heads_follow_a_lookahead_on_the_next_character():
    """A text browser's list-item "o" must be followed by white space
    (``o(?=\\s)`` in {{bullet}}): a line opening with "Our", "One" or "Once"
    is then no candidate of the ~90 rules that allow such a marker."""
    pattern = r"^(?:(?:[-*•]|o(?=\s))\s*){0,2}(?:share|tweet)\W*$"
    heads = analyze(pattern, re.I).heads
    assert "o s" in heads and "o t" in heads and "sha" in heads      # "o Share", "Share"
    assert not any(h in heads for h in ("o", "ou", "our", "osh", "on"))
    index = LiteralIndex([(pattern, re.I, False, True, True)])
    lines = ["o Share", "  o  Tweet", "Share", "Our share of the vote", "Once shared"]
    assert [bool(c) for c in index.candidates(lines)] == [True, True, True, False, False]
    # What re matches, the heads admit: the same lines, searched one by one.
    assert [bool(re.search(pattern, line.strip(), re.I)) for line in lines] == [True, True, True, False, False]
    # A lookahead that does not open with one known character narrows nothing.
    assert analyze(r"^o(?=\w)\w*x", re.I).heads == ("o", "ox")     # \w: too many to list
    assert analyze(r"^o(?=[a-c])\w+x", re.I).heads == ("oa", "oax", "ob", "obx", "oc", "ocx")
    # A pattern's own "\x02" (the mark a narrowed head carries inside) is read as a character.
    for odd in (r"^a\x02b", r"^ab(?=[\x02x])\S"):
        index = LiteralIndex([(odd, 0, False, True, True)])
        lines = ["a\x02b", "ab\x02", "abx", "ab"]
        assert [bool(re.search(odd, line)) for line in lines] == \
            [bool(re.search(odd, line)) and bool(c) for line, c in zip(lines, index.candidates(lines))]

@pytest.mark.parametrize("pattern, edges", [
    (r"\bsign\s+up\b", ((3,), (3,))),              # sign: \b before, \s after; up: \s, \b
    (r"^(?:menu|search)$", ((3, 3),)),              # the line's ends count as non-word
    (r"\bsubscribers?\b", ((1,),)),                 # "s?" may follow: nothing known after
    (r"(?:log\s*out|logout)\b", ((0,), (2,))),      # "log" may touch "out"
    (r"\b(?:©|\(c\))\s", ((2, 2),)),              # \b before a symbol: a word character there
    (r"(?a)\bsign\b", ()),                          # ASCII \b: "é" is not a word character to it
    (r"(?<=\s)sign(?=[\s,.])", ((3,),)),             # lookarounds of non-word characters
])
def test_edges_of_literals(pattern, edges):
    n = analyze(pattern, re.I)
    assert n.edges == edges, n


def test_edges_and_min_len_narrow_the_candidates():
    # As for shipped patterns, which re runs (user rules run on regex, whose \b differs).
    sources = [(r"\bsign\s+up\b", re.I, False, True, True),
               (r"^read\s+more\s+(?:about|on)\b", re.I, False, True, True)]
    index = LiteralIndex(sources)
    lines = ["Sign up", "design up", "signup", "(sign up)", "Read more", "Read more about it",
             "_sign up"]
    assert index.candidates(lines) == [(0,), (), (), (0,), (), (1,), ()]


def test_the_literal_on_fewer_lines_comes_first():
    # Same length, but "the" is on many more lines than "app" (data/literal_frequency.json).
    assert literal_share("the") > 3 * literal_share("app")
    assert literal_share("newsletter") <= literal_share("ter")      # its rarest run
    assert literal_share("\x00\x01\x02") == literal_share("\x03")   # runs not in the table
    assert analyze(r"\bthe\s+app\b", re.I).clauses == (("app",), ("the",))
    # The branch's literal is its rarest one, not the alphabetically last.
    assert analyze(r"^(?:the\s+app|download)\b", re.I).clauses[0] == ("app", "download")


def test_a_clause_on_many_lines_is_tested_not_looked_for():
    n = analyze(r"^the\s+newsletter\b", re.I)
    assert n.clauses == (("newsletter",), ("the",)) and n.tested == (1,)
    assert Needs.from_json(n.to_json()) == n
    sources = [(r"^the\s+newsletter\b", re.I, False, True, True)]
    index = LiteralIndex(sources)
    assert "the" not in index._automaton           # no hit on every line with "the"
    lines = ["The newsletter", "Our newsletter", "The news", "the  newsletter!"]
    assert index.candidates(lines) == [(0,), (), (), (0,)]
    # A clause on about as few lines as the first one stays with the automaton.
    assert analyze(r"^newsletter\s+abonnieren\b", re.I).tested == ()


def test_a_rule_with_no_better_literal_needs_its_two_letter_whole_word():
    # No literal of three letters, no heads: without "tv" it would be tried on every line.
    sources = [(r"\b(?:tv|radio|news)\b.*\b(?:tv|radio|news)\b", re.I, False, True, True)]
    index = LiteralIndex(sources)
    assert index.always == []
    lines = ["Home TV and News", "Home Radio, News", "Home atv newsy", "Home tvs newsy"]
    assert index.candidates(lines) == [(0,), (0,), (), ()]


def test_a_literal_that_holds_another_of_its_clause_is_left_out():
    # "lads" holds "ads": a line holds one of the two exactly when it holds "ads".
    assert analyze(r"(?:ads|lads)", re.I).clauses == (("ads",),)
    # As a whole word it does not ("l" is a letter): both stay.
    assert analyze(r"\b(?:ads|lads)\b", re.I).clauses == (("ads", "lads"),)
    # Without "r$", "$" and "zł" (not ASCII) are the automaton's: the rule is
    # a candidate on the lines holding one of them, not on every line.
    index = LiteralIndex([(r"(?:r\$|\$|zł)\s?\d+", re.I, False, True, True)])
    assert index.always == []
    assert index.candidates(["R$ 10", "10 zł", "ten dollars", "zł"]) == [(0,), (0,), (), ()]


@pytest.mark.parametrize("pattern, twice", [
    (r"^(?:menu|search)(?:\s*[|,]\s*(?:menu|search)){1,5}$", [("menu", "search")]),   # a row
    (r"(?:sign\s+){2,}", [("sign",)]),
    (r"^sign\s+in\s+or\s+sign\s+up$", [("sign",)]),
    (r"(?=.*sign)\w+ sign", []),           # what a lookahead sees may be what is consumed
    (r"(?:sign|x)\s+(?:y|sign)", []),      # one branch holds no "sign"
])
def test_literals_needed_twice(pattern, twice):
    n = analyze(pattern, re.I)
    assert [n.clauses[k] for k in n.twice] == twice


def test_a_row_needs_two_of_its_items_apart():
    index = LiteralIndex([(r"^(?:menu|search)(?:\s*[|,]\s*(?:menu|search)){1,5}$", re.I, False, True, True)])
    lines = ["Menu", "Menu | Search", "Search, search", "menus | Menu", "Menu, searching",
             "menusearch | x"]
    assert [bool(c) for c in index.candidates(lines)] == [False, True, True, False, False, False]


def test_edges_hold_on_what_re_calls_word_characters():
    # Digits, "_", letters outside ASCII and combining marks against \b, as re sees them.
    rules_text = [r"\bsign\b", r"\Wsign\W", r"(?:^|\s)sign(?:\s|$)"]
    lines = ["1sign", "sign_", "ésign", "signé", "sign\u0301", "\u00a0sign\u00a0", "x sign ,",
             "sign", "ſign", "SIGN!", "\u0345sign", "①sign"]
    for pattern in rules_text:
        n = analyze(pattern, re.I)
        bits = {lit: e for c, es in zip(n.clauses, n.edges) for lit, e in zip(c, es)}
        assert bits.get("sign") == 3, pattern
    for pattern in rules_text:
        index = LiteralIndex([(pattern, re.I, False, True, True)])
        for text, picks in zip(lines, index.candidates(lines)):
            assert bool(picks) or not re.search(pattern, text.strip(), re.I), (pattern, text)


def _variants(text: str) -> list[str]:
    """What a scrape makes of a line: case, bullets (a text browser's "o" too),
    spacing, look-alike letters."""
    return [text.upper(), text.lower(), "• " + text, "o " + text, "o\u00a0" + text, "o" + text,
            "  " + text + "  ", text + ".",
            text.replace(" ", "\u00a0"), text.replace(" ", "  "), text.replace("s", "ſ"),
            "| " + text + " |", text[: len(text) // 2], "1. " + text, "Say: " + text]


# Each example is tried as written and in VARIANTS_EACH of its variants, taken in turn
# (example i gets variants i, i+1, ...), so a rule with five examples meets all fifteen
# kinds, at a quarter of the cost of every variant of every example (50 s).
VARIANTS_EACH = 3


@pytest.mark.slow       # every rule's examples: 10-15 s
def test_the_prefilter_never_drops_a_match_on_variants_of_the_examples():
    rules = load_rules([])
    index = LiteralIndex(rule_sources(rules))
    examples = [e for r in rules for e in r.examples_drop + r.examples_keep]
    tried = []
    for i, e in enumerate(examples):
        variants = _variants(e)
        tried += [e] + [variants[(i + k) % len(variants)] for k in range(VARIANTS_EACH)]
    lines = sorted({v for v in tried if "\n" not in v and v.strip()})
    assert len(lines) > 4 * len(examples) * 0.9
    for text, picks in zip(lines, index.candidates(lines)):
        fast = line_matches(text, [rules.rules[i] for i in picks], 0)
        slow = line_matches(text, rules.rules, 0)
        assert [(r.id, s) for r, s in fast] == [(r.id, s) for r, s in slow], text


def test_user_rules_derive_their_needs_at_load(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text("- id: mine.menu\n  pattern: '^(?:open|close) menu$'\n"
                 "- id: mine.any\n  pattern: '\\d+ comments?'\n")
    rules = load_rules([p], builtin=False)
    index = LiteralIndex(rule_sources(rules))
    lines = ["Open menu", "CLOSE MENU", "open the menu", "12 comments", "no comment"]
    assert [[rules.rules[i].id for i in c] for c in index.candidates(lines)] == \
        [["mine.menu"], ["mine.menu"], ["mine.menu"], ["mine.any"], []]   # no digit


def test_rule_hits_reuses_its_cache_and_index():
    rules = load_rules([])
    blocks = split_lines((FIXTURES / "seed-moscowtimes-bout" / "input.txt").read_text(encoding="utf-8"))
    cache: dict = {}
    first = rule_hits(blocks, rules, len(blocks) // 2, cache)
    again = rule_hits(blocks, rules, len(blocks) // 2, cache)
    assert [[h.rule.id for h in hs] for hs in first] == [[h.rule.id for h in hs] for hs in again]
    assert any(first) and sum(1 for k in cache if isinstance(k, str)) > 0


@pytest.mark.slow       # every rule's examples: 10-15 s
def test_the_shipped_literal_data_is_up_to_date():
    p = subprocess.run([sys.executable, str(REPO / "scripts" / "rule_literals.py"), "--check"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


# --- bounded YAML -------------------------------------------------------------------------

BOMB = ('a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(f'{chr(98 + i)}: &{chr(98 + i)} [' + ",".join([f'*{chr(97 + i)}'] * 9) + ']\n'
                  for i in range(9)))


def test_a_yaml_alias_bomb_in_a_rules_file_fails_fast(tmp_path):
    p = tmp_path / "bomb.yaml"
    p.write_text(BOMB)
    t0 = time.perf_counter()
    with pytest.raises(RuleError, match="aliases") as e:
        load_file(p)
    assert time.perf_counter() - t0 < 5 and str(p) in str(e.value) and "\n" not in str(e.value)


def test_too_many_aliases_fail(tmp_path):
    p = tmp_path / "many.yaml"
    p.write_text("a: &a x\nb: [" + ", ".join(["*a"] * 500) + "]\n")
    with pytest.raises(RuleError, match="more than 100 YAML aliases"):
        load_file(p)


def test_a_yaml_alias_bomb_in_a_config_fails_fast(tmp_path):
    from cleaner.config import load_config

    p = tmp_path / ".clean.yaml"
    p.write_text(BOMB)
    with pytest.raises(ConfigError, match="aliases") as e:
        load_config(p)
    assert str(p) in str(e.value)


def test_a_few_aliases_are_fine(tmp_path):
    p = tmp_path / "ok.yaml"
    p.write_text("- id: ok.a\n  pattern: '^x$'\n  examples: &ex {drop: ['x'], keep: ['y']}\n"
                 "- id: ok.b\n  pattern: '^x$'\n  examples: *ex\n")
    assert [r.id for r in load_file(p)] == ["ok.a", "ok.b"]


def test_a_fifo_named_as_rules_or_config_does_not_hang(tmp_path):
    from cleaner.config import load_config

    fifo = tmp_path / "rules.yaml"
    os.mkfifo(fifo)
    with pytest.raises(RuleError, match="not a regular file"):
        load_file(fifo)
    cfg = tmp_path / ".clean.yaml"
    os.mkfifo(cfg)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(cfg)


# --- a user rule's budget covers the run -------------------------------------------------------

def test_a_user_rule_budget_is_spent_across_matches(tmp_path, monkeypatch):
    from cleaner import patterns
    from cleaner.errors import CleanerError

    p = tmp_path / "slow.yaml"
    p.write_text("- id: slow.rule\n  pattern: '^(a|a)*$'\n"
                 "  examples: {drop: ['aa'], keep: ['b']}\n")
    monkeypatch.setattr(patterns, "RULE_BUDGET", 0.5)
    rules = load_rules([p], builtin=False)
    blocks = split_lines("".join(f"{'a' * 19}{i}!\n" for i in range(60)))
    t0 = time.perf_counter()
    with pytest.raises(CleanerError, match=r"slow\.rule.*time budget"):
        rule_hits(blocks, rules, 0)
    assert time.perf_counter() - t0 < 5


def test_a_user_rule_budget_grows_with_the_text_it_is_matched_against(tmp_path, monkeypatch):
    """A rule without literals is matched on every line; at a normal rule's cost
    per MB it must not be stopped by a run's length (a fixed budget stopped such
    a rule after a few hundred MB of a corpus)."""
    from cleaner import patterns

    p = tmp_path / "plain.yaml"
    p.write_text("- id: plain.rule\n  pattern: '^\\W*(\\w+)\\W+\\1\\W*$'\n"
                 "  examples: {drop: ['yes, yes'], keep: ['yes, no']}\n")
    monkeypatch.setattr(patterns, "RULE_BUDGET", 0.02)
    rules = load_rules([p], builtin=False)
    # Distinct lines: a line seen before is not matched again.
    text = "".join(f"The council met on day {i} to discuss the library budget for next year.\n"
                   for i in range(30_000))
    blocks = split_lines(text + "again, again\n")     # 2.2 MB
    t0 = time.perf_counter()
    hits = rule_hits(blocks, rules, 0)
    took = time.perf_counter() - t0
    assert [b.text for b, h in zip(blocks, hits) if h] == ["again, again"]
    budget = rules.rules[0].pattern.budget
    assert budget.chars > 2_000_000 and took > budget.total    # the fixed part alone was not enough


@pytest.mark.slow
def test_the_cli_stops_a_user_rule_that_uses_up_its_budget(clean_exe, tmp_path):
    rules = tmp_path / "slow.yaml"
    rules.write_text("- id: mine.backtrack\n  pattern: '^(a|a)*$'\n"
                     "  examples: {drop: ['aa'], keep: ['b']}\n")
    text = "".join(f"{'a' * 21}{i}!\n" for i in range(300)).encode()
    t0 = time.perf_counter()
    p = subprocess.run([clean_exe, "--no-config", "--rules", str(rules)], input=text,
                       capture_output=True, timeout=120)
    took = time.perf_counter() - t0
    err = p.stderr.decode()
    assert p.returncode == 2 and "mine.backtrack" in err and "time budget" in err, err
    assert err.count("\n") == 1 and err.startswith("clean: error: ")
    assert took < 60


def test_many_drop_rest_markers_cost_one_hit_a_line(tmp_path):
    """A marker inside an earlier marker's cut adds nothing (the earlier hit is the
    one the cut takes), so a text with a marker on every other line gets at most
    one drop-rest hit a line: before, each marker added one to every line after
    it, and a 2 MB text of 50,000 "Related articles" boxes ran out of memory."""
    p = tmp_path / "mine.yaml"
    p.write_text("rules:\n  - id: mine.related\n    pattern: '^Related articles$'\n"
                 "    action: drop-rest\n", encoding="utf-8")
    rules = load_rules([p], builtin=False)
    blocks = split_lines("Related articles\n* A story about something\n" * 2000)
    hits = rule_hits(blocks, rules, 0)
    assert sum(map(len, hits)) == len(blocks)
    assert {h.origin for hs in hits for h in hs} == {0}
    # Where the cut stops (the article's prose resumes), the next marker starts its own.
    stopped = rule_hits(blocks, rules, 0, rest_end=lambda origin: origin + 2)
    assert [hs[0].origin for hs in stopped] == [i - i % 2 for i in range(len(blocks))]
