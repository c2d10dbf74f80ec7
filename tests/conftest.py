"""Shared helpers: where things are, and how to run the real `clean` executable."""
from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
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

# Every signal a handler can be set for (SIGKILL and SIGSTOP cannot be caught),
# but SIGALRM: pytest-timeout arms it around each test and disarms it when the
# test fails, before this check runs.
_SIGNALS = sorted(signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP, signal.SIGALRM})


def pytest_report_header(config):
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        # Started in the background (`pytest &` in a script, or by a tool that does):
        # the tests that press Ctrl-C start `clean` with SIGINT at its default.
        return "SIGINT: ignored in this process since it started (a background job?)"
    return None


@pytest.fixture(autouse=True)
def _signal_handlers_restored():
    """Fail a test that leaves a signal handler of the pytest process changed.

    A test (or the library code it calls) that ignores SIGINT and forgets to put
    the handler back breaks later tests: `clean` started from here would inherit
    SIGINT ignored and no longer stop on Ctrl-C. The handler is put back, so the
    tests after it run as they would have, and this test fails naming the signal.
    """
    before = {s: signal.getsignal(s) for s in _SIGNALS}
    yield
    changed = {s: (h, signal.getsignal(s)) for s, h in before.items() if signal.getsignal(s) != h}
    for s, (h, _) in changed.items():
        if h is not None:           # None: set outside Python, which cannot put it back
            signal.signal(s, h)
    if changed:
        pytest.fail("left signal handlers changed: " + ", ".join(
            f"{signal.Signals(s).name} {old!r} -> {new!r}" for s, (old, new) in changed.items()),
            pytrace=False)


# System call numbers, where /proc/PID/syscall shows what a process waits in.
SYSCALLS = {"x86_64": {"read": "0", "futex": "202"}, "aarch64": {"read": "63", "futex": "98"}}


def task_queue_reader(pids: list[int]) -> int | None:
    """When every one of a pool's workers (``pids``, at least two) waits for a
    task: the one reading the task pipe, which holds the task queue's lock while
    the others wait for that lock. None at any other moment. Skips the test
    where the system call numbers are not known here."""
    calls = SYSCALLS.get(os.uname().machine)
    if calls is None:
        pytest.skip(f"system call numbers of {os.uname().machine} not known to the test")
    try:
        waits = {pid: Path(f"/proc/{pid}/syscall").read_text().split()[0] for pid in pids}
    except OSError:
        return None
    readers = [pid for pid, call in waits.items() if call == calls["read"]]
    lockers = [pid for pid, call in waits.items() if call == calls["futex"]]
    if len(pids) < 2 or len(readers) != 1 or len(readers) + len(lockers) != len(pids):
        return None
    return readers[0]


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


def written_patterns():
    """(where, text) of every shipped pattern and end pattern as written in its file,
    before fragments expand; ``where`` reads "<file>: <rule id>.<key>"."""
    import yaml

    from cleaner.rules import builtin_rules_dir

    for f in sorted(builtin_rules_dir().glob("*.yaml")):
        for item in yaml.safe_load(f.read_text(encoding="utf-8"))["rules"]:
            for key in ("pattern", "until"):
                if item.get(key):
                    yield f"{f.name}: {item['id']}.{key}", item[key]


# Texts the heuristics tests share: a short news story, a menu some rules
# name, a section menu no rule names, and five unrelated one-paragraph stories.
ARTICLE = """\
City Council Approves New Budget After Long Debate

The city council approved a new budget on Tuesday after a debate that lasted more than six hours, with members arguing over funding for parks, roads and the police.

The mayor said the plan would keep taxes flat for a third year while adding money for repairs to bridges that engineers have warned are in poor condition.

Opponents said the budget relied on optimistic forecasts of sales tax revenue, and that the city could face a shortfall if the economy slowed next year.

The vote was seven to four. The new budget takes effect on the first of July, and the council will review spending again in the autumn.
"""
NAV = "* Home\n* News\n* Sport\n* Weather\n* Contact us\n"
SECTIONS = "".join(f"* {s}\n" for s in ("Politics", "Business", "Culture", "Science", "Opinion",
                                        "Travel", "Food", "Books", "Podcasts", "Video"))
STORIES = [
    "The harbour authority said on Monday that ferry services would resume after repairs to the pier were finished ahead of schedule.",
    "Farmers in the valley expect a smaller apple harvest this year because a late frost damaged many of the blossoms in April.",
    "The school board voted to extend the library's opening hours so that students can study in the evenings during exams.",
    "A local bakery won a regional prize for its rye bread, which the owners say follows a recipe from the founder's grandmother.",
    "Road works on the main bridge will close one lane for three weeks, and drivers are advised to plan for longer journeys.",
]
