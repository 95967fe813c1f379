"""``/models/instances/query`` and ``/sync`` over HTTP: the engines' answers, CDF's errors, the spec."""

from __future__ import annotations

import httpx
from cdf_material import omni_view
from http_expectations import error_of, ok
from manual_clock import ManualClock
from spec_checked import SpecCheckedEmulator

NULLABLE = omni_view("PrimitiveNullable")


def test_a_query_with_a_traversal_answers_per_result_set(
    omni: SpecCheckedEmulator, api: httpx.Client
) -> None:
    body = {
        "with": {
            "items": {"nodes": {"filter": {"hasData": [omni_view("ConnectionItemA")]}}, "limit": 2},
            "outwards": {"edges": {"from": "items", "direction": "outwards", "maxDistance": 1}},
        },
        "select": {
            "items": {"sources": [{"source": omni_view("ConnectionItemA"), "properties": ["*"]}]},
            "outwards": {},
        },
    }

    answer = ok(api.post("/models/instances/query", json=body))

    items = answer["items"]["items"]
    assert len(items) == 2
    starts = {(item["space"], item["externalId"]) for item in items}
    assert answer["items"]["outwards"]
    for edge in answer["items"]["outwards"]:
        assert (edge["startNode"]["space"], edge["startNode"]["externalId"]) in starts
    assert "items" in answer["nextCursor"]


def test_sync_returns_everything_first_and_then_only_changes(
    omni: SpecCheckedEmulator, api: httpx.Client, clock: ManualClock
) -> None:
    body = {
        "with": {"nodes": {"nodes": {"filter": {"hasData": [NULLABLE]}}, "limit": 1000}},
        "select": {"nodes": {"sources": [{"source": NULLABLE, "properties": ["*"]}]}},
    }
    first = ok(api.post("/models/instances/sync", json=body))
    assert len(first["items"]["nodes"]) == 5
    changed = {
        "instanceType": "node",
        "space": "sp_omni_instances",
        "externalId": "PrimitiveNullable:Michael",
        "sources": [{"source": NULLABLE, "properties": {"text": "changed"}}],
    }
    clock.advance(10)
    ok(api.post("/models/instances", json={"items": [changed]}))
    ok(
        api.post(
            "/models/instances/delete",
            json={
                "items": [
                    {
                        "instanceType": "node",
                        "space": "sp_omni_instances",
                        "externalId": "PrimitiveNullable:Joshua",
                    }
                ]
            },
        )
    )

    second = ok(api.post("/models/instances/sync", json={**body, "cursors": first["nextCursor"]}))

    by_id = {item["externalId"]: item for item in second["items"]["nodes"]}
    assert set(by_id) == {"PrimitiveNullable:Michael", "PrimitiveNullable:Joshua"}
    assert (
        by_id["PrimitiveNullable:Michael"]["properties"]["sp_pygen_models"]["PrimitiveNullable/1"]["text"]
        == "changed"
    )
    assert by_id["PrimitiveNullable:Joshua"]["deletedTime"] == clock.now


def test_bad_queries_and_syncs_get_cdfs_400(omni: SpecCheckedEmulator, api: httpx.Client) -> None:
    error_of(api.post("/models/instances/query", json={"with": {}, "select": {}, "bogus": 1}))
    error_of(
        api.post(
            "/models/instances/query",
            json={"with": {"a": {"nodes": {"filter": {"equals": {}}}}}, "select": {"a": {}}},
        )
    )
    error_of(api.post("/models/instances/sync", json={"with": {}, "select": {}, "cursors": {"a": "garbage"}}))
