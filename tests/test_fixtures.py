"""Real cases in fixtures/: the seed byte for byte, the others line by line.

Each case folder holds input.txt (a real scraped text copied from the shared
corpus), expected.txt (the ideal output, made by hand from the input's own
lines), must-drop.txt (boilerplate lines that rules or heuristics should
reliably catch) and meta.json (source, license, attribution, what it shows).
A case whose boilerplate the cleaner does not catch yet carries
``"xfail": "reason"`` in meta.json; only its must-drop check is marked
xfail (not strict), so progress shows as XPASS and no assertion is weakened.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import Cleaner
from conftest import CORPUS, FIXTURES, SEED, split_eol

CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and (p / "meta.json").is_file())
OTHER_CASES = [p for p in CASES if p != SEED]
REQUIRED_META = ("case", "source", "corpus_case", "input_file", "license", "attribution", "shows")


def _meta(case: Path) -> dict:
    return json.loads((case / "meta.json").read_text(encoding="utf-8"))


def _text(case: Path, name: str) -> str:
    return (case / name).read_bytes().decode("utf-8")


def _must_drop(case: Path) -> list[str]:
    return [line for line in split_eol(_text(case, "must-drop.txt")) if line.strip()]


def _xfail_params(cases: list[Path]):
    out = []
    for case in cases:
        reason = _meta(case).get("xfail")
        marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.fixture(scope="module")
def outputs(cleaner) -> dict[str, str]:
    return {case.name: cleaner.clean(_text(case, "input.txt")) for case in CASES}


# --- the fixtures themselves are well formed --------------------------------------------

def test_there_are_enough_cases():
    assert SEED in CASES
    assert len(OTHER_CASES) >= 10
    sources = {_meta(c)["source"].split("/")[0] for c in OTHER_CASES}
    assert {"scrapinghub", "readability", "trafilatura-eval"} <= sources
    inputs = {_meta(c)["input_file"] for c in OTHER_CASES}
    assert {"scraped-article.txt", "scraped-region.txt"} <= inputs


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_case_is_well_formed(case):
    meta = _meta(case)
    for key in REQUIRED_META:
        assert meta.get(key), f"{case.name}/meta.json: missing {key!r}"
    assert meta["case"] == case.name
    for name in ("input.txt", "expected.txt", "must-drop.txt"):
        assert (case / name).is_file(), f"{case.name}: no {name}"
    assert (case / "input.txt").stat().st_size < 16_000, "keep fixtures small"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_expected_is_made_of_input_lines_in_order(case):
    """expected.txt only removes input lines: each of its non-blank lines is an
    input line, byte for byte, in the input's order."""
    remaining = iter(split_eol(_text(case, "input.txt")))
    for line in split_eol(_text(case, "expected.txt")):
        if line.strip():
            assert any(line == src for src in remaining), f"{case.name}: not an input line in order: {line!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_must_drop_lines_are_input_lines_not_expected(case):
    must = _must_drop(case)
    assert must, f"{case.name}: must-drop.txt is empty"
    inputs = {line.strip() for line in split_eol(_text(case, "input.txt"))}
    expected = {line.strip() for line in split_eol(_text(case, "expected.txt"))}
    for line in must:
        assert line in inputs, f"{case.name}: must-drop line not in input: {line!r}"
        assert line not in expected, f"{case.name}: must-drop line is also expected: {line!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_input_matches_the_corpus(case, corpus):
    meta = _meta(case)
    src = CORPUS / meta["corpus_case"] / meta["input_file"]
    if not src.is_file():
        pytest.skip(f"{src} not in this corpus copy")
    assert (case / "input.txt").read_bytes() == src.read_bytes()


# --- the cleaner on the cases ------------------------------------------------------------

def test_seed_is_byte_exact(outputs):
    expected = _text(SEED, "expected.txt")
    assert outputs[SEED.name] == expected


def test_seed_through_bytes_api_is_byte_exact(cleaner):
    result = cleaner.analyze_bytes((SEED / "input.txt").read_bytes(), "seed")
    assert result.text.encode("utf-8") == (SEED / "expected.txt").read_bytes()


@pytest.mark.parametrize("case", OTHER_CASES, ids=lambda p: p.name)
def test_no_article_line_lost(case, outputs):
    """Every non-blank line of expected.txt comes out exactly as written, in order."""
    out_lines = split_eol(outputs[case.name])
    remaining = iter(out_lines)
    for line in split_eol(_text(case, "expected.txt")):
        if line.strip():
            assert any(line == o for o in remaining), (
                f"{case.name}: article line lost or changed: {line[:100]!r}")


@pytest.mark.parametrize("case", _xfail_params(OTHER_CASES))
def test_boilerplate_is_dropped(case, outputs):
    out = {line.strip() for line in split_eol(outputs[case.name])}
    left = [line for line in _must_drop(case) if line in out]
    assert not left, f"{case.name}: {len(left)} boilerplate line(s) left, first: {left[0][:100]!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_output_keeps_only_input_lines(case, outputs):
    """The cleaner removes lines and spans; it never invents text. Every output
    line is an input line, or an input line with spans cut out of it."""
    inputs = split_eol(_text(case, "input.txt"))
    remaining = iter(inputs)
    for line in split_eol(outputs[case.name]):
        if line.strip():
            assert any(_is_trim_of(line, src) for src in remaining), (
                f"{case.name}: output line not from the input in order: {line[:100]!r}")


def _is_trim_of(line: str, src: str) -> bool:
    """True if ``line`` is ``src`` with zero or more substrings removed."""
    pos = 0
    for ch in line:
        pos = src.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True
