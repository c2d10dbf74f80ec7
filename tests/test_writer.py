"""writer: kept lines byte for byte, blank runs left by removals collapsed, the
article's own blank lines kept; diff, explain and JSON formats."""
from __future__ import annotations

import json

import pytest

from cleaner.blocks import split_lines
from cleaner.decide import Decision
from cleaner.writer import explain, json_report, removed_lines, render, unified_diff


def decide_by(text: str, drop: set[str] = frozenset(), spans: dict[str, tuple] | None = None,
              reason: str = "test.rule") -> list[Decision]:
    """Decisions for ``text``: lines whose text is in ``drop`` go; ``spans`` trims lines."""
    spans = spans or {}
    out = []
    for b in split_lines(text):
        if b.text in drop:
            out.append(Decision(b, False, reason, "a test drop", kind="test"))
        elif b.text in spans:
            out.append(Decision(b, True, reason, "a test span", spans[b.text], kind="test"))
        else:
            out.append(Decision(b, True))
    return out


def clean(text: str, drop=frozenset(), spans=None) -> str:
    return render(decide_by(text, set(drop), spans))


# --- render ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "",
    "one line, no newline",
    "Title\n\nPara one.\n\n\nPara two after two blank lines.\n",
    "\n\nLeading blanks kept when nothing is removed.\n",
    "Trailing blanks kept too.\n\n\n",
    "CRLF\r\n\r\nkept\r\n",
    "old\rmac\r",
    "ws-only blank lines  \n   \n\t\nkept as written\n",
])
def test_nothing_removed_is_identity(text):
    assert clean(text) == text


def test_removed_line_between_paragraphs_leaves_one_blank_run():
    text = "Para A.\n\nBOILERPLATE\n\nPara B.\n"
    assert clean(text, {"BOILERPLATE"}) == "Para A.\n\nPara B.\n"


def test_removed_block_of_lines_and_their_blank_lines():
    text = "Para A.\n\nX1\n\nX2\nX3\n\nX4\n\nPara B.\n"
    assert clean(text, {"X1", "X2", "X3", "X4"}) == "Para A.\n\nPara B.\n"


def test_the_longest_blank_run_around_a_removal_is_kept():
    # the article separates paragraphs with two blank lines; one of them was next to the removal
    text = "Para A.\n\n\nX\n\nPara B.\n"
    assert clean(text, {"X"}) == "Para A.\n\n\nPara B.\n"


def test_removal_between_adjacent_lines_adds_no_blank():
    assert clean("A\nX\nB\n", {"X"}) == "A\nB\n"


def test_article_blank_runs_elsewhere_are_untouched():
    text = "A\n\n\nB\n\nX\n\nC\n \nD\n"
    # A..B keeps its two blank lines, C.. D keeps its whitespace-only blank line
    assert clean(text, {"X"}) == "A\n\n\nB\n\nC\n \nD\n"


def test_removal_at_start_takes_the_blank_lines_after_it():
    assert clean("Support us!\n\nTitle\n\nBody.\n", {"Support us!"}) == "Title\n\nBody.\n"


def test_removal_at_end_takes_the_blank_lines_before_it():
    assert clean("Body.\n\nRead more\n", {"Read more"}) == "Body.\n"
    assert clean("Body.\n\nRead more\n\n\n", {"Read more"}) == "Body.\n"


def test_trailing_blank_lines_after_an_earlier_removal_stay():
    # the removal is before the last kept line, so the file's own trailing blank stays
    assert clean("X\nBody.\n\n", {"X"}) == "Body.\n\n"


def test_last_line_without_newline():
    assert clean("A\nX\nB", {"X"}) == "A\nB"
    assert clean("A\nB\nX", {"X"}) == "A\nB\n"     # B keeps its own newline
    assert clean("A\n\nX", {"X"}) == "A\n"


def test_everything_removed_gives_empty_output():
    assert clean("X\n\nY\n", {"X", "Y"}) == ""


@pytest.mark.parametrize("text", ["\n", "\n\n", "  \r\n"])
def test_blank_only_input_with_nothing_removed_is_unchanged(text):
    assert clean(text) == text


def test_crlf_bytes_survive_removal():
    text = "Title\r\n\r\nSubscribe now\r\n\r\nBody one.\r\nBody two.\r\n"
    out = clean(text, {"Subscribe now"})
    assert out == "Title\r\n\r\nBody one.\r\nBody two.\r\n"
    assert "\n" not in out.replace("\r\n", "")


