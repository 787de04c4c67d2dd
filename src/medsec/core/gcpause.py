"""Pausing Python's cyclic garbage collector while large acyclic documents are built and read.

An SBOM of 20,000 components is a few hundred thousand dicts, lists and strings that stay alive
until the import ends. Every 700 allocations the collector walks the young objects, and every
few collections all of them: about 40 % of parsing time, for no garbage (JSON trees and DTOs hold
no reference cycles and are freed by reference counting). Collection resumes afterwards.

Only the main thread pauses the collector (the CLI, a script). In a threaded server (the web app
runs requests in worker threads) the block runs with the collector as it is: a pause there would
stop collection for every other request, and two overlapping requests would turn it back on
under each other.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block (main thread only); re-enable it only if this
    call disabled it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


SERVER_GEN0 = 10_000  # allocations between collections of the youngest generation (default 700)


def tune_for_server() -> None:
    """Tune the collector for a long-running server, once, after the app is built: what start-up
    made is frozen out of every later collection, and the youngest generation is collected
    every 10,000 net allocations instead of 700 (a page of findings allocates tens of
    thousands of short-lived objects; reference counting frees them, the walks found nothing)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(SERVER_GEN0, older, oldest)
