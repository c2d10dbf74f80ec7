"""The real installed `clean` executable, run in a subprocess, on real files.

Each test runs in its own temporary folder (so no project configuration file is
picked up) and checks bytes, exit codes and the one-line error contract: an
error is one line on stderr, exit status 2, never a Python traceback.

Each start of `clean` costs about half a second of CPU: the quick run
(`pytest -m "not slow"`) keeps one or two of each kind (filter and file input,
--explain, --diff, --json, usage and input errors, --help, the seed against the
library); the others are marked slow and run in the full suite.
"""
from __future__ import annotations

import difflib
import re
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, SEED

HTML_PAGE = FIXTURES / "html" / "readability-daringfireball-1" / "page.html"
OTHER = FIXTURES / "trafilatura-guatemala-telegram-es" / "input.txt"

# A rule file whose targets read like article prose, so only the rule (not a
# heuristic) can be what removes them.
HOUSE_RULES = """\
pack: house
rules:
  - id: house.minister
    description: a test rule on an article-like sentence
    pattern: '^The minister said on Monday that the regional budget'
    examples:
      drop: ["The minister said on Monday that the regional budget would be balanced."]
      keep: ["A minister said nothing."]
"""
ARTICLE = (
    "The regional parliament met on Monday to debate the spending plan for next year.\n"
    "\n"
    "The minister said on Monday that the regional budget would be balanced by 2027, "
    "two years earlier than the plan of the previous government foresaw.\n"
    "\n"
    "Opposition deputies said the plan relied on optimistic forecasts for tax revenue.\n"
)

@pytest.fixture
def run(run_clean, tmp_path):
    """`clean` with the temporary folder as working directory."""
    def _run(*args, input: bytes = b"", timeout: float = 60):
        return run_clean(*args, input=input, cwd=tmp_path, timeout=timeout)
    return _run

@pytest.fixture
def seed_file(tmp_path, seed_input):
    p = tmp_path / "seed.txt"
    p.write_bytes(seed_input)
    return p

@pytest.fixture
def house(tmp_path):
    p = tmp_path / "house.yaml"
    p.write_text(HOUSE_RULES, encoding="utf-8")
    return p

def assert_one_line_error(proc, *needles: str):
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]

# --- the filter --------------------------------------------------------------------------------

def test_stdin_to_stdout(run, seed_input, seed_expected):
    p = run(input=seed_input)
    assert p.returncode == 0, p.stderr
    assert p.stdout == seed_expected
    assert p.stderr == b""

def test_file_argument(run, seed_file, seed_expected):
    p = run(seed_file)
    assert p.returncode == 0, p.stderr
    assert p.stdout == seed_expected

@pytest.mark.slow
def test_dash_reads_stdin(run, seed_input, seed_expected):
    p = run("-", input=seed_input)
    assert p.returncode == 0 and p.stdout == seed_expected

@pytest.mark.slow
def test_multiple_files_in_order(run, seed_file, seed_expected, tmp_path):
    other = tmp_path / "other.txt"
    other.write_bytes(OTHER.read_bytes())
    alone = run(other)
    assert alone.returncode == 0
    both = run(seed_file, other)
    assert both.returncode == 0, both.stderr
    assert both.stdout == seed_expected + alone.stdout
    reverse = run(other, seed_file)
    assert reverse.stdout == alone.stdout + seed_expected

@pytest.mark.slow
def test_file_and_stdin_mixed(run, seed_file, seed_input, seed_expected, tmp_path):
    other = tmp_path / "other.txt"
    other.write_bytes(OTHER.read_bytes())
    alone = run(other).stdout
    p = run(other, "-", input=seed_input)
    assert p.returncode == 0
    assert p.stdout == alone + seed_expected

@pytest.mark.slow
def test_empty_input(run, tmp_path):
    p = run(input=b"")
    assert (p.returncode, p.stdout, p.stderr) == (0, b"", b"")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    p = run(empty)
    assert (p.returncode, p.stdout, p.stderr) == (0, b"", b"")

