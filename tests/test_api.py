"""The Cleaner API: built once, picklable, rules on and off, results consistent."""
from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from cleaner import Cleaner, CleanResult, InputError, RuleError
from cleaner.rules import load_rules
from conftest import FIXTURES, SEED

CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and (p / "input.txt").is_file())

EXTRA = """\
pack: house
rules:
  - id: house.promo
    description: our test promo line
    pattern: '^ZZZ promo\\b'
    examples:
      drop: ["ZZZ promo: buy"]
      keep: ["The ZZZ promo was cancelled."]
  - id: house.ad-span
    description: an inline ad marker
    pattern: '\\s*\\[Advertisement\\]'
    action: drop-span
    examples:
      drop: ["He said so. [Advertisement] Then left."]
      keep: ["He said so."]
  - id: house.box
    description: a box from BEGIN BOX to END BOX
    pattern: '^BEGIN BOX$'
    action: drop-until
    until: '^END BOX$'
    examples:
      drop: ["BEGIN BOX\\nstuff\\nEND BOX"]
      keep: ["BEGIN BOXING DAY"]
"""


def seed_text() -> str:
    return (SEED / "input.txt").read_text(encoding="utf-8")


def seed_expected() -> str:
    return (SEED / "expected.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def default() -> Cleaner:
    return Cleaner()


@pytest.fixture
def extra_rules(tmp_path) -> Path:
    p = tmp_path / "house.yaml"
    p.write_text(EXTRA, encoding="utf-8")
    return p


def rules_only(**kw) -> Cleaner:
    """A Cleaner that applies rules only, so the checks below hold whatever the heuristics do."""
    return Cleaner(heuristics=False, **kw)


# --- the seed ---------------------------------------------------------------------------------

def test_seed_is_byte_exact(default):
    assert default.clean(seed_text()) == seed_expected()


def test_seed_with_crlf_keeps_crlf(default):
    crlf_in = seed_text().replace("\n", "\r\n")
    out = default.clean(crlf_in)
    assert out == seed_expected().replace("\n", "\r\n")


def test_idempotent_on_seed(default):
    once = default.clean(seed_text())
    assert default.clean(once) == once


def test_clean_equals_analyze_text(default):
    for case in CASES:
        text = (case / "input.txt").read_text(encoding="utf-8")
        assert default.clean(text) == default.analyze(text).text, case.name


def test_analyze_result(default):
    res = default.analyze(seed_text(), "seed.txt")
    assert isinstance(res, CleanResult)
    assert res.name == "seed.txt" and res.original == seed_text()
    assert res.changed
    removed = {d.block.text for d in res.removed}
    assert {"Support The Moscow Times!", "Once", "Monthly", "Read more"} <= removed
    assert all(d.reason for d in res.removed), "every removal has a reason"
    assert "Suspected arms dealer" not in " ".join(removed)
    assert all(line.startswith("seed.txt:") for line in res.explain())
    assert res.diff().startswith("--- a/seed.txt\n+++ b/seed.txt\n")


def test_unchanged_text_is_not_changed():
    text = "Bout denied any ties to Sechin.\n\nThe interview airs on Tuesday.\n"
    res = rules_only().analyze(text)
    assert res.text == text and not res.changed and res.removed == [] and res.diff() == ""


def test_empty_text(default):
    assert default.clean("") == ""
    assert default.analyze("").removed == []


# --- pickling and processes ---------------------------------------------------------------------

def test_pickle_round_trip_gives_same_output(default):
    clone = pickle.loads(pickle.dumps(default))
    assert [r.id for r in clone.rules] == [r.id for r in default.rules]
    for case in CASES:
        text = (case / "input.txt").read_text(encoding="utf-8")
        assert clone.clean(text) == default.clean(text), case.name


def test_pickle_keeps_extra_rules_and_disabled(extra_rules):
    c = Cleaner(rules=[extra_rules], disable=["house.box", "donation"])
    clone = pickle.loads(pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL))
    ids = [r.id for r in clone.rules]
    assert "house.promo" in ids and "house.box" not in ids
    assert not any(r.pack == "donation" for r in clone.rules)
    text = "Story.\nZZZ promo: buy\nMore story.\n"
    assert clone.clean(text) == c.clean(text)
    assert "ZZZ promo" not in rules_only(rules=[extra_rules]).clean(text)


