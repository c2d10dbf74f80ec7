"""`clean` behaves as people's other tools do: --version, --help, one-line usage
errors, conflicting options refused, typos in --disable caught, colour, -v,
--stdin-filename, gzip and encodings, a full disk, a closed pipe, a standard
stream closed at start, HTML pages that start with a comment or a script. Each
test runs the real executable."""
from __future__ import annotations

import gzip
import os
import subprocess

import pytest

from conftest import CORPUS, SEED

# Dozens of subprocesses: slow, but for `--version`, which stays in the quick run.

ARTICLE = (
    "The regional parliament met on Monday to debate the spending plan for next year.\n"
    "\n"
    "Sign up for our free weekly newsletter\n"
    "\n"
    "Opposition deputies said the plan relied on optimistic forecasts for tax revenue.\n"
)


@pytest.fixture
def run(run_clean, tmp_path):
    def _run(*args, input: bytes = b"", env: dict | None = None, cwd=None):
        if env is None:
            return run_clean(*args, input=input, cwd=cwd or tmp_path)
        from conftest import find_clean
        return subprocess.run([find_clean(), *map(str, args)], input=input, capture_output=True,
                              cwd=cwd or tmp_path, env={**os.environ, **env}, timeout=60)
    return _run


def one_line_error(p, *needles: str) -> str:
    err = p.stderr.decode()
    assert p.returncode == 2, (p.returncode, err)
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("clean: error: "), err
    for n in needles:
        assert n in err, (n, err)
    return err


# --- version, help ---------------------------------------------------------------------------

def test_version(run):
    import cleaner
    p = run("--version")
    assert (p.returncode, p.stdout.decode()) == (0, f"clean {cleaner.__version__}\n")


@pytest.mark.slow
def test_help_lists_subcommands_and_examples(run):
    out = run("--help").stdout.decode()
    assert "clean rules list" in out and "clean rules test" in out
    assert "Examples:" in out and "--version" in out and "--stdin-filename" in out
    bare = run("rules")
    assert bare.returncode == 0 and "list" in bare.stdout.decode() and "test" in bare.stdout.decode()


# --- usage errors: one line, exit 2 ------------------------------------------------------------

@pytest.mark.parametrize("args, needles", [
    (["--no-such-option"], ["no such option: --no-such-option"]),
    (["--dif"], ["--dif", "did you mean --diff?"]),
    (["--mode"], ["--mode"]),
    (["--jobs", "zero", "a.txt"], ["--jobs"]),
    (["rules", "list", "--bogus"], ["--bogus"]),
    (["rules", "frobnicate"], ["frobnicate"]),
    (["--mode", "fast"], ["--mode", "'fast'"]),
    (["--color", "sometimes"], ["--color", "sometimes"]),
])
@pytest.mark.slow
def test_usage_errors_are_one_line(run, args, needles):
    p = run(*args, input=b"x\n")
    one_line_error(p, *needles)
    assert p.stdout == b""


@pytest.mark.parametrize("args, needles", [
    (["--json", "--diff"], ["--json", "--diff"]),
    (["--text-field", "body"], ["--text-field", "--format jsonl"]),
    (["-j", "2"], ["--jobs", "stdin"]),
    (["-j", "2", "-"], ["--jobs", "stdin"]),
])
@pytest.mark.slow
def test_conflicting_options_name_both(run, args, needles):
    one_line_error(run(*args, input=ARTICLE.encode()), *needles)


@pytest.mark.slow
def test_disable_typo_has_a_suggestion(run):
    err = one_line_error(run("--disable", "sahre", input=ARTICLE.encode()))
    assert err == "clean: error: --disable: no rule, pack or heuristic named 'sahre' (did you mean 'share'?)\n"
    one_line_error(run("--disable", "heuristic.repeatd", input=b"x\n"), "did you mean 'heuristic.repeated'?")


@pytest.mark.slow
def test_disable_heuristic_boilerplate_is_rules_only(run):
    data = (SEED / "input.txt").read_bytes()
    assert run("--disable", "heuristic.boilerplate", input=data).stdout == \
        run("--no-heuristics", input=data).stdout


@pytest.mark.slow
def test_disable_heuristic_repeated_and_no_repetition(run, tmp_path):
    # Needs Cleaner(repetition=...), which the API grows alongside this option.
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes((SEED / "input.txt").read_bytes())
    b.write_bytes(ARTICLE.encode())
    off = run("--no-repetition", a, b)
    assert off.returncode == 0, off.stderr
    assert run("--disable", "heuristic.repeated", a, b).stdout == off.stdout


# --- colour, verbose ---------------------------------------------------------------------------

