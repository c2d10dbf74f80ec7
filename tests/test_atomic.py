"""Rewrites that cannot clobber: real files on disk, the real batch code in-process.

Each test reproduces one way a rewrite used to lose data or reach outside the
given paths (issue 12, "Other ways to lose data"): a same-size edit that keeps
the mtime, a folder swapped for a symbolic link, a file swapped for a link or a
FIFO, hard links, extended attributes.
"""
from __future__ import annotations

import errno
import io
import os
import shutil
import threading

import pytest

from cleaner import Cleaner
from cleaner import batch
from cleaner.atomic import (ChangedMeanwhile, NotRegular, folder_id, is_temp_name, read_file,
                            replace_bytes, write_new)
from cleaner.batch import BatchOptions, run_batch
from cleaner.walk import collect

NEWSLETTER = "Sign up for our free weekly newsletter"
ARTICLE = ("The city council voted on Tuesday to approve a budget that increases funding for the "
           "public library system by eight percent over the next two years.\n")
DIRTY = f"Council approves library budget\n\n{ARTICLE}\n{NEWSLETTER}\n"


def _run(*paths, **kw) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run_batch(Cleaner(), [str(p) for p in paths], jobs=1, stdout=out, stderr=err, **kw)
    return status, out.getvalue(), err.getvalue()


def _no_temp_files(folder) -> bool:
    return not [n for _, _, files in os.walk(folder) for n in files if is_temp_name(n)]


def test_same_size_edit_with_mtime_kept_is_not_overwritten(tmp_path):
    # cp -p / rsync -t / os.utime: same size, same mtime, other bytes.
    p = tmp_path / "a.txt"
    p.write_text("old text, twenty-four\n")
    data, snap = read_file(p)
    st = os.stat(p)
    p.write_text("new text, twenty-four\n")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (os.stat(p).st_size, os.stat(p).st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    with pytest.raises(ChangedMeanwhile):
        replace_bytes(p, b"cleaned\n", expect=snap)
    assert p.read_text() == "new text, twenty-four\n"
    assert _no_temp_files(tmp_path)


def test_folder_swapped_for_a_link_is_not_followed(tmp_path):
    given = tmp_path / "given"
    (given / "sub").mkdir(parents=True)
    (given / "sub" / "a.txt").write_text(DIRTY)
    outside = tmp_path / "outside"
    shutil.copytree(given / "sub", outside)
    (targets, _) = collect([str(given)])
    (t,) = targets
    data, snap = read_file(t.path, t.folder)
    # Between reading and writing, the folder becomes a link to another tree
    # holding a file of the same name and the same bytes.
    os.rename(given / "sub", tmp_path / "moved")
    os.symlink(outside, given / "sub")
    with pytest.raises(ChangedMeanwhile):
        replace_bytes(t.path, b"cleaned\n", expect=snap, folder=t.folder)
    with pytest.raises(ChangedMeanwhile):
        read_file(t.path, t.folder)
    assert (outside / "a.txt").read_text() == DIRTY
    # The same through the batch's own clean pass (folder identities from collect).
    batch._setup(Cleaner(), BatchOptions(write=True))
    chunk = batch._clean_chunk(targets, None)
    (o,) = chunk.results
    assert o.message is not None and o.message.level == "error" and not o.written
    assert "replaced during the run" in o.message.text or "symbolic link" in o.message.text
    assert (outside / "a.txt").read_text() == DIRTY
    assert _no_temp_files(tmp_path)


def test_file_swapped_for_a_link_is_not_followed(tmp_path):
    p, secret = tmp_path / "a.txt", tmp_path / "secret.txt"
    p.write_text(DIRTY)
    secret.write_text(DIRTY)
    _, snap = read_file(p)
    p.unlink()
    p.symlink_to(secret)
    with pytest.raises(NotRegular):
        replace_bytes(p, b"cleaned\n", expect=snap)
    with pytest.raises(NotRegular):
        read_file(p)
    assert secret.read_text() == DIRTY and p.is_symlink()


def _with_timeout(fn, seconds: float = 10.0):
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:   # handed to the test thread
            box["error"] = e

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(seconds)
    assert not th.is_alive(), "hung (a FIFO was opened for reading and waited for a writer)"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def test_fifo_appearing_mid_batch_does_not_hang(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(DIRTY)
    targets, _ = collect([str(folder)])
    # After the files were collected, one becomes a FIFO (nobody will ever write to it).
    os.unlink(folder / "a1.txt")
    os.mkfifo(folder / "a1.txt")
    with pytest.raises(NotRegular):
        _with_timeout(lambda: read_file(folder / "a1.txt"))
    batch._setup(Cleaner(), BatchOptions(write=True))
    scans = _with_timeout(lambda: batch._scan_chunk(targets)).results
    assert [s.message is None for s in scans] == [True, False, True]
    assert "not a regular file" in scans[1].message.text
    outcomes = _with_timeout(lambda: batch._clean_chunk(targets, None)).results
    assert [o.written for o in outcomes] == [True, False, True]
    assert NEWSLETTER not in (folder / "a0.txt").read_text()


def test_hard_linked_file_is_refused_and_both_names_kept(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(DIRTY)
    other = tmp_path / "backup" / "a.txt"
    other.parent.mkdir()
    os.link(p, other)
    status, _, err = _run(p, write=True)
    assert status == 2
    assert f"clean: error: {p}: has 2 hard links" in err and "not rewritten" in err
    assert os.stat(p).st_nlink == 2 and os.path.samefile(p, other)
    assert p.read_text() == DIRTY
    # --output-dir is the way to clean it: the copy is written, the links stay.
    status, _, err = _run(p, output_dir=str(tmp_path / "out"))
    assert status == 0, err
    assert (tmp_path / "out" / "a.txt").read_text() == Cleaner().clean(DIRTY)
    assert os.stat(p).st_nlink == 2


def test_extended_attributes_are_kept(tmp_path):
    if not hasattr(os, "setxattr"):
        pytest.skip("no extended attributes on this platform")
    p = tmp_path / "a.txt"
    p.write_text(DIRTY)
    try:
        os.setxattr(p, "user.origin", b"https://example.com/story")
    except OSError as e:
        if e.errno in (errno.ENOTSUP, errno.EPERM):
            pytest.skip("this file system has no user extended attributes")
        raise
    status, _, err = _run(p, write=True)
    assert status == 0, err
    assert NEWSLETTER not in p.read_text()
    assert os.getxattr(p, "user.origin") == b"https://example.com/story"


def test_folder_id_is_the_folder_of_the_path(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("x\n")
    st = os.stat(tmp_path)
    assert folder_id(p) == (st.st_dev, st.st_ino)


def test_the_new_content_may_come_in_pieces(tmp_path):
    """A batch run writes a file's cleaned text as the pieces it was encoded in
    (one per window), never joined into one more copy of the file."""
    p = tmp_path / "a.txt"
    p.write_bytes(b"old text\n")
    data, snap = read_file(str(p))
    replace_bytes(p, [b"first window\n", b"", b"second window\n"], expect=snap)
    assert p.read_bytes() == b"first window\nsecond window\n"
    out = tmp_path / "out" / "b.txt"
    write_new(out, [b"one ", b"two\n"])
    assert out.read_bytes() == b"one two\n"
    assert not [q for q in tmp_path.rglob("*") if is_temp_name(q.name)]