def _clean_in_worker(args):
    cleaner, text = args
    return cleaner.clean(text)


def test_cleaner_works_in_spawned_worker_processes(default):
    texts = [(c / "input.txt").read_text(encoding="utf-8") for c in CASES[:4]]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        got = list(pool.map(_clean_in_worker, [(default, t) for t in texts]))
    assert got == [default.clean(t) for t in texts]


# --- rules on and off ---------------------------------------------------------------------------

def test_extra_rules_file_adds_its_rules(extra_rules):
    base = Cleaner()
    more = Cleaner(rules=[extra_rules])
    assert len(more.rules) == len(base.rules) + 3
    only = Cleaner(rules=[extra_rules], builtin=False)
    assert [r.id for r in only.rules] == ["house.promo", "house.ad-span", "house.box"]


def test_extra_rules_folder(extra_rules):
    only = Cleaner(rules=[extra_rules.parent], builtin=False)
    assert [r.id for r in only.rules] == ["house.promo", "house.ad-span", "house.box"]


def test_extra_rule_drops_line(extra_rules):
    c = rules_only(rules=[extra_rules], builtin=False)
    assert c.clean("Story line one.\nZZZ promo: today only\nStory line two.\n") == \
        "Story line one.\nStory line two.\n"


def test_extra_span_rule_trims_inside_a_line(extra_rules):
    c = rules_only(rules=[extra_rules], builtin=False)
    text = "He said so. [Advertisement] Then he left.\r\nNext line.\r\n"
    res = c.analyze(text)
    assert res.text == "He said so. Then he left.\r\nNext line.\r\n"
    (d,) = res.removed
    assert d.kept and d.reason == "house.ad-span" and d.spans == ((11, 27),)


def test_extra_drop_until_rule(extra_rules):
    c = rules_only(rules=[extra_rules], builtin=False)
    text = "Para one.\n\nBEGIN BOX\nbuy\n\nthings\nEND BOX\n\nPara two.\n"
    assert c.clean(text) == "Para one.\n\nPara two.\n"
    # without its end marker, only the start line goes
    assert c.clean("Para one.\nBEGIN BOX\nPara two.\n") == "Para one.\nPara two.\n"


def test_disable_by_id(extra_rules):
    text = "Story.\nZZZ promo: today\nMore.\n"
    on = rules_only(rules=[extra_rules], builtin=False)
    off = rules_only(rules=[extra_rules], builtin=False, disable=["house.promo"])
    assert "ZZZ promo" not in on.clean(text)
    assert off.clean(text) == text
    assert "house.promo" not in [r.id for r in off.rules]
    assert "house.ad-span" in [r.id for r in off.rules]


def test_disable_by_pack(extra_rules):
    off = rules_only(rules=[extra_rules], builtin=False, disable=["house"])
    assert len(off.rules) == 0
    text = "Story.\nZZZ promo: today\nBEGIN BOX\nEND BOX\n"
    assert off.clean(text) == text


def test_disable_builtin_rule_by_id_and_pack():
    seed = seed_text()
    assert "Support The Moscow Times!\n" not in rules_only().clean(seed)
    kept = rules_only(disable=["donation.support-banner"]).clean(seed)
    assert kept.startswith("Support The Moscow Times!\n")
    no_donation = rules_only(disable=["donation"]).clean(seed)
    assert "\nRemind me later.\n" in no_donation
    assert "Sign up for our free weekly newsletter" not in no_donation   # other packs still on


def test_ruleset_argument_skips_loading(extra_rules):
    rs = load_rules([extra_rules], builtin=False)
    c = Cleaner(ruleset=rs, disable=["house.box"])
    assert [r.id for r in c.rules] == ["house.promo", "house.ad-span"]