def _on_a_tty(args: list, input_path, env: dict) -> bytes:
    """stdout on a real pseudo-terminal."""
    import pty
    from conftest import find_clean
    master, slave = pty.openpty()
    with open(input_path, "rb") as stdin:
        p = subprocess.Popen([find_clean(), *map(str, args)], stdin=stdin, stdout=slave,
                             stderr=subprocess.PIPE, env={**os.environ, **env})
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:      # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert p.wait(timeout=60) == 0, p.stderr.read()
    return b"".join(chunks)


@pytest.mark.slow
def test_diff_colour(run, tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes((SEED / "input.txt").read_bytes())
    plain = run("--diff", f).stdout
    assert b"\x1b[" not in plain                             # auto, not a terminal
    coloured = run("--diff", "--color", "always", f).stdout
    assert b"\x1b[31m-Support The Moscow Times!\x1b[0m\n" in coloured
    assert coloured.startswith(b"\x1b[1m--- a/")
    import re
    assert re.sub(rb"\x1b\[[0-9;]*m", b"", coloured) == plain
    assert b"\x1b[" not in run("--diff", "--color", "never", f).stdout
    tty = _on_a_tty(["--diff", f], f, {"NO_COLOR": ""})
    assert b"\x1b[31m-Support The Moscow Times!" in tty
    assert b"\x1b[" not in _on_a_tty(["--diff", f], f, {"NO_COLOR": "1"})
    assert b"\x1b[" not in run(f, "--color", "always").stdout    # the text itself is never coloured


@pytest.mark.slow
def test_verbose_says_how_inputs_were_read(run, tmp_path):
    f = tmp_path / "a.txt.gz"
    f.write_bytes(gzip.compress(ARTICLE.encode()))
    p = run("-v", f)
    assert p.returncode == 0
    assert f"clean: {f}: read as text, encoding utf-8, gzip" in p.stderr.decode()
    assert "clean: settings: none found" in p.stderr.decode()


# --- --stdin-filename --------------------------------------------------------------------------

@pytest.mark.slow
def test_stdin_filename_names_and_excludes(run, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".clean.yaml").write_text("exclude: [drafts]\ndisable: [newsletter]\n")
    (tmp_path / "drafts").mkdir()
    data = ARTICLE.encode()
    named = run("--explain", "--stdin-filename", "news/a.txt", "--no-config", input=data)
    assert named.stderr.decode().startswith("news/a.txt:3: drop line [newsletter.")
    # the settings are found and their excludes apply: the draft passes through
    draft = run("--stdin-filename", "drafts/a.txt", input=data + b"\xff")
    assert (draft.returncode, draft.stdout) == (0, data + b"\xff")
    # found from the folder the name points into (here: a subfolder)
    (tmp_path / "sub").mkdir()
    sub = run("--explain", "--stdin-filename", "news/a.txt", input=data, cwd=tmp_path / "sub")
    assert sub.stdout == data, "the settings above disable the newsletter rules"
    # a path glob of the settings is read from their folder, not the working one
    (tmp_path / ".clean.yaml").write_text("exclude: ['drafts/*.txt']\n")
    (tmp_path / "sub" / "drafts").mkdir()
    kept = run("--stdin-filename", "drafts/a.txt", input=data, cwd=tmp_path / "sub")
    assert kept.returncode == 0 and kept.stdout != data      # sub/drafts: cleaned
    passed = run("--stdin-filename", "../drafts/a.txt", input=data, cwd=tmp_path / "sub")
    assert (passed.returncode, passed.stdout) == (0, data)


# --- reading: gzip, encodings, HTML preambles ------------------------------------------------------

@pytest.mark.slow
def test_gzip_file_and_pipe(run, tmp_path):
    data = (SEED / "input.txt").read_bytes()
    want = run(input=data).stdout
    f = tmp_path / "page.txt.gz"
    f.write_bytes(gzip.compress(data))
    assert run(f).stdout == want
    assert run(input=gzip.compress(data)).stdout == want
    one_line_error(run(input=gzip.compress(data)[:30]), "<stdin>", "gzip")


@pytest.mark.slow
def test_encoding_auto(run, tmp_path):
    data = (SEED / "input.txt").read_bytes()
    text = data.decode().replace("Sechin", "Séchin, François Léger")
    f = tmp_path / "latin.txt"
    f.write_bytes(text.encode("cp1252"))
    one_line_error(run(f), "latin.txt", "byte")
    p = run("--encoding", "auto", "--explain", f)
    assert p.returncode == 0
    assert "Séchin, François Léger".encode() in p.stdout
    assert p.stderr.decode().startswith(f"clean: {f}: encoding guessed: ")
    assert run("--encoding", "auto", input=data).stdout == run(input=data).stdout


@pytest.mark.parametrize("enc", ["idna", "rot13", "base64", "no-such-codec"])
@pytest.mark.slow
def test_non_text_encodings_are_one_line(run, enc):
    one_line_error(run("--encoding", enc, input=b"www.example.com " * 10 + b"\n"), enc)


HTML_PREAMBLE_PAGES = [
    "wcxb/0396",                                         # <!-- html-header ... -->
    "wcxb/0252",                                         # <script type=...> before the doctype
    "wcxb/2362",                                         # <style>
    "trafilatura-eval/schleifen.ucoz.de.briefe",         # scripts and <div>s before <html>
    "trafilatura-eval/bibliothek2null.de.mai",           # PHP warnings, no doctype first
]


@pytest.mark.parametrize("case", HTML_PREAMBLE_PAGES)
@pytest.mark.slow
def test_pages_that_start_with_a_comment_or_script_are_html(run, case):
    page = CORPUS / case / "page.html.gz"
    if not page.is_file():
        pytest.skip("../shared/corpus is not available")
    p = run("-v", page)
    assert p.returncode == 0, p.stderr
    assert "read as html" in p.stderr.decode()
    out = p.stdout.decode()
    assert out.strip(), "some text comes out"
    assert "<script" not in out and "<!--" not in out and "</div>" not in out


@pytest.mark.slow
def test_markup_fragment_is_read_as_html(run):
    page = ("<div class='post'>\n<h1>Council reopens library</h1>\n"
            "<p>The council said on Monday that the library would reopen after repairs "
            "to the roof, which was damaged in the storm last winter.</p>\n"
            "<p>Opposition members said the repairs had taken far too long.</p>\n</div>\n")
    p = run("-v", input=page.encode())
    assert p.returncode == 0
    assert "read as html (mostly markup)" in p.stderr.decode()
    assert b"<p>" not in p.stdout


# --- output that cannot be written ---------------------------------------------------------------

@pytest.mark.slow
def test_dev_full_is_one_line(run, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    f = tmp_path / "a.txt"
    f.write_bytes((SEED / "input.txt").read_bytes())
    from conftest import find_clean
    with open("/dev/full", "wb") as full:
        p = subprocess.run([find_clean(), str(f)], stdout=full, stderr=subprocess.PIPE, timeout=60)
    err = p.stderr.decode()
    assert p.returncode == 2 and err == "clean: error: <stdout>: cannot write: No space left on device\n", err


def _closed(clean: str, redirect: str, *args: str) -> subprocess.CompletedProcess:
    """The real `clean` started by a shell with one standard stream closed (``<&-``,
    ``>&-``, ``2>&-``): Python then sets sys.stdin, sys.stdout or sys.stderr to None."""
    return subprocess.run(["sh", "-c", f'exec "$@" {redirect}', "sh", clean, *args],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=60)


@pytest.mark.slow
@pytest.mark.parametrize("args", [(), ("-",), ("--format", "jsonl"), ("--files-from", "-", "--check")])
def test_a_closed_stdin_is_one_line_naming_it(args):
    from conftest import find_clean
    p = _closed(find_clean(), "<&-", *args)
    err = p.stderr.decode()
    assert (p.returncode, p.stdout) == (2, b"")
    assert err == "clean: error: <stdin>: cannot read: standard input is closed\n", err


@pytest.mark.slow
@pytest.mark.parametrize("args", [("SEED",), ("--explain", "SEED"), ("--version",), ("rules", "list")])
def test_a_closed_stdout_is_one_line_naming_it(args):
    from conftest import find_clean
    args = [str(SEED / "input.txt") if a == "SEED" else a for a in args]
    p = _closed(find_clean(), ">&-", *args)
    err = p.stderr.decode().splitlines()
    # --explain says why lines went before the first write fails: the error is the last line.
    assert p.returncode == 2 and err[-1] == "clean: error: <stdout>: cannot write: standard output is closed", err
    assert not any("Traceback" in line for line in err)


@pytest.mark.slow
def test_a_closed_stderr_keeps_the_output_and_the_exit_status(tmp_path):
    from conftest import find_clean
    seed = SEED / "input.txt"
    p = _closed(find_clean(), "2>&-", str(seed))
    assert p.returncode == 0 and p.stdout == (SEED / "expected.txt").read_bytes()
    # An error has nowhere to go, but the status still says there was one (not 1, a traceback's).
    assert _closed(find_clean(), "2>&-", str(tmp_path / "missing.txt")).returncode == 2
