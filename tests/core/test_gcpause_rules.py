"""The collector pause: on the main thread only, never inside a server's worker threads."""

from __future__ import annotations

import gc
import threading

from medsec.core.gcpause import SERVER_GEN0, paused_gc


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


def test_a_server_freezes_what_start_up_made_and_collects_the_young_less_often() -> None:
    """In a child interpreter (the collector's settings are the whole process's)."""
    import subprocess
    import sys

    code = (
        "import gc; from medsec.core import gcpause; before = gc.get_threshold();"
        "gcpause.tune_for_server(); after = gc.get_threshold();"
        "print(before[0], after[0], before[1:] == after[1:], gc.get_freeze_count() > 0,"
        " gc.isenabled())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["700", str(SERVER_GEN0), "True", "True", "True"]
