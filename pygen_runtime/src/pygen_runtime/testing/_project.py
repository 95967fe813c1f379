"""The state of one emulated CDF project: its schema, its instances and its clock."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from pygen_runtime.testing._schema_store import SchemaStore
from pygen_runtime.testing._store import InstanceStore

__all__ = ["Clock", "Project", "wall_clock_ms"]

Clock = Callable[[], int]


def wall_clock_ms() -> int:
    """Milliseconds since the epoch, as CDF stamps ``createdTime``."""
    return time.time_ns() // 1_000_000


class Project:
    """Schema and instances of one project, guarded by one lock.

    Handlers run one at a time under ``lock`` (requests from a threaded server included), which
    keeps every request atomic as CDF's are; the work per request is small enough that this is
    not a bottleneck for tests.
    """

    _SNAPSHOTS_KEPT = 64

    def __init__(self, name: str, clock: Clock | None = None) -> None:
        self.name = name
        self.clock: Clock = clock or wall_clock_ms
        self.schema = SchemaStore()
        self.store = InstanceStore()
        self.lock = threading.RLock()
        self._snapshots: OrderedDict[int, Any] = OrderedDict()
        self._next_snapshot = 0

    def now(self) -> int:
        """The project clock in epoch milliseconds; never moves backwards."""
        return int(self.clock())

    def keep_snapshot(self, value: Any) -> int:
        """Remember a sorted result for later pages; returns its id (old ones are forgotten)."""
        self._next_snapshot += 1
        self._snapshots[self._next_snapshot] = value
        while len(self._snapshots) > self._SNAPSHOTS_KEPT:
            self._snapshots.popitem(last=False)
        return self._next_snapshot

    def snapshot(self, snapshot_id: Any) -> Any:
        """A snapshot from :meth:`keep_snapshot`, or None if it was forgotten."""
        if not isinstance(snapshot_id, int):
            return None
        return self._snapshots.get(snapshot_id)
