"""Read a file, then replace its content so that nobody's change is lost and nothing else is touched.

``read_file`` opens the file relative to its folder, refusing symbolic links
(``O_NOFOLLOW``) and anything that is not a regular file (``O_NONBLOCK``, so a
FIFO put in its place cannot hang the run), and returns the bytes with a
``Snapshot``: device, inode, size, mtime, ctime, link count and a BLAKE2
digest of the content.

``replace_bytes`` writes the new bytes to a temporary file in the same folder,
through a descriptor of that folder (checked to be the folder seen when the
batch was collected, so a folder swapped for a symbolic link mid-run is
refused rather than followed), copies the permission bits, owner (as root) and
extended attributes, fsyncs it, checks once more that the file is still the
one that was read, and renames it over the original. A failure at any step
removes the temporary file and leaves the original as it was.

Why a content digest as well as the stat fields: ctime cannot be set by users
and changes on every write, but file systems stamp it from a coarse clock
(a few milliseconds), so an edit in the same tick that keeps the size and the
mtime (``cp -p``, ``rsync -t``, ``os.utime``) would pass a stat-only check.
Re-reading a file that was just read costs a page-cache copy.

What is refused (``Refused`` and subclasses; the original is left as it was):
a file changed since it was read; a path that became a symbolic link or a
special file; a folder replaced meanwhile; a file with more than one hard link
(a rename would split the names: the other names would keep the old text, so
``clean`` says so instead; use ``--output-dir`` or break the link first);
extended attributes that cannot be copied to the new file.

A writer that holds the file open while it is replaced keeps writing to the
old inode, which is unlinked by the rename: its later writes are lost to the
path unless it reopens the file. Writes made before the final check are seen
and the file is then left alone. There is no locking (advisory locks bind only
programs that take them); the window between the last check and the rename is
a few system calls.

Temporary names are ``.NAME.clean-tmp-XXXXXXXX``: hidden, clearly ours, and
skipped by the batch walker (``is_temp_name``), so a file left behind by a
SIGKILL is never taken for an input.
"""
from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

TEMP_MARK = ".clean-tmp-"
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_HAS_XATTR = hasattr(os, "listxattr")


def temp_prefix(path: Path) -> str:
    return f".{path.name}{TEMP_MARK}"


def is_temp_name(name: str) -> bool:
    """True for a temporary file written by ``replace_bytes`` (never an input)."""
    return name.startswith(".") and TEMP_MARK in name


class Refused(OSError):
    """The file is left as it was, for the reason in the message."""


class ChangedMeanwhile(Refused):
    """The file (or its folder) changed on disk between reading it and replacing it."""


class NotRegular(Refused):
    """The path is, or became, a symbolic link or a special file."""


class HardLinked(Refused):
    """The file has other names; replacing it would split them."""


class XattrsNotKept(Refused):
    """The file's extended attributes could not be copied to its new version."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a file was when it was read."""
    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int
    nlink: int
    mode: int
    digest: bytes

    def same_file(self, st: os.stat_result) -> bool:
        return (st.st_dev, st.st_ino) == (self.dev, self.ino)

    def unchanged(self, st: os.stat_result) -> bool:
        return self.same_file(st) and (st.st_size, st.st_mtime_ns, st.st_ctime_ns) == (
            self.size, self.mtime_ns, self.ctime_ns)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def folder_id(path: str | os.PathLike) -> tuple[int, int]:
    """(device, inode) of the folder holding ``path``: what ``replace_bytes`` checks later."""
    st = os.stat(os.path.dirname(os.path.abspath(path)))
    return st.st_dev, st.st_ino


def _open_folder(path: str, expect: tuple[int, int] | None) -> int:
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.ENOTDIR):
            raise ChangedMeanwhile(f"{folder}: folder became a symbolic link") from None
        raise
    st = os.fstat(fd)
    if expect is not None and (st.st_dev, st.st_ino) != expect:
        os.close(fd)
        raise ChangedMeanwhile(f"{folder}: folder was replaced during the run")
    return fd


def _open_file(name: str, dirfd: int, flags: int = os.O_RDONLY) -> int:
    try:
        return os.open(name, flags | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=dirfd)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise NotRegular(f"{name}: is a symbolic link now") from None
        raise


def _read_all(fd: int, size_hint: int) -> bytes:
    parts = []
    while True:
        chunk = os.read(fd, max(size_hint + 1, 65536))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


