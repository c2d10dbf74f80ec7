"""Batch runs through the real `clean` executable: --in-place, --check, --diff, --jobs,
include/exclude globs, symbolic links, and bad input that must not stop the batch."""
from __future__ import annotations

import os
import pty
import resource
import shutil
import signal
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.atomic import is_temp_name, read_file, replace_bytes
from cleaner.batch import collect
from cleaner.repetition import CommonLines
from conftest import SEED

# The real `clean` in a subprocess, test after test: slow, but for three that stay in the quick run.

NEWSLETTER = "Sign up for our free weekly newsletter"
# A line every file of the batch shares: boilerplate by repetition alone.
RECURRING = "The Riverside Courier is published by Courier Media Group of Riverside"

ARTICLE = [
    "City council approves new budget for public libraries",
    "",
    "The city council voted on Tuesday to approve a budget that increases funding for the "
    "public library system by eight percent over the next two years.",
    "",
    "Council member {n} said the money would pay for longer opening hours in the evenings and "
    "for the repair of the roof at the central branch, which has leaked since the spring.",
    "",
    "The vote passed by a margin of seven to two after a debate that lasted more than three hours.",
    "",
]


def dirty(n: int) -> str:
    """A small article with a newsletter box and the batch's recurring footer line."""
    lines = ARTICLE[:4] + [NEWSLETTER, ""] + ARTICLE[4:] + [RECURRING, ""]
    return "\n".join(lines).replace("{n}", f"Number{n}")


def make_batch(root: Path, n: int = 6, sub: str = "articles") -> list[Path]:
    folder = root / sub
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"a{i:02d}.txt"
        p.write_text(dirty(i), encoding="utf-8")
        paths.append(p)
    return paths


def expected_texts(paths: list[Path]) -> dict[Path, str]:
    """What a batch over exactly these files must produce, computed in-process."""
    texts = {p: p.read_text(encoding="utf-8") for p in paths}
    common = CommonLines.from_texts(texts.values())
    c = Cleaner()
    return {p: c.clean(t, common=common) for p, t in texts.items()}


@pytest.mark.slow
def test_in_place_rewrites_changed_files_with_batch_evidence(tmp_path, run_clean):
    paths = make_batch(tmp_path)
    clean_one = tmp_path / "articles" / "clean.txt"
    clean_one.write_text("Nothing here is boilerplate at all, it is a plain sentence of prose.\n")
    want = expected_texts(paths + [clean_one])
    os.chmod(paths[0], 0o640)
    untouched = os.stat(clean_one)

    r = run_clean("--in-place", tmp_path)
    assert r.returncode == 0, r.stderr
    for p in paths:
        got = p.read_text(encoding="utf-8")
        assert got == want[p]
        assert NEWSLETTER not in got and "Council member" in got
    # (``want`` was computed with the batch's CommonLines: whether the shared
    # RECURRING line goes is the heuristics' call, tested with them.)
    assert stat.S_IMODE(os.stat(paths[0]).st_mode) == 0o640
    # A file whose cleaned text is the same is not rewritten at all.
    after = os.stat(clean_one)
    assert (after.st_ino, after.st_mtime_ns) == (untouched.st_ino, untouched.st_mtime_ns)
    err = r.stderr.decode()
    assert "7 files seen, 6 changed, 0 skipped, 0 errors" in err
    assert f"cleaned {tmp_path / 'articles' / 'a00.txt'}" in err
    assert not [f for f in os.listdir(tmp_path / "articles") if is_temp_name(f)]

    again = run_clean("--in-place", "--exit-non-zero-on-fix", tmp_path)
    assert again.returncode == 0 and "0 changed" in again.stderr.decode()


@pytest.mark.slow
def test_exit_non_zero_on_fix(tmp_path, run_clean):
    make_batch(tmp_path, 3)
    assert run_clean("--in-place", "--exit-non-zero-on-fix", tmp_path).returncode == 1
    assert run_clean("--in-place", "--exit-non-zero-on-fix", tmp_path).returncode == 0


