"""Which files a batch takes: ignore files, excludes on named files, output paths, path lists."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.walk import Globs, collect, read_path_list


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x\n")


def _names(root: Path, *args, **kw) -> list[str]:
    targets, messages = collect([str(a) for a in args] or [str(root)], **kw)
    assert [m for m in messages if m.level == "error"] == []
    return [Path(t.path).relative_to(root.resolve()).as_posix() for t in targets]


def test_gitignore_and_ignore_files_are_respected(tmp_path):
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ["a.txt", "build/b.txt", "notes.log.txt", "keep.log.txt", "sub/local.txt",
                     "sub/c.txt", "private/p.txt", "deep/er/d.txt"])
    (tmp_path / ".gitignore").write_text("# generated\nbuild/\n*.log.txt\n!keep.log.txt\n")
    (tmp_path / "sub" / ".gitignore").write_text("local.txt\n")
    (tmp_path / ".ignore").write_text("private\n")
    assert _names(tmp_path) == ["a.txt", "keep.log.txt", "deep/er/d.txt", "sub/c.txt"]
    # --no-ignore: everything the include globs take.
    assert len(_names(tmp_path, ignore=False)) == 8
    # Walking a folder below the top: the top's .gitignore still applies.
    _tree(tmp_path, ["deep/er/x.log.txt"])
    assert _names(tmp_path, tmp_path / "deep") == ["deep/er/d.txt"]
    # A file named explicitly is taken even if ignored (as ripgrep does).
    assert _names(tmp_path, tmp_path / "build" / "b.txt") == ["build/b.txt"]


def test_gitignore_outside_a_repository_is_not_used_but_ignore_is(tmp_path):
    _tree(tmp_path, ["a.txt", "b.txt", "c.txt"])
    (tmp_path / ".gitignore").write_text("a.txt\n")
    (tmp_path / ".ignore").write_text("b.txt\n")
    assert _names(tmp_path) == ["a.txt", "c.txt"]


def test_excludes_apply_to_files_named_explicitly(tmp_path, monkeypatch):
    # pre-commit names every staged file: exclude = ["drafts"] must still hold.
    _tree(tmp_path, ["drafts/d.txt", "news/n.txt", "news/old/o.txt"])
    monkeypatch.chdir(tmp_path)
    named = ["drafts/d.txt", "news/n.txt", "news/old/o.txt"]
    targets, _ = collect(named, exclude=("drafts", "news/old/*"))
    assert [t.name for t in targets] == ["news/n.txt"]
    # Folders above the working folder do not count: a checkout under some
    # "drafts" folder is not excluded as a whole.
    inner = tmp_path / "drafts"
    monkeypatch.chdir(inner)
    targets, _ = collect(["d.txt"], exclude=("drafts",))
    assert [t.name for t in targets] == ["d.txt"]


def test_settings_globs_are_read_from_their_folder(tmp_path, monkeypatch):
    _tree(tmp_path, ["site/drafts/d.txt", "site/news/n.txt", "other/drafts/o.txt"])
    monkeypatch.chdir(tmp_path)
    site = Globs(("drafts/*", "/news/n.txt"), base=str(tmp_path / "site"))
    assert site.excludes("site/drafts/d.txt") and site.excludes("site/news/n.txt")
    assert not site.excludes("drafts/d.txt")       # tmp_path/drafts: not the site's drafts
    # Outside their folder a settings file's path globs say nothing; a name glob
    # still names a folder wherever it is.
    assert not site.excludes("other/drafts/o.txt")
    assert Globs(("drafts",), base=str(tmp_path / "site")).excludes("other/drafts/o.txt")
    # The command line's globs are read from the working folder.
    assert Globs(("drafts/*",)).excludes("other/drafts/o.txt") is False
    assert Globs(("other/drafts/*",)).excludes("other/drafts/o.txt")
    monkeypatch.chdir(tmp_path / "site")
    targets, _ = collect(["."], exclude=(Globs(("drafts/*",), base=str(tmp_path / "site")),))
    assert [t.name for t in targets] == ["news/n.txt"]
    targets, _ = collect(["."], exclude=(site, "news"))     # and strings, the command line's
    assert [t.name for t in targets] == []
    targets, _ = collect(["."], exclude=("news",))
    assert [t.name for t in targets] == ["drafts/d.txt"]


def test_a_star_in_a_path_glob_reaches_into_subfolders(tmp_path, monkeypatch):
    """As in ruff and fnmatch, '*' matches '/' too (README): an exclude that reaches
    deeper leaves files alone, where one that stopped short would rewrite them."""
    _tree(tmp_path, ["raw/a.txt", "raw/2024/b.txt", "raw.txt", "news/raw/c.txt"])
    monkeypatch.chdir(tmp_path)
    targets, _ = collect(["."], exclude=(Globs(("raw/*.txt",), base=str(tmp_path)),))
    assert sorted(t.name for t in targets) == ["news/raw/c.txt", "raw.txt"]
    assert Globs(("raw/*.txt",)).excludes("raw/2024/b.txt")


def test_output_paths(tmp_path, monkeypatch):
    _tree(tmp_path, ["work/in/a/x.txt", "elsewhere/b/y.txt"])
    monkeypatch.chdir(tmp_path / "work")
    targets, _ = collect(["in", str(tmp_path / "elsewhere" / "b"), "in/a/x.txt"])
    # Below the working folder: the path as shown; outside it: from the given name down.
    assert [t.out for t in targets] == ["in/a/x.txt", "b/y.txt"]


def test_output_folder_inside_the_input_is_not_walked(tmp_path):
    _tree(tmp_path, ["a.txt", "out/a.txt"])
    assert _names(tmp_path, skip=[str(tmp_path / "out")]) == ["a.txt"]


def test_read_path_list(tmp_path):
    lst = tmp_path / "list"
    lst.write_bytes(b"a.txt\r\n\nsub dir/b.txt\n  \n")
    assert read_path_list(str(lst)) == ["a.txt", "sub dir/b.txt"]
    assert read_path_list("-", "x.txt\ny.txt") == ["x.txt", "y.txt"]
    with pytest.raises(OSError):
        read_path_list(str(tmp_path / "missing"))


def test_pathspec_is_imported_only_when_an_ignore_file_is_met(tmp_path):
    _tree(tmp_path, ["a.txt"])
    code = ("import sys; from cleaner.walk import collect; collect([sys.argv[1]]); "
            "print('pathspec' in sys.modules)")
    run = lambda: subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                                 text=True, check=True, env={**os.environ}).stdout.strip()
    assert run() == "False"
    (tmp_path / ".ignore").write_text("b.txt\n")
    assert run() == "True"
