"""Query cursors over thousands of instances: every member once, in order, while pages stay cheap.

The store holds a few thousand nodes with repeated values (so sorts have ties), edges interleaved
between them and some soft-deleted nodes, so a page that seeks in storage order must skip
instances of the other type and deleted ones. Instances written between pages are seen by later
pages as docs/emulator.md describes.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from pygen_runtime.testing import Emulator
from pygen_runtime.testing._query import run_query
from pygen_runtime.testing._schema_store import SchemaStore
from pygen_runtime.testing._store import InstanceStore, StoredInstance
from query_testbed import INSTANCE_SPACE, MODELS, OMNI_SPACE, Clock, view_ref

NULLABLE = (OMNI_SPACE, "PrimitiveNullable")
INT32 = [OMNI_SPACE, "PrimitiveNullable/1", "int32"]
TEXT = [OMNI_SPACE, "PrimitiveNullable/1", "text"]
SPACE = "sp_scale"
NODES = 3000
PAGE = 37
MAX_PAGES = 500


def node(index: int, int32: int | None = None, text: str | None = None, version: int = 1) -> StoredInstance:
    values = {
        "int32": index % 7 if int32 is None else int32,
        # Every third node has no text: nulls sort last unless nullsFirst.
        "text": (None if index % 3 == 0 else f"t{(index * 7919) % 500:03d}") if text is None else text,
    }
    return StoredInstance(
        "node", SPACE, f"n{index:05d}", version, 1, 1, None, None, None, None, {NULLABLE: values}
    )


def edge(index: int) -> StoredInstance:
    start, end = (SPACE, f"n{index:05d}"), (SPACE, f"n{(index * 13) % NODES:05d}")
    return StoredInstance("edge", SPACE, f"e{index:05d}", 1, 1, 1, None, (OMNI_SPACE, "link"), start, end)


@pytest.fixture(scope="module")
def schema() -> SchemaStore:
    emulator = Emulator(clock=Clock())
    emulator.load_model(MODELS / "Omni.yaml")
    return emulator.state.schema


@pytest.fixture
def store() -> InstanceStore:
    """NODES nodes, an edge after every tenth node, every 50th node soft-deleted."""
    store = InstanceStore()
    for index in range(NODES):
        store.put(node(index))
        if index % 10 == 0:
            store.put(edge(index))
    for index in range(0, NODES, 50):
        deleted = store.get("node", SPACE, f"n{index:05d}")
        assert deleted is not None
        store.mark_deleted(deleted, now_ms=2)
    return store


def live_indexes() -> list[int]:
    return [index for index in range(NODES) if index % 50 != 0]


def page_through(body: dict[str, Any], store: InstanceStore, schema: SchemaStore) -> list[list[str]]:
    """The external ids of every page of result set ``a``."""
    pages: list[list[str]] = []
    for _ in range(MAX_PAGES):
        response = run_query(body, store, schema)
        pages.append([item["externalId"] for item in response["items"]["a"]])
        cursor = response["nextCursor"].get("a")
        if cursor is None:
            return pages
        body = {**body, "cursors": {"a": cursor}}
    raise AssertionError(f"paging did not end within {MAX_PAGES} pages")


def test_a_filtered_unsorted_set_pages_each_node_once_in_storage_order(
    store: InstanceStore, schema: SchemaStore
) -> None:
    body = {
        "with": {"a": {"nodes": {"filter": {"range": {"property": INT32, "gte": 2}}}, "limit": PAGE}},
        "select": {"a": {}},
    }
    pages = page_through(body, store, schema)
    expected = [f"n{index:05d}" for index in live_indexes() if index % 7 >= 2]
    assert [xid for page in pages for xid in page] == expected
    assert all(len(page) == PAGE for page in pages[:-1])
    assert 0 < len(pages[-1]) <= PAGE


@pytest.mark.parametrize("descending", [False, True])
def test_a_sorted_set_pages_each_node_once_in_sort_order(
    store: InstanceStore, schema: SchemaStore, descending: bool
) -> None:
    direction = "descending" if descending else "ascending"
    sort = [
        {"property": TEXT, "direction": direction, "nullsFirst": True},
        {"property": INT32, "direction": "ascending"},
    ]
    body = {"with": {"a": {"nodes": {}, "sort": sort, "limit": PAGE}}, "select": {"a": {}}}
    paged = [xid for page in page_through(body, store, schema) for xid in page]

    def text(index: int) -> str | None:
        return None if index % 3 == 0 else f"t{(index * 7919) % 500:03d}"

    # Storage order breaks ties; stable sorts, the last one by the first sort property.
    by_int32 = sorted(live_indexes(), key=lambda index: index % 7)
    nulls = [index for index in by_int32 if text(index) is None]
    values = sorted(
        (index for index in by_int32 if text(index) is not None),
        key=lambda index: str(text(index)),
        reverse=descending,
    )
    assert paged == [f"n{index:05d}" for index in nulls + values]


def test_a_root_edge_set_pages_each_edge_once_through_a_node_filter(
    store: InstanceStore, schema: SchemaStore
) -> None:
    # Only edges whose end node has int32 0 and is live.
    body = {
        "with": {
            "a": {
                "edges": {"nodeFilter": {"equals": {"property": INT32, "value": 0}}},
                "limit": 3,
            }
        },
        "select": {"a": {}},
    }
    paged = [xid for page in page_through(body, store, schema) for xid in page]
    ends = {f"e{index:05d}": (index * 13) % NODES for index in range(0, NODES, 10)}
    expected = [xid for xid, end in ends.items() if end % 7 == 0 and end % 50 != 0]
    assert paged == expected


def test_writes_between_unsorted_pages_show_in_later_pages(store: InstanceStore, schema: SchemaStore) -> None:
    body: dict[str, Any] = {"with": {"a": {"nodes": {}, "limit": 100}}, "select": {"a": {}}}
    first = run_query(body, store, schema)
    returned = [item["externalId"] for item in first["items"]["a"]]
    assert returned[-1] == "n00102"  # n00000, n00050 and n00100 are deleted
    # A node already returned changes, one not yet returned goes away, a new one is created.
    store.put(node(1, int32=99, version=2))
    gone = store.get("node", SPACE, "n02001")
    assert gone is not None
    store.mark_deleted(gone, now_ms=3)
    store.put(node(NODES))
    body["cursors"] = {"a": first["nextCursor"]["a"]}
    rest = page_through(body, store, schema)
    later = [xid for page in rest for xid in page]
    expected = [f"n{index:05d}" for index in [*live_indexes(), NODES] if index > 102 and index != 2001]
    assert later == expected


def test_a_sorted_set_reflects_writes_made_between_its_pages(
    store: InstanceStore, schema: SchemaStore
) -> None:
    sort = [{"property": INT32, "direction": "ascending"}]
    body: dict[str, Any] = {"with": {"a": {"nodes": {}, "sort": sort, "limit": 200}}, "select": {"a": {}}}
    first = run_query(body, store, schema)
    returned = [item["externalId"] for item in first["items"]["a"]]
    assert {int(xid[1:]) % 7 for xid in returned} == {0}
    # Still to come: n00006 (int32 6) now moves before the cursor, n00005 (int32 5) is deleted,
    # and a new node sorts last.
    store.put(node(6, int32=-1, version=2))
    gone = store.get("node", SPACE, "n00005")
    assert gone is not None
    store.mark_deleted(gone, now_ms=3)
    store.put(node(NODES, int32=1000))
    body["cursors"] = {"a": first["nextCursor"]["a"]}
    later = [xid for page in page_through(body, store, schema) for xid in page]
    assert "n00006" not in later
    assert "n00005" not in later
    assert later[-1] == f"n{NODES:05d}"
    assert set(returned).isdisjoint(later)
    assert len(returned) + len(later) == len(live_indexes()) + 1 - 2


def test_a_sorted_set_is_evaluated_per_parameter_values(store: InstanceStore, schema: SchemaStore) -> None:
    body: dict[str, Any] = {
        "with": {
            "a": {
                "nodes": {"filter": {"equals": {"property": INT32, "value": {"parameter": "size"}}}},
                "sort": [{"property": TEXT}],
                "limit": 50,
            }
        },
        "select": {"a": {}},
    }
    for size in (3, 4, 3):
        pages = page_through({**body, "parameters": {"size": size}}, store, schema)
        paged = [xid for page in pages for xid in page]
        assert Counter(paged) == Counter(f"n{index:05d}" for index in live_indexes() if index % 7 == size)


def test_children_through_a_relation_follow_each_page_of_parents(
    store: InstanceStore, schema: SchemaStore
) -> None:
    # Edges chained from a page of parents: the walk reads the store's index of live edges.
    body: dict[str, Any] = {
        "with": {
            "a": {"nodes": {}, "limit": 400},
            "out": {"edges": {"from": "a", "maxDistance": 1, "direction": "outwards"}, "limit": 1000},
            "back": {"edges": {"from": "a", "maxDistance": 1, "direction": "inwards"}, "limit": 1000},
        },
        "select": {"a": {}, "out": {}, "back": {}},
    }
    outwards: list[str] = []
    inwards: list[str] = []
    for _ in range(MAX_PAGES):
        response = run_query(body, store, schema)
        outwards.extend(item["externalId"] for item in response["items"]["out"])
        inwards.extend(item["externalId"] for item in response["items"]["back"])
        assert set(response["nextCursor"]) <= {"a"}
        if "a" not in response["nextCursor"]:
            break
        body["cursors"] = {"a": response["nextCursor"]["a"]}
    live_edges = [index for index in range(0, NODES, 10) if index % 50 != 0]
    assert outwards == [f"e{index:05d}" for index in live_edges]
    # Inwards, an edge shows up with the page of its end node, which must be live.
    expected_in = [index for index in range(0, NODES, 10) if (index * 13) % NODES % 50 != 0]
    assert Counter(inwards) == Counter(f"e{index:05d}" for index in expected_in)


def test_the_emulator_pages_paging_example_prints_what_the_page_shows() -> None:
    page = Path(__file__).resolve().parents[4] / "docs" / "emulator.md"
    text = page.read_text("utf-8")
    start = text.index("\n## Paging a query\n")
    section = text[start : text.index("\n## ", start + 1)]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.DOTALL)
    assert [language for language, _ in blocks] == ["python", "text"]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(blocks[0][1], "emulator.md, Paging a query", "exec"), {})
    assert output.getvalue() == blocks[1][1]


def test_a_relation_followed_inwards_sees_nodes_written_since_the_last_page(
    fresh_omni: tuple[Emulator, Clock], written: dict[str, list[dict[str, Any]]]
) -> None:
    # The index of relation targets is kept between requests; a write must make it stale.
    emulator, _ = fresh_omni
    d_items = {
        item["externalId"]: item["sources"][0]["properties"] for item in written["ConnectionItemD.node"]
    }
    target = next(props["directSingle"] for props in d_items.values() if props.get("directSingle"))
    body = {
        "with": {
            "target": {
                "nodes": {
                    "filter": {"in": {"property": ["node", "externalId"], "values": [target["externalId"]]}}
                }
            },
            "pointing": {
                "nodes": {
                    "from": "target",
                    "through": {"source": view_ref("ConnectionItemD"), "identifier": "directSingle"},
                    "direction": "inwards",
                }
            },
        },
        "select": {"pointing": {}},
    }
    state = emulator.state

    def pointing() -> set[str]:
        return {
            item["externalId"] for item in run_query(body, state.store, state.schema)["items"]["pointing"]
        }

    before = pointing()
    assert before
    new_node = {
        "instanceType": "node",
        "space": INSTANCE_SPACE,
        "externalId": "points-at-target",
        "sources": [{"source": view_ref("ConnectionItemD"), "properties": {"directSingle": target}}],
    }
    with httpx.Client(transport=emulator.transport()) as client:
        response = client.post(emulator.api_url("/models/instances"), json={"items": [new_node]})
    assert response.status_code == 200, response.text
    assert pointing() == {*before, "points-at-target"}