def test_check_lists_files_writes_nothing(tmp_path, run_clean):
    paths = make_batch(tmp_path, 4)
    before = {p: p.read_bytes() for p in paths}
    r = run_clean("--check", tmp_path)
    assert r.returncode == 1
    assert r.stdout.decode().splitlines() == [str(p) for p in paths]
    assert "4 would change" in r.stderr.decode()
    assert all(p.read_bytes() == before[p] for p in paths)
    # --check wins over --in-place: still nothing written.
    assert run_clean("--check", "--in-place", tmp_path).returncode == 1
    assert all(p.read_bytes() == before[p] for p in paths)
    assert run_clean("--in-place", tmp_path).returncode == 0
    r = run_clean("--check", tmp_path)
    assert (r.returncode, r.stdout) == (0, b"")


@pytest.mark.slow
def test_check_diff_prints_unified_diff_per_file(tmp_path, run_clean):
    paths = make_batch(tmp_path, 3)
    r = run_clean("--check", "--diff", tmp_path)
    assert r.returncode == 1
    out = r.stdout.decode()
    assert out.count(f"-{NEWSLETTER}\n") == 3
    for p in paths:
        assert f"--- a/{p}\n+++ b/{p}\n" in out
    assert paths[0].read_text(encoding="utf-8") == dirty(0)
    # --in-place --diff rewrites and shows what it did.
    r = run_clean("--in-place", "--diff", tmp_path)
    assert r.returncode == 0 and r.stdout.decode().count(f"-{NEWSLETTER}\n") == 3
    assert NEWSLETTER not in paths[0].read_text(encoding="utf-8")


@pytest.mark.slow
def test_jobs_do_not_change_results_or_order(tmp_path, run_clean):
    # Enough files that --jobs 2 really starts two workers (16 files per worker at least).
    paths = make_batch(tmp_path, 40, "x") + make_batch(tmp_path, 30, "y")
    one = run_clean("--check", "--diff", "--jobs", "1", tmp_path)
    two = run_clean("--check", "--diff", "--jobs", "2", tmp_path)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stdout.count(b"+++ b/") == 70
    names = [line[6:] for line in one.stdout.decode().splitlines() if line.startswith("+++ b/")]
    assert names == [str(p) for p in paths]

    copy = tmp_path.parent / (tmp_path.name + "-copy")
    shutil.copytree(tmp_path, copy)
    assert run_clean("--in-place", "-j", "1", tmp_path).returncode == 0
    assert run_clean("--in-place", "-j", "2", copy).returncode == 0
    for p in paths:
        assert p.read_bytes() == (copy / p.relative_to(tmp_path)).read_bytes()


@pytest.mark.slow
def test_include_exclude_and_defaults(tmp_path, run_clean):
    make_batch(tmp_path, 1, "a")
    for name in ("notes.md", "page.markdown", "data.csv", "script.py"):
        (tmp_path / "a" / name).write_text(dirty(1))
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(dirty(2))
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "d.txt").write_text(dirty(3))
    (tmp_path / "a" / ".a00.txt.clean-tmp-abc123").write_text(dirty(4))   # a leftover temp file

    def listed(*args):
        r = run_clean("--check", *args, cwd=tmp_path)
        assert r.returncode in (0, 1), r.stderr
        return sorted(r.stdout.decode().split())

    assert listed(".") == ["a/a00.txt", "a/notes.md", "a/page.markdown", "drafts/d.txt"]
    assert listed(".", "--exclude", "drafts") == ["a/a00.txt", "a/notes.md", "a/page.markdown"]
    assert listed(".", "--include", "*.csv") == ["a/data.csv"]
    assert listed(".", "--exclude", "a/*.md") == ["a/a00.txt", "a/page.markdown", "drafts/d.txt"]
    # A file named on the command line is taken whatever its name; exclude still applies.
    assert listed("a/data.csv") == ["a/data.csv"]
    assert listed("a/data.csv", "--exclude", "*.csv") == []


@pytest.mark.slow
def test_html_is_not_rewritten(tmp_path, run_clean):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Sign up for our free weekly newsletter</p></body></html>\n")
    sneaky = tmp_path / "page.txt"
    sneaky.write_bytes(page.read_bytes())
    r = run_clean("--in-place", page, sneaky)
    assert r.returncode == 0
    err = r.stderr.decode()
    assert f"warning: {page}: HTML is not rewritten" in err and f"warning: {sneaky}: HTML" in err
    assert "2 skipped" in err
    assert page.read_bytes() == sneaky.read_bytes()


