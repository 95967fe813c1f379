"""Spaces, containers, views and data models over HTTP: apply, list with cursors, by ids, delete."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from http_expectations import error_of, ok
from spec_checked import SpecCheckedEmulator

PUMP_CONTAINER: dict[str, Any] = {
    "space": "plant",
    "externalId": "Pump",
    "properties": {
        "name": {"type": {"type": "text"}, "nullable": False},
        "flow": {"type": {"type": "float64"}},
        "parent": {"type": {"type": "direct"}},
    },
}
PUMP_VIEW: dict[str, Any] = {
    "space": "plant",
    "externalId": "Pump",
    "version": "v1",
    "properties": {
        "name": {
            "container": {"type": "container", "space": "plant", "externalId": "Pump"},
            "containerPropertyIdentifier": "name",
        },
        "flow": {
            "container": {"type": "container", "space": "plant", "externalId": "Pump"},
            "containerPropertyIdentifier": "flow",
        },
        "parent": {
            "container": {"type": "container", "space": "plant", "externalId": "Pump"},
            "containerPropertyIdentifier": "parent",
            "source": {"type": "view", "space": "plant", "externalId": "Pump", "version": "v1"},
        },
    },
}


@pytest.fixture
def plant(api: httpx.Client) -> httpx.Client:
    ok(api.post("/models/spaces", json={"items": [{"space": "plant", "name": "Plant"}]}))
    ok(api.post("/models/containers", json={"items": [PUMP_CONTAINER]}))
    ok(api.post("/models/views", json={"items": [PUMP_VIEW]}))
    return api


def test_a_space_is_created_listed_found_and_deleted(
    api: httpx.Client, emulator: SpecCheckedEmulator
) -> None:
    created = ok(api.post("/models/spaces", json={"items": [{"space": "plant", "name": "Plant"}]}))["items"]
    assert created[0]["space"] == "plant"
    assert created[0]["createdTime"] == emulator.state.now()

    assert [s["space"] for s in ok(api.get("/models/spaces"))["items"]] == ["plant"]
    found = ok(api.post("/models/spaces/byids", json={"items": [{"space": "plant"}, {"space": "nope"}]}))
    assert [s["name"] for s in found["items"]] == ["Plant"]
    deleted = ok(api.post("/models/spaces/delete", json={"items": [{"space": "plant"}]}))
    assert deleted["items"] == [{"space": "plant"}]
    assert ok(api.get("/models/spaces"))["items"] == []


def test_reapplying_a_space_keeps_its_created_time(api: httpx.Client, clock: Any) -> None:
    first = ok(api.post("/models/spaces", json={"items": [{"space": "plant"}]}))["items"][0]
    clock.advance(1000)
    second = ok(api.post("/models/spaces", json={"items": [{"space": "plant", "name": "New"}]}))["items"][0]
    assert second["createdTime"] == first["createdTime"]
    assert second["lastUpdatedTime"] == first["createdTime"] + 1000


@pytest.mark.parametrize(
    ("space", "fragment"),
    [("system", "reserved"), ("9lives", "not a valid space"), ("a" * 44, "not a valid space")],
)
def test_bad_space_names_are_refused(api: httpx.Client, space: str, fragment: str) -> None:
    assert fragment in error_of(api.post("/models/spaces", json={"items": [{"space": space}]}))["message"]


def test_a_space_in_use_cannot_be_deleted(plant: httpx.Client) -> None:
    error = error_of(plant.post("/models/spaces/delete", json={"items": [{"space": "plant"}]}))
    assert "not empty" in error["message"]


def test_spaces_page_with_cursors_and_hide_global_ones_by_default(
    api: httpx.Client, emulator: SpecCheckedEmulator
) -> None:
    ok(api.post("/models/spaces", json={"items": [{"space": f"s{i:02d}"} for i in range(25)]}))
    emulator.load_model({"spaces": [{"space": "cdf_cdm", "isGlobal": True}]})

    seen: list[str] = []
    cursor = None
    for _ in range(10):  # bounded: 25 spaces in pages of 10
        params: dict[str, Any] = {"limit": 10}
        if cursor:
            params["cursor"] = cursor
        page = ok(api.get("/models/spaces", params=params))
        seen.extend(space["space"] for space in page["items"])
        cursor = page.get("nextCursor")
        if cursor is None:
            break
    assert seen == [f"s{i:02d}" for i in range(25)]
    with_global = ok(api.get("/models/spaces", params={"includeGlobal": "true", "limit": 100}))["items"]
    assert "cdf_cdm" in [space["space"] for space in with_global]


def test_a_container_round_trips_in_the_read_shape(plant: httpx.Client) -> None:
    found = ok(
        plant.post(
            "/models/containers/byids",
            json={"items": [{"type": "container", "space": "plant", "externalId": "Pump"}]},
        )
    )
    container = found["items"][0]
    assert container["properties"]["name"]["nullable"] is False
    assert container["properties"]["flow"]["type"] == {"type": "float64", "list": False}
    listed = ok(plant.get("/models/containers", params={"space": "plant"}))["items"]
    assert [c["externalId"] for c in listed] == ["Pump"]
    assert ok(plant.get("/models/containers", params={"usedFor": "edge"}))["items"] == []


def test_a_container_property_cannot_change_type(plant: httpx.Client) -> None:
    changed = {**PUMP_CONTAINER, "properties": {"flow": {"type": {"type": "text"}}}}
    assert (
        "cannot be changed"
        in error_of(plant.post("/models/containers", json={"items": [changed]}))["message"]
    )


@pytest.mark.parametrize(
    ("properties", "fragment"),
    [
        ({"x": {"type": {"type": "vector"}}}, "unknown type 'vector'"),
        ({"space": {"type": {"type": "text"}}}, "reserved property identifier"),
        ({"e": {"type": {"type": "enum", "values": {}}}}, "1 to 32 values"),
    ],
)
def test_bad_container_properties_are_refused(
    plant: httpx.Client, properties: dict[str, Any], fragment: str
) -> None:
    container = {"space": "plant", "externalId": "Bad", "properties": properties}
    assert fragment in error_of(plant.post("/models/containers", json={"items": [container]}))["message"]


def test_deleting_a_container_removes_its_values_from_instances(
    plant: httpx.Client, emulator: SpecCheckedEmulator
) -> None:
    node = {
        "instanceType": "node",
        "space": "plant",
        "externalId": "p1",
        "sources": [
            {
                "source": {"type": "view", "space": "plant", "externalId": "Pump", "version": "v1"},
                "properties": {"name": "P1"},
            }
        ],
    }
    ok(plant.post("/models/instances", json={"items": [node]}))

    deleted = ok(
        plant.post("/models/containers/delete", json={"items": [{"space": "plant", "externalId": "Pump"}]})
    )
    assert deleted["items"] == [{"space": "plant", "externalId": "Pump"}]
    assert emulator.state.store.get("node", "plant", "p1").data == {}  # type: ignore[union-attr]
    pump = [{"space": "plant", "externalId": "Pump"}]
    again = ok(plant.post("/models/containers/delete", json={"items": pump}))
    assert again["items"] == pump  # deleting is idempotent, as in CDF
    assert ok(plant.get("/models/containers"))["items"] == []


def test_views_need_existing_containers_and_properties(api: httpx.Client) -> None:
    ok(api.post("/models/spaces", json={"items": [{"space": "plant"}]}))
    error = error_of(api.post("/models/views", json={"items": [PUMP_VIEW]}))
    assert error["missing"] == [{"type": "container", "space": "plant", "externalId": "Pump"}]

    ok(
        api.post(
            "/models/containers",
            json={"items": [{**PUMP_CONTAINER, "properties": {"name": {"type": {"type": "text"}}}}]},
        )
    )
    error = error_of(api.post("/models/views", json={"items": [PUMP_VIEW]}))
    assert "has no property 'flow'" in error["message"]


def test_a_source_hint_is_only_for_direct_relations(plant: httpx.Client) -> None:
    view = {
        **PUMP_VIEW,
        "externalId": "Hinted",
        "properties": {
            "flow": {**PUMP_VIEW["properties"]["flow"], "source": PUMP_VIEW["properties"]["parent"]["source"]}
        },
    }
    assert "only direct relation" in error_of(plant.post("/models/views", json={"items": [view]}))["message"]


def test_views_implement_views_and_inherit_their_properties(plant: httpx.Client) -> None:
    child = {
        "space": "plant",
        "externalId": "BigPump",
        "version": "v1",
        "implements": [{"type": "view", "space": "plant", "externalId": "Pump", "version": "v1"}],
        "properties": {},
    }
    read = ok(plant.post("/models/views", json={"items": [child]}))["items"][0]
    assert set(read["properties"]) == {"name", "flow", "parent"}
    assert read["writable"] is True
    own = ok(
        plant.post(
            "/models/views/byids",
            params={"includeInheritedProperties": "false"},
            json={"items": [{"space": "plant", "externalId": "BigPump"}]},
        )
    )
    assert own["items"][0]["properties"] == {}

    missing_parent = {
        **child,
        "externalId": "Orphan",
        "implements": [{"type": "view", "space": "plant", "externalId": "Ghost", "version": "v1"}],
    }
    error = error_of(plant.post("/models/views", json={"items": [missing_parent]}))
    assert error["missing"] == [{"type": "view", "space": "plant", "externalId": "Ghost", "version": "v1"}]


def test_views_list_latest_versions_unless_all_versions_are_asked_for(
    plant: httpx.Client, clock: Any
) -> None:
    clock.advance(10)
    ok(plant.post("/models/views", json={"items": [{**PUMP_VIEW, "version": "v2"}]}))

    latest = ok(plant.get("/models/views", params={"space": "plant"}))["items"]
    every = ok(plant.get("/models/views", params={"space": "plant", "allVersions": "true"}))["items"]
    assert [v["version"] for v in latest] == ["v2"]
    assert sorted(v["version"] for v in every) == ["v1", "v2"]
    by_id = ok(plant.post("/models/views/byids", json={"items": [{"space": "plant", "externalId": "Pump"}]}))[
        "items"
    ]
    assert [v["version"] for v in by_id] == ["v2"]

    unversioned = {"items": [{"space": "plant", "externalId": "Pump"}]}
    assert "needs its version" in error_of(plant.post("/models/views/delete", json=unversioned))["message"]
    both = [{"space": "plant", "externalId": "Pump", "version": version} for version in ("v1", "v2")]
    assert ok(plant.post("/models/views/delete", json={"items": both}))["items"] == both
    assert ok(plant.get("/models/views", params={"space": "plant"}))["items"] == []


def test_a_data_model_with_inline_views_creates_them(api: httpx.Client) -> None:
    ok(api.post("/models/spaces", json={"items": [{"space": "plant"}]}))
    ok(api.post("/models/containers", json={"items": [PUMP_CONTAINER]}))
    model = {"space": "plant", "externalId": "Plant", "version": "1", "views": [PUMP_VIEW]}

    applied = ok(api.post("/models/datamodels", json={"items": [model]}))["items"][0]
    assert applied["views"] == [{"type": "view", "space": "plant", "externalId": "Pump", "version": "v1"}]

    inline = ok(
        api.post(
            "/models/datamodels/byids",
            params={"inlineViews": "true"},
            json={"items": [{"space": "plant", "externalId": "Plant"}]},
        )
    )
    assert inline["items"][0]["views"][0]["properties"]["name"]["type"]["type"] == "text"
    listed = ok(api.get("/models/datamodels", params={"inlineViews": "false"}))["items"]
    assert listed[0]["views"][0]["type"] == "view"

    error = error_of(
        api.post("/models/datamodels/delete", json={"items": [{"space": "plant", "externalId": "Plant"}]})
    )
    assert "needs its version" in error["message"]
    deleted = ok(
        api.post(
            "/models/datamodels/delete",
            json={"items": [{"space": "plant", "externalId": "Plant", "version": "1"}]},
        )
    )
    assert deleted["items"] == [{"space": "plant", "externalId": "Plant", "version": "1"}]
    assert ok(api.get("/models/views", params={"space": "plant"}))["items"]  # the views stay


def test_data_models_need_existing_views_and_list_the_latest_version(plant: httpx.Client, clock: Any) -> None:
    ghost = {"type": "view", "space": "plant", "externalId": "Ghost", "version": "1"}
    error = error_of(
        plant.post(
            "/models/datamodels",
            json={"items": [{"space": "plant", "externalId": "M", "version": "1", "views": [ghost]}]},
        )
    )
    assert error["missing"] == [ghost]

    pump_ref = {"type": "view", "space": "plant", "externalId": "Pump", "version": "v1"}
    ok(
        plant.post(
            "/models/datamodels",
            json={"items": [{"space": "plant", "externalId": "M", "version": "1", "views": [pump_ref]}]},
        )
    )
    clock.advance(5)
    ok(
        plant.post(
            "/models/datamodels",
            json={"items": [{"space": "plant", "externalId": "M", "version": "2", "views": []}]},
        )
    )

    assert [m["version"] for m in ok(plant.get("/models/datamodels"))["items"]] == ["2"]
    assert len(ok(plant.get("/models/datamodels", params={"allVersions": "true"}))["items"]) == 2
    by_id = ok(
        plant.post("/models/datamodels/byids", json={"items": [{"space": "plant", "externalId": "M"}]})
    )
    assert [m["version"] for m in by_id["items"]] == ["2"]
    exact = ok(
        plant.post(
            "/models/datamodels/byids",
            json={"items": [{"space": "plant", "externalId": "M", "version": "1"}]},
        )
    )
    assert [m["version"] for m in exact["items"]] == ["1"]


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/models/spaces", {"items": [{"space": f"s{i}"} for i in range(101)]}, "at most 100"),
        ("/models/spaces", {"items": []}, "at least one item"),
        ("/models/spaces", {"items": "plant"}, "a list of at most 100"),
        ("/models/spaces", {"items": [{"space": "a"}, {"space": "a"}]}, "more than once"),
        ("/models/containers", {"items": [{**PUMP_CONTAINER, "space": "nowhere"}]}, "spaces do not exist"),
        ("/models/views", {"items": [{**PUMP_VIEW, "version": "not ok!"}]}, "not a valid version"),
        (
            "/models/containers/byids",
            {"items": [{"space": "plant", "externalId": "bad id"}]},
            "not a valid external id",
        ),
    ],
)
def test_limits_and_malformed_requests_give_cdfs_400(
    plant: httpx.Client, path: str, body: Any, fragment: str
) -> None:
    assert fragment in error_of(plant.post(path, json=body))["message"]


def test_duplicates_are_listed_and_missing_spaces_named(plant: httpx.Client) -> None:
    error = error_of(plant.post("/models/spaces", json={"items": [{"space": "a"}, {"space": "a"}]}))
    assert error["duplicated"] == [{"space": "a"}]
    error = error_of(
        plant.post("/models/containers", json={"items": [{**PUMP_CONTAINER, "space": "nowhere"}]})
    )
    assert error["missing"] == [{"space": "nowhere"}]


def test_query_parameters_are_checked(plant: httpx.Client) -> None:
    assert "between 1 and 1000" in error_of(plant.get("/models/spaces", params={"limit": 0}))["message"]
    assert (
        "true or false" in error_of(plant.get("/models/spaces", params={"includeGlobal": "yes"}))["message"]
    )
    assert "Invalid cursor" in error_of(plant.get("/models/spaces", params={"cursor": "garbage"}))["message"]
