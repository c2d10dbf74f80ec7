"""JSON Lines: only the text field changes; bad records; passes; workers; the real command."""
from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.jsonl import ANNOTATION_KEY, run_jsonl

from conftest import CORPUS

ARTICLE = ("The regional parliament approved the budget on Tuesday after a long debate, "
           "according to officials who spoke to reporters in the capital.\n")
PROMO = "Sign up for our free weekly newsletter\n"
DIRTY = PROMO + ARTICLE          # the rule newsletter.signup-cta removes the first line
RULES_ONLY = Cleaner(heuristics=False)   # rules only: the outcome does not move with the heuristics


def run(tmp_path: Path, data: bytes, cleaner: Cleaner = RULES_ONLY, **kw) -> tuple[int, bytes, str]:
    """run_jsonl on a real file; (status, stdout bytes, stderr text)."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(data)
    out, err = io.BytesIO(), io.StringIO()
    status = run_jsonl(cleaner, [str(src)], stdout=out, stderr=err, progress=False, **kw)
    return status, out.getvalue(), err.getvalue()


def one_line_error(status: int, out: bytes, err: str, *needles: str) -> str:
    assert status == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("clean: error: "), err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


# --- only the text field changes ---------------------------------------------------------------

FIVE_THOUSAND_DIGITS = "9" * 5000      # beyond int()'s default limit of 4300 digits


def test_every_other_byte_passes_through(tmp_path):
    text_raw = json.dumps(DIRTY)
    record = ('{ "id" :7,"nan": NaN, "inf":-Infinity,"big": 1e400, '
              '"f": 0.1000000000000000055511151231257827, "huge": ' + FIVE_THOUSAND_DIGITS + ', '
              '"esc": "caf\\u00e9 \\/ \\ud83d\\ude00", "lone": "\\udc80", '
              '"text" :  ' + text_raw + ' , "nested": {"text": "Sign up for our free weekly newsletter"},'
              '"z":[ 1,2 ]  }\r\n')
    status, out, err = run(tmp_path, record.encode())
    assert status == 0, err
    expected = record.replace(text_raw, json.dumps(ARTICLE))
    assert expected != record
    assert out == expected.encode()


def test_unchanged_records_blank_lines_and_a_last_line_without_newline_are_copied(tmp_path):
    data = ('{"text": "caf\\u00e9 on the corner, the minister said on Monday.\\n", "n": 1.50}\n'
            '\n'
            '   \n'
            '{"n": 2, "text": "The minister said on Monday that the plan would go ahead."}').encode()
    status, out, err = run(tmp_path, data)
    assert status == 0, err
    assert out == data


@pytest.mark.parametrize("escaped", [True, False])
def test_the_cleaned_value_keeps_the_records_escaping(tmp_path, escaped):
    text = PROMO + "Der Minister äußerte sich am Montag ausführlich zu den Plänen der Regierung.\n"
    data = (json.dumps({"text": text}, ensure_ascii=escaped) + "\n").encode()
    status, out, err = run(tmp_path, data)
    assert status == 0, err
    assert json.loads(out) == {"text": text[len(PROMO):]}
    assert out.isascii() is escaped


def test_duplicate_keys_the_last_one_is_cleaned_as_json_loads_reads_it(tmp_path):
    first = json.dumps(DIRTY)
    data = ('{"text": ' + first + ', "text": ' + json.dumps(DIRTY) + '}\n').encode()
    status, out, err = run(tmp_path, data)
    assert status == 0, err
    assert out.decode() == '{"text": ' + first + ', "text": ' + json.dumps(ARTICLE) + '}\n'


def test_a_raw_unicode_line_separator_inside_a_string_is_data(tmp_path):
    data = (json.dumps({"text": PROMO + "One.\u2028Two.\n"}, ensure_ascii=False) + "\n").encode()
    status, out, err = run(tmp_path, data)
    assert status == 0, err
    assert json.loads(out)["text"] == "One.\u2028Two.\n"


def test_other_field_name(tmp_path):
    data = (json.dumps({"text": DIRTY, "body": DIRTY}) + "\n").encode()
    status, out, err = run(tmp_path, data, field="body")
    assert status == 0, err
    assert json.loads(out) == {"text": DIRTY, "body": ARTICLE}


# --- bad records ------------------------------------------------------------------------------

BAD = {
    "invalid JSON": ('{"text": "x" "y"}', "invalid JSON"),
    "truncated": ('{"text": "The minister', "invalid JSON"),
    "missing field": ('{"body": "x"}', "no field 'text'"),
    "null": ('{"text": null}', "not a string: null"),
    "number": ('{"text": 5}', "not a string: 5"),
    "not an object": ('["text"]', "not a JSON object"),
    "trailing data": ('{"text": "x"} {}', "extra data"),
    "lone surrogate": ('{"text": "The minister \\ud800 said."}', "lone surrogate"),
    "bad utf-8": (b'{"text": "caf\xff"}', "not valid utf-8"),
}


def _bad_input(bad) -> bytes:
    good = json.dumps({"text": DIRTY}).encode() + b"\n"
    raw = bad if isinstance(bad, bytes) else bad.encode()
    return good + raw + b"\n" + good


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_record_is_a_one_line_error_naming_its_line_before_any_output(tmp_path, case):
    bad, why = BAD[case]
    status, out, err = run(tmp_path, _bad_input(bad))
    line = one_line_error(status, out, err, "in.jsonl:2: ", why, "--skip-bad")
    assert out == b"", line    # found in the first pass: nothing was written


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_skip_bad_passes_bad_records_through_and_counts_them(tmp_path, case):
    bad, why = BAD[case]
    data = _bad_input(bad)
    status, out, err = run(tmp_path, data, skip_bad=True)
    assert status == 0, err
    lines = out.split(b"\n")
    assert lines[1] == data.split(b"\n")[1]                      # byte for byte
    assert json.loads(lines[0]) == json.loads(lines[2]) == {"text": ARTICLE}
    assert f"in.jsonl:2: " in err and why in err
    assert "3 records, 2 changed, 1 bad (passed through unchanged)" in err


def test_an_encoding_that_splits_newlines_is_refused(tmp_path):
    status, out, err = run(tmp_path, b'{"text": "x"}\n', encoding="utf-16")
    one_line_error(status, out, err, "utf-16")


def test_another_ascii_compatible_encoding_comes_out_as_utf8(tmp_path):
    text = "Le ministre a parlé lundi de la réforme des retraites devant les députés.\n"
    data = ('{"n": "é", "text": ' + json.dumps(PROMO + text, ensure_ascii=False) + "}\n").encode("latin-1")
    status, out, err = run(tmp_path, data, encoding="latin-1")
    assert status == 0, err
    assert json.loads(out.decode("utf-8")) == {"n": "é", "text": text}


def test_gzip_input_is_read_transparently(tmp_path):
    data = (json.dumps({"text": DIRTY}) + "\n").encode() * 3
    _, plain, _ = run(tmp_path, data)
    status, out, err = run(tmp_path, gzip.compress(data))
    assert status == 0, err
    assert out == plain and plain.count(b"\n") == 3


# --- --annotate, --stats, --explain ---------------------------------------------------------

def test_annotate_adds_the_removed_lines_with_their_reasons(tmp_path):
    data = (json.dumps({"id": 1, "text": DIRTY}) + "\n" + json.dumps({"id": 2, "text": ARTICLE}) + "\n")
    status, out, err = run(tmp_path, data.encode(), annotate=True)
    assert status == 0, err
    first, second = (json.loads(line) for line in out.splitlines())
    assert first == {"id": 1, "text": ARTICLE, ANNOTATION_KEY: {"removed": [
        {"line": 1, "reason": "newsletter.signup-cta", "text": PROMO.rstrip("\n")}]}}
    assert second == {"id": 2, "text": ARTICLE, ANNOTATION_KEY: {"removed": []}}
    # the annotation goes last, in the record's own separator style
    assert out.splitlines()[1].decode().endswith(', "clean": {"removed": []}}')


def test_annotate_refuses_to_overwrite_an_existing_field(tmp_path):
    data = (json.dumps({"text": DIRTY, "clean": True}) + "\n").encode()
    status, out, err = run(tmp_path, data, annotate=True)
    one_line_error(status, out, err, "in.jsonl:1:", "already has a field 'clean'")


def test_stats_and_explain(tmp_path):
    data = (json.dumps({"text": DIRTY}) + "\n").encode() * 2 + (json.dumps({"text": ARTICLE}) + "\n").encode()
    status, out, err = run(tmp_path, data, stats=True, explain=True)
    assert status == 0, err
    lines = err.splitlines()
    assert sum("in.jsonl:1:1: drop line [newsletter.signup-cta]" in x for x in lines) == 1
    assert sum("in.jsonl:2:1: drop line [newsletter.signup-cta]" in x for x in lines) == 1
    assert "clean: 3 records, 2 changed, 0 bad (passed through unchanged), 2 lines removed" in lines
    assert any(x.split() == ["clean:", "newsletter", "2"] for x in lines), err
    assert any(x.split() == ["clean:", "newsletter.signup-cta", "2"] for x in lines), err


# --- the same evidence and output for any number of workers ---------------------------------------

def _synthetic(n: int) -> bytes:
    """Records sharing a site footer (repetition evidence) around distinct articles."""
    footer = "Harbour Gazette | Coastal Media | Portsmouth Edition\n"   # no rule names it
    out = []
    for i in range(n):
        body = f"Story {i}: the council met on day {i} and voted on plan {i * 7} for the harbour.\n"
        out.append(json.dumps({"i": i, "text": (PROMO if i % 3 == 0 else "") + body + footer}) + "\n")
    return "".join(out).encode()


def test_records_clean_as_clean_many_does_and_the_same_for_any_jobs(tmp_path):
    cleaner = Cleaner()
    data = _synthetic(150)
    texts = [json.loads(line)["text"] for line in data.splitlines()]
    expected = cleaner.clean_many(texts)
    # The run's evidence matters here: alone, each record keeps the footer.
    assert expected != [cleaner.clean(t) for t in texts]
    status, one, err = run(tmp_path, data, cleaner, jobs=1)
    assert status == 0, err
    assert [json.loads(line)["text"] for line in one.splitlines()] == expected
    status, two, err = run(tmp_path, data, cleaner, jobs=2)
    assert status == 0, err
    assert two == one


# --- the real command --------------------------------------------------------------------------

@pytest.fixture
def clean(run_clean, tmp_path):
    def _run(*args, input: bytes = b"", timeout: float = 120):
        return run_clean(*args, input=input, cwd=tmp_path, timeout=timeout)
    return _run


@pytest.mark.parametrize("args,needle", [
    (["--format", "jsonl", "--diff"], "--diff cannot be used with --format jsonl"),
    (["--format", "jsonl", "--json"], "--json cannot be used with --format jsonl"),
    (["--skip-bad"], "--skip-bad needs --format jsonl"),
    (["--annotate"], "--annotate needs --format jsonl"),
])
@pytest.mark.slow
def test_options_that_do_not_apply_are_refused(clean, args, needle):
    p = clean(*args, input=b'{"text": "x"}\n')
    err = p.stderr.decode()
    assert p.returncode == 2 and p.stdout == b"", err
    assert err.startswith("clean: error: ") and needle in err and len(err.splitlines()) == 1


def test_files_named_as_json_lines_are_read_as_records_without_format(clean, tmp_path):
    """--format auto reads a .jsonl / .ndjson (.gz) file, or stdin named so, as records.
    Read as text, each record would be one line holding JSON, passed through untouched."""
    data = (json.dumps({"id": 1, "text": DIRTY}) + "\n").encode()
    expected = (json.dumps({"id": 1, "text": ARTICLE}) + "\n").encode()
    (tmp_path / "pages.jsonl").write_bytes(data)
    (tmp_path / "Pages.NDJSON.gz").write_bytes(gzip.compress(data))
    for args, stdin in ((["pages.jsonl"], b""), (["Pages.NDJSON.gz"], b""),
                        (["--stdin-filename", "in.jsonl"], data)):
        p = clean("--no-heuristics", *args, input=stdin)
        assert p.returncode == 0 and p.stdout == expected, (args, p.stderr)
    # --format text still reads it as text, as asked: the record's line stays as it is.
    p = clean("--no-heuristics", "--format", "text", "pages.jsonl")
    assert p.returncode == 0 and p.stdout == data, p.stderr


@pytest.mark.parametrize("args,needle", [
    (["pages.jsonl", "notes.txt"], "pages.jsonl is JSON Lines and notes.txt is not"),
    (["pages.jsonl", "-"], "pages.jsonl is JSON Lines and <stdin> is not"),
    (["--diff", "pages.jsonl"], "--diff cannot be used with JSON Lines input"),
])
def test_json_lines_by_name_refuse_what_records_cannot_do(clean, tmp_path, args, needle):
    (tmp_path / "pages.jsonl").write_bytes((json.dumps({"text": DIRTY}) + "\n").encode())
    (tmp_path / "notes.txt").write_text(DIRTY)
    p = clean("--no-heuristics", *args, input=DIRTY.encode())
    err = p.stderr.decode()
    assert p.returncode == 2 and p.stdout == b"", err
    assert err.startswith("clean: error: ") and needle in err and len(err.splitlines()) == 1


def test_a_batch_run_skips_json_lines_and_says_how_to_clean_them(clean, tmp_path):
    pages = tmp_path / "pages.jsonl"
    data = (json.dumps({"text": DIRTY}) + "\n").encode()
    pages.write_bytes(data)
    p = clean("--in-place", "--include", "*.jsonl", ".")
    err = p.stderr.decode()
    assert p.returncode == 0, err
    assert "warning: pages.jsonl: JSON Lines are not rewritten by a batch run, skipped " \
           "(`clean pages.jsonl > OUT` cleans its records)" in err and "1 skipped" in err
    assert pages.read_bytes() == data


def test_command_stdin_and_file_give_the_same_bytes(clean, tmp_path):
    data = _synthetic(40) + b'{"text": null}\n'
    f = tmp_path / "in.jsonl"
    f.write_bytes(data)
    a = clean("--format", "jsonl", "--no-heuristics", "--skip-bad", "-j", "1", f)
    b = clean("--format", "jsonl", "--no-heuristics", "--skip-bad", "-j", "2", input=data)
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    assert a.stdout == b.stdout and a.stdout.count(b"\n") == 41
    assert b"in.jsonl:41: field 'text' is not a string: null" in a.stderr
    assert b"<stdin>:41: field 'text' is not a string: null" in b.stderr


@pytest.mark.slow
def test_progress_on_a_terminal(clean_exe, tmp_path):
    import pty

    src = tmp_path / "in.jsonl"
    src.write_bytes(_synthetic(300))
    master, slave = pty.openpty()
    with open(tmp_path / "out.jsonl", "wb") as out:
        p = subprocess.Popen([clean_exe, "--format", "jsonl", "--no-heuristics", "-j", "2", str(src)],
                             stdout=out, stderr=slave, cwd=tmp_path,
                             env={**os.environ, "COLUMNS": "100", "TERM": "xterm"})
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:     # the other end closed
                break
            if not chunk:
                break
            seen += chunk
        assert p.wait(timeout=120) == 0, seen
    os.close(master)
    assert b"clean: cleaning" in seen or b"clean: reading" in seen, seen
    assert b"Traceback" not in seen
    assert (tmp_path / "out.jsonl").read_bytes().count(b"\n") == 300


@pytest.mark.slow
def test_ctrl_c_stops_the_workers_at_once_without_a_traceback(clean_exe, tmp_path):
    import signal
    import time

    src = tmp_path / "in.jsonl"
    src.write_bytes(_synthetic(3000))
    with open(tmp_path / "out.jsonl", "wb") as out:
        # As from a terminal: SIGINT at its default, whatever the test process inherited
        # (a program started with SIGINT ignored rightly keeps ignoring it).
        p = subprocess.Popen([clean_exe, "--format", "jsonl", "-j", "2", str(src)], stdout=out,
                             stderr=subprocess.PIPE, cwd=tmp_path, start_new_session=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        time.sleep(4)
        assert p.poll() is None, p.stderr.read()
        os.killpg(p.pid, signal.SIGINT)      # as a terminal's Ctrl-C: the whole group
        start = time.monotonic()
        _, err = p.communicate(timeout=60)
    assert time.monotonic() - start < 10
    assert p.returncode == 130, err
    assert b"Traceback" not in err
    # the workers went with it
    assert subprocess.run(["pgrep", "-s", str(p.pid)], capture_output=True).stdout == b""


def test_after_an_interrupt_the_pool_leaves_no_thread_behind():
    """stop() ends the pool's own threads before it returns.

    A manager thread left running closes its wake-up pipe while the
    interpreter's exit writes to it: "Bad file descriptor" on stderr after
    Ctrl-C, now and then (the test above, on a loaded machine).
    """
    import threading
    from cleaner.jsonl import Options, _scan_chunk, _Workers

    before = set(threading.enumerate())
    workers = _Workers(RULES_ONLY, Options(), jobs=2)
    chunks = ((1 + 100 * i, [DIRTY.encode() * 5] * 100) for i in range(50))
    results = workers.map(_scan_chunk, "in.jsonl", chunks)
    next(results)                       # the pool is up, chunks are in flight
    assert workers.pool is not None
    workers.stop()
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert left == []


def _dev_texts(limit: int) -> list[str]:
    paths = sorted(CORPUS.glob("scrapinghub/*/scraped-full.txt")) + \
        sorted(CORPUS.glob("readability/*/scraped-full.txt"))
    return [p.read_text(encoding="utf-8") for p in paths[:limit]]


@pytest.mark.slow
def test_dev_corpus_jsonl_cleans_to_clean_many_for_one_and_two_workers(clean, corpus, tmp_path):
    texts = _dev_texts(160)
    assert len(texts) >= 100
    src = tmp_path / "dev.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
    expected = Cleaner().clean_many(texts)
    outputs = []
    for jobs in ("1", "2"):
        p = clean("--format", "jsonl", "--no-config", "-j", jobs, src, timeout=600)
        assert p.returncode == 0, p.stderr.decode()
        outputs.append(p.stdout)
        got = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
        assert [r["id"] for r in got] == list(range(len(texts)))
        assert [r["text"] for r in got] == expected
    assert outputs[0] == outputs[1]
