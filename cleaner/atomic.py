"""Replace a file's content so that, interrupted at any moment, it is its old or its new self.

The new bytes go to a temporary file in the same folder (so the final rename
stays on one file system and is atomic), are flushed and fsynced, get the old
file's permission bits, and are renamed over the original with ``os.replace``.
A failure at any step removes the temporary file and leaves the original as it
was. Temporary names are ``.NAME.clean-tmp-XXXXXXXX``: hidden, clearly ours,
and skipped by the batch walker (see ``is_temp_name``), so a file left behind
by a SIGKILL is never mistaken for an input.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

TEMP_MARK = ".clean-tmp-"


def temp_prefix(path: Path) -> str:
    return f".{path.name}{TEMP_MARK}"


def is_temp_name(name: str) -> bool:
    """True for a temporary file written by ``replace_bytes`` (never an input)."""
    return name.startswith(".") and TEMP_MARK in name


class ChangedMeanwhile(OSError):
    """The file changed on disk between reading it and replacing it."""


def replace_bytes(path: Path, data: bytes, *, expect: os.stat_result | None = None) -> None:
    """Atomically replace the content of the existing file ``path`` with ``data``.

    Keeps the permission bits (and, when running as root, the owner). With
    ``expect``, the stat of the file when it was read, the file is not replaced
    if its size or modification time changed since: someone else wrote it, and
    their version must not be lost.
    """
    path = Path(path)
    st = os.stat(path)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if getattr(os, "geteuid", lambda: -1)() == 0 and (st.st_uid, st.st_gid) != (0, 0):
            # root rewriting someone's file must not hand it over to root.
            os.chown(tmp, st.st_uid, st.st_gid)
        if expect is not None:
            now = os.stat(path)
            if (now.st_size, now.st_mtime_ns) != (expect.st_size, expect.st_mtime_ns):
                raise ChangedMeanwhile(f"{path}: changed on disk while being cleaned")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