def read_file(path: str | os.PathLike, folder: tuple[int, int] | None = None) -> tuple[bytes, Snapshot]:
    """The bytes of the regular file ``path`` and a ``Snapshot`` of it.

    Raises ``NotRegular`` for a symbolic link or special file (a FIFO does not
    block), ``ChangedMeanwhile`` when the folder is not ``folder`` any more,
    and ``OSError`` when it cannot be read.
    """
    path = os.fspath(path)
    dirfd = _open_folder(path, folder)
    try:
        fd = _open_file(os.path.basename(path), dirfd)
    finally:
        os.close(dirfd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(f"{path}: not a regular file")
        data = _read_all(fd, st.st_size)
        return data, Snapshot(st.st_dev, st.st_ino, len(data), st.st_mtime_ns, st.st_ctime_ns,
                              st.st_nlink, st.st_mode, _digest(data))
    finally:
        os.close(fd)


def _still_the_same(name: str, dirfd: int, expect: Snapshot) -> os.stat_result:
    """Raise unless ``name`` in ``dirfd`` is, stat and content, the file that was read."""
    fd = _open_file(name, dirfd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(f"{name}: not a regular file any more")
        if not expect.unchanged(st) or _digest(_read_all(fd, st.st_size)) != expect.digest:
            raise ChangedMeanwhile(f"{name}: changed on disk while being cleaned")
        return st
    finally:
        os.close(fd)


def _copy_xattrs(src: int, dst: int) -> None:
    if not _HAS_XATTR:
        return
    try:
        names = os.listxattr(src)
    except OSError as e:
        if e.errno in (errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP)):
            return      # the file system has none to keep
        raise
    for name in names:
        value = os.getxattr(src, name)
        try:
            os.setxattr(dst, name, value)
        except OSError as e:
            # Some attributes are set by the system on every new file (an
            # SELinux label): one that already matches needs no copying.
            try:
                if os.getxattr(dst, name) == value:
                    continue
            except OSError:
                pass
            raise XattrsNotKept(f"extended attribute {name} cannot be copied "
                                f"({e.strerror or e})") from None


def replace_bytes(path: str | os.PathLike, data: bytes | Sequence[bytes], *,
                  expect: Snapshot | None = None, folder: tuple[int, int] | None = None) -> None:
    """Atomically replace the content of the existing regular file ``path`` with ``data``
    (bytes, or its pieces in order).

    Keeps the permission bits, the owner (when running as root) and the
    extended attributes. With ``expect`` (from ``read_file``) the file is left
    alone if it is not, by stat and content, the file that was read; with
    ``folder`` (from ``folder_id``) if its folder is not that folder any more.
    Raises ``Refused`` (the message says why) or ``OSError``; either way the
    original is as it was and no temporary file is left.
    """
    path = os.fspath(path)
    name = os.path.basename(path)
    dirfd = _open_folder(path, folder)
    tmp = None
    try:
        if expect is not None:
            st = _still_the_same(name, dirfd, expect)
        else:
            fd = _open_file(name, dirfd)
            try:
                st = os.fstat(fd)
            finally:
                os.close(fd)
            if not stat.S_ISREG(st.st_mode):
                raise NotRegular(f"{name}: not a regular file")
        if st.st_nlink > 1:
            raise HardLinked(f"{name}: has {st.st_nlink} hard links")
        tmp, out = _create_temp(path, dirfd, 0o600)
        try:
            _write_all(out, data)
            src = _open_file(name, dirfd)
            try:
                if not (expect is None or expect.same_file(os.fstat(src))):
                    raise ChangedMeanwhile(f"{name}: replaced while being cleaned")
                _copy_xattrs(src, out)
            finally:
                os.close(src)
            if os.geteuid() == 0 and (st.st_uid, st.st_gid) != (0, 0):
                # root rewriting someone's file must not hand it over to root.
                os.fchown(out, st.st_uid, st.st_gid)
            os.fchmod(out, stat.S_IMODE(st.st_mode))
            os.fsync(out)
        finally:
            os.close(out)
        if expect is not None:
            _still_the_same(name, dirfd, expect)   # the last look, right before the swap
        os.rename(tmp, name, src_dir_fd=dirfd, dst_dir_fd=dirfd)
        tmp = None
    finally:
        _discard(tmp, dirfd)


def write_new(path: str | os.PathLike, data: bytes | Sequence[bytes]) -> None:
    """Write ``data`` (bytes, or its pieces in order) to ``path`` (an output file,
    created or replaced) atomically.

    The rename replaces a symbolic link planted at ``path`` instead of writing
    through it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    dirfd = _open_folder(str(path), None)
    tmp = None
    try:
        tmp, out = _create_temp(path, dirfd, 0o666)
        try:
            _write_all(out, data)
            os.fsync(out)
        finally:
            os.close(out)
        os.rename(tmp, path.name, src_dir_fd=dirfd, dst_dir_fd=dirfd)
        tmp = None
    finally:
        _discard(tmp, dirfd)


def _create_temp(path: str | os.PathLike, dirfd: int, mode: int) -> tuple[str, int]:
    """A new temporary file beside ``path`` (in the folder ``dirfd``): its name and descriptor."""
    for _ in range(100):
        tmp = f"{temp_prefix(Path(path))}{secrets.token_hex(4)}"
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                                mode, dir_fd=dirfd)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", os.fspath(path))


def _write_all(fd: int, data: bytes | Sequence[bytes]) -> None:
    for piece in (data,) if isinstance(data, bytes) else data:
        view = memoryview(piece)
        while view:
            view = view[os.write(fd, view):]


def _discard(tmp: str | None, dirfd: int) -> None:
    """Remove a temporary file left by a failed write (if any), and close its folder."""
    if tmp is not None:
        try:
            os.unlink(tmp, dir_fd=dirfd)
        except FileNotFoundError:
            pass
    os.close(dirfd)
