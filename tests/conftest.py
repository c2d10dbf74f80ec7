"""Shared helpers: where things are, and how to run the real `clean` executable."""
from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
SEED = FIXTURES / "seed-moscowtimes-bout"
# The shared evaluation corpus lives beside the repository (../shared/corpus);
# tests that read it skip when it is not there.
CORPUS = REPO / ".." / "shared" / "corpus"

# clean keeps no cache; should a future one appear, this test session (and the
# `clean` subprocesses, which inherit the environment) points it at a
# temporary folder, not the user's ~/.cache.
if "CLEAN_CACHE_DIR" not in os.environ:
    os.environ["CLEAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="clean-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CLEAN_CACHE_DIR"], True)

_EOL = re.compile(r"\r\n|\r|\n")


def split_eol(text: str) -> list[str]:
    """Lines of text split on the same line ends the cleaner uses (not str.splitlines,
    which also splits on U+2028, U+0085 and friends)."""
    return _EOL.split(text)


def find_clean() -> str | None:
    """The installed `clean` console script: on PATH, or next to this Python."""
    beside = Path(sys.executable).parent / ("clean.exe" if os.name == "nt" else "clean")
    if beside.is_file():
        return str(beside)
    return shutil.which("clean")


@pytest.fixture(scope="session")
def clean_exe() -> str:
    exe = find_clean()
    if exe is None:
        pytest.skip("the `clean` executable is not installed")
    return exe


@pytest.fixture(scope="session")
def run_clean(clean_exe):
    """Run the real `clean` with arguments; bytes in, CompletedProcess (bytes) out."""

    def run(*args: str, input: bytes | None = b"", cwd: Path | str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([clean_exe, *map(str, args)], input=input, capture_output=True,
                              cwd=cwd, timeout=timeout)

    return run


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")
    return CORPUS


@pytest.fixture(scope="session")
def seed_input() -> bytes:
    return (SEED / "input.txt").read_bytes()


@pytest.fixture(scope="session")
def seed_expected() -> bytes:
    return (SEED / "expected.txt").read_bytes()
