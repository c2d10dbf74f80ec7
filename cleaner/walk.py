"""Which files a batch run works on: the given files and folders, walked, filtered, in order.

- Folders are walked recursively in sorted order; files found there must match
  an include glob. VCS and virtualenv folders are left out by default.
- Exclude globs apply to files named explicitly too (ruff's ``--force-exclude``,
  always on): pre-commit names every staged file, and a project's
  ``exclude = ["drafts"]`` must keep the hook out of ``drafts/`` all the same.
- A settings file's globs are relative to its folder, as ruff and black read
  theirs, so they pick the same files from whichever folder a run starts
  (``Globs``); the command line's are relative to the working folder.
- ``.gitignore`` files (inside a git work tree, from its top down) and
  ``.ignore`` files are respected while walking folders, as ruff, ripgrep and
  fd do; a file named explicitly is taken even if ignored (as ripgrep does).
  ``ignore=False`` (``--no-ignore``) turns this off. ``pathspec`` reads the
  patterns; it is imported only when an ignore file is found.
- A symbolic link is followed only when its target lies inside one of the
  given paths, and then the target is processed (once), so the link stays a link.
- Each target carries the identity of its folder, so a folder swapped for a
  link during the run is noticed before anything is written (``atomic``).
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from . import atomic
from .config import repository_top

if TYPE_CHECKING:
    from .config import Config, NestedSettings

DEFAULT_INCLUDE = ("*.txt", "*.text", "*.md", "*.markdown")
# Folders nobody wants cleaned; user excludes add to this list.
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
                   ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache")
IGNORE_FILES = (".gitignore", ".ignore")


@dataclass(frozen=True, slots=True)
class Target:
    """One file of the batch: ``path`` is read and written, ``name`` is shown,
    ``out`` is its relative path under ``--output-dir``, ``folder`` the
    (device, inode) of its folder when collected."""
    path: str
    name: str
    out: str = ""
    folder: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Message:
    level: str      # "warning" or "error"
    text: str


@dataclass(frozen=True, slots=True)
class Globs:
    """Globs of files and folders, and the folder they are written from.

    A glob without '/' matches a file or folder name; one with '/' a path:
    with a ``base`` (a settings file's folder), the path from that folder, as
    ruff and black read the globs of their settings, so that a run started in
    a subfolder, or pre-commit naming files from the top of a repository whose
    settings lie deeper, leaves the same files alone. Without one (the command
    line's globs), the path as the walk shows it (from the working folder) or
    from the folder given.
    """
    patterns: tuple[str, ...]
    base: str | None = None      # an absolute folder
    # The patterns split once, not at every match: name globs, and path globs
    # as matched ("drafts/" is "drafts"; in the settings "/drafts" and
    # "./drafts" are too, paths from their folder).
    _names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _paths: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        paths = [g.rstrip("/") for g in self.patterns if "/" in g]
        if self.base is not None:
            paths = [g.removeprefix("./").lstrip("/") for g in paths]
        object.__setattr__(self, "_names", tuple(g for g in self.patterns if "/" not in g))
        object.__setattr__(self, "_paths", tuple(paths))

    @classmethod
    def of(cls, globs: "Globs | Iterable[str]") -> "Globs":
        """``globs`` as Globs: strings are the command line's."""
        return globs if isinstance(globs, Globs) else cls(tuple(globs))

    def matches(self, name: str, shown: str, rel: str) -> bool:
        """Whether a file or folder ``name`` matches, at ``shown`` (its path as the
        walk shows it) and ``rel`` (its path below the folder given)."""
        if self.base is None:
            return self._match(name, (shown, rel))
        anchored = _from(self.base, shown)
        return self._match(name, () if anchored is None else (anchored,))

    def excludes(self, given: str) -> bool:
        """Does a glob match a file named explicitly, or any folder on its way?

        Judged on the path from the base, or for the command line's globs from
        the working folder when it lies inside it, so a checkout living under
        some ``build/`` folder is not excluded by it. Outside the base, a
        settings file's path globs do not apply, its name globs do.
        """
        anchored = None if self.base is None else _from(self.base, given)
        shown = anchored or _below(os.path.abspath(given), os.getcwd()) or os.path.normpath(given)
        whole = self.base is None or anchored is not None     # path globs apply
        parts = [p for p in shown.replace(os.sep, "/").split("/") if p not in ("", ".")]
        return any(self._match(parts[i], ("/".join(parts[: i + 1]),) if whole else ())
                   for i in range(len(parts)))

    def _match(self, name: str, paths: tuple[str, ...]) -> bool:
        return any(fnmatchcase(name, g) for g in self._names) or any(
            fnmatchcase(p, g) or (g.startswith("**/") and fnmatchcase(p, g[3:]))
            for g in self._paths for p in paths)


def _from(base: str, path: str) -> str | None:
    """``path`` from ``base``, or None outside it; through symbolic links when
    only they lead there (settings are found on resolved paths)."""
    inside = _below(os.path.abspath(path), base)
    return inside if inside is not None else _below(os.path.realpath(path), base)


def _below(path: str, folder: str) -> str | None:
    """``path`` (absolute) from ``folder``, with '/' between names; None outside it."""
    rel = os.path.relpath(path, folder)
    if rel == ".." or rel.startswith(".." + os.sep):
        return None
    return rel.replace(os.sep, "/")


def _matches(globs: Sequence[Globs], name: str, shown: str, rel: str) -> bool:
    return any(g.matches(name, shown, rel) for g in globs)


def excluded(exclude: Iterable[Globs], given: str) -> bool:
    """Whether ``given``, named explicitly (a file, or piped input's name), is excluded."""
    return any(g.excludes(given) for g in exclude)


def _inside(real: str, roots: Sequence[str]) -> bool:
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _join(base: str, name: str) -> str:
    return name if base in ("", ".") else os.path.join(base, name)


def _out_path(shown: str, given: str) -> str:
    """Where a file goes under --output-dir: its path as shown when that is relative
    and stays below the working folder, else from the given argument's name down."""
    rel = os.path.relpath(os.path.abspath(shown))
    if not rel.startswith(".." + os.sep) and rel != "..":
        return rel
    base = os.path.dirname(os.path.abspath(os.path.normpath(given)))
    return os.path.relpath(os.path.abspath(shown), base)


class _Ignores:
    """The stack of ignore files that apply in one folder, deepest last."""

    def __init__(self, specs: tuple[tuple[str, object], ...] = (), git: bool = False):
        self.specs = specs          # (folder, compiled spec)
        self.git = git              # inside a git work tree: .gitignore counts

    def enter(self, folder: str, files: Iterable[str]) -> "_Ignores":
        lines: list[str] = []
        for name in IGNORE_FILES if self.git else IGNORE_FILES[1:]:
            if name in files:
                try:
                    with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                        lines.extend(f.read().splitlines())
                except OSError:
                    continue
        if not lines:
            return self
        import pathspec   # only runs that meet an ignore file pay for it

        return _Ignores((*self.specs, (folder, pathspec.GitIgnoreSpec.from_lines(lines))), self.git)

    def ignored(self, full: str, is_dir: bool) -> bool:
        # The deepest ignore file with a pattern for the path decides (a '!'
        # pattern re-includes), as git does.
        for folder, spec in reversed(self.specs):
            rel = os.path.relpath(full, folder).replace(os.sep, "/") + ("/" if is_dir else "")
            hit = spec.check_file(rel).include   # type: ignore[attr-defined]
            if hit is not None:
                return bool(hit)
        return False


def _git_top(real: str) -> str | None:
    d = real
    while True:
        if repository_top(d):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _ancestor_ignores(real: str) -> _Ignores:
    """Ignore files above a walked folder, from the git top down (none outside a repository)."""
    top = _git_top(real)
    ign = _Ignores(git=top is not None)
    if top is None or top == real:
        return ign
    chain = []
    d = os.path.dirname(real)
    while True:
        chain.append(d)
        if d == top:
            break
        d = os.path.dirname(d)
    for folder in reversed(chain):
        try:
            ign = ign.enter(folder, os.listdir(folder))
        except OSError:
            continue
    return ign


class _NestedExcludes:
    """Per folder, the exclude globs of the settings files on its way down
    from the run's own (``config.NestedSettings``): the run's settings, or
    lacking them the top of the repository, end the chain upward."""

    def __init__(self, settings: "NestedSettings", messages: list[Message]):
        self.settings = settings
        self.messages = messages
        self.top = str(settings.used.parent) if settings.used is not None else None
        self._chains: dict[str, tuple[Globs, ...]] = {}

    def at(self, folder: str, names: Sequence[str] | None = None) -> tuple[Globs, ...]:
        folder = os.path.abspath(folder)
        chain = self._chains.get(folder)
        if chain is not None:
            return chain
        parent = os.path.dirname(folder)
        last = parent == folder or os.path.realpath(folder) == self.top \
            or repository_top(folder)
        chain = () if last else self.at(parent)
        cfg = self._read(folder, names)
        if cfg is not None and cfg.exclude:
            chain = (*chain, Globs(cfg.exclude, base=folder))
        self._chains[folder] = chain
        return chain

    def _read(self, folder: str, names: Sequence[str] | None) -> "Config | None":
        from .config import ConfigError, excludes_only

        try:
            cfg = self.settings.at(folder, names)
        except ConfigError as e:
            self.messages.append(Message("error", str(e)))
            return None
        if cfg is not None and not excludes_only(cfg):
            used = self.settings.used or "none found"
            self.messages.append(Message("warning", (
                f"{cfg.path}: only its exclude applies to the files below it; the run's "
                f"other settings come from one file, found from the folder holding all "
                f"its files ({used})")))
        return cfg


def collect(paths: Iterable[str], include: "Globs | Sequence[str]" = DEFAULT_INCLUDE,
            exclude: "Iterable[Globs | str]" = DEFAULT_EXCLUDE, *, ignore: bool = True,
            skip: Sequence[str] = (), found: Callable[[], None] | None = None,
            nested: "NestedSettings | None" = None) -> tuple[list[Target], list[Message]]:
    """The files to process, in a stable order, and what was wrong on the way.

    ``include``: Globs, or the command line's globs; ``exclude``: Globs, and
    the command line's globs; ``skip`` holds real paths of folders never to
    enter (the output folder); ``found`` is called for each file taken (a
    progress display's count); ``nested``: the settings files other than the
    run's, whose exclude holds below them (None: the run's settings only).
    """
    paths = list(paths)
    include = (Globs.of(include),)
    cli = tuple(g for g in exclude if isinstance(g, str))
    exclude = (*(g for g in exclude if isinstance(g, Globs)), *((Globs(cli),) if cli else ()))
    roots = [os.path.realpath(p) for p in paths if os.path.exists(p)]
    skip_real = {os.path.realpath(s) for s in skip}
    targets: list[Target] = []
    messages: list[Message] = []
    seen: set[str] = set()
    chains = _NestedExcludes(nested, messages) if nested is not None else None

    def below(folder: str, names: Sequence[str] | None = None) -> tuple[Globs, ...]:
        """The run's exclude and the nested settings' on the way to ``folder``."""
        return exclude if chains is None else (*exclude, *chains.at(folder, names))

    def add(real: str, shown: str, given: str) -> None:
        if real in seen:
            return
        seen.add(real)
        try:
            fid = atomic.folder_id(real)
        except OSError:
            fid = None
        targets.append(Target(real, shown, _out_path(shown, given), fid))
        if found is not None:
            found()

    for given in paths:
        shown0 = os.path.normpath(given)
        if not os.path.lexists(given):
            messages.append(Message("error", f"{given}: no such file or folder"))
            continue
        if not os.path.exists(given):
            messages.append(Message("error", f"{given}: broken symbolic link"))
            continue
        if excluded(below(given if os.path.isdir(given) else os.path.dirname(given) or "."), given):
            continue
        if not os.path.isdir(given):
            if atomic.is_temp_name(os.path.basename(given)):
                continue
            if not stat.S_ISREG(os.stat(given).st_mode):
                messages.append(Message("warning", f"{given}: not a regular file, skipped"))
                continue
            add(os.path.realpath(given), given, given)
            continue
        errors: list[OSError] = []
        ignores: dict[str, _Ignores] = {}
        for folder, dirs, files in os.walk(given, onerror=errors.append):
            if os.path.realpath(folder) in skip_real:
                dirs[:] = []
                continue
            if ignore:
                parent = ignores.get(os.path.dirname(folder))
                if parent is None:
                    parent = _ancestor_ignores(os.path.realpath(folder))
                here = parent.enter(folder, files)
                ignores[folder] = here
            rel_folder = os.path.relpath(folder, given)
            here_exclude = below(folder, files)
            kept_dirs = []
            for d in sorted(dirs):
                full = os.path.join(folder, d)
                shown = os.path.normpath(full)
                rel = os.path.normpath(_join(rel_folder, d))
                if _matches(here_exclude, d, shown, rel):
                    continue
                if ignore and here.ignored(full, True):
                    continue
                if os.path.islink(full):
                    # Never descended into (os.walk does not follow links); say so
                    # only when the target lies outside, where it would matter.
                    if not _inside(os.path.realpath(full), roots):
                        messages.append(Message("warning", f"{shown}: symbolic link to a folder "
                                                           f"outside the given paths, not followed"))
                    continue
                kept_dirs.append(d)
            dirs[:] = kept_dirs
            for f in sorted(files):
                if atomic.is_temp_name(f):
                    continue
                full = os.path.join(folder, f)
                shown = os.path.normpath(full)
                rel = os.path.normpath(_join(rel_folder, f))
                if not _matches(include, f, shown, rel) or _matches(here_exclude, f, shown, rel):
                    continue
                if ignore and here.ignored(full, False):
                    continue
                real = os.path.realpath(full)
                if os.path.islink(full):
                    if not os.path.exists(full):
                        messages.append(Message("error", f"{shown}: broken symbolic link"))
                        continue
                    if not _inside(real, roots):
                        messages.append(Message("warning", f"{shown}: symbolic link to a file "
                                                           f"outside the given paths, not followed"))
                        continue
                try:
                    mode = os.stat(real).st_mode
                except OSError as e:
                    messages.append(Message("error", f"{shown}: cannot read: {e.strerror or e}"))
                    continue
                if not stat.S_ISREG(mode):
                    messages.append(Message("warning", f"{shown}: not a regular file, skipped"))
                    continue
                add(real, shown, given)
        for e in errors:
            messages.append(Message("error", f"{e.filename}: cannot read folder: {e.strerror or e}"))
    return targets, messages


def read_path_list(source: str, stdin_text: str | None = None) -> list[str]:
    """Paths from ``--files-from``: one per line (CRLF and blank lines tolerated).

    Raises ``OSError`` when the list cannot be read; ``UnicodeDecodeError`` is
    the caller's to report.
    """
    if source == "-":
        text = stdin_text if stdin_text is not None else ""
    else:
        with open(source, "rb") as f:
            text = f.read().decode("utf-8")
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]