@pytest.mark.slow
def test_bad_inputs_are_named_and_the_batch_goes_on(tmp_path, run_clean):
    paths = make_batch(tmp_path, 2)
    folder = tmp_path / "articles"
    binary = folder / "image.txt"
    binary.write_bytes(b"GIF89a\0\0" + NEWSLETTER.encode() + b"\n")
    latin = folder / "latin1.txt"
    latin.write_bytes(("Caf\xe9 au lait\n" + NEWSLETTER + "\n").encode("latin-1"))
    r = run_clean("--in-place", tmp_path, tmp_path / "missing.txt")
    assert r.returncode == 2
    err = r.stderr.decode().splitlines()
    assert f"clean: error: {tmp_path / 'missing.txt'}: no such file or folder" in err
    assert f"clean: error: {latin}: not valid utf-8 at byte 3 (use --encoding to read another encoding)" in err
    assert f"clean: warning: {binary}: binary file (NUL byte in the first 8 KB), skipped" in err
    assert not any("Traceback" in line for line in err)
    assert binary.read_bytes().startswith(b"GIF89a\0\0") and NEWSLETTER.encode() in binary.read_bytes()
    assert NEWSLETTER.encode() in latin.read_bytes()
    for p in paths:   # the good files were still cleaned
        assert NEWSLETTER not in p.read_text(encoding="utf-8")
    # The declared encoding reads it, and the file is written back in that encoding.
    r = run_clean("--in-place", "--encoding", "latin-1", latin)
    assert r.returncode == 0, r.stderr
    assert latin.read_bytes() == "Caf\xe9 au lait\n".encode("latin-1")


@pytest.mark.slow
def test_read_only_file_is_reported_not_rewritten(tmp_path, run_clean):
    # Checked on the permission bits, so this holds for root too.
    (p,) = make_batch(tmp_path, 1)
    os.chmod(p, 0o444)
    r = run_clean("--in-place", p)
    assert r.returncode == 2
    assert f"clean: error: {p}: read-only file, not rewritten" in r.stderr.decode()
    assert p.read_text(encoding="utf-8") == dirty(0)
    assert run_clean("--check", p).returncode == 1   # checking a read-only file is fine


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder and file permissions")
@pytest.mark.slow
def test_read_only_folder_and_unreadable_file(tmp_path, run_clean):
    a, b = make_batch(tmp_path, 2)
    os.chmod(b, 0)
    folder = tmp_path / "articles"
    os.chmod(folder, 0o555)
    try:
        r = run_clean("--in-place", folder)
        err = r.stderr.decode()
        assert r.returncode == 2
        assert f"clean: error: {b}: cannot read: Permission denied" in err
        assert f"clean: error: {a}: cannot rewrite: Permission denied (file left as it was)" in err
        assert a.read_text(encoding="utf-8") == dirty(0)
    finally:
        os.chmod(folder, 0o755)
        os.chmod(b, 0o644)


@pytest.mark.slow
def test_failed_write_leaves_the_file_whole(tmp_path, clean_exe):
    # The file system refuses the rewrite half way (file size limit: EFBIG, as a full
    # disk would): the original stays, no temporary file is left, the error names the file.
    big = tmp_path / "big.txt"
    body = "A paragraph of the article that goes on for a while to make the file large.\n" * 2000
    big.write_text(NEWSLETTER + "\n" + body)
    original = big.read_bytes()

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    r = subprocess.run([clean_exe, "--in-place", str(big)], capture_output=True, preexec_fn=limit)
    assert r.returncode == 2
    assert f"clean: error: {big}: cannot rewrite: File too large (file left as it was)" in r.stderr.decode()
    assert big.read_bytes() == original
    assert os.listdir(tmp_path) == ["big.txt"]


