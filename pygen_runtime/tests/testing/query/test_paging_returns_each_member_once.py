"""Paging any result with any limit yields each member exactly once: query cursors and sync cursors.

Random instances are written straight into an instance store; the expected members are worked out
with plain Python from the generated values.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pygen_runtime.testing import Emulator
from pygen_runtime.testing._query import run_query
from pygen_runtime.testing._schema_store import SchemaStore
from pygen_runtime.testing._store import InstanceStore, StoredInstance
from pygen_runtime.testing._sync import run_sync
from query_testbed import MODELS, OMNI_SPACE, Clock

NULLABLE = (OMNI_SPACE, "PrimitiveNullable")
SPACE = "sp_paging"
MAX_PAGES = 200
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@dataclass(frozen=True)
class NodeSpec:
    external_id: str
    int32: int | None
    text: str | None
    created_time: int


@dataclass(frozen=True)
class EdgeSpec:
    external_id: str
    start: str
    end: str


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[NodeSpec], list[EdgeSpec]]:
    count = draw(st.integers(0, 14))
    nodes = [
        NodeSpec(
            f"n{index:02d}",
            draw(st.one_of(st.none(), st.integers(-1, 2))),
            draw(st.one_of(st.none(), st.sampled_from(["a", "b", "ab"]))),
            draw(st.sampled_from([1, 2, 3])),
        )
        for index in range(count)
    ]
    edges: list[EdgeSpec] = []
    if nodes:
        names = [node.external_id for node in nodes]
        pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=20))
        edges = [EdgeSpec(f"e{index:02d}", start, end) for index, (start, end) in enumerate(pairs)]
    return nodes, edges


def node(spec: NodeSpec, version: int = 1) -> StoredInstance:
    return StoredInstance(
        "node",
        SPACE,
        spec.external_id,
        version,
        spec.created_time,
        spec.created_time,
        None,
        None,
        None,
        None,
        {NULLABLE: {"int32": spec.int32, "text": spec.text}},
    )


def edge(spec: EdgeSpec) -> StoredInstance:
    return StoredInstance(
        "edge",
        SPACE,
        spec.external_id,
        1,
        1,
        1,
        None,
        (OMNI_SPACE, "link"),
        (SPACE, spec.start),
        (SPACE, spec.end),
    )


def store_of(nodes: list[NodeSpec], edges: list[EdgeSpec]) -> InstanceStore:
    store = InstanceStore()
    for spec in nodes:
        store.put(node(spec))
    for spec in edges:
        store.put(edge(spec))
    return store


@pytest.fixture(scope="module")
def schema() -> SchemaStore:
    emulator = Emulator(clock=Clock())
    emulator.load_model(MODELS / "Omni.yaml")
    return emulator.state.schema


def page_through(
    body: dict[str, Any], name: str, store: InstanceStore, schema: SchemaStore
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        response = run_query(body, store, schema)
        items.extend(response["items"][name])
        cursor = response["nextCursor"].get(name)
        if cursor is None:
            return items
        body = {**body, "cursors": {name: cursor}}
    raise AssertionError(f"{name} did not end within {MAX_PAGES} pages")


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["externalId"] for item in items]


SORT_PROPERTIES = {
    "int32": [OMNI_SPACE, "PrimitiveNullable/1", "int32"],
    "text": [OMNI_SPACE, "PrimitiveNullable/1", "text"],
    "createdTime": ["node", "createdTime"],
    "externalId": ["node", "externalId"],
}
sorts = st.lists(
    st.tuples(st.sampled_from(sorted(SORT_PROPERTIES)), st.booleans(), st.booleans()),
    max_size=3,
    unique_by=lambda spec: spec[0],
)


def in_sort_order(first: NodeSpec, second: NodeSpec, sort: list[tuple[str, bool, bool]]) -> bool:
    """Whether ``first`` may come before ``second``: the first sort property that differs decides."""
    attributes = {
        "int32": "int32",
        "text": "text",
        "createdTime": "created_time",
        "externalId": "external_id",
    }
    for name, descending, nulls_first in sort:
        a, b = getattr(first, attributes[name]), getattr(second, attributes[name])
        if a == b:
            continue
        if a is None or b is None:
            return (a is None) == nulls_first
        return (a > b) if descending else (a < b)
    return True


@SETTINGS
@given(graph=graphs(), sort=sorts, limit=st.integers(1, 6))
def test_a_sorted_root_set_pages_each_node_once_in_order(
    schema: SchemaStore,
    graph: tuple[list[NodeSpec], list[EdgeSpec]],
    sort: list[tuple[str, bool, bool]],
    limit: int,
) -> None:
    nodes, edges = graph
    store = store_of(nodes, edges)
    spec = [
        {
            "property": SORT_PROPERTIES[name],
            "direction": "descending" if desc else "ascending",
            "nullsFirst": first,
        }
        for name, desc, first in sort
    ]
    body = {"with": {"n": {"nodes": {}, "sort": spec, "limit": limit}}, "select": {"n": {}}}
    paged = ids(page_through(body, "n", store, schema))
    assert sorted(paged) == sorted(spec.external_id for spec in nodes)
    by_id = {spec.external_id: spec for spec in nodes}
    for before, after in itertools.pairwise(paged):
        assert in_sort_order(by_id[before], by_id[after], sort)


@SETTINGS
@given(graph=graphs(), parent_limit=st.integers(1, 5), child_limit=st.integers(1, 5))
def test_chained_edges_page_within_each_page_of_parents(
    schema: SchemaStore, graph: tuple[list[NodeSpec], list[EdgeSpec]], parent_limit: int, child_limit: int
) -> None:
    nodes, edges = graph
    store = store_of(nodes, edges)
    body: dict[str, Any] = {
        "with": {
            "parents": {"nodes": {}, "limit": parent_limit},
            "out": {
                "edges": {"from": "parents", "maxDistance": 1, "direction": "outwards"},
                "limit": child_limit,
            },
        },
        "select": {"parents": {}, "out": {}},
    }
    parents: list[str] = []
    walked: list[str] = []
    page_of_parents: list[str] | None = None
    for _ in range(MAX_PAGES):
        response = run_query(body, store, schema)
        current = ids(response["items"]["parents"])
        if current != page_of_parents:
            parents.extend(current)
            page_of_parents = current
        walked.extend(ids(response["items"]["out"]))
        cursors = response["nextCursor"]
        if "out" in cursors:
            body["cursors"] = {
                key: value for key, value in body.get("cursors", {}).items() if key == "parents"
            }
            body["cursors"]["out"] = cursors["out"]
        elif "parents" in cursors:
            body["cursors"] = {"parents": cursors["parents"]}
        else:
            break
    else:
        raise AssertionError("paging did not end")
    assert Counter(parents) == Counter(spec.external_id for spec in nodes)
    assert Counter(walked) == Counter(spec.external_id for spec in edges)


@SETTINGS
@given(
    graph=graphs(), limit=st.integers(1, 6), operator=st.sampled_from(["union", "unionAll", "intersection"])
)
def test_set_operations_page_each_member_once(
    schema: SchemaStore, graph: tuple[list[NodeSpec], list[EdgeSpec]], limit: int, operator: str
) -> None:
    nodes, edges = graph
    store = store_of(nodes, edges)
    low = {"range": {"property": SORT_PROPERTIES["int32"], "lte": 0}}
    texts = {"exists": {"property": SORT_PROPERTIES["text"]}}
    body = {
        "with": {
            "low": {"nodes": {"filter": low}, "limit": 10_000},
            "texts": {"nodes": {"filter": texts}, "limit": 10_000},
            "both": {operator: ["low", "texts"], "limit": limit},
        },
        "select": {"both": {}},
    }
    low_ids = [spec.external_id for spec in nodes if spec.int32 is not None and spec.int32 <= 0]
    text_ids = [spec.external_id for spec in nodes if spec.text is not None]
    expected = {
        "union": set(low_ids) | set(text_ids),
        "unionAll": low_ids + text_ids,
        "intersection": set(low_ids) & set(text_ids),
    }[operator]
    assert Counter(ids(page_through(body, "both", store, schema))) == Counter(expected)


def drain(
    body: dict[str, Any], store: InstanceStore, schema: SchemaStore, now_ms: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Sync until a page comes back empty; returns the items and the body with the last cursor."""
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        response = run_sync(body, store, schema, now_ms)
        body = {**body, "cursors": {"s": response["nextCursor"]["s"]}}
        if not response["items"]["s"]:
            return items, body
        items.extend(response["items"]["s"])
    raise AssertionError(f"sync did not catch up within {MAX_PAGES} pages")


