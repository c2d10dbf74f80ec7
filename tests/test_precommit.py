"""The real pre-commit framework uses this repository as a hook source.

A temporary git repository gets a dirty article and a .pre-commit-config.yaml
pointing at this checkout (`repo: <path>`, `rev: <HEAD>`). pre-commit clones
that commit, pip-installs it into its own environment (dependencies come from
PyPI, so this needs the network) and runs the `clean` hook defined in
.pre-commit-hooks.yaml: the first run must rewrite the file and fail, as
pre-commit expects of a fixer, and leave alone a draft that settings in a
subfolder exclude; the second must pass. Being a clone of HEAD,
this exercises committed code only.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SEED

pytestmark = pytest.mark.slow     # clones and pip-installs this repository

NEWSLETTER = "Sign up for our free weekly newsletter"
HEADLINE = "In Interview, Bout Denies Links to Sechin"


def _pre_commit() -> str | None:
    beside = Path(sys.executable).parent / "pre-commit"
    return str(beside) if beside.is_file() else shutil.which("pre-commit")


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_pre_commit_hook_fixes_then_passes(tmp_path):
    exe = _pre_commit()
    if exe is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of this repository")
    rev = _git("rev-parse", "HEAD", cwd=REPO)
    hooks = subprocess.run(["git", "cat-file", "-e", f"{rev}:.pre-commit-hooks.yaml"], cwd=REPO)
    assert hooks.returncode == 0, ".pre-commit-hooks.yaml is not committed at HEAD"

    project = tmp_path / "project"
    project.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never",
               GIT_CONFIG_NOSYSTEM="1")
    _git("init", "-q", "-b", "main", cwd=project)
    _git("config", "user.email", "test@example.com", cwd=project)
    _git("config", "user.name", "Test", cwd=project)

    article = project / "articles" / "bout.txt"
    article.parent.mkdir()
    seed = SEED / "input.txt"
    if seed.is_file():
        original = seed.read_bytes()
    else:
        original = (f"{HEADLINE}\n\nSuspected arms dealer Viktor Bout denied ties to Deputy Prime "
                    f"Minister Igor Sechin in an interview published Monday.\n\n{NEWSLETTER}\n").encode()
    article.write_bytes(original)
    tidy = project / "notes.md"
    tidy.write_text("A note that is all article and no boilerplate, written by a person.\n")
    # Settings that lie deeper than the repository's top, where pre-commit runs: the
    # run reads none (the top holds all its files), but theirs keep their exclude for
    # the files under them, read from their own folder, so the draft stays as written.
    (article.parent / ".clean.yaml").write_text("exclude: ['drafts/*.txt']\n")
    draft = article.parent / "drafts" / "bout.txt"
    draft.parent.mkdir()
    draft.write_bytes(original)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {rev}\n    hooks:\n      - id: clean\n")
    _git("add", ".", cwd=project)
    _git("commit", "-q", "-m", "dirty article", cwd=project)

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([exe, "run", "--all-files"], cwd=project, env=env,
                              capture_output=True, text=True, timeout=600)

    first = run()
    out = first.stdout + first.stderr
    assert first.returncode == 1, out
    assert "Failed" in out and "files were modified by this hook" in out, out
    assert "cleaned articles/bout.txt" in out, out
    fixed = article.read_text(encoding="utf-8")
    assert NEWSLETTER not in fixed and HEADLINE in fixed
    assert tidy.read_text() == "A note that is all article and no boilerplate, written by a person.\n"
    assert draft.read_bytes() == original

    second = run()
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
    assert article.read_text(encoding="utf-8") == fixed
