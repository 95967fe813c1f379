"""Pausing Python's cyclic garbage collector while a write request runs.

A write of 1,000 instances holds its parsed body, its checked items and the new instances alive
until it ends, so the collector's passes during it find nothing to free; they only promote those
objects to older generations, which makes the full passes over the whole store (all instances
of the project) come sooner. Measured on 20,000 CogniteAsset nodes, collection took about a
third of the writes' CPU. Reference counting still frees everything that is not in a cycle at
once; cyclic garbage made during a request waits for the collector's next pass after it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_lock = threading.Lock()
_depth = 0
_enabled_before = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, restoring its state when the last block ends.

    Nested and concurrent blocks (a threaded server) share one pause: the first turns the
    collector off and the last one out turns it back on, if it was on before the first.
    """
    global _depth, _enabled_before
    with _lock:
        if _depth == 0:
            _enabled_before = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _enabled_before:
                gc.enable()