@pytest.mark.slow
def test_crlf_input_keeps_crlf_bytes(run, seed_input, seed_expected):
    p = run(input=seed_input.replace(b"\n", b"\r\n"))
    assert p.returncode == 0
    assert p.stdout == seed_expected.replace(b"\n", b"\r\n")

@pytest.mark.slow
def test_non_ascii_passes_through_byte_exact(run, seed_input, seed_expected):
    data = seed_input.replace(b"Sechin", "Séchin – “Сечин”".encode())
    p = run(input=data)
    assert p.stdout == seed_expected.replace(b"Sechin", "Séchin – “Сечин”".encode())

@pytest.mark.slow
def test_encoding_latin1(run, seed_input, seed_expected):
    data = seed_input.decode().replace("Sechin", "Séchin").encode("latin-1")
    bad = run(input=data)
    assert_one_line_error(bad, "<stdin>", "byte ")
    p = run("--encoding", "latin-1", input=data)
    assert p.returncode == 0, p.stderr
    assert p.stdout == seed_expected.decode().replace("Sechin", "Séchin").encode("utf-8")

@pytest.mark.slow
def test_html_file_is_extracted(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(HTML_PAGE.read_bytes())
    p = run(page)
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert "Web standards are important, and Daring Fireball adheres to them." in out
    assert "<" not in out and "stylesheet" not in out

@pytest.mark.slow
def test_html_on_stdin_is_detected_and_format_text_keeps_markup(run):
    page = HTML_PAGE.read_bytes()
    auto = run(input=page)
    assert auto.returncode == 0, auto.stderr
    assert b"Daring Fireball is written and produced by John Gruber." in auto.stdout
    assert b"<html" not in auto.stdout
    as_text = run("--format", "text", "--no-heuristics", "--no-builtin-rules", input=page)
    assert as_text.returncode == 0
    assert as_text.stdout == page

# --- rules on the command line -------------------------------------------------------------------

@pytest.mark.slow
def test_rules_option_adds_a_rule(run, house):
    plain = run(input=ARTICLE.encode())
    assert plain.stdout == ARTICLE.encode(), "without the rule the article is untouched"
    p = run("--rules", house, input=ARTICLE.encode())
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert "The minister said on Monday" not in out
    assert out == ARTICLE.replace(ARTICLE.splitlines(keepends=True)[2], "").replace("\n\n\n", "\n\n")

@pytest.mark.slow
def test_disable_by_id_and_by_pack(run, house):
    for off in ("house.minister", "house"):
        p = run("--rules", house, "--disable", off, input=ARTICLE.encode())
        assert p.returncode == 0
        assert p.stdout == ARTICLE.encode(), off

@pytest.mark.slow
def test_disable_builtin_rule(run, seed_input):
    on = run(input=seed_input).stdout
    assert not on.startswith(b"Support The Moscow Times!")
    off = run("--disable", "donation.support-banner", "--no-heuristics", input=seed_input).stdout
    assert off.startswith(b"Support The Moscow Times!\n")

@pytest.mark.slow
def test_no_builtin_rules(run, house, seed_input):
    p = run("--no-builtin-rules", "--no-heuristics", "--rules", house, input=seed_input)
    assert p.returncode == 0
    assert p.stdout == seed_input

# --- explain, diff, json -----------------------------------------------------------------------

EXPLAIN_LINE = re.compile(r"^(?P<name>.+):(?P<line>\d+): drop (?:line|span) \[(?P<reason>[^\]]+)\] ")

def test_explain_goes_to_stderr(run, seed_file, seed_expected, seed_input):
    p = run("--explain", seed_file)
    assert p.returncode == 0
    assert p.stdout == seed_expected, "--explain does not change stdout"
    lines = p.stderr.decode().splitlines()
    assert lines, "removals are explained"
    parsed = [EXPLAIN_LINE.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed) if not m]
    assert {m["name"] for m in parsed} == {str(seed_file)}
    by_line = {int(m["line"]): m["reason"] for m in parsed}
    assert by_line[1] == "donation.support-banner"
    assert by_line[19].startswith("newsletter.")
    src = seed_input.decode().split("\n")
    for no in by_line:                       # only real, non-blank lines are reported
        assert src[no - 1].strip()
    assert "'Support The Moscow Times!'" in lines[0]

