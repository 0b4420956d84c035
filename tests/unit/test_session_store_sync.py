"""session.store_sync's collection pause: nests, holds across threads, and leaves the
collector as it found it."""

from __future__ import annotations

import gc
import threading

from ownit.session.store_sync import collection_paused


def test_the_pause_nests_and_ends_with_the_last_holder() -> None:
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer holder still loads
    assert gc.isenabled()


def test_a_pause_held_by_another_thread_outlives_this_one() -> None:
    entered, release = threading.Event(), threading.Event()

    def worker() -> None:
        with collection_paused():
            entered.set()
            release.wait()

    thread = threading.Thread(target=worker)
    thread.start()
    entered.wait()
    with collection_paused():
        pass
    assert not gc.isenabled()  # the worker's pause goes on
    release.set()
    thread.join()
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_ends_the_pause() -> None:
    try:
        with collection_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()
