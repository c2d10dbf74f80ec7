"""Ending a real process pool after one of its workers was killed (``cleaner.pools``)."""
from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from cleaner import pools
from conftest import task_queue_reader

# Generous: close() ends in well under a second when it works, and never when it does not.
WAIT_SECONDS = 20


def _pid(_: int) -> int:
    return os.getpid()


def _stop_after_this_file() -> None:
    # As a batch worker takes SIGTERM: recorded, not an exit.
    signal.signal(signal.SIGTERM, lambda signum, frame: None)


def _started_and_idle(pool: ProcessPoolExecutor, n: int) -> int:
    """Start the pool's ``n`` workers and wait until both wait for a task; the reader's pid."""
    seen: set[int] = set()
    deadline = time.monotonic() + WAIT_SECONDS
    while len(seen) < n and time.monotonic() < deadline:
        seen.update(pool.map(_pid, range(4 * n)))
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        reader = task_queue_reader([p.pid for p in pools.workers(pool)])
        if reader is not None:
            return reader
        time.sleep(0.01)
    pytest.fail("the workers were never both waiting for a task")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("initializer, leave", [(None, signal.SIGTERM),
                                                 (_stop_after_this_file, signal.SIGUSR1)])
def test_a_worker_killed_holding_the_queue_lock_after_the_last_result(initializer, leave):
    # The other worker waits for the dead one's lock for ever; shutdown(wait=True)
    # waits for it for ever too. close() tells it to leave, and says a worker died.
    pool = ProcessPoolExecutor(2, initializer=initializer)
    reader = _started_and_idle(pool, 2)
    procs = pools.workers(pool)
    os.kill(reader, signal.SIGKILL)
    try:
        start = time.monotonic()
        assert pools.close(pool, leave=leave) is True
        assert time.monotonic() - start < WAIT_SECONDS
        assert all(p.exitcode is not None for p in procs)
    finally:
        # Should close() hang until the test times out: the worker left must
        # not keep this process from exiting (the pool joins it at exit).
        for p in procs:
            if p.exitcode is None:
                p.kill()


def test_a_pool_whose_workers_all_lived_closes_quietly():
    pool = ProcessPoolExecutor(2, initializer=_stop_after_this_file)
    _started_and_idle(pool, 2)
    procs = pools.workers(pool)
    assert pools.close(pool, leave=signal.SIGUSR1) is False
    assert [p.exitcode for p in procs] == [0, 0]