@st.composite
def changes(draw: st.DrawFn, nodes: list[NodeSpec]) -> list[tuple[str, str]]:
    """A batch of ("update" | "delete" | "create", external id) in order."""
    names = [spec.external_id for spec in nodes] + [f"new{index}" for index in range(3)]
    return draw(
        st.lists(
            st.tuples(st.sampled_from(["update", "delete", "create"]), st.sampled_from(names)), max_size=8
        )
    )


@SETTINGS
@given(data=st.data(), graph=graphs(), limit=st.integers(1, 6))
def test_sync_returns_each_instance_once_and_then_each_change_once(
    schema: SchemaStore, data: st.DataObject, graph: tuple[list[NodeSpec], list[EdgeSpec]], limit: int
) -> None:
    nodes, edges = graph
    store = store_of(nodes, edges)
    body: dict[str, Any] = {"with": {"s": {"nodes": {}, "limit": limit}}, "select": {"s": {}}}
    first, body = drain(body, store, schema, now_ms=1000)
    assert Counter(ids(first)) == Counter(spec.external_id for spec in nodes)

    touched: dict[str, str] = {}  # external id -> "live" or "deleted", the state it was left in
    for action, external_id in data.draw(changes(nodes)):
        current = store.get("node", SPACE, external_id)
        if action == "delete" and current is not None:
            store.mark_deleted(current, now_ms=2000)
            touched[external_id] = "deleted"
        elif action in ("update", "create") and (current is not None or action == "create"):
            version = 1 if current is None else current.version + 1
            store.put(node(NodeSpec(external_id, version, "changed", 2), version))
            touched[external_id] = "live"
    later, _ = drain(body, store, schema, now_ms=3000)
    assert Counter(ids(later)) == Counter(touched.keys())
    for item in later:
        assert ("deletedTime" in item) == (touched[item["externalId"]] == "deleted")