@pytest.mark.slow
def test_explain_names_stdin(run, seed_input):
    p = run("--explain", input=seed_input)
    assert p.stderr.decode().startswith("<stdin>:1: drop line [donation.support-banner]")

def test_diff(run, seed_file, seed_input, seed_expected):
    p = run("--diff", seed_file)
    assert p.returncode == 0
    name = str(seed_file)
    want = "".join(difflib.unified_diff(
        seed_input.decode().splitlines(keepends=True), seed_expected.decode().splitlines(keepends=True),
        fromfile=f"a/{name}", tofile=f"b/{name}"))
    # The seed has no final newline: like diff(1), the last line says so.
    assert want.endswith("\n-Read more")
    want += "\n\\ No newline at end of file\n"
    got = p.stdout.decode()
    assert got == want
    assert got.startswith(f"--- a/{name}\n+++ b/{name}\n@@ ")
    assert "\n-Support The Moscow Times!\n" in got and "\n-Read more" in got

@pytest.mark.slow
def test_diff_of_clean_text_is_empty(run, house):
    p = run("--diff", input=ARTICLE.encode())
    assert (p.returncode, p.stdout) == (0, b"")

def test_json_report(run, seed_file):
    import json
    p = run("--json", seed_file)
    assert p.returncode == 0
    (line,) = p.stdout.decode().splitlines()
    rep = json.loads(line)
    assert rep["input"] == str(seed_file)
    assert rep["lines"] == 46
    assert rep["removed_lines"] == 19
    assert rep["removed"][0]["line"] == 1 and rep["removed"][0]["reason"] == "donation.support-banner"

# --- clean rules ... -------------------------------------------------------------------------------

@pytest.mark.slow
def test_rules_list(run, house):
    p = run("rules", "list")
    assert p.returncode == 0, p.stderr
    rows = [line.split("\t") for line in p.stdout.decode().splitlines()]
    assert rows and all(len(r) == 3 for r in rows)
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids))
    assert ["donation.support-banner", "drop"] == next(r[:2] for r in rows if r[0] == "donation.support-banner")
    assert ["related.read-more-tail", "drop-rest"] == next(r[:2] for r in rows if r[0] == "related.read-more-tail")
    extra = run("rules", "list", "--rules", house)
    assert extra.stdout.decode().splitlines()[len(rows):] == [
        "house.minister\tdrop\ta test rule on an article-like sentence"]
    only = run("rules", "list", "--no-builtin-rules", "--rules", house)
    assert only.stdout == b"house.minister\tdrop\ta test rule on an article-like sentence\n"

@pytest.mark.slow
def test_rules_test_good_file(run, house):
    p = run("rules", "test", house)
    assert p.returncode == 0, p.stderr
    assert p.stderr.decode().splitlines()[-1] == "1 rules, 2 examples, 0 failed"

@pytest.mark.slow
def test_rules_test_builtin(run):
    p = run("rules", "test")
    assert p.returncode in (0, 1)           # the shipped examples are another test's business
    assert re.search(r"^\d+ rules, \d+ examples, \d+ failed$", p.stderr.decode(), re.M)
    assert "Traceback" not in p.stderr.decode()