def test_mixed_line_ends_are_kept_per_line():
    assert clean("a\r\nX\nb\rc\n", {"X"}) == "a\r\nb\rc\n"


def test_a_blank_line_brought_after_a_lone_cr_stays_a_line():
    # Removing "Menu" puts the empty LF line right after "Title\r"; written as
    # they were, "\r" + "\n" would read back as one CRLF and the blank line
    # (a unit boundary) would be gone on a second pass. Found by the fuzz run.
    text = "Title\rMenu\n\nBody.\n"
    out = clean(text, drop={"Menu"})
    assert out == "Title\r\rBody.\n"
    assert [b.text for b in split_lines(out)] == ["Title", "", "Body."]


def test_span_removal_keeps_rest_of_line_and_eol():
    text = "He said so. Share this article on Facebook Then he left.\r\nNext.\r\n"
    line = text.split("\r\n")[0]
    s = line.index("Share this")
    e = line.index("Then")
    out = clean(text, spans={line: ((s, e),)})
    assert out == "He said so. Then he left.\r\nNext.\r\n"


def test_several_spans_in_one_line():
    line = "a[x]b[y]c"
    out = clean(line + "\n", spans={line: ((1, 4), (5, 8))})
    assert out == "abc\n"


def test_render_on_real_fixture_lines(seed_input, seed_expected):
    """The seed with its boilerplate lines dropped by hand renders to the reference."""
    text = seed_input.decode()
    expected = seed_expected.decode()
    keep = {line for line in expected.splitlines() if line.strip()}
    drop = {line for line in text.splitlines() if line.strip() and line not in keep}
    assert len(drop) == 19
    assert clean(text, drop) == expected


# --- removed_lines, explain, diff, json ---------------------------------------------------------

def test_removed_lines_counts_non_blank_dropped_lines():
    ds = decide_by("A\n\nX\nY\n\nB\n", {"X", "Y"})
    assert removed_lines(ds) == 2


def test_explain_format():
    text = "Keep me.\nSign up for our newsletter\nHe said. [ad] Then left.\n"
    line3 = "He said. [ad] Then left."
    ds = decide_by(text, {"Sign up for our newsletter"}, {line3: ((9, 14),)})
    lines = explain(ds, "in.txt")
    assert lines == [
        "in.txt:2: drop line [test.rule] (test) a test drop: 'Sign up for our newsletter'",
        "in.txt:3: drop span [test.rule] (test) a test span: '[ad]'",
    ]


def test_explain_truncates_long_excerpts():
    long = "Subscribe " * 20
    ds = decide_by(long + "\n", {long})
    (line,) = explain(ds, "f", width=30)
    excerpt = line.split(": ", 2)[-1]
    assert excerpt.startswith("'Subscribe") and excerpt.endswith("…'")
    assert len(eval(excerpt)) == 30


def test_explain_is_empty_when_nothing_removed():
    assert explain(decide_by("A\n\nB\n")) == []


def test_unified_diff_shows_removed_lines():
    before = "Title\n\nSubscribe now\n\nBody.\n"
    after = clean(before, {"Subscribe now"})
    d = unified_diff(before, after, "story.txt")
    lines = d.splitlines()
    assert lines[0] == "--- a/story.txt"
    assert lines[1] == "+++ b/story.txt"
    assert lines[2].startswith("@@ ")
    assert "-Subscribe now" in lines
    assert not [x for x in lines[2:] if x.startswith("+")]
    assert unified_diff(before, before, "story.txt") == ""


def test_json_report():
    text = "Keep.\n\nSign up\nHe said [ad] so.\n"
    ds = decide_by(text, {"Sign up"}, {"He said [ad] so.": ((8, 13),)})
    rep = json.loads(json_report(ds, "ünï.txt"))
    assert rep == {
        "input": "ünï.txt",
        "lines": 4,
        "removed_lines": 1,
        "removed": [
            {"line": 3, "reason": "test.rule", "kind": "test", "detail": "a test drop",
             "text": "Sign up", "spans": None},
            {"line": 4, "reason": "test.rule", "kind": "test", "detail": "a test span",
             "text": None, "spans": [[8, 13]]},
        ],
    }
    assert "\n" not in json_report(ds, "x")     # one line per input
    assert "ünï" in json_report(ds, "ünï.txt")  # not ASCII-escaped


