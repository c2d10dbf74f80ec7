"""Ending a process pool whose workers may have died.

``concurrent.futures`` hangs in one case that a batch run meets for real (the
OOM killer, someone's ``kill -9``): a worker killed while it waits for a task
can hold the task queue's lock for good, and the other workers then wait for
that lock for ever. Shutting down, the pool only waits for them; noticing the
death first, it sends them SIGTERM, which a worker may take as "stop after
this file". ``close`` waits for the pool itself and tells the workers left to
go (``leave``, a signal that ends them) once one of them has died. A death
after the last result is noticed only here: no future is left to carry it.

The other way round, a worker whose parent was killed waits for a task for
ever (it holds the task pipe's writing end itself, so it never reads its end):
``watch_parent`` sends it ``leave`` instead.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.process import BaseProcess

# How often ``close`` looks whether a worker died while it waits.
POLL_SECONDS = 0.05
# How often a worker looks whether its parent is alive.
PARENT_POLL_SECONDS = 0.2


def workers(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    """The pool's worker processes (the pool lets go of them when it shuts down)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def signal_workers(procs: list[BaseProcess], sig: int) -> None:
    """Send ``sig`` to each worker that has not ended."""
    for p in procs:
        if p.exitcode is not None:   # ended and reaped: its pid may be another's now
            continue
        try:
            os.kill(p.pid, sig)
        except (OSError, ValueError, TypeError):
            pass


def died(pool: ProcessPoolExecutor, procs: list[BaseProcess]) -> bool:
    """Whether a worker ended other than as the pool asks, with exit status 0."""
    return bool(pool._broken) or any(p.exitcode for p in procs)


def close(pool: ProcessPoolExecutor, *, leave: int, cancel: bool = False) -> bool:
    """Shut the pool down, wait for its workers, and say whether one of them died.

    ``leave``: the signal that ends the workers left once one has died;
    ``cancel``: cancel the tasks that have not started.
    """
    procs = workers(pool)
    # Taken before shutdown(wait=False), which lets go of them.
    manager = getattr(pool, "_executor_manager_thread", None)
    results = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=cancel)
    told = False
    while manager is not None and manager.is_alive():
        if not told and died(pool, procs):
            signal_workers(procs, leave)
            told = True
        manager.join(POLL_SECONDS)
    if results is not None:
        results.close()   # as shutdown(wait=True) does
    return died(pool, procs)


def watch_parent(parent: int, leave: int) -> None:
    """In a worker: send ``leave`` to its main thread once ``parent`` has died.

    POSIX only; elsewhere the pool's own checks apply.
    """
    if not (hasattr(signal, "pthread_kill") and hasattr(signal, "pthread_sigmask")):
        return
    main = threading.main_thread().ident
    assert main is not None

    def watch() -> None:
        # SIGTERM and ``leave`` must reach the main thread. A signal the kernel
        # hands to this thread sets Python's flag, but only the main thread
        # runs the handler, and a main thread blocked on the task queue's lock
        # is woken only by a signal of its own: under load, a LEAVE that
        # landed here left a worker waiting on a dead one's lock for good,
        # and the parent waiting for it.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, leave})
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        signal.pthread_kill(main, leave)

    threading.Thread(target=watch, daemon=True).start()
