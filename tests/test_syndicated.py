"""A wire story carried by several outlets is an article, not boilerplate (issue 12).

Five copies of one dev-corpus article (only headline and byline differ) among
20 other dev-corpus documents, cleaned as one run: every line of the story
must survive in every copy, through the library, a batch check and a
several-files run of the real `clean`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner
from conftest import split_eol

COPIES = 5
OTHERS = 20


@pytest.fixture(scope="module")
def run_texts(corpus: Path) -> tuple[list[str], list[str]]:
    """(the documents of the run, the story's non-blank lines)."""
    cases = sorted(p for p in (corpus / "scrapinghub").iterdir() if (p / "expected.txt").is_file())
    story_case = next(p for p in cases
                      if sum(1 for line in (p / "expected.txt").read_text("utf-8").splitlines()
                             if line.strip()) >= 12)
    story = (story_case / "expected.txt").read_text("utf-8")
    copies = [f"{headline}\nBy {byline}\n\n{story}" for headline, byline in [
        ("Storm knocks out power across the region", "Ana Ruiz, Associated Press"),
        ("Thousands without power after storm", "Staff and wire reports"),
        ("Region reels after overnight storm", "AP"),
        ("What we know about the storm", "Jon Bell | Reuters"),
        ("Storm: power cuts, closed roads", "The Daily Courier"),
    ]]
    others = [(p / "scraped-region.txt").read_text("utf-8") for p in cases if p != story_case][:OTHERS]
    lines = [line for line in split_eol(story) if line.strip()]
    return copies + others, lines


def _write(folder: Path, texts: list[str]) -> list[Path]:
    paths = []
    for i, t in enumerate(texts):
        p = folder / f"doc{i:02d}.txt"
        p.write_text(t, "utf-8")
        paths.append(p)
    return paths


def test_clean_many_keeps_every_story_line_in_every_copy(run_texts):
    texts, story = run_texts
    out = Cleaner().clean_many(texts)
    for copy in out[:COPIES]:
        kept = set(split_eol(copy))
        assert [line for line in story if line not in kept] == []


@pytest.mark.slow
def test_batch_check_diff_removes_no_story_line(run_texts, run_clean, tmp_path):
    texts, story = run_texts
    _write(tmp_path, texts)
    r = run_clean("--check", "--diff", "--no-config", tmp_path)
    assert r.returncode in (0, 1), r.stderr.decode()
    removed = {line[1:] for line in split_eol(r.stdout.decode("utf-8"))
               if line.startswith("-") and not line.startswith("---")}
    assert [line for line in story if line in removed] == []


@pytest.mark.slow
def test_several_files_keep_every_story_line_in_every_copy(run_texts, run_clean, tmp_path):
    texts, story = run_texts
    paths = _write(tmp_path, texts)
    r = run_clean("--no-config", *paths)
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode("utf-8")      # the outputs one after the other
    assert [line for line in story if out.count(line) < COPIES] == []