def test_bad_extra_rules_raise_rule_error(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("- id: bad.one\n  pattern: '(unclosed'\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"bad\.yaml:1: rule bad\.one:"):
        Cleaner(rules=[p])


# --- bytes in ----------------------------------------------------------------------------------

def test_analyze_bytes_utf8_and_latin1():
    c = rules_only()
    data = "Café society.\nZürich.\n".encode("latin-1")
    with pytest.raises(InputError, match=r"in\.txt.*byte 3"):
        c.analyze_bytes(data, "in.txt")
    res = c.analyze_bytes(data, "in.txt", encoding="latin-1")
    assert res.text == "Café society.\nZürich.\n"


def test_analyze_bytes_seed(default):
    res = default.analyze_bytes((SEED / "input.txt").read_bytes(), "seed")
    assert res.text == seed_expected()


@pytest.mark.parametrize("call", ["clean", "analyze", "iter_clean", "clean_many"])
def test_bytes_or_none_given_as_text_is_a_type_error_that_says_what_to_do(call):
    c = rules_only()
    methods = {"clean": c.clean, "analyze": c.analyze,
               "iter_clean": lambda t: list(c.iter_clean(t)),
               "clean_many": lambda t: c.clean_many([t])}
    # Without the check: "cannot use a string pattern on a bytes-like object",
    # or "'NoneType' object has no attribute 'splitlines'".
    with pytest.raises(TypeError, match=rf"Cleaner\.{call}\(\) takes .*not bytes: decode it first, "
                                        r"or use Cleaner\.analyze_bytes\(\)"):
        methods[call](b"Sign up for our free weekly newsletter\n")
    with pytest.raises(TypeError, match=rf"Cleaner\.{call}\(\) takes .*not NoneType$"):
        methods[call](None)


def test_a_misplaced_text_is_a_type_error_not_a_wrong_answer():
    c = rules_only()
    # A str is an iterable of one-character texts: clean_many cleaned each letter.
    with pytest.raises(TypeError, match=r"Cleaner\.clean_many\(\) takes an iterable of str, not one "
                                        r"str: use Cleaner\.clean\(\) for one text"):
        c.clean_many("Sign up for our free weekly newsletter\n")
    # A stream's pieces are checked as they come ("can only concatenate str").
    with pytest.raises(TypeError, match=r"Cleaner\.iter_clean\(\) takes str pieces, not bytes"):
        list(c.iter_clean(iter(["Some text.\n", b"more\n"])))


def test_a_cleaner_reused_across_documents_gives_what_a_fresh_one_gives():
    """Rule matches are remembered by line text across documents; that must not leak
    decisions from one document into the next (the tail zone differs, say)."""
    docs = [(SEED / "input.txt").read_text(encoding="utf-8"),
            "Read more\n\nA short note that happens to start with a tail marker.\n",
            (SEED / "input.txt").read_text(encoding="utf-8").replace("Support", "Back")]
    shared = Cleaner()
    assert [shared.clean(d) for d in docs] == [Cleaner().clean(d) for d in docs]
    assert len(pickle.dumps(shared)) == len(pickle.dumps(Cleaner()))  # the cache is not pickled


def test_windows_partition_a_long_text_at_blank_lines():
    from cleaner.api import windows

    paragraphs = [f"Paragraph {i} of a long text, with a few words.\nIts second line." for i in range(3000)]
    text = "\n\n".join(paragraphs) + "\n"
    parts = list(windows(text, size=1000))
    assert len(parts) > 2
    assert "".join(p.text for p in parts) == text
    for offset, part, unread in parts:
        assert text[offset:offset + len(part)] == part and not unread
        assert part.endswith("\n\n") or offset + len(part) == len(text)   # cut after a blank line


def test_windows_are_bounded_in_characters_as_well_as_lines():
    """A paragraph a line: 20,000 such lines would be 40 MB in one window, and
    the window's word tables some 35 times that."""
    from cleaner.api import stream_windows, windows

    paragraphs = [f"Paragraph {i}: " + "the council met and voted on the harbour plan. " * 40
                  for i in range(200)]                     # ~1.9 KB a line, 400 lines
    text = "\n\n".join(paragraphs) + "\n"
    parts = list(windows(text, size=1000, chars=20_000))
    assert len(parts) > 10                                 # the line bound alone: one window
    assert "".join(p.text for p in parts) == text
    for offset, part, unread in parts:
        assert text[offset:offset + len(part)] == part and not unread
        assert part.endswith("\n\n") or offset + len(part) == len(text)   # cut after a blank line
        assert len(part) <= 20_000 + 2 * len(paragraphs[-1]) + 4           # one paragraph past the bound
    chunks = (text[i:i + 4096] for i in range(0, len(text), 4096))
    assert list(stream_windows(chunks, size=1000, chars=20_000)) == parts
    # Without blank lines a window ends at the line that takes it past twice
    # the bound.
    solid = "\n".join(paragraphs) + "\n"
    parts = list(windows(solid, size=1000, chars=20_000))
    assert len(parts) > 1 and all(p.text.endswith("\n") for p in parts)
    assert max(len(p.text) for p in parts) <= 40_000 + len(paragraphs[-1]) + 1


def test_a_line_longer_than_a_window_comes_in_pieces_read_whole_or_as_a_stream():
    """A line longer than the bound is never a window to read: it comes in
    pieces of the bound, from the line's start, the last one with its line end,
    after short lines too, and with or without a line end. Read as a stream in
    chunks of any size, the same pieces."""
    from cleaner.api import Window, stream_windows, whole_lines, windows

    one_line = "word " * 10_000 + "\n"                     # 50,001 characters
    pieces = [one_line[:20_000], one_line[20_000:40_000], one_line[40_000:]]
    assert list(windows(one_line + one_line, size=1000, chars=20_000)) == [
        Window(0, pieces[0], True), Window(20_000, pieces[1], True), Window(40_000, pieces[2], True),
        Window(50_001, pieces[0], True), Window(70_001, pieces[1], True),
        Window(90_001, pieces[2], True)]
    short = "A short line of the page.\n" * 10
    for lines in ([short, one_line, short], [short, one_line.rstrip("\n")],
                  [short, "word " * 4_000 + "\n", short]):   # the bound's characters, then "\n"
        text = "".join(lines)
        parts = list(windows(text, size=1000, chars=20_000))
        assert "".join(p.text for p in parts) == text
        assert parts[0] == Window(0, short)                              # a window of short lines
        last = -1 if lines[-1] == short else None        # short lines after it: a window
        assert all(p.unread for p in parts[1:last]) and parts[-1].unread == (last is None)
        assert [p.text for p in whole_lines(parts)] == lines             # joined, the lines again
        for size in (4096, 7, 20_000, 20_001):
            chunks = (text[i:i + size] for i in range(0, len(text), size))
            assert list(stream_windows(chunks, size=1000, chars=20_000)) == parts
    # Lines that end in a lone CR are short lines, whatever the "\n" says.
    old_mac = "A line of an old Mac text.\r" * 2_000
    assert not any(p.unread for p in windows(old_mac, size=1000, chars=20_000))


def test_texts_with_long_lines_clean_alike_whole_in_pieces_and_as_a_stream(monkeypatch):
    """Random texts of short lines, boilerplate, blank lines, CR, LF and CRLF
    ends, and lines longer than a window (bound set to 200 characters), of
    words or of spaces: the whole text (``clean``), its windows
    (``iter_clean``) and a stream of chunks of any size give the same output,
    and the windows and the stream the same parts. Found two differences: a
    long line that ended in "\r\r\n" was two lines whole and one line
    streamed, and a long line of spaces was a blank line whole and text
    streamed."""
    import random

    from cleaner import api
    from cleaner.api import stream_windows, windows

    monkeypatch.setattr(api, "WINDOW_CHARS", 200)
    parts = ["word ", "Sign up for our newsletter", "\n", "\n\n", "\r\n", "\r", "  ",
             "The council met on Tuesday. ", "Share this article", "x" * 50]
    ends = ["", "\n", "\r\n", "\n\n", "\r\r\n", "\r"]
    rng = random.Random(7)
    cleaner = Cleaner()
    for _ in range(300):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.6:
            text += rng.choice(["y", "z ", " "]) * rng.randint(150, 700) + rng.choice(ends)
            text += "".join(rng.choice(parts) for _ in range(rng.randint(0, 10)))
        size = rng.randint(1, 300)
        chunks = [text[i:i + size] for i in range(0, len(text), size)]
        assert list(stream_windows(chunks, size=5, chars=200)) == list(windows(text, size=5, chars=200))
        whole = cleaner.clean(text)
        assert "".join(cleaner.iter_clean(text)) == whole, text
        assert "".join(cleaner.iter_clean(iter(chunks))) == whole, text


def test_a_line_longer_than_a_window_is_kept_as_written_and_says_why(monkeypatch):
    """No rule or model reads a line longer than a window (a megabyte of text
    with its line ends lost, or data): it is kept whole, with a note; the lines
    around it are cleaned as ever."""
    from cleaner import api

    monkeypatch.setattr(api, "WINDOW_CHARS", 5_000)
    long = "The market opened higher. (Advertisement) " + "The council met and voted on the harbour plan. " * 200
    assert len(long) > 5_000
    text = ("The council met on Tuesday to vote on the harbour plan.\n"
            "Sign up for our newsletter\n" + long + "\nSign up for our newsletter\n")
    result = Cleaner().analyze(text, "page.txt")
    kept = {d.block.line_no: d for d in result.decisions}
    assert kept[3].kept and kept[3].reason is None and kept[3].spans == ()
    assert kept[3].note.startswith(f"[limit.long-line] {len(long):,} characters, longer than a window (5,000)")
    assert [kept[n].reason for n in (2, 4)] == ["newsletter.signup-cta"] * 2
    assert result.text == "The council met on Tuesday to vote on the harbour plan.\n" + long + "\n"
    assert any("page.txt:3: keep line [limit.long-line]" in line for line in result.explain())
    # Written out in pieces, whole or as a stream: the same text, the blank
    # lines around a removal collapsed as around any kept line.
    text = ("The council met on Tuesday to vote on the harbour plan.\n\n\n"
            "Sign up for our newsletter\n\n" + long + "\n\nSign up for our newsletter\n\n")
    expected = "The council met on Tuesday to vote on the harbour plan.\n\n\n" + long + "\n"
    assert Cleaner().clean(text) == expected
    assert "".join(Cleaner().iter_clean(text)) == expected
    assert "".join(Cleaner().iter_clean(text[i:i + 999] for i in range(0, len(text), 999))) == expected
    # The same line under the bound: the rules read it, and the ad label goes.
    monkeypatch.setattr(api, "WINDOW_CHARS", 1_000_000)
    assert Cleaner().clean(long + "\n") == long.replace("(Advertisement) ", "") + "\n"


def test_a_lone_unit_is_not_scored_and_cleans_as_the_rules_leave_it(default):
    """The model cannot remove a window's only unit (never-empty gives it back),
    so it is not scored: a line of megabytes costs its rules, not word tables."""
    from cleaner.blocks import split_lines
    from cleaner.evidence import gather

    line = "Harbour Gazette | Coastal Media | Portsmouth Edition"     # no rule names it
    ev = gather(split_lines(f"{line}\n\n"), default.rules, default.model)
    assert ev.scores is None and ev.view.n == 1
    assert default.clean(f"{line}\n") == f"{line}\n"
    two = gather(split_lines(f"{line}\n\n{line} | Shop\n"), default.rules, default.model)
    assert two.scores is not None and len(two.scores.own) == 2


def test_a_document_cleaned_in_windows_numbers_its_lines_as_one(default):
    from cleaner import api

    seed = SEED.joinpath("input.txt").read_text(encoding="utf-8")
    text = "\n".join([seed] * 40)
    old = api.WINDOW_LINES
    try:
        api.WINDOW_LINES = 200          # force several windows on a small text
        result = Cleaner().analyze(text, "big.txt")
        pieces = list(Cleaner().iter_clean(text))
    finally:
        api.WINDOW_LINES = old
    assert [d.block.index for d in result.decisions] == list(range(len(result.decisions)))
    assert all(text[d.block.start:d.block.end] == d.block.text for d in result.decisions)
    assert "".join(pieces) == result.text
    assert len(pieces) > 1
    # Each copy of the seed still loses its boilerplate and keeps its article.
    assert result.text.count("Sign up for our free weekly newsletter") == 0
    assert result.text.count("denied ties to Deputy Prime Minister Igor Sechin") == 40


@pytest.mark.slow
def test_a_text_read_in_chunks_cleans_as_the_whole_text(default):
    from cleaner import api

    seed = SEED.joinpath("input.txt").read_text(encoding="utf-8")
    text = seed * 60
    old = api.WINDOW_LINES
    try:
        api.WINDOW_LINES = 300
        whole = "".join(default.iter_clean(text))
        for size in (1, 97, 4096):
            chunks = (text[i:i + size] for i in range(0, len(text), size))
            assert "".join(default.iter_clean(chunks)) == whole, size
    finally:
        api.WINDOW_LINES = old


def test_the_cli_keeps_a_line_longer_than_a_window_and_explains_it(run_clean):
    """1.2 MB on one line (a text whose line ends were lost): the rules and the
    model leave it, `--explain` says why, and the line before it is cleaned."""
    long = "The council met and voted on the harbour plan. (Advertisement) " * 19_000
    text = f"Sign up for our newsletter\n{long}\n".encode()
    r = run_clean("--explain", input=text)
    assert r.returncode == 0
    assert r.stdout == f"{long}\n".encode()
    notes = r.stderr.decode().splitlines()
    assert notes[0].startswith("<stdin>:1: drop line [newsletter.signup-cta]")
    assert notes[1].startswith(f"<stdin>:2: keep line [limit.long-line] {len(long):,} characters")


@pytest.mark.slow
def test_a_big_input_is_cleaned_as_a_stream_by_the_cli(run_clean, tmp_path):
    from cleaner.cli import STREAM_AFTER

    seed = SEED.joinpath("input.txt").read_bytes()
    big = seed * (STREAM_AFTER // len(seed) + 200)
    expected = "".join(Cleaner().iter_clean(big.decode("utf-8"))).encode("utf-8")
    r = run_clean(input=big, timeout=600)
    assert (r.returncode, r.stderr) == (0, b"")
    assert r.stdout == expected
    # A bad byte in the first chunk read: the error comes before any output, and
    # without cleaning 16 MB a third time (the offset of a later chunk is counted
    # the same way, from the bytes read before it).
    at = STREAM_AFTER - 3
    bad = run_clean(input=big[:at] + b"\xff" + big[at:], timeout=600)
    assert (bad.returncode, bad.stdout) == (2, b"")
    assert bad.stderr.decode().strip() == (f"clean: error: <stdin>: not valid utf-8 at byte {at} "
                                           "(use --encoding to read another encoding)")


def test_iter_clean_counts_the_lines_it_removes_window_by_window(default):
    """``iter_clean(removed=...)`` counts (kind, reason) of each line removed
    whole, as each window is cleaned: what ``analyze`` finds on the whole text
    (``--stats`` and a batch run's summary read it; neither holds all decisions)."""
    from collections import Counter

    from cleaner import api
    from cleaner.writer import removed_kinds

    seed = SEED.joinpath("input.txt").read_text(encoding="utf-8")
    text = "\n".join([seed] * 20)
    old = api.WINDOW_LINES
    try:
        api.WINDOW_LINES = 200
        removed: Counter = Counter()
        pieces = list(default.iter_clean(text, removed=removed))
        result = default.analyze(text)
    finally:
        api.WINDOW_LINES = old
    assert len(pieces) > 2 and "".join(pieces) == result.text
    assert removed == Counter(removed_kinds(result.decisions))
    assert removed[("donation", "donation.message-from-appeal")] >= 14 * 19, removed
    assert sum(removed.values()) == len([d for d in result.decisions if not d.kept and d.text.strip()])