@pytest.mark.slow
def test_symbolic_links(tmp_path, run_clean):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "other.txt"
    secret.write_text(dirty(9))
    (outside / "sub").mkdir()
    (outside / "sub" / "deep.txt").write_text(dirty(8))
    (a,) = make_batch(tmp_path, 1)
    folder = tmp_path / "articles"
    (folder / "out.txt").symlink_to(secret)
    (folder / "outdir").symlink_to(outside / "sub")
    (folder / "in.txt").symlink_to(a)
    r = run_clean("--in-place", folder)
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert f"{folder / 'out.txt'}: symbolic link to a file outside the given paths, not followed" in err
    assert f"{folder / 'outdir'}: symbolic link to a folder outside the given paths" in err
    assert secret.read_text() == dirty(9) and (outside / "sub" / "deep.txt").read_text() == dirty(8)
    # The link inside points at a file of the batch: cleaned once, the link stays a link.
    assert (folder / "in.txt").is_symlink() and NEWSLETTER not in a.read_text()
    assert "1 file seen, 1 changed" in err
    # Named on the command line, a link is followed: the target is rewritten, not the link.
    r = run_clean("--in-place", folder / "out.txt")
    assert r.returncode == 0 and (folder / "out.txt").is_symlink()
    assert NEWSLETTER not in secret.read_text()


@pytest.mark.slow
def test_usage_errors(tmp_path, run_clean):
    r = run_clean("--in-place")
    assert r.stderr == b"clean: error: --in-place needs files or folders to work on (not stdin)\n"
    assert r.returncode == 2
    # Each message names the option that made the run a batch.
    r = run_clean("--output-dir", tmp_path / "out", "-", input=b"text\n")
    assert r.stderr == b"clean: error: --output-dir needs files or folders to work on (not stdin)\n"
    r = run_clean("--output-dir", tmp_path / "out", "--report", tmp_path / "r.html", tmp_path)
    assert r.returncode == 2 and b"--report works with FILEs and stdin, not with --output-dir" in r.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "r.html").exists()
    r = run_clean("--check", "--json", tmp_path)
    assert r.returncode == 2 and b"--json and --explain cannot be used" in r.stderr


@pytest.mark.slow
def test_plain_filter_mode_unchanged(tmp_path, run_clean):
    (p,) = make_batch(tmp_path, 1)
    r = run_clean(p)
    assert r.returncode == 0 and NEWSLETTER.encode() not in r.stdout
    assert p.read_text() == dirty(0)      # the filter never writes
    r = run_clean(input=p.read_bytes())
    assert r.returncode == 0 and b"Council member" in r.stdout
    r = run_clean(tmp_path)
    assert r.returncode == 2 and b"is a folder (use --in-place" in r.stderr


def _on_a_terminal(args: list[str]) -> tuple[int, bytes]:
    """Run with stderr on a pseudo-terminal, reading it while the run goes on
    (a full terminal buffer would block the writer)."""
    master, slave = pty.openpty()
    data = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            data.extend(chunk)

    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc.wait(timeout=120)
        reader.join(10)
    finally:
        os.close(master)
    return proc.returncode, bytes(data)


@pytest.mark.slow
def test_progress_bar_only_on_a_terminal(tmp_path, clean_exe):
    make_batch(tmp_path, 210)
    piped = subprocess.run([clean_exe, "--check", str(tmp_path)], capture_output=True)
    assert b"\r" not in piped.stderr and b"\x1b" not in piped.stderr
    status, data = _on_a_terminal([clean_exe, "--check", str(tmp_path)])
    assert status == 1
    # rich's bar: the phases, the count, a rate and an ETA; cleared at the end.
    for part in (b"clean: collecting", b"clean: scanning", b"clean: checking", b"210/210",
                 b"files/s", b"ETA"):
        assert part in data, part
    assert b"210 files seen, 210 would change" in data


def test_replace_bytes_keeps_mode_and_refuses_a_changed_file(tmp_path):
    p = tmp_path / "f.txt"
    p.write_text("old\n")
    os.chmod(p, 0o604)
    _, snap = read_file(p)
    replace_bytes(p, b"new\n", expect=snap)
    assert p.read_bytes() == b"new\n" and stat.S_IMODE(os.stat(p).st_mode) == 0o604
    p.write_text("someone else's much longer edit\n")
    with pytest.raises(OSError, match="changed on disk"):
        replace_bytes(p, b"ours\n", expect=snap)
    assert p.read_text() == "someone else's much longer edit\n"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_collect_is_sorted_and_deduplicated(tmp_path):
    for name in ("b.txt", "a.txt", "c/z.md", "c/a.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x\n")
    targets, messages = collect([str(tmp_path), str(tmp_path / "a.txt")])
    assert [Path(t.name).relative_to(tmp_path).as_posix() for t in targets] == \
        ["a.txt", "b.txt", "c/a.txt", "c/z.md"]
    assert messages == []


