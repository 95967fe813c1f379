"""Instance storage: nodes and edges with their values stored per container, as CDF stores them.

A view is only a lens over containers, so an instance keeps ``data[(container space, container
externalId)] = {container property: value}``; any view mapping those container properties reads
the same values. Values are kept exactly as the API carries them in JSON.

Two orders are maintained so that paging and sync cost O(page) rather than O(store):

- *slot order*: every identity gets a slot the first time it is written and keeps it (a soft
  delete and a later re-create reuse it); list cursors are slot positions.
- *change order*: identities ordered by their last write or delete, for sync.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = ["InstanceKey", "InstanceStore", "StoredInstance"]

T = TypeVar("T")

InstanceKey = tuple[str, str]
"""``(space, externalId)``: nodes and edges share one identity space, as in CDF."""


@dataclass(slots=True)
class StoredInstance:
    """One node or edge, live or soft-deleted."""

    instance_type: str
    space: str
    external_id: str
    version: int
    created_time: int
    last_updated_time: int
    deleted_time: int | None
    type: tuple[str, str] | None
    start_node: tuple[str, str] | None
    end_node: tuple[str, str] | None
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    sequence: int = 0

    @property
    def key(self) -> InstanceKey:
        """The instance's identity, ``(space, externalId)``."""
        return (self.space, self.external_id)

    @property
    def is_deleted(self) -> bool:
        """Whether the instance is soft-deleted (only sync still shows it)."""
        return self.deleted_time is not None


