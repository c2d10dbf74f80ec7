"""Loading and validating rule files. (The shipped rules' own examples are run by
tests/test_rule_examples.py.) Every schema error is one line naming file, line and rule id."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cleaner.errors import CleanerError, RuleError
from cleaner.rules import builtin_rules_dir, load_file, load_rules, rule_files


def write(tmp_path: Path, name: str, body: str) -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return p


GOOD = """
pack: mine
description: my rules
rules:
  - id: mine.promo
    description: a promo line
    pattern: '^buy now$'
    examples:
      drop: ["Buy now"]
      keep: ["We did not buy now, she said."]
"""


def load_error(path: Path) -> RuleError:
    with pytest.raises(RuleError) as e:
        load_rules([path], builtin=False)
    msg = str(e.value)
    assert "\n" not in msg, "rule errors are one line"
    assert isinstance(e.value, CleanerError)
    return e.value


# --- good files --------------------------------------------------------------------------

def test_good_file_loads(tmp_path):
    p = write(tmp_path, "mine.yaml", GOOD)
    rs = load_rules([p], builtin=False)
    assert len(rs) == 1
    r = next(iter(rs))
    assert (r.id, r.pack, r.action, r.zone) == ("mine.promo", "mine", "drop", "anywhere")
    assert r.examples_drop == ("Buy now",) and r.examples_keep == ("We did not buy now, she said.",)
    assert r.source == f"{p}:4"
    assert r.search("BUY NOW")          # case-insensitive by default
    assert not r.search("buy now, pay later")
    assert rs.files == (str(p),)


def test_list_form_and_pack_from_file_stem(tmp_path):
    p = write(tmp_path, "promo-pack.yml", """
        - id: a.one
          pattern: 'x'
        - id: a.two
          pattern: 'y'
          action: drop-rest
        """)
    rules = load_file(p)
    assert [r.id for r in rules] == ["a.one", "a.two"]
    assert {r.pack for r in rules} == {"promo-pack"}
    assert rules[1].zone == "tail"       # drop-rest defaults to the tail zone
    assert rules[0].source.endswith(":1") and rules[1].source.endswith(":3")


def test_case_sensitive_rule(tmp_path):
    p = write(tmp_path, "c.yaml", """
        - id: c.support
          pattern: '^Support [A-Z]\\w+!$'
          case: sensitive
        """)
    r = load_file(p)[0]
    assert r.search("Support Everyone!")
    assert not r.search("support everyone!")


def test_drop_until_defaults(tmp_path):
    p = write(tmp_path, "u.yaml", """
        - id: u.box
          pattern: '^start$'
          action: drop-until
          until: '^end$'
        - id: u.bounded
          pattern: '^start2$'
          action: drop-until
          lines: 3
        """)
    box, bounded = load_file(p)
    assert box.until.search("END") and box.lines == 40
    assert bounded.until is None and bounded.lines == 3


def test_empty_file_has_no_rules(tmp_path):
    assert load_file(write(tmp_path, "empty.yaml", "")) == []
    assert load_file(write(tmp_path, "only-comment.yaml", "# nothing yet\n")) == []


def test_folder_loads_yaml_and_yml_sorted_and_ignores_others(tmp_path):
    write(tmp_path, "b.yml", "- id: b.x\n  pattern: 'b'\n")
    write(tmp_path, "a.yaml", "- id: a.x\n  pattern: 'a'\n")
    write(tmp_path, "notes.txt", "- id: n.x\n  pattern: [\n")     # broken, but not a rule file
    (tmp_path / "sub.yaml").mkdir()                                # a folder named like a file
    assert [p.name for p in rule_files(tmp_path)] == ["a.yaml", "b.yml"]
    rs = load_rules([tmp_path], builtin=False)
    assert [r.id for r in rs] == ["a.x", "b.x"]


def test_builtin_packs_load_and_can_be_left_out():
    assert builtin_rules_dir().is_dir()
    rs = load_rules([], builtin=True)
    assert len(rs) > 0
    ids = [r.id for r in rs]
    assert len(ids) == len(set(ids))
    assert len(load_rules([], builtin=False)) == 0


def test_without_by_id_and_by_pack(tmp_path):
    p = write(tmp_path, "mine.yaml", GOOD)
    q = write(tmp_path, "other.yaml", "- id: other.a\n  pattern: 'a'\n- id: other.b\n  pattern: 'b'\n")
    rs = load_rules([p, q], builtin=False)
    assert [r.id for r in rs.without(["other.a"])] == ["mine.promo", "other.b"]
    assert [r.id for r in rs.without(["other"])] == ["mine.promo"]
    assert [r.id for r in rs.without(["mine", "other.b"])] == ["other.a"]
    assert [r.id for r in rs.without([])] == ["mine.promo", "other.a", "other.b"]


# --- errors: each names file, line and (when there is one) the rule id ---------------------------

def test_yaml_syntax_error_names_file_and_line(tmp_path):
    p = write(tmp_path, "broken.yaml", """
        rules:
          - id: x.one
            pattern: 'ok'
          - id: x.two
            pattern: [unclosed
        """)
    e = load_error(p)
    assert e.path == str(p)
    assert e.line in (5, 6)                      # where the parser notices the open bracket
    assert str(e).startswith(f"{p}:{e.line}:")
    assert "YAML" in str(e)


def test_unknown_rule_key(tmp_path):
    p = write(tmp_path, "k.yaml", """
        pack: k
        rules:
          - id: k.fine
            pattern: 'a'
          - id: k.typo
            patern: 'b'
        """)
    e = load_error(p)
    assert (e.path, e.line, e.rule_id) == (str(p), 5, "k.typo")
    assert str(e).startswith(f"{p}:5: rule k.typo:")
    assert "'patern'" in str(e)


def test_unknown_file_key(tmp_path):
    p = write(tmp_path, "f.yaml", "pack: f\nrulez: []\n")
    e = load_error(p)
    assert (e.line, e.rule_id) == (1, None)
    assert "'rulez'" in str(e) and str(e).startswith(f"{p}:1:")


def test_bad_regex_names_rule(tmp_path):
    p = write(tmp_path, "r.yaml", """
        - id: r.ok
          pattern: 'fine'
        - id: r.bad
          pattern: '(?i)sign\\s+up(for'
        """)
    e = load_error(p)
    assert (e.path, e.line, e.rule_id) == (str(p), 3, "r.bad")
    assert "pattern" in str(e) and "compile" in str(e)


def test_bad_until_regex(tmp_path):
    p = write(tmp_path, "u.yaml", """
        - id: u.bad
          pattern: 'start'
          action: drop-until
          until: '[unclosed'
        """)
    e = load_error(p)
    assert (e.line, e.rule_id) == (1, "u.bad") and "'until'" in str(e)


@pytest.mark.parametrize("examples, needle", [
    ("examples: ['a', 'b']", "'examples' must be a mapping"),
    ("examples: {drop: 3, keep: ['k']}", "'examples.drop' must be a list of strings"),
    ("examples: {drop: ['d'], keep: [1, 2]}", "'examples.keep' must be a list of strings"),
    ("examples: {drop: ['d'], keep: {a: b}}", "'examples.keep' must be a list of strings"),
    ("examples: {drop: ['d'], kept: ['k']}", "unknown key 'kept' in examples"),
])
def test_example_types(tmp_path, examples, needle):
    p = write(tmp_path, "e.yaml", f"- id: e.rule\n  pattern: 'x'\n  {examples}\n")
    e = load_error(p)
    assert (e.path, e.line, e.rule_id) == (str(p), 1, "e.rule")
    assert needle in str(e)


def test_duplicate_id_across_files(tmp_path):
    p = write(tmp_path, "one.yaml", GOOD)
    q = write(tmp_path, "two.yaml", """
        - id: two.other
          pattern: 'z'
        - id: mine.promo
          pattern: 'y'
        """)
    e = load_error_multi([p, q])
    assert (e.path, e.line, e.rule_id) == (str(q), 3, "mine.promo")
    assert "duplicate" in str(e) and f"{p}:4" in str(e)


def test_duplicate_id_in_one_file(tmp_path):
    p = write(tmp_path, "d.yaml", "- id: d.x\n  pattern: 'a'\n- id: d.x\n  pattern: 'b'\n")
    e = load_error(p)
    assert (e.line, e.rule_id) == (3, "d.x") and f"{p}:1" in str(e)


def test_duplicate_of_a_builtin_id(tmp_path):
    builtin_id = next(iter(load_rules([], builtin=True))).id
    p = write(tmp_path, "dup.yaml", f"- id: {builtin_id}\n  pattern: 'a'\n")
    with pytest.raises(RuleError) as e:
        load_rules([p], builtin=True)
    assert (e.value.path, e.value.line, e.value.rule_id) == (str(p), 1, builtin_id)


def load_error_multi(paths) -> RuleError:
    with pytest.raises(RuleError) as e:
        load_rules(paths, builtin=False)
    assert "\n" not in str(e.value)
    return e.value


@pytest.mark.parametrize("body, line, rid, needle", [
    ("- pattern: 'x'\n", 1, None, "'id'"),
    ("- id: 'has space'\n  pattern: 'x'\n", 1, None, "'id'"),
    ("- id: a.b\n", 1, "a.b", "'pattern' must be a non-empty string"),
    ("- id: a.b\n  pattern: ''\n", 1, "a.b", "'pattern' must be a non-empty string"),
    ("- id: a.b\n  pattern: 'x'\n  action: delete\n", 1, "a.b", "unknown action 'delete'"),
    ("- id: a.b\n  pattern: 'x'\n  case: upper\n", 1, "a.b", "'case'"),
    ("- id: a.b\n  pattern: 'x'\n  zone: middle\n", 1, "a.b", "'zone'"),
    ("- id: a.b\n  pattern: 'x'\n  action: drop-until\n", 1, "a.b", "drop-until needs"),
    ("- id: a.b\n  pattern: 'x'\n  action: drop-until\n  lines: 0\n", 1, "a.b", "drop-until needs"),
    ("- id: a.b\n  pattern: 'x'\n  until: 'y'\n", 1, "a.b", "only apply to action drop-until"),
    ("- id: a.b\n  pattern: 'x'\n  takes: rest\n", 1, "a.b", "'takes' must be one of list"),
    ("- id: a.b\n  pattern: 'x'\n  action: drop-span\n  takes: list\n", 1, "a.b",
     "'takes' only applies to action drop"),
    ("- id: a.b\n  pattern: 'x'\n  description: [1]\n", 1, "a.b", "'description' must be a string"),
    ("# a comment\n# another\n- id: a.b\n  pattern: 'x'\n- id: c.d\n  pattern: 'x'\n  bogus: 1\n", 5, "c.d", "'bogus'"),
])
def test_rule_schema_errors(tmp_path, body, line, rid, needle):
    p = write(tmp_path, "s.yaml", body)
    e = load_error(p)
    assert (e.path, e.line, e.rule_id) == (str(p), line, rid)
    assert needle in str(e)
    prefix = f"{p}:{line}:" + (f" rule {rid}:" if rid else "")
    assert str(e).startswith(prefix)


def test_top_level_must_be_list_or_mapping(tmp_path):
    e = load_error(write(tmp_path, "t.yaml", "just a string\n"))
    assert e.path.endswith("t.yaml") and "list of rules" in str(e)


def test_rule_that_is_not_a_mapping(tmp_path):
    e = load_error(write(tmp_path, "t.yaml", "- just a string\n"))
    assert "mapping" in str(e) and e.path.endswith("t.yaml")


def test_missing_rules_path(tmp_path):
    missing = tmp_path / "nope.yaml"
    e = load_error(missing)
    assert e.path == str(missing) and "no such" in str(e)


def test_not_utf8_rules_file(tmp_path):
    p = tmp_path / "latin.yaml"
    p.write_bytes(b"- id: l.x\n  pattern: 'caf\xe9'\n")
    e = load_error(p)
    assert e.path == str(p) and "cannot read" in str(e)


def test_yaml_is_loaded_safely(tmp_path):
    marker = tmp_path / "pwned"
    p = write(tmp_path, "evil.yaml", f"""
        - id: evil.x
          pattern: !!python/object/apply:os.system ["touch {marker}"]
        """)
    e = load_error(p)
    assert "YAML" in str(e)
    assert not marker.exists()


# --- the shipped packs stay linear on pathological lines ------------------------------------------

# Lines shaped like real scraped-full.txt rows (whitespace-padded table cells of
# 1,000-1,800 characters, long runs of one character): a pattern that backtracks
# badly on them hits the per-line timeout and the whole document fails with exit 2.
PATHOLOGICAL = [
    " " * 1800,
    "Top-15" + " " * 1750,
    "x" + " " * 1500 + "y",
    " 2. Bedford-Strohm: „Da lasse ich nicht locker“" + " " * 1700 + "|",
    "word " * 400,
    "." * 2000,
    "a." + " " * 1500 + "Share this",
    "\t" * 1000 + "Subscribe" + "\t" * 1000,
    "-" * 1000 + " " * 1000,
    "Share this: " * 150,
]


def test_builtin_rules_do_not_time_out_on_pathological_lines():
    from cleaner import Cleaner, CleanerError

    import regex

    # Shipped rules run without a timeout (some on re, some on regex), so each
    # pattern is checked here through regex with one: both engines backtrack.
    def timed(p):
        return regex.compile(p.pattern, regex.IGNORECASE if p.flags & regex.IGNORECASE else 0)

    cleaner = Cleaner(heuristics=False)
    slow = []
    for rule in cleaner.rules:
        start = timed(rule.pattern)
        end = timed(rule.until) if rule.until is not None else None
        for line in PATHOLOGICAL:
            try:
                start.search(line.strip(), timeout=1.0)
                if rule.action == "drop-span":
                    list(start.finditer(line, timeout=1.0))
                if end is not None:
                    end.search(line.strip(), timeout=1.0)
            except TimeoutError:
                slow.append(f"{rule.id} ({rule.source}) on {line[:20]!r}... ({len(line)} chars)")
    assert not slow, "patterns that time out: " + "; ".join(slow)
    try:
        cleaner.clean("\n".join(PATHOLOGICAL) + "\n")
    except CleanerError as e:
        pytest.fail(str(e))


def test_yaml_alias_of_a_rule_is_a_duplicate_id_error(tmp_path):
    p = write(tmp_path, "alias.yaml", """
        - &r
          id: x.y
          pattern: 'a'
        - *r
        """)
    e = load_error(p)
    assert e.path == str(p) and e.rule_id == "x.y" and "duplicate" in str(e)


def test_yaml_alias_of_examples_is_fine(tmp_path):
    p = write(tmp_path, "alias2.yaml", """
        - id: x.y
          pattern: 'a'
          examples: &ex
            drop: ['a']
            keep: ['b']
        - id: x.z
          pattern: 'c'
          examples: *ex
        """)
    y, z = load_file(p)
    assert y.examples_drop == z.examples_drop == ("a",)
    assert y.examples_keep == z.examples_keep == ("b",)


# --- kind, langs and drop examples with remains -----------------------------------

KINDED = """
pack: mine
kind: promo
langs: [en]
rules:
  - id: mine.a
    pattern: '^buy now$'
  - id: mine.b
    kind: newsletter
    langs: [en, de]
    pattern: '^newsletter$'
    examples:
      drop:
        - "Newsletter"
        - {text: "Newsletter", remains: ""}
"""


def test_pack_kind_and_langs_are_defaults_a_rule_may_override(tmp_path):
    a, b = load_rules([write(tmp_path, "mine.yaml", KINDED)], builtin=False)
    assert (a.kind, a.langs) == ("promo", ("en",))
    assert (b.kind, b.langs) == ("newsletter", ("en", "de"))
    assert b.examples_drop == ("Newsletter", "Newsletter") and b.examples_remain == (None, "")


def test_a_rule_without_kind_is_other_and_legacy_lang_is_a_language_list(tmp_path):
    (r,) = load_rules([write(tmp_path, "x.yaml", """
        - id: x.a
          lang: de
          pattern: '^a$'
    """)], builtin=False)
    assert (r.kind, r.langs) == ("other", ("de",))


@pytest.mark.parametrize("extra, message", [
    ("kind: gossip", "unknown kind 'gossip'"),
    ("langs: [English]", "'langs' must be a list of language codes"),
    ("examples: {drop: [{text: a, left: b}]}", "a drop example is a string or a mapping"),
])
def test_kind_langs_and_example_errors_name_file_line_and_rule(tmp_path, extra, message):
    p = write(tmp_path, "x.yaml", f"""
        - id: x.a
          pattern: '^a$'
          {extra}
    """)
    e = load_error(p)
    assert message in str(e) and f"{p}:1" in str(e) and "x.a" in str(e)


def test_shipped_kinds_cover_the_mission():
    kinds = {r.kind for r in load_rules([])}
    assert {"paywall", "newsletter", "donation", "payment", "cookie", "signin", "follow"} <= kinds


# Rows of separators (an empty table row from a scraped page: "|  |  |  | ..."):
# the standard `re` engine, which runs most shipped patterns, backtracks
# exponentially on a nested `(?:(?:sep)*word){2,6}` where `regex` (the test
# above) does not. So these go through `re` itself, in a child process that a
# timeout can stop.
RE_ROWS = ["|  " * 25, "| " * 200, "o e i " * 80 + "!", "Login " * 60 + "x", "/ " * 300,
           "Once / Monthly / " * 30 + "?", "Privacy | Terms | " * 30 + "x"]


def test_builtin_rules_stay_fast_with_re_on_rows_of_separators():
    import subprocess
    import sys

    code = (
        "import re, sys, json\n"
        "from cleaner.rules import load_rules\n"
        "rows = json.loads(sys.stdin.read())\n"
        "for r in load_rules([]):\n"
        "    for p in r.patterns:\n"
        "        c = re.compile(p.pattern, p.flags)\n"
        "        for row in rows: c.search(row)\n"
    )
    import json

    try:
        p = subprocess.run([sys.executable, "-c", code], input=json.dumps(RE_ROWS), text=True,
                           capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("a shipped pattern backtracks without end on a row of separators")
    assert p.returncode == 0, p.stderr[-2000:]


def test_rule_errors_cross_process_boundaries_intact():
    # A worker process that meets a bad rule sends the error to the parent pickled;
    # an error that cannot be rebuilt from its pickle breaks the whole pool.
    import pickle

    from cleaner.errors import RuleError, UnknownNameError

    err = pickle.loads(pickle.dumps(RuleError("mine.yaml", 3, "mine.x", "bad pattern")))
    assert (err.path, err.line, err.rule_id, str(err)) == (
        "mine.yaml", 3, "mine.x", "mine.yaml:3: rule mine.x: bad pattern")
    unknown = pickle.loads(pickle.dumps(UnknownNameError("no rule 'sahre'", "sahre", "share")))
    assert (str(unknown), unknown.name, unknown.suggestion) == ("no rule 'sahre'", "sahre", "share")


def test_a_users_rule_may_take_the_list_under_its_line(tmp_path, run_clean):
    """`takes: list` in a rule file given with --rules, through the real `clean`."""
    p = write(tmp_path, "mine.yaml", """
        - id: mine.picks
          kind: related
          langs: [en]
          pattern: '^our\\s+picks$'
          takes: list
    """)
    text = (b"The council approved the budget on Tuesday after a long debate.\n\n"
            b"Our picks\n\n* Ten walks by the sea\n* Where to eat this week\n")
    r = run_clean("--rules", p, "--no-heuristics", "--explain", "-", input=text)
    assert r.returncode == 0
    assert r.stdout == b"The council approved the budget on Tuesday after a long debate.\n"
    err = r.stderr.decode()
    assert "[mine.picks]" in err and "(the list under line 3): '* Where to eat this week'" in err
    listed = run_clean("rules", "list", "--no-builtin-rules", "--rules", p, "--expanded").stdout.decode()
    assert "takes: list" in listed
