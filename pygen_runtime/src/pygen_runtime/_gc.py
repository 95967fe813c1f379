"""Pausing Python's cyclic garbage collector while many new objects are built at once."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collection_paused"]


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a page or a batch of request items is built: they are
    thousands of new, acyclic objects, and the collector would otherwise run many times over
    everything else alive (the raw page among it), which took more time than building them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
