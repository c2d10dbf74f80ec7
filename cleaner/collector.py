"""The cycle collector paused while a stretch of work makes many objects and no cycles."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused(freeze: bool = False) -> Iterator[None]:
    """The cycle collector off for the block, then back as it was.

    ``freeze``: what the block made lives as long as the process (imports,
    the rule set): ``gc.freeze()`` then sets it aside, so that no later
    collection walks it again (``cli``, at start-up).

    Cleaning a page makes several objects per line that live until the page
    is done (blocks, decisions, hits, each line's words); every 700 of them
    start a collection over the young objects, and now and then a full one
    walks everything the process holds (the rules, the match cache): 7% of
    the CPU time of cleaning the dev corpus, all of it finding nothing.
    Reference counting frees what cleaning makes (it makes almost no cycles,
    ~3 objects a page), and the collector, back on, finds any cycle later.
    Memory is not held longer: reference counting frees each window's
    objects as before; only those few cycles wait, until the block ends (a
    window, or in ``Cleaner.clean`` the whole text, whose decisions are then
    written and freed first, so that the collector back on finds almost
    nothing young to walk).

    A collector switched off for good elsewhere stays off. (A thread that
    switches it off while another cleans may find it back on.)
    """
    collecting = gc.isenabled()
    if collecting:
        gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if collecting:
            gc.enable()
