"""The instance store: identities, slot order for list cursors, change order for sync."""

from __future__ import annotations

from typing import Any

import pytest
from pygen_runtime.testing._store import InstanceStore, StoredInstance


def node(external_id: str, space: str = "s", **data: Any) -> StoredInstance:
    return StoredInstance(
        instance_type="node",
        space=space,
        external_id=external_id,
        version=1,
        created_time=1,
        last_updated_time=1,
        deleted_time=None,
        type=None,
        start_node=None,
        end_node=None,
        data={("s", "C"): dict(data)} if data else {},
    )


def edge(external_id: str, start: str, end: str) -> StoredInstance:
    inst = node(external_id)
    inst.instance_type = "edge"
    inst.type = ("s", "link")
    inst.start_node = ("s", start)
    inst.end_node = ("s", end)
    return inst


def test_put_stamps_increasing_sequences_and_get_finds_by_type() -> None:
    store = InstanceStore()
    first = store.put(node("a"))
    second = store.put(edge("e", "a", "b"))

    assert (first.sequence, second.sequence) == (1, 2)
    assert store.current_sequence() == 2
    assert store.get("node", "s", "a") is first
    assert store.get("edge", "s", "e") is second
    assert store.get("edge", "s", "a") is None  # wrong type
    assert store.get("node", "s", "missing") is None
    assert len(store) == 2


def test_soft_delete_hides_from_reads_but_not_from_including_deleted() -> None:
    store = InstanceStore()
    kept, gone = store.put(node("kept")), store.put(node("gone"))

    store.mark_deleted(gone, now_ms=50)
    store.mark_deleted(gone, now_ms=99)  # deleting twice changes nothing

    assert [inst.external_id for inst in store.live()] == ["kept"]
    assert [inst.external_id for inst in store.including_deleted()] == ["kept", "gone"]
    assert store.get("node", "s", "gone") is None
    assert store.get("node", "s", "gone", include_deleted=True) is gone
    assert (gone.deleted_time, gone.last_updated_time, gone.sequence) == (50, 50, 3)
    assert len(store) == 1
    assert kept.is_deleted is False
    assert gone.is_deleted is True


def test_a_recreated_identity_keeps_its_slot_so_cursors_stay_valid() -> None:
    store = InstanceStore()
    store.put(node("a"))
    store.put(node("b"))
    store.mark_deleted(store.get_any("s", "a"), 10)  # type: ignore[arg-type]

    store.put(node("a", name="again"))

    assert [(slot, inst.external_id) for slot, inst in store.live_from(0)] == [(0, "a"), (1, "b")]
    assert [inst.external_id for _, inst in store.live_from(1)] == ["b"]
    assert list(store.live_from(2)) == []
    assert len(store) == 2


def test_changed_since_returns_only_later_changes_oldest_first() -> None:
    store = InstanceStore()
    a, b, c = store.put(node("a")), store.put(node("b")), store.put(node("c"))
    mark = store.current_sequence()
    store.put(node("a", value=1))  # rewrite moves "a" to the end of the change order
    store.mark_deleted(b, 5)

    changed = store.changed_since(mark)

    assert [(inst.external_id, inst.is_deleted) for inst in changed] == [("a", False), ("b", True)]
    assert store.changed_since(store.current_sequence()) == []
    assert [inst.external_id for inst in store.changed_since(0)] == ["c", "a", "b"]
    assert c.sequence == 3
    assert a.sequence == 1  # the old object is no longer stored


def test_edges_at_a_node_follow_writes_moves_and_deletes() -> None:
    store = InstanceStore()
    store.put(node("a"))
    store.put(node("b"))
    link = store.put(edge("link", "a", "b"))

    assert [e.external_id for e in store.edges_at("s", "a")] == ["link"]
    assert [e.external_id for e in store.edges_at("s", "b")] == ["link"]

    store.put(edge("link", "a", "c"))  # the edge now ends elsewhere
    assert store.edges_at("s", "b") == []
    assert [e.external_id for e in store.edges_at("s", "c")] == ["link"]

    store.mark_deleted(store.get("edge", "s", "link"), 9)  # type: ignore[arg-type]
    assert store.edges_at("s", "a") == []
    assert link.start_node == ("s", "a")


def _state(store: InstanceStore) -> list[tuple[Any, ...]]:
    return (
        [
            (inst.key, inst.sequence, slot, [edge.key for edge in store.edges_at(*inst.key)])
            for slot, inst in store.live_from(0)
        ]
        + [(inst.key, inst.sequence) for inst in store.changed_since(0)]
        + [(store.current_sequence(), len(store))]
    )


def test_put_new_stores_as_put_does_one_by_one() -> None:
    one_by_one, bulk = InstanceStore(), InstanceStore()
    for store in (one_by_one, bulk):
        store.put(node("old"))
    batch = [node("a"), edge("e", "a", "old"), node("b", space="t")]
    for inst in batch:
        one_by_one.put(inst)
    bulk.put_new([node("a"), edge("e", "a", "old"), node("b", space="t")])

    assert _state(bulk) == _state(one_by_one)


def test_put_new_refuses_identities_already_stored_or_named_twice_and_stores_nothing() -> None:
    store = InstanceStore()
    store.put(node("gone"))
    store.mark_deleted(store.get_any("s", "gone"), 5)  # type: ignore[arg-type]
    before = _state(store)

    for batch in ([node("new"), node("gone")], [node("new"), node("new")]):
        with pytest.raises(ValueError, match="put_new"):
            store.put_new(batch)

    assert _state(store) == before


def test_is_live_node_answers_as_get_does() -> None:
    store = InstanceStore()
    store.put(node("a"))
    store.put(edge("e", "a", "b"))
    store.put(node("gone"))
    store.mark_deleted(store.get_any("s", "gone"), 5)  # type: ignore[arg-type]

    for external_id in ("a", "e", "gone", "missing"):
        assert store.is_live_node(("s", external_id)) == (store.get("node", "s", external_id) is not None)
    assert store.is_live_node(("s", "a"))
