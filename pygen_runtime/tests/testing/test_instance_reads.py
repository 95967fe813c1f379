"""Listing and retrieving instances: cursors, sorting, sources, typing, limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import yaml
from cdf_material import WRITE_DIR, omni_view
from http_expectations import error_of, ok
from hypothesis import given, settings
from hypothesis import strategies as st
from pygen_runtime.testing import Emulator
from spec_checked import SpecCheckedEmulator

SPACE = "plant"
VIEW = {"type": "view", "space": SPACE, "externalId": "Reading", "version": "1"}
MODEL = {
    "spaces": [{"space": SPACE}],
    "containers": [
        {
            "space": SPACE,
            "externalId": "Reading",
            "properties": {"value": {"type": {"type": "int64"}}, "label": {"type": {"type": "text"}}},
        }
    ],
    "views": [
        {
            "space": SPACE,
            "externalId": "Reading",
            "version": "1",
            "properties": {
                name: {
                    "container": {"type": "container", "space": SPACE, "externalId": "Reading"},
                    "containerPropertyIdentifier": name,
                }
                for name in ("value", "label")
            },
        }
    ],
}


def readings(count: int, *, with_gaps: bool = False) -> list[dict[str, Any]]:
    items = []
    for index in range(count):
        properties: dict[str, Any] = {"label": f"r{index:03d}"}
        if not (with_gaps and index % 3 == 0):
            properties["value"] = (index * 7) % 10  # repeats, so sorting needs a tie-break
        items.append(
            {
                "instanceType": "node",
                "space": SPACE,
                "externalId": f"r{index:03d}",
                "sources": [{"source": VIEW, "properties": properties}],
            }
        )
    return items


def loaded(emulator: Emulator, count: int, *, with_gaps: bool = False) -> Emulator:
    emulator.load_model(MODEL)
    emulator.load_instances(readings(count, with_gaps=with_gaps))
    return emulator


def list_all(api: httpx.Client, body: dict[str, Any], max_pages: int = 200) -> tuple[list[str], int]:
    ids: list[str] = []
    cursor = None
    for pages in range(1, max_pages + 1):  # bounded
        page = ok(api.post("/models/instances/list", json={**body, **({"cursor": cursor} if cursor else {})}))
        ids.extend(item["externalId"] for item in page["items"])
        cursor = page.get("nextCursor")
        if cursor is None:
            return ids, pages
    raise AssertionError("paging did not end")


@settings(max_examples=25, deadline=None)
@given(count=st.integers(min_value=0, max_value=60), limit=st.integers(min_value=1, max_value=25))
def test_paging_any_result_with_any_limit_yields_each_item_exactly_once(count: int, limit: int) -> None:
    emulator = loaded(SpecCheckedEmulator(project="p"), count)
    with httpx.Client(transport=emulator.transport(), base_url=emulator.api_url()) as api:
        ids, pages = list_all(api, {"limit": limit})
    assert ids == [f"r{index:03d}" for index in range(count)]
    assert pages <= count // limit + 1
    emulator.assert_spec_compliant()


@settings(max_examples=20, deadline=None)
@given(
    limit=st.integers(min_value=1, max_value=15),
    direction=st.sampled_from(["ascending", "descending"]),
    nulls_first=st.booleans(),
)
def test_sorted_paging_yields_the_sorted_order_exactly_once(
    limit: int, direction: str, nulls_first: bool
) -> None:
    emulator = loaded(SpecCheckedEmulator(project="p"), 30, with_gaps=True)
    sort = [{"property": [SPACE, "Reading/1", "value"], "direction": direction, "nullsFirst": nulls_first}]
    with httpx.Client(transport=emulator.transport(), base_url=emulator.api_url()) as api:
        ids, _ = list_all(api, {"limit": limit, "sort": sort})

    def key(index: int) -> tuple[int, int]:
        value = None if index % 3 == 0 else (index * 7) % 10
        if value is None:
            return (0 if nulls_first else 2, 0)
        return (1, -value if direction == "descending" else value)

    expected = [f"r{index:03d}" for index in sorted(range(30), key=key)]  # stable: storage order breaks ties
    assert ids == expected
    emulator.assert_spec_compliant()


def test_a_sorted_cursor_survives_a_forgotten_snapshot(
    emulator: SpecCheckedEmulator, api: httpx.Client
) -> None:
    loaded(emulator, 12)
    sort = [{"property": [SPACE, "Reading/1", "label"], "direction": "descending"}]
    first = ok(api.post("/models/instances/list", json={"limit": 5, "sort": sort}))
    emulator.state._snapshots.clear()  # as if many other sorted lists had pushed it out

    second = ok(
        api.post("/models/instances/list", json={"limit": 5, "sort": sort, "cursor": first["nextCursor"]})
    )

    assert [item["externalId"] for item in second["items"]] == ["r006", "r005", "r004", "r003", "r002"]


def test_instances_deleted_between_pages_are_skipped(
    emulator: SpecCheckedEmulator, api: httpx.Client
) -> None:
    loaded(emulator, 6)
    first = ok(api.post("/models/instances/list", json={"limit": 3}))
    ok(
        api.post(
            "/models/instances/delete",
            json={"items": [{"instanceType": "node", "space": SPACE, "externalId": "r004"}]},
        )
    )

    rest = ok(api.post("/models/instances/list", json={"limit": 3, "cursor": first["nextCursor"]}))

    assert [item["externalId"] for item in rest["items"]] == ["r003", "r005"]


def test_sources_return_properties_and_keep_only_instances_with_data_there(
    omni: SpecCheckedEmulator, api: httpx.Client
) -> None:
    expected = {
        item["externalId"] for item in yaml.safe_load((WRITE_DIR / "PrimitiveNullable.node.yaml").read_text())
    }
    body = {"sources": [{"source": omni_view("PrimitiveNullable")}], "includeTyping": True}

    page = ok(api.post("/models/instances/list", json=body))

    assert {item["externalId"] for item in page["items"]} == expected
    for item in page["items"]:
        assert set(item["properties"]["sp_pygen_models"]) == {"PrimitiveNullable/1"}
    typing = page["typing"]["sp_pygen_models"]["PrimitiveNullable/1"]
    assert typing["int32"]["type"]["type"] == "int32"
    assert "container" not in typing["int32"]


def test_without_sources_items_carry_no_properties(omni: SpecCheckedEmulator, api: httpx.Client) -> None:
    page = ok(api.post("/models/instances/list", json={"limit": 3}))
    assert [item["properties"] for item in page["items"]] == [{}, {}, {}]


def test_edges_are_listed_with_their_ends_and_type(omni: SpecCheckedEmulator, api: httpx.Client) -> None:
    written = yaml.safe_load((WRITE_DIR / "ConnectionItemA.edge.yaml").read_text())
    filter_ = {"equals": {"property": ["edge", "type"], "value": written[0]["type"]}}

    edges = ok(
        api.post("/models/instances/list", json={"instanceType": "edge", "filter": filter_, "limit": 1000})
    )["items"]

    by_id = {edge["externalId"]: edge for edge in edges}
    for original in written:
        assert by_id[original["externalId"]]["startNode"] == original["startNode"]
        assert by_id[original["externalId"]]["endNode"] == original["endNode"]


def test_byids_returns_what_exists_in_request_order(omni: SpecCheckedEmulator, api: httpx.Client) -> None:
    ids = [
        {"instanceType": "node", "space": "sp_omni_instances", "externalId": "PrimitiveNullable:Michael"},
        {"instanceType": "node", "space": "sp_omni_instances", "externalId": "nobody"},
        {"instanceType": "edge", "space": "sp_omni_instances", "externalId": "PrimitiveNullable:Michael"},
    ]
    body = {"items": ids, "sources": [{"source": omni_view("PrimitiveNullable")}], "includeTyping": True}

    found = ok(api.post("/models/instances/byids", json=body))

    assert [item["externalId"] for item in found["items"]] == ["PrimitiveNullable:Michael"]
    michael = found["items"][0]["properties"]["sp_pygen_models"]["PrimitiveNullable/1"]
    assert michael["text"] == "Radio more each while list fund among."
    assert michael["int64"] == 1710030311011558165
    assert "PrimitiveNullable/1" in found["typing"]["sp_pygen_models"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"limit": 1001}, "between 1 and 1000"),
        ({"limit": 0}, "between 1 and 1000"),
        ({"instanceType": "row"}, "instanceType must be 'node' or 'edge'"),
        ({"cursor": "not-a-cursor"}, "Invalid cursor"),
        ({"sources": {"source": {}}}, "sources must be a list"),
        ({"sources": [{"source": omni_view("PrimitiveNullable")}] * 11}, "at most 10"),
        ({"sources": [{"source": "view"}]}, "must be a view reference"),
        ({"sort": [{"property": ["node", "externalId"]}] * 6}, "at most 5 sort properties"),
        ({"filter": {"equals": {"property": ["node", "nothing"], "value": 1}}}, "filter"),
    ],
)
def test_bad_list_requests_get_cdfs_400(
    omni: SpecCheckedEmulator, api: httpx.Client, body: dict[str, Any], fragment: str
) -> None:
    assert fragment in error_of(api.post("/models/instances/list", json=body))["message"]


def test_unknown_source_views_are_listed_as_missing(omni: SpecCheckedEmulator, api: httpx.Client) -> None:
    ghost = omni_view("Ghost")
    error = error_of(
        api.post(
            "/models/instances/list", json={"sources": [{"source": ghost}, {"source": omni_view("Ghost2")}]}
        )
    )
    assert error["missing"] == [ghost, omni_view("Ghost2")]


def test_a_cursor_from_another_kind_of_listing_is_refused(
    emulator: SpecCheckedEmulator, api: httpx.Client
) -> None:
    loaded(emulator, 5)
    sorted_cursor = ok(
        api.post("/models/instances/list", json={"limit": 2, "sort": [{"property": ["node", "externalId"]}]})
    )["nextCursor"]
    assert (
        "Invalid cursor"
        in error_of(api.post("/models/instances/list", json={"limit": 2, "cursor": sorted_cursor}))["message"]
    )


def test_byids_checks_its_items(omni: SpecCheckedEmulator, api: httpx.Client) -> None:
    error = error_of(
        api.post(
            "/models/instances/byids",
            json={"items": [{"instanceType": "node", "space": "Bad Space", "externalId": "x"}]},
        )
    )
    assert "not a valid space" in error["message"]
    many = [{"instanceType": "node", "space": "s", "externalId": f"x{i}"} for i in range(1001)]
    assert "at most 1000" in error_of(api.post("/models/instances/byids", json={"items": many}))["message"]