def rule_file(path: Path, rule_id: str, pattern: str, drop: list[str], keep: list[str]) -> Path:
    """A rules file of one rule with its examples."""
    path.write_text(f"- id: {rule_id}\n  pattern: '{pattern}'\n  examples:\n"
                    f"    drop: {drop!r}\n    keep: {keep!r}\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_rules_test_failing_examples(run, tmp_path):
    bad = rule_file(tmp_path / "bad.yaml", "bad.greedy", "budget",
                    ["Subscribe to our budget newsletter", "Nothing to see here"],
                    ["The budget was passed on Monday."])
    p = run("rules", "test", bad)
    assert p.returncode == 1
    err = p.stderr.decode()
    assert "Traceback" not in err
    failures = [line for line in err.splitlines() if "bad.greedy" in line]
    assert len(failures) == 2
    assert any("drop example not dropped" in f and "Nothing to see here" in f for f in failures)
    assert any("keep example changed" in f and "The budget was passed" in f for f in failures)
    assert all(f.startswith(f"{bad}:1: rule bad.greedy:") for f in failures)
    assert err.splitlines()[-1] == "1 rules, 3 examples, 2 failed"

@pytest.mark.slow
def test_rules_test_names_a_built_in_rules_id_that_clean_would_refuse(run, tmp_path):
    mine = rule_file(tmp_path / "mine.yaml", "share.label", "^share it$", ["Share it"],
                     ["They share it, he said."])
    assert run("--rules", mine, input=b"text\n").returncode == 2    # duplicate rule id
    p = run("rules", "test", mine)
    assert p.returncode == 1
    err = p.stderr.decode().splitlines()
    assert err[0].startswith(f"{mine}:1: rule share.label: the id of a built-in rule (")
    assert err[0].endswith("`clean --rules` refuses it unless --no-builtin-rules")
    assert err[-1] == "1 rules, 2 examples, 1 failed"
    assert run("--no-builtin-rules", "--rules", mine, input=b"Share it\n").stdout == b""


@pytest.mark.slow
def test_rules_test_invalid_file(run, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("- id: x.ok\n  pattern: 'a'\n- id: x.bad\n  pattern: '(a'\n", encoding="utf-8")
    p = run("rules", "test", bad)
    assert_one_line_error(p, f"{bad}:3:", "x.bad")

# --- errors: one line, exit 2, no traceback ----------------------------------------------------

@pytest.mark.slow
def test_invalid_utf8_on_stdin(run):
    p = run(input=b"Good line\nbad \xff byte\n")
    line = assert_one_line_error(p, "<stdin>", "byte 14")
    assert line.startswith("clean: error:")
    assert p.stdout == b""

@pytest.mark.slow
def test_invalid_utf8_in_file(run, tmp_path):
    f = tmp_path / "bad.txt"
    f.write_bytes("Grüße\n".encode() + b"\xc3(\n")
    p = run(f)
    assert_one_line_error(p, str(f), "byte 8")

def test_invalid_rules_file(run, tmp_path, seed_input):
    bad = tmp_path / "rules.yaml"
    bad.write_text("pack: mine\nrules:\n  - id: mine.ok\n    pattern: 'x'\n"
                   "  - id: mine.typo\n    patern: 'y'\n", encoding="utf-8")
    p = run("--rules", bad, input=seed_input)
    line = assert_one_line_error(p, f"{bad}:5:", "mine.typo", "patern")
    assert line.startswith("clean: error:")
    assert p.stdout == b""

def test_a_key_named_twice_in_a_rules_file(run, tmp_path, seed_input):
    """YAML keeps the last of two equal keys without a word; a rule that says
    pattern: twice would run the second and ignore the first."""
    bad = tmp_path / "rules.yaml"
    bad.write_text("pack: mine\nrules:\n  - id: mine.twice\n    pattern: 'subscribe'\n"
                   "    pattern: 'donate'\n    kind: ui\n    langs: [en]\n", encoding="utf-8")
    p = run("--rules", bad, input=seed_input)
    line = assert_one_line_error(p, f"{bad}:5:", "duplicate key 'pattern'")
    assert line.startswith("clean: error:")
    assert p.stdout == b""

@pytest.mark.slow
def test_yaml_syntax_error_in_rules_file(run, tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("- id: a.b\n  pattern: [oops\n", encoding="utf-8")
    assert_one_line_error(run("--rules", bad, input=b"x\n"), str(bad), "YAML")

@pytest.mark.slow
def test_missing_rules_file(run, tmp_path):
    assert_one_line_error(run("--rules", tmp_path / "nope.yaml", input=b"x\n"), "nope.yaml")

def test_missing_input_file(run, tmp_path):
    missing = tmp_path / "missing.txt"
    p = run(missing)
    assert_one_line_error(p, str(missing))
    assert p.stdout == b""

@pytest.mark.slow
def test_missing_file_among_others_still_cleans_the_rest(run, seed_file, seed_expected, tmp_path):
    p = run(tmp_path / "missing.txt", seed_file)
    assert_one_line_error(p, "missing.txt")
    assert p.stdout == seed_expected

@pytest.mark.slow
def test_folder_without_in_place(run, tmp_path):
    assert_one_line_error(run(tmp_path), str(tmp_path))

def test_unknown_option(run):
    p = run("--no-such-option", input=b"x\n")
    err = p.stderr.decode()
    assert p.returncode == 2
    assert "Traceback" not in err
    assert "--no-such-option" in err
    assert p.stdout == b""

@pytest.mark.slow
def test_unknown_encoding(run):
    assert_one_line_error(run("--encoding", "klingon-8", input=b"x\n"), "klingon-8")

def test_help(run):
    p = run("--help")
    assert p.returncode == 0
    assert p.stdout.decode().startswith("Usage: clean")

@pytest.mark.parametrize("case", ["missing", "bad-utf8"])
@pytest.mark.slow
def test_jsonl_input_errors_are_one_line(run, tmp_path, case):
    if case == "missing":
        p = run("--format", "jsonl", tmp_path / "missing.jsonl")
    else:
        p = run("--format", "jsonl", input=b'{"text": "caf\xff"}\n')
    assert_one_line_error(p)

# --- a reader that goes away --------------------------------------------------------------

@pytest.mark.slow
def test_closed_pipe_is_quiet(clean_exe, tmp_path, seed_input):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        for i in range(4000):
            f.write(f"Paragraph {i}: the regional parliament debated the spending plan "
                    f"for the coming year at length on Monday.\n\n".encode())
        f.write(seed_input)
    assert big.stat().st_size > 400_000      # far beyond a pipe buffer
    err = tmp_path / "err.txt"
    script = f'"{clean_exe}" < "{big}" 2> "{err}" | head -1; echo "status=${{PIPESTATUS[0]}}"'
    p = subprocess.run(["bash", "-c", script], capture_output=True, cwd=tmp_path, timeout=120)
    out = p.stdout.decode()
    assert out.startswith("Paragraph 0: the regional parliament")
    status = int(out.strip().rsplit("status=", 1)[1])
    stderr = err.read_text()
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "Exception ignored" not in stderr
    assert status == 0, (status, stderr)     # the README promises 0, not 141 or 1

# --- the command and the library agree -------------------------------------------------------

# The seed in the quick run; every other fixture with the slow tests.
@pytest.mark.parametrize("case", [
    pytest.param(p, marks=() if p == SEED else pytest.mark.slow)
    for p in sorted(p.parent for p in FIXTURES.glob("*/input.txt"))], ids=lambda p: p.name)
def test_cli_output_equals_library_output(run, case):
    from cleaner import Cleaner

    data = (case / "input.txt").read_bytes()
    p = run(input=data)
    assert p.returncode == 0, p.stderr
    assert p.stdout == Cleaner().clean(data.decode("utf-8")).encode("utf-8")

@pytest.mark.slow
def test_json_one_line_per_input(run, seed_file, tmp_path):
    import json
    other = tmp_path / "other.txt"
    other.write_bytes(OTHER.read_bytes())
    p = run("--json", seed_file, other)
    assert p.returncode == 0
    reports = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert [r["input"] for r in reports] == [str(seed_file), str(other)]

@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085"])
@pytest.mark.slow
def test_jsonl_strings_may_hold_unicode_line_separators(run, sep):
    import json
    record = {"id": 7, "text": f"The minister spoke on Monday.{sep}She left.\n"}
    p = run("--format", "jsonl", "--no-heuristics",
            input=(json.dumps(record, ensure_ascii=False) + "\n").encode())
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout.decode()) == record

# --- --diff output is a patch that `patch` applies -------------------------------------------

def _apply_patch(tmp_path, original: bytes, diff: bytes) -> bytes:
    import shutil as _sh
    if not _sh.which("patch"):
        pytest.skip("no patch executable")
    target = tmp_path / "target.txt"
    target.write_bytes(original)
    p = subprocess.run(["patch", "-s", "--fuzz=0", "--no-backup-if-mismatch", str(target)], input=diff,
                       capture_output=True, timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr
    return target.read_bytes()

@pytest.mark.slow
def test_diff_applies_with_patch(run, seed_input, seed_expected, tmp_path):
    data = seed_input + b"\n"           # the seed without its missing final newline
    f = tmp_path / "story.txt"
    f.write_bytes(data)
    d = run("--diff", f)
    assert d.returncode == 0
    assert _apply_patch(tmp_path, data, d.stdout) == run(f).stdout

@pytest.mark.slow
def test_diff_applies_with_patch_when_last_line_has_no_newline(run, seed_file, seed_input, seed_expected,
                                                                tmp_path):
    d = run("--diff", seed_file)
    assert d.returncode == 0
    assert _apply_patch(tmp_path, seed_input, d.stdout) == seed_expected

@pytest.mark.parametrize("eol", ["\r\n", "\r"])
@pytest.mark.slow
def test_diff_applies_with_patch_when_lines_end_in_cr(run, seed_input, tmp_path, eol):
    # CRLF whose last line ends in a lone CR, and old Mac CR-only lines: patch
    # ends a line at LF only, so a diff line ending in CR ran into the next.
    data = seed_input.replace(b"\n", eol.encode()) + b"\r"
    f = tmp_path / "story.txt"
    f.write_bytes(data)
    want = run(f).stdout
    assert want != data
    d = run("--diff", f)
    assert d.returncode == 0
    assert _apply_patch(tmp_path, data, d.stdout) == want


@pytest.mark.slow
def test_diff_of_several_files_starts_each_header_on_its_own_line(run, seed_file, tmp_path):
    other = tmp_path / "other.txt"
    other.write_bytes(OTHER.read_bytes())
    d = run("--diff", seed_file, other).stdout.decode()
    assert f"\n--- a/{other}\n" in d

@pytest.mark.parametrize("sep", ["\u2028", "\u0085", "\x0c"])
@pytest.mark.slow
def test_diff_applies_with_patch_when_lines_hold_unicode_separators(run, tmp_path, seed_input, sep):
    # a kept line two lines above the newsletter box, so it is context in the hunk
    data = seed_input.replace(b"Channel 4 News", f"Channel 4{sep}News".encode()) + b"\n"
    assert data != seed_input + b"\n"
    f = tmp_path / "story.txt"
    f.write_bytes(data)
    want = run(f).stdout
    d = run("--diff", f)
    assert d.returncode == 0
    assert _apply_patch(tmp_path, data, d.stdout) == want

@pytest.mark.parametrize("data", [b"\n", b"\n\n", b"  \r\n"])
@pytest.mark.slow
def test_blank_only_input_is_left_alone(run, data):
    p = run(input=data)
    assert (p.returncode, p.stdout) == (0, data)

@pytest.mark.slow
def test_a_backtracking_user_rule_cannot_hang_the_run(run, tmp_path):
    evil = tmp_path / "evil.yaml"
    evil.write_text("- id: evil.backtrack\n  pattern: '^(a|a)*$'\n", encoding="utf-8")
    p = run("--rules", evil, "--no-heuristics", input=b"Fine first line.\n" + b"a" * 34 + b"!\n", timeout=120)
    line = assert_one_line_error(p, "evil.backtrack", "timed out")
    assert f"{evil}:1" in line and "line 2" in line

@pytest.mark.slow
def test_rule_timeout_error_names_the_input(run, tmp_path, seed_file):
    evil = tmp_path / "evil.yaml"
    evil.write_text("- id: evil.backtrack\n  pattern: '^(a|a)*$'\n", encoding="utf-8")
    bad = tmp_path / "bad-input.txt"
    bad.write_bytes(b"Fine first line.\n" + b"a" * 34 + b"!\n")
    p = run("--rules", evil, "--no-heuristics", seed_file, bad, timeout=120)
    assert_one_line_error(p, "bad-input.txt", "evil.backtrack")


@pytest.mark.slow
def test_stats_count_removed_lines_per_kind_and_reason(run_clean, seed_input, seed_expected):
    r = run_clean("--stats", "-", input=seed_input)
    assert r.returncode == 0 and r.stdout == seed_expected
    lines = r.stderr.decode().splitlines()
    assert lines[0] == "clean: 1 input, 19 lines removed"
    # The seed's appeal is one drop-until rule of 14 lines, under the donation kind.
    assert any(line.split() == ["clean:", "donation", "15"] for line in lines)
    assert any(line.split() == ["clean:", "donation.message-from-appeal", "14"] for line in lines)


def test_summary_lines_count_one_in_the_singular(run_clean, tmp_path):
    story = "The council approved the harbour budget on Tuesday after a long debate in the chamber.\n"
    text = story + "Subscribe to our newsletter!\n"
    r = run_clean("--stats", "-", input=text.encode())
    assert r.returncode == 0 and r.stdout.decode() == story
    assert r.stderr.decode().splitlines()[0] == "clean: 1 input, 1 line removed"
    p = tmp_path / "story.txt"
    p.write_text(text)
    r = run_clean("--check", tmp_path)
    assert r.returncode == 1
    assert r.stderr.decode().splitlines()[-1].startswith(
        "clean: 1 file seen, 1 would change, 0 skipped, 0 errors, 1 line would be removed (")


def test_the_exit_runs_atexit_functions_and_keeps_status_and_output(tmp_path, seed_input, seed_expected):
    """main() ends the process without the interpreter's teardown (cli._end):
    atexit functions still run, the output is all written, the status is the command's."""
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: sys.stderr.write('ATEXIT'))\n"
             "sys.argv = ['clean', *sys.argv[1:]]\n"
             "from cleaner.cli import main\n"
             "main()\n")
    p = _python(probe, tmp_path, seed_input)
    assert (p.returncode, p.stdout, p.stderr) == (0, seed_expected, b"ATEXIT")
    p = _python(probe, tmp_path, seed_input, "--check", "-")
    assert p.returncode == 2 and p.stderr.endswith(b"ATEXIT") and b"error" in p.stderr


def test_the_collector_is_back_on_after_the_cleaner_is_built(tmp_path, seed_input, seed_expected):
    """collector.paused(freeze=True) in cli: no cycle collection while the Cleaner
    is built, then its objects are frozen and collection is on again for the documents."""
    probe = ("import gc, sys\n"
             "from cleaner.cli import run\n"
             "frozen = gc.get_freeze_count()\n"
             "status = run([])\n"
             "sys.stderr.write(f'{status} {gc.isenabled()} {gc.get_freeze_count() > frozen}')\n")
    p = _python(probe, tmp_path, seed_input)
    assert (p.stdout, p.stderr) == (seed_expected, b"0 True True")


def _python(probe: str, cwd, stdin: bytes, *args: str) -> subprocess.CompletedProcess:
    """Run the Python source ``probe`` in a new interpreter, ``args`` as its argv."""
    import sys

    return subprocess.run([sys.executable, "-c", probe, *args], input=stdin, capture_output=True,
                          cwd=cwd)


@pytest.mark.slow
def test_a_closed_stderr_changes_neither_output_nor_status(clean_exe, tmp_path, seed_input, seed_expected):
    """`clean 2>&-` (cron jobs do it): Python has no sys.stderr then; the exit
    (cli._end) must not fail on it."""
    out = tmp_path / "out.txt"
    p = subprocess.run(["bash", "-c", f"'{clean_exe}' < /dev/stdin > '{out}' 2>&-"], input=seed_input,
                       capture_output=True, cwd=tmp_path)
    assert p.returncode == 0 and out.read_bytes() == seed_expected