# --- invariants of render on real inputs with arbitrary removals ------------------------------------

def _blank_runs(lines: list[str]) -> list[int]:
    runs, n = [], 0
    for line in lines:
        if line.strip():
            if n:
                runs.append(n)
            n = 0
        else:
            n += 1
    return runs + ([n] if n else [])


def _fixture_inputs():
    from conftest import FIXTURES
    return sorted(FIXTURES.glob("*/input.txt"))


@pytest.mark.parametrize("path", _fixture_inputs(), ids=lambda p: p.parent.name)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_render_invariants_under_random_removals(path, seed):
    import random

    text = path.read_text(encoding="utf-8")
    for crlf in (False, True):
        if crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        rnd = random.Random(f"{path.parent.name}-{seed}")
        blocks = split_lines(text)
        dropped = {b.index for b in blocks if not b.blank and rnd.random() < 0.3}
        ds = [Decision(b, b.index not in dropped, "r" if b.index in dropped else None) for b in blocks]
        out = render(ds)
        out_blocks = split_lines(out)
        kept = [b for b in blocks if not b.blank and b.index not in dropped]
        # every kept content line comes out byte for byte, with its own line end, in order
        assert [(b.text, b.eol) for b in out_blocks if not b.blank] == [(b.text, b.eol) for b in kept]
        # blank lines come from the input and no blank run grows beyond the input's longest
        assert {b.text + b.eol for b in out_blocks if b.blank} <= {b.text + b.eol for b in blocks if b.blank}
        assert max(_blank_runs([b.text for b in out_blocks]), default=0) <= \
            max(_blank_runs([b.text for b in blocks]), default=0)
        # no blank line is left at the start where the removal touched it
        if kept and blocks and blocks[0].index in dropped:
            assert not out_blocks[0].blank
        # rendering again with nothing removed changes nothing
        assert render([Decision(b, True) for b in out_blocks]) == out


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085", "\x0c"])
def test_unified_diff_lines_are_the_cleaners_lines(sep):
    before = f"Title\n\nA line with a{sep}separator inside.\n\nSubscribe now\n\nEnd.\n"
    after = clean(before, {"Subscribe now"})
    d = unified_diff(before, after, "s.txt")
    body = [line for line in d.split("\n") if line and not line.startswith(("---", "+++", "@@"))]
    assert f" A line with a{sep}separator inside." in body


BOM = "\ufeff"


@pytest.mark.parametrize("text, drop, spans, want", [
    # the first line goes: the mark still opens the file
    (BOM + "Sign up\n\nStory.\n", {BOM + "Sign up"}, None, BOM + "Story.\n"),
    # the first line stays: one mark, as it was
    (BOM + "Story.\nSign up\n", {"Sign up"}, None, BOM + "Story.\n"),
    # a trimmed span takes the mark along: it is written again, once
    (BOM + "Ad: Story.\n", set(), {BOM + "Ad: Story.": ((0, 5),)}, BOM + "Story.\n"),
    # nothing is kept: nothing is written, not a lone mark
    (BOM + "Sign up\n", {BOM + "Sign up"}, None, ""),
    # a mark later in the text is text: left alone
    ("Sign up\n" + BOM + "Story.\n", {"Sign up"}, None, BOM + "Story.\n"),
    ("Sign up\nStory.\n", {"Sign up"}, None, "Story.\n"),
])
def test_a_byte_order_mark_opens_the_text_written(text, drop, spans, want):
    """A UTF-8 file's BOM is read as U+FEFF opening its first line; removing that
    line took the mark along, and a file rewritten in place lost it."""
    assert clean(text, drop, spans) == want
    ds = decide_by(text, drop, spans)
    for cut in range(len(ds) + 1):
        from cleaner.writer import Renderer

        r = Renderer()
        assert r.feed(ds[:cut]) + r.feed(ds[cut:]) + r.close() == want, cut


def test_rendering_in_pieces_gives_the_same_text():
    from cleaner.writer import Renderer

    text = "Keep one.\n\n\nSign up\n\nKeep two.\nDrop me\n\n\n\nKeep three.\n\nDrop me\n\n"
    ds = decide_by(text, {"Sign up", "Drop me"})
    whole = render(ds)
    for cut in range(len(ds) + 1):
        r = Renderer()
        assert r.feed(ds[:cut]) + r.feed(ds[cut:]) + r.close() == whole, cut