class InstanceStore:
    """All instances of one emulated project.

    Not thread-safe on its own: the emulator serialises requests around it.
    """

    # How many results :meth:`cached` keeps (a sorted set of 100,000 nodes takes about 17 MiB).
    _DERIVED_KEPT = 4

    def __init__(self) -> None:
        self._slots: list[StoredInstance] = []
        self._slot_of: dict[InstanceKey, int] = {}
        # Insertion order of this dict is the change order: a write moves the key to the end.
        self._by_change: dict[InstanceKey, StoredInstance] = {}
        self._edges_at: dict[InstanceKey, set[InstanceKey]] = {}
        self._sequence = 0
        self._live_count = 0
        # Data derived from the instances (a query's sorted result set, a reverse-relation index),
        # kept until the next write or delete; the oldest entries go first beyond the bound.
        self._derived: OrderedDict[Hashable, Any] = OrderedDict()

    # -- reading ---------------------------------------------------------------------------
    def get(
        self, instance_type: str, space: str, external_id: str, *, include_deleted: bool = False
    ) -> StoredInstance | None:
        """The instance with this identity and type, or None (soft-deleted ones only on request)."""
        found = self.get_any(space, external_id)
        if found is None or found.instance_type != instance_type:
            return None
        if found.deleted_time is not None and not include_deleted:
            return None
        return found

    def get_any(self, space: str, external_id: str) -> StoredInstance | None:
        """The instance with this identity, node or edge, live or soft-deleted."""
        slot = self._slot_of.get((space, external_id))
        return None if slot is None else self._slots[slot]

    def is_live_node(self, key: InstanceKey) -> bool:
        """Whether a node with identity ``key`` exists (``get("node", *key) is not None``)."""
        slot = self._slot_of.get(key)
        if slot is None:
            return False
        inst = self._slots[slot]
        return inst.instance_type == "node" and inst.deleted_time is None

    def slot_of(self, key: InstanceKey) -> int | None:
        """The slot of the identity ``key`` (live or soft-deleted), or None if never written."""
        return self._slot_of.get(key)

    def live(self) -> Iterator[StoredInstance]:
        """Every instance that is not deleted, in slot order."""
        return (inst for inst in self._slots if inst.deleted_time is None)

    def including_deleted(self) -> Iterator[StoredInstance]:
        """Every instance ever written, soft-deleted ones included, in slot order."""
        return iter(self._slots)

    def live_from(self, position: int) -> Iterator[tuple[int, StoredInstance]]:
        """Live instances at slot ``position`` onwards, with their slot (list cursors resume here)."""
        slots = self._slots
        for index in range(max(position, 0), len(slots)):
            inst = slots[index]
            if inst.deleted_time is None:
                yield index, inst

    def changed_since(self, sequence: int) -> list[StoredInstance]:
        """Instances written or deleted after ``sequence``, oldest change first."""
        newer: list[StoredInstance] = []
        for inst in reversed(self._by_change.values()):
            if inst.sequence <= sequence:
                break
            newer.append(inst)
        newer.reverse()
        return newer

    def edges_at(self, space: str, external_id: str) -> list[StoredInstance]:
        """Live edges that start or end at the node ``(space, external_id)``."""
        found = []
        for key in self._edges_at.get((space, external_id), ()):
            edge = self.get("edge", *key)
            if edge is not None:
                found.append(edge)
        return found

    def current_sequence(self) -> int:
        """The global change counter: the sequence of the latest write or delete."""
        return self._sequence

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, remembered under ``key`` until the next write or delete.

        Lets a request reuse what an earlier request computed from the same instances (a query
        pages through a sorted result set without sorting it again for every page). At most
        ``_DERIVED_KEPT`` results are kept, the least recently used forgotten first.
        """
        if key in self._derived:
            self._derived.move_to_end(key)
            return self._derived[key]  # type: ignore[no-any-return]
        value = build()
        self._derived[key] = value
        while len(self._derived) > self._DERIVED_KEPT:
            self._derived.popitem(last=False)
        return value

    def __len__(self) -> int:
        """The number of live instances."""
        return self._live_count

    # -- writing ---------------------------------------------------------------------------
    def put(self, inst: StoredInstance) -> StoredInstance:
        """Store a new or changed instance, stamping it with the next sequence number.

        The caller has already validated it (identity clashes, versions, values).
        """
        key = inst.key
        self._sequence += 1
        inst.sequence = self._sequence
        self._derived.clear()
        slot = self._slot_of.get(key)
        if slot is None:
            self._slot_of[key] = len(self._slots)
            self._slots.append(inst)
            self._live_count += 1
        else:
            previous = self._slots[slot]
            if previous.deleted_time is None:
                self._unindex_edge(previous)
            else:
                self._live_count += 1
            self._slots[slot] = inst
        self._by_change.pop(key, None)
        self._by_change[key] = inst
        self._index_edge(inst)
        return inst

    def put_new(self, instances: list[StoredInstance]) -> None:
        """Store instances whose identities were never written, in order: ``put`` of each, in bulk.

        Raises ValueError, before storing anything, if an identity already has a slot (soft-deleted
        ones included) or comes twice: those need :meth:`put`.
        """
        keys = [(inst.space, inst.external_id) for inst in instances]
        if len(set(keys)) != len(keys) or not self._slot_of.keys().isdisjoint(keys):
            raise ValueError("put_new() takes identities never stored before, each once; use put().")
        self._derived.clear()
        slots = self._slots
        slot_of = self._slot_of
        by_change = self._by_change
        sequence = self._sequence
        for key, inst in zip(keys, instances, strict=True):
            sequence += 1
            inst.sequence = sequence
            slot_of[key] = len(slots)
            slots.append(inst)
            by_change[key] = inst
            if inst.instance_type == "edge":
                self._index_edge(inst)
        self._sequence = sequence
        self._live_count += len(instances)

    def mark_deleted(self, inst: StoredInstance, now_ms: int) -> None:
        """Soft-delete a live instance: it leaves every read but stays visible to sync."""
        if inst.deleted_time is not None:
            return
        self._sequence += 1
        self._derived.clear()
        inst.deleted_time = now_ms
        inst.last_updated_time = now_ms
        inst.sequence = self._sequence
        self._live_count -= 1
        self._unindex_edge(inst)
        self._by_change.pop(inst.key, None)
        self._by_change[inst.key] = inst

    def _index_edge(self, inst: StoredInstance) -> None:
        if inst.instance_type != "edge" or inst.deleted_time is not None:
            return
        for end in (inst.start_node, inst.end_node):
            if end is not None:
                self._edges_at.setdefault(end, set()).add(inst.key)

    def _unindex_edge(self, inst: StoredInstance) -> None:
        if inst.instance_type != "edge":
            return
        for end in (inst.start_node, inst.end_node):
            if end is None:
                continue
            keys = self._edges_at.get(end)
            if keys is not None:
                keys.discard(inst.key)
                if not keys:
                    del self._edges_at[end]
