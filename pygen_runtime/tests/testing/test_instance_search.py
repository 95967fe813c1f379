"""Search (free text over a view's text properties) and aggregates (count, avg, ..., histogram, groupBy)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from http_expectations import error_of, ok
from spec_checked import SpecCheckedEmulator

SPACE = "plant"
PUMP = {"type": "view", "space": SPACE, "externalId": "Pump", "version": "1"}
PUMPS = [
    {"name": "North pump", "note": "old", "site": "north", "flow": 1.5, "age": 10, "tags": ["alpha"]},
    {"name": "North valve", "note": "pump nearby", "site": "north", "flow": 2.5, "age": 3, "tags": ["beta"]},
    {"name": "South pump", "note": "new", "site": "south", "flow": 7.0, "age": 1},
    {"name": "Spare", "site": None, "flow": None, "age": None},
]


def _mapped(prop: str) -> dict[str, Any]:
    return {
        "container": {"type": "container", "space": SPACE, "externalId": "Pump"},
        "containerPropertyIdentifier": prop,
    }


MODEL = {
    "spaces": [{"space": SPACE}],
    "containers": [
        {
            "space": SPACE,
            "externalId": "Pump",
            "properties": {
                "name": {"type": {"type": "text"}},
                "note": {"type": {"type": "text"}},
                "site": {"type": {"type": "text"}},
                "flow": {"type": {"type": "float64"}},
                "age": {"type": {"type": "int32"}},
                "tags": {"type": {"type": "text", "list": True}},
            },
        }
    ],
    "views": [
        {
            "space": SPACE,
            "externalId": "Pump",
            "version": "1",
            "properties": {p: _mapped(p) for p in ("name", "note", "site", "flow", "age", "tags")},
        }
    ],
}


@pytest.fixture
def plant(emulator: SpecCheckedEmulator, api: httpx.Client) -> httpx.Client:
    emulator.load_model(MODEL)
    items = [
        {
            "instanceType": "node",
            "space": SPACE,
            "externalId": f"p{index}",
            "sources": [{"source": PUMP, "properties": {k: v for k, v in pump.items() if v is not None}}],
        }
        for index, pump in enumerate(PUMPS)
    ]
    items.append({"instanceType": "node", "space": SPACE, "externalId": "no-data"})
    emulator.load_instances(items)
    return api


def search(api: httpx.Client, **body: Any) -> list[str]:
    return [
        item["externalId"]
        for item in ok(api.post("/models/instances/search", json={"view": PUMP, **body}))["items"]
    ]


def test_without_a_query_search_returns_the_views_instances(plant: httpx.Client) -> None:
    assert search(plant) == ["p0", "p1", "p2", "p3"]  # "no-data" has no data in the view


def test_query_words_match_word_prefixes_in_any_text_property(plant: httpx.Client) -> None:
    assert search(plant, query="pump") == ["p0", "p1", "p2"]  # p1 through its note
    assert search(plant, query="PUM") == ["p0", "p1", "p2"]
    assert search(plant, query="ump") == []
    assert search(plant, query="alpha") == ["p0"]  # list properties are searched too


def test_operator_and_needs_every_word_and_or_ranks_by_words_matched(plant: httpx.Client) -> None:
    assert search(plant, query="north pump", operator="AND") == ["p0", "p1"]
    assert search(plant, query="south pump") == ["p2", "p0", "p1"]


def test_search_can_be_limited_to_properties_filtered_sorted_and_cut(plant: httpx.Client) -> None:
    assert search(plant, query="pump", properties=["name"]) == ["p0", "p2"]
    flt = {"range": {"property": [SPACE, "Pump/1", "flow"], "gt": 2}}
    assert search(plant, query="pump", filter=flt) == ["p1", "p2"]
    assert search(
        plant, sort=[{"property": [SPACE, "Pump/1", "age"], "direction": "descending"}], limit=2
    ) == ["p0", "p1"]


def test_search_items_carry_the_views_properties_and_typing(plant: httpx.Client) -> None:
    body = ok(
        plant.post("/models/instances/search", json={"view": PUMP, "query": "spare", "includeTyping": True})
    )
    assert body["items"][0]["properties"] == {SPACE: {"Pump/1": {"name": "Spare"}}}
    assert body["typing"][SPACE]["Pump/1"]["flow"]["type"]["type"] == "float64"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"view": {**PUMP, "externalId": "Ghost"}}, "does not exist"),
        ({"view": "Pump"}, "must be a view reference"),
        ({"view": PUMP, "query": 5}, "query must be a string"),
        ({"view": PUMP, "query": "x", "properties": "name"}, "must be a list"),
        ({"view": PUMP, "query": "x", "properties": ["flow"]}, "only text properties"),
        ({"view": PUMP, "query": "x", "properties": ["nope"]}, "has no property"),
        ({"view": PUMP, "query": "x", "operator": "XOR"}, "operator must be"),
        ({"view": PUMP, "limit": 1001}, "between 1 and 1000"),
        ({"view": PUMP, "sort": [{"property": ["node", "externalId"]}] * 6}, "at most 5"),
    ],
)
def test_bad_searches_get_cdfs_400(plant: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    assert fragment in error_of(plant.post("/models/instances/search", json=body))["message"]


def aggregate(api: httpx.Client, **body: Any) -> list[dict[str, Any]]:
    return ok(api.post("/models/instances/aggregate", json={"view": PUMP, **body}))["items"]  # type: ignore[no-any-return]


def test_numeric_aggregates_over_the_views_instances(plant: httpx.Client) -> None:
    specs = [
        {"count": {}},
        {"count": {"property": "flow"}},
        {"avg": {"property": "flow"}},
        {"min": {"property": "age"}},
        {"sum": {"property": "age"}},
    ]
    (item,) = aggregate(plant, aggregates=specs)

    assert item["instanceType"] == "node"
    assert item["aggregates"] == [
        {"aggregate": "count", "value": 4},
        {"aggregate": "count", "property": "flow", "value": 3},
        {"aggregate": "avg", "property": "flow", "value": pytest.approx((1.5 + 2.5 + 7.0) / 3)},
        {"aggregate": "min", "property": "age", "value": 1},
        {"aggregate": "sum", "property": "age", "value": 14},
    ]


def test_aggregates_respect_query_and_filter(plant: httpx.Client) -> None:
    (item,) = aggregate(plant, query="north", aggregates=[{"max": {"property": "flow"}}])
    assert item["aggregates"] == [{"aggregate": "max", "property": "flow", "value": 2.5}]
    flt = {"equals": {"property": [SPACE, "Pump/1", "site"], "value": "nowhere"}}
    (empty,) = aggregate(plant, filter=flt, aggregates=[{"avg": {"property": "flow"}}, {"count": {}}])
    assert empty["aggregates"] == [
        {"aggregate": "avg", "property": "flow"},
        {"aggregate": "count", "value": 0},
    ]


def test_histograms_have_fixed_width_buckets_including_empty_ones(plant: httpx.Client) -> None:
    (item,) = aggregate(plant, aggregates=[{"histogram": {"property": "flow", "interval": 2}}])
    assert item["aggregates"] == [
        {
            "aggregate": "histogram",
            "property": "flow",
            "interval": 2,
            "buckets": [
                {"start": 0, "count": 1},
                {"start": 2, "count": 1},
                {"start": 4, "count": 0},
                {"start": 6, "count": 1},
            ],
        }
    ]
    flt = {"equals": {"property": [SPACE, "Pump/1", "site"], "value": "nowhere"}}
    (empty,) = aggregate(plant, filter=flt, aggregates=[{"histogram": {"property": "flow", "interval": 2}}])
    assert empty["aggregates"][0]["buckets"] == []


def test_group_by_splits_matches_by_value_and_skips_missing_values(plant: httpx.Client) -> None:
    groups = aggregate(plant, groupBy=["site"], aggregates=[{"avg": {"property": "age"}}])
    assert [(g["group"], g["aggregates"][0]["value"]) for g in groups] == [
        ({"site": "north"}, 6.5),
        ({"site": "south"}, 1.0),
    ]
    only_values = aggregate(plant, groupBy=["site"], limit=1)
    assert only_values == [
        {
            "instanceType": "node",
            "group": {"site": "north"},
            "aggregates": [{"aggregate": "count", "value": 2}],
        }
    ]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "at least one aggregate"),
        ({"aggregates": [{"median": {"property": "flow"}}]}, "unknown aggregate 'median'"),
        (
            {"aggregates": [{"avg": {"property": "flow"}, "min": {"property": "flow"}}]},
            "exactly one aggregate",
        ),
        ({"aggregates": [{"avg": {}}]}, "needs a 'property'"),
        ({"aggregates": [{"avg": {"property": "name"}}]}, "needs a numeric property"),
        ({"aggregates": [{"histogram": {"property": "flow", "interval": 0}}]}, "positive number"),
        ({"aggregates": [{"count": {}}] * 6}, "at most 5"),
        ({"groupBy": []}, "1 to 5"),
        ({"groupBy": ["tags"]}, "cannot be grouped on"),
        ({"groupBy": ["nope"]}, "has no property"),
        ({"aggregates": [{"count": {}}], "limit": 1001}, "between 1 and 1000"),
    ],
)
def test_bad_aggregates_get_cdfs_400(plant: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    assert (
        fragment
        in error_of(plant.post("/models/instances/aggregate", json={"view": PUMP, **body}))["message"]
    )


def test_aggregate_typing_is_returned_on_request(plant: httpx.Client) -> None:
    body = ok(
        plant.post(
            "/models/instances/aggregate",
            json={"view": PUMP, "aggregates": [{"count": {}}], "includeTyping": True},
        )
    )
    assert "Pump/1" in body["typing"][SPACE]
