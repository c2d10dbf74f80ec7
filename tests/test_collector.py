"""collector.paused: the cycle collector off for a block, then back as it was."""
import gc

from cleaner import Cleaner, collector


def test_paused_turns_collection_off_and_back_on():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        Cleaner().clean("Sign up for our newsletter\nThe council met on Tuesday.\n")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_back_on_after_an_error_in_the_block():
    try:
        with collector.paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_freeze_sets_what_the_block_made_aside():
    before = gc.get_freeze_count()
    try:
        with collector.paused(freeze=True):
            kept = [[i] for i in range(1000)]
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()