@pytest.mark.slow
def test_summary_counts_lines_by_reason(tmp_path, run_clean):
    make_batch(tmp_path, 3)
    r = run_clean("--check", tmp_path)
    err = r.stderr.decode()
    # Check mode says what would happen, not what happened.
    assert "3 would change" in err and "lines would be removed (" in err, err
    assert "newsletter 3" in err and "lines removed" not in err
    r = run_clean("--in-place", tmp_path)
    err = r.stderr.decode()
    assert "3 changed" in err and "lines removed (" in err and "newsletter 3" in err, err


@pytest.mark.slow
def test_diff_of_a_folder_writes_nothing(tmp_path, run_clean):
    # As ruff and black: --diff takes folders and only shows what would change.
    paths = make_batch(tmp_path, 3)
    before = {p: p.read_bytes() for p in paths}
    r = run_clean("--diff", tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().count(f"-{NEWSLETTER}\n") == 3
    assert all(p.read_bytes() == before[p] for p in paths)
    assert "would change" in r.stderr.decode()
    r = run_clean("--check", "--diff", tmp_path)
    assert r.returncode == 1 and r.stdout.decode().count(f"-{NEWSLETTER}\n") == 3


@pytest.mark.slow
def test_output_dir_writes_cleaned_copies_of_everything(tmp_path, run_clean):
    paths = make_batch(tmp_path, 4, "in/news")
    tidy = tmp_path / "in" / "tidy.txt"
    tidy.write_text("A note that is all article and no boilerplate, written by a person.\n")
    before = {p: p.read_bytes() for p in [*paths, tidy]}
    want = expected_texts([*paths, tidy])
    r = run_clean("-o", "out", "in", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for p in [*paths, tidy]:
        assert p.read_bytes() == before[p]                      # inputs untouched
        copy = tmp_path / "out" / p.relative_to(tmp_path)
        assert copy.read_text(encoding="utf-8") == want[p]      # unchanged files copied too
    assert "5 files written to" in r.stderr.decode()
    # The output folder inside the input is not walked on the next run.
    r = run_clean("-o", "in/out", "in", cwd=tmp_path)
    assert r.returncode == 0 and "5 files seen" in r.stderr.decode(), r.stderr
    r = run_clean("--in-place", "-o", "out", "in", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == b"clean: error: --output-dir cannot be used with --in-place (it writes copies and leaves the inputs alone)\n"
    # A file where the folder should be: one error naming it, not one per input.
    (tmp_path / "taken").write_text("a file\n")
    r = run_clean("-o", "taken", "in", cwd=tmp_path)
    assert (r.returncode, r.stderr) == (2, b"clean: error: --output-dir taken: is a file, not a folder\n")
    assert (tmp_path / "taken").read_text() == "a file\n"


@pytest.mark.slow
def test_files_from_is_one_run(tmp_path, run_clean):
    # Six files share RECURRING: as one run (not split like xargs) it is evidence.
    paths = make_batch(tmp_path, 6)
    want = expected_texts(paths)
    listing = "\n".join(str(p.relative_to(tmp_path)) for p in paths) + "\n"
    (tmp_path / "list.txt").write_text(listing)
    r = run_clean("--check", "--files-from", "list.txt", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stdout.decode().split() == [str(p.relative_to(tmp_path)) for p in paths]
    r = run_clean("--in-place", "--files-from", "-", input=listing.encode(), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert all(p.read_text(encoding="utf-8") == want[p] for p in paths)
    r = run_clean("--check", "--files-from", "missing.txt", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.decode().startswith("clean: error: missing.txt: cannot read")
    assert r.stderr.count(b"\n") == 1
    r = run_clean("--check", "--files-from", "-", input=b"", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, b"")
    # stdin holds the list: it cannot be an input too, named or listed.
    for args, listed in ((["-"], listing), ([], listing + "-\n")):
        r = run_clean("--files-from", "-", *args, input=listed.encode(), cwd=tmp_path)
        assert (r.returncode, r.stdout) == (2, b""), r.stderr
        assert r.stderr == (b"clean: error: --files-from - reads the list of files from stdin, "
                            b"so '-' cannot also be an input\n")


@pytest.mark.slow
def test_gitignore_is_respected_unless_no_ignore(tmp_path, run_clean):
    make_batch(tmp_path, 1, "kept")
    make_batch(tmp_path, 1, "generated")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n")
    r = run_clean("--check", ".", cwd=tmp_path)
    assert r.stdout.decode().split() == ["kept/a00.txt"]
    r = run_clean("--check", "--no-ignore", ".", cwd=tmp_path)
    assert r.stdout.decode().split() == ["generated/a00.txt", "kept/a00.txt"]


@pytest.mark.slow
def test_exclude_applies_to_named_files_in_excluded_folders(tmp_path, run_clean):
    # What pre-commit does: name each file; exclude = ["drafts"] must still hold.
    make_batch(tmp_path, 1, "drafts")
    make_batch(tmp_path, 1, "news")
    (tmp_path / "pyproject.toml").write_text('[tool.clean]\nexclude = ["drafts"]\n')
    r = run_clean("--check", "drafts/a00.txt", "news/a00.txt", cwd=tmp_path)
    assert r.stdout.decode().split() == ["news/a00.txt"], r.stderr


@pytest.mark.slow
def test_a_file_longer_than_a_window_is_rewritten_as_clean_writes_it(tmp_path, run_clean):
    """A batch cleans a file window by window, as `clean` writes stdout: the
    rewritten file is the text `clean` prints, and the summary counts the
    lines `--stats` counts. 500 copies of the seed are 22,500 lines, two windows."""
    seed = (SEED / "input.txt").read_text(encoding="utf-8")
    text = "\n".join([seed] * 500).encode()
    p = tmp_path / "big.txt"
    p.write_bytes(text)
    out = run_clean("--stats", input=text)
    stats = out.stderr.decode().splitlines()[0]          # "clean: 1 input, N lines removed"
    removed = int(stats.split(", ")[1].split()[0])
    assert out.returncode == 0 and removed >= 19 * 490, stats    # each copy loses its 19 lines
    r = run_clean("--in-place", p)
    assert r.returncode == 0, r.stderr
    assert p.read_bytes() == out.stdout
    assert f"cleaned {p} ({removed} lines removed)" in r.stderr.decode()
    # Cleaned, it stays as it is: --check finds nothing to do.
    r = run_clean("--check", p)
    assert r.returncode == 0 and r.stdout == b"", r.stdout


def test_encoding_auto_rewrites_each_file_in_the_encoding_it_was_read_in(tmp_path, run_clean):
    """--encoding auto guesses each file's encoding; a rewritten file keeps it
    (it was an internal error: the text was encoded as "auto")."""
    article = "Le conseil a voté mardi le plan du port, ont déclaré les responsables de la ville."
    utf8, latin = tmp_path / "utf8.txt", tmp_path / "latin.txt"
    utf8.write_bytes(f"Sign up for our newsletter\n{article}\n".encode("utf-8"))
    latin.write_bytes(f"Sign up for our newsletter\n{article}\n".encode("latin-1"))
    r = run_clean("--check", "--diff", "--encoding", "auto", tmp_path)
    assert r.returncode == 1 and b"-Sign up for our newsletter" in r.stdout, r.stderr
    assert "+" + article not in r.stdout.decode()          # the article is context, not a change
    r = run_clean("--in-place", "--encoding", "auto", tmp_path)
    assert r.returncode == 0, r.stderr
    assert utf8.read_bytes() == f"{article}\n".encode("utf-8")
    assert latin.read_bytes() == f"{article}\n".encode("latin-1")


@pytest.mark.slow
def test_a_utf16_file_is_cleaned_and_written_back_with_one_bom(tmp_path, run_clean):
    """With --encoding utf-16 a NUL byte is no sign of a binary file (every
    character holds one): a NUL character is. The file, two windows long, is
    written back as one UTF-16 text: one BOM, not one per window."""
    seed = (SEED / "input.txt").read_text(encoding="utf-8")
    text = "\n".join([seed] * 500)
    p = tmp_path / "wide.txt"
    p.write_bytes(text.encode("utf-16"))
    binary = tmp_path / "data.txt"
    binary.write_bytes("ab\0cd\n".encode("utf-16"))
    out = run_clean(input=text.encode())             # what the filter prints, in UTF-8
    r = run_clean("--in-place", "--encoding", "utf-16", tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"warning: {binary}: binary file" in r.stderr.decode()
    written = p.read_bytes()
    assert written == out.stdout.decode("utf-8").encode("utf-16")
    assert written.count(b"\xff\xfe") == 1 and written.startswith(b"\xff\xfe")


def test_stats_in_a_batch_run_are_the_filters_stats(tmp_path, run_clean):
    """--stats was ignored by a batch run; it now prints, under the summary,
    the lines removed per kind and reason, as the filter does for the same text."""
    (p,) = make_batch(tmp_path, 1)
    text = p.read_bytes()
    filter_stats = run_clean("--stats", input=text).stderr.decode().splitlines()[1:]
    assert "clean:     newsletter.signup-cta        1" in filter_stats, filter_stats
    r = run_clean("--check", "--stats", p)
    lines = r.stderr.decode().splitlines()
    assert r.returncode == 1 and lines[0].startswith("clean: 1 file seen, 1 would change")
    assert lines[1:] == filter_stats


def test_a_utf8_bom_stays_when_the_first_line_goes(tmp_path, run_clean):
    """Windows editors open UTF-8 files with a BOM: a rewrite that removes the
    first line keeps the file's mark (it took it along, a change no one asked for)."""
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xef\xbb\xbfSign up for our newsletter\n\n"
                  b"The council voted for the harbour plan on Tuesday, officials said.\n")
    printed = run_clean(p)
    assert printed.stdout == (b"\xef\xbb\xbfThe council voted for the harbour plan on Tuesday, "
                              b"officials said.\n"), printed.stderr
    r = run_clean("--in-place", p)
    assert r.returncode == 0, r.stderr
    assert p.read_bytes() == printed.stdout
    assert run_clean("--check", p).returncode == 0


WIDE_AND_NARROW = ["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-16-le", "utf-32",
                   "iso-2022-jp", "shift_jis"]


@pytest.mark.slow
@pytest.mark.parametrize("encoding", WIDE_AND_NARROW)
def test_every_batch_mode_writes_what_the_filter_prints_in_the_files_encoding(
        tmp_path, run_clean, encoding):
    """Each batch mode, one encoding at a time: --check lists the file and --diff
    shows the removal; --output-dir and --in-place write what `clean --encoding
    ENC FILE` prints, encoded as the file was (one BOM where the encoding has
    one, a stateful encoding's shifts kept). Found: UTF-16 files skipped as
    binary, and a BOM per window."""
    words = "Le conseil a voté mardi le plan du port" if encoding in ("latin-1", "cp1252") else \
        "東京の議会は火曜日に港湾計画を可決した" if encoding in ("iso-2022-jp", "shift_jis") else \
        "The council voted for the harbour plan — «on Tuesday», officials said"
    text = f"Sign up for our newsletter\n{words}, and the vote was close.\n\nShare this article\n"
    folder = tmp_path / "in"
    folder.mkdir()
    p = folder / "a.txt"
    p.write_bytes(text.encode(encoding))
    printed = run_clean("--encoding", encoding, p)
    assert printed.returncode == 0, printed.stderr
    cleaned = printed.stdout.decode("utf-8")
    assert cleaned == f"{words}, and the vote was close.\n"
    r = run_clean("--check", "--diff", "--encoding", encoding, folder)
    assert r.returncode == 1 and "-Sign up for our newsletter" in r.stdout.decode(), r.stderr
    r = run_clean("--output-dir", tmp_path / "out", "--encoding", encoding, folder)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "in" / "a.txt").read_bytes() == cleaned.encode(encoding)
    r = run_clean("--in-place", "--encoding", encoding, folder)
    assert r.returncode == 0, r.stderr
    assert p.read_bytes() == cleaned.encode(encoding)
