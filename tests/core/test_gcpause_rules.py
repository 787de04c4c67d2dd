"""The collector pause: on the main thread only, never inside a server's worker threads."""

from __future__ import annotations

import gc
import threading

from medsec.core.gcpause import paused_gc


def test_the_main_thread_pauses_and_resumes_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_worker_thread_never_pauses_the_collector() -> None:
    seen: list[bool] = []

    def work() -> None:
        with paused_gc():
            seen.append(gc.isenabled())

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert seen == [True]
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_collector_to_the_outer_one() -> None:
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
