"""Writing instances: upsert semantics, versions, replace, auto-creation, value checks, deletes."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from http_expectations import error_of, ok
from manual_clock import ManualClock
from spec_checked import SpecCheckedEmulator

SPACE = "plant"
PUMP = {"type": "view", "space": SPACE, "externalId": "Pump", "version": "1"}
FLOW = {"type": "view", "space": SPACE, "externalId": "Flow", "version": "1"}
PUMP_CONTAINER = {"type": "container", "space": SPACE, "externalId": "Pump"}


def _mapped(container: str, prop: str) -> dict[str, Any]:
    return {
        "container": {"type": "container", "space": SPACE, "externalId": container},
        "containerPropertyIdentifier": prop,
    }


MODEL: dict[str, Any] = {
    "spaces": [{"space": SPACE}],
    "containers": [
        {
            "space": SPACE,
            "externalId": "Pump",
            "properties": {
                "name": {"type": {"type": "text"}, "nullable": False},
                "serial": {"type": {"type": "text"}, "immutable": True},
                "status": {"type": {"type": "text"}, "defaultValue": "running"},
                "flow": {"type": {"type": "float64"}},
                "parent": {"type": {"type": "direct"}},
                "tagged": {
                    "type": {
                        "type": "direct",
                        "container": {"type": "container", "space": SPACE, "externalId": "Tag"},
                    }
                },
                "number": {"type": {"type": "int64"}, "autoIncrement": True},
            },
        },
        {"space": SPACE, "externalId": "Tag", "properties": {"label": {"type": {"type": "text"}}}},
        {
            "space": SPACE,
            "externalId": "Flow",
            "usedFor": "edge",
            "properties": {"rate": {"type": {"type": "float64"}}},
        },
    ],
    "views": [
        {
            "space": SPACE,
            "externalId": "Pump",
            "version": "1",
            "properties": {
                name: _mapped("Pump", name)
                for name in ("name", "serial", "status", "flow", "parent", "tagged", "number")
            },
        },
        {
            "space": SPACE,
            "externalId": "Tag",
            "version": "1",
            "properties": {"label": _mapped("Tag", "label")},
        },
        {
            "space": SPACE,
            "externalId": "Flow",
            "version": "1",
            "usedFor": "edge",
            "properties": {"rate": _mapped("Flow", "rate")},
        },
    ],
}


def pump(external_id: str, **properties: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"instanceType": "node", "space": SPACE, "externalId": external_id}
    if properties:
        item["sources"] = [{"source": PUMP, "properties": properties}]
    return item


def flow(external_id: str, start: str, end: str, **properties: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "instanceType": "edge",
        "space": SPACE,
        "externalId": external_id,
        "type": {"space": SPACE, "externalId": "flowsTo"},
        "startNode": {"space": SPACE, "externalId": start},
        "endNode": {"space": SPACE, "externalId": end},
    }
    if properties:
        item["sources"] = [{"source": FLOW, "properties": properties}]
    return item


@pytest.fixture
def plant(emulator: SpecCheckedEmulator, api: httpx.Client) -> httpx.Client:
    emulator.load_model(MODEL)
    return api


def apply(api: httpx.Client, *items: dict[str, Any], **options: Any) -> list[dict[str, Any]]:
    return ok(api.post("/models/instances", json={"items": list(items), **options}))["items"]  # type: ignore[no-any-return]


def values(emulator: SpecCheckedEmulator, external_id: str, container: str = "Pump") -> dict[str, Any]:
    inst = emulator.state.store.get_any(SPACE, external_id)
    assert inst is not None
    return inst.data[(SPACE, container)]


def test_a_new_node_gets_version_one_defaults_and_an_auto_increment(
    plant: httpx.Client, emulator: SpecCheckedEmulator, clock: ManualClock
) -> None:
    (slim,) = apply(plant, pump("p1", name="P1", flow=2))

    assert slim == {
        "instanceType": "node",
        "space": SPACE,
        "externalId": "p1",
        "version": 1,
        "wasModified": True,
        "createdTime": clock.now,
        "lastUpdatedTime": clock.now,
    }
    assert values(emulator, "p1") == {"name": "P1", "flow": 2.0, "status": "running", "number": 1}
    apply(plant, pump("p2", name="P2"))
    assert values(emulator, "p2")["number"] == 2


def test_writing_patches_by_default_and_bumps_the_version(
    plant: httpx.Client, emulator: SpecCheckedEmulator, clock: ManualClock
) -> None:
    apply(plant, pump("p1", name="P1", flow=2.0))
    clock.advance(500)

    (slim,) = apply(plant, pump("p1", flow=3.0))

    assert (slim["version"], slim["wasModified"]) == (2, True)
    assert slim["lastUpdatedTime"] == slim["createdTime"] + 500
    assert values(emulator, "p1")["name"] == "P1"  # untouched by the patch
    assert values(emulator, "p1")["flow"] == 3.0


def test_an_unchanged_write_is_not_a_modification(plant: httpx.Client, clock: ManualClock) -> None:
    apply(plant, pump("p1", name="P1"))
    clock.advance(500)

    (slim,) = apply(plant, pump("p1", name="P1"))

    assert (slim["version"], slim["wasModified"], slim["lastUpdatedTime"]) == (1, False, slim["createdTime"])


def test_null_removes_a_value_and_replace_resets_the_whole_container(
    plant: httpx.Client, emulator: SpecCheckedEmulator
) -> None:
    apply(plant, pump("p1", name="P1", flow=2.0, status="stopped"))

    apply(plant, pump("p1", flow=None))
    assert "flow" not in values(emulator, "p1")

    apply(plant, pump("p1", name="Renamed"), replace=True)
    assert values(emulator, "p1") == {"name": "Renamed", "status": "running", "number": 1}


def test_a_container_change_applies_to_the_next_write(
    plant: httpx.Client, emulator: SpecCheckedEmulator
) -> None:
    apply(plant, pump("p1", name="P1"))  # the write rules of Pump are worked out here
    changed = copy.deepcopy(MODEL["containers"][0])
    changed["properties"]["site"] = {"type": {"type": "text"}, "nullable": False, "defaultValue": "north"}
    ok(plant.post("/models/containers", json={"items": [changed]}))

    apply(plant, pump("p2", name="P2"))

    assert values(emulator, "p2")["site"] == "north"
    assert "site" not in values(emulator, "p1")


def test_write_errors_name_the_item_the_property_and_the_rule(plant: httpx.Client) -> None:
    apply(plant, pump("p1", name="P1", serial="S-1"))

    def message(*items: dict[str, Any]) -> str:
        return str(error_of(plant.post("/models/instances", json={"items": list(items)}))["message"])

    assert message(pump("p2", flow=1.0)) == (
        "items[0] (node plant:p2): required property 'name' of container plant:Pump has no value; "
        "set it in the sources."
    )
    assert message(pump("p2", name="P2"), pump("p1", serial="S-2")) == (
        "items[1] (node plant:p1): property 'serial' of container plant:Pump is immutable and already "
        "set; it cannot be changed."
    )
    assert message(pump("p1", flow="fast")) == (
        "items[0] (node plant:p1) property 'flow': \"fast\" is not a valid value; "
        "expected a number (float64)."
    )
    assert message(pump("p1", parent=[{"space": SPACE, "externalId": "p2"}])) == (
        'items[0] (node plant:p1) property \'parent\': [{"space": "plant", "externalId": "p2"}] is '
        'not a valid value; expected a node reference {"space": ..., "externalId": ...}.'
    )


def test_required_properties_must_have_values(plant: httpx.Client) -> None:
    error = error_of(plant.post("/models/instances", json={"items": [pump("p1", flow=1.0)]}))
    assert "required property 'name'" in error["message"]
    assert "items[0] (node plant:p1)" in error["message"]


def test_immutable_properties_cannot_change_once_set(plant: httpx.Client) -> None:
    apply(plant, pump("p1", name="P1", serial="S-1"))
    apply(plant, pump("p1", serial="S-1"))  # same value: fine

    error = error_of(plant.post("/models/instances", json={"items": [pump("p1", serial="S-2")]}))
    assert "immutable" in error["message"]


def test_existing_version_guards_against_lost_updates(plant: httpx.Client) -> None:
    apply(plant, pump("p1", name="P1"))
    apply(plant, pump("p1", name="P2"))  # now version 2

    stale = {**pump("p1", name="P3"), "existingVersion": 1}
    conflict = error_of(plant.post("/models/instances", json={"items": [stale]}), status=409)
    assert "version conflict" in conflict["message"]
    assert apply(plant, stale, skipOnVersionConflict=True) == []
    assert apply(plant, {**pump("p1", name="P3"), "existingVersion": 2})[0]["version"] == 3

    insert_only = {**pump("p1", name="P4"), "existingVersion": 0}
    error_of(plant.post("/models/instances", json={"items": [insert_only]}), status=409)
    assert apply(plant, {**pump("fresh", name="F"), "existingVersion": 0})[0]["version"] == 1


def test_edges_need_their_end_nodes_unless_asked_to_create_them(
    plant: httpx.Client, emulator: SpecCheckedEmulator
) -> None:
    error = error_of(plant.post("/models/instances", json={"items": [flow("f1", "a", "b", rate=1.0)]}))
    assert error["missing"] == [{"space": SPACE, "externalId": "a"}, {"space": SPACE, "externalId": "b"}]

    apply(plant, flow("f1", "a", "b", rate=1.0), autoCreateStartNodes=True, autoCreateEndNodes=True)

    store = emulator.state.store
    assert store.get("node", SPACE, "a") is not None
    assert store.get("node", SPACE, "b") is not None
    edge = store.get("edge", SPACE, "f1")
    assert edge is not None
    assert (edge.start_node, edge.end_node, edge.type) == ((SPACE, "a"), (SPACE, "b"), (SPACE, "flowsTo"))
    assert edge.data == {(SPACE, "Flow"): {"rate": 1.0}}


def test_nodes_written_in_the_same_request_count_as_existing(plant: httpx.Client) -> None:
    results = apply(plant, pump("a", name="A"), pump("b", name="B"), flow("f1", "a", "b"))
    assert [r["instanceType"] for r in results] == ["node", "node", "edge"]


def test_direct_relation_targets_are_created_unless_told_otherwise(
    plant: httpx.Client, emulator: SpecCheckedEmulator
) -> None:
    apply(plant, pump("child", name="C", parent={"space": SPACE, "externalId": "mother"}))
    assert emulator.state.store.get("node", SPACE, "mother") is not None

    orphan = pump("orphan", name="O", parent={"space": SPACE, "externalId": "nobody"})
    error = error_of(
        plant.post("/models/instances", json={"items": [orphan], "autoCreateDirectRelations": False})
    )
    assert error["missing"] == [{"space": SPACE, "externalId": "nobody"}]


def test_a_direct_relation_requiring_a_container_needs_a_target_with_data_there(plant: httpx.Client) -> None:
    tagged = pump("p1", name="P", tagged={"space": SPACE, "externalId": "t1"})
    error = error_of(plant.post("/models/instances", json={"items": [tagged]}))
    assert "container plant:Tag" in error["message"]

    tag = {
        "instanceType": "node",
        "space": SPACE,
        "externalId": "t1",
        "sources": [
            {
                "source": {"type": "view", "space": SPACE, "externalId": "Tag", "version": "1"},
                "properties": {"label": "x"},
            }
        ],
    }
    assert len(apply(plant, tag, tagged)) == 2


def test_node_types_are_stored_and_auto_created(plant: httpx.Client, emulator: SpecCheckedEmulator) -> None:
    apply(plant, {**pump("p1", name="P"), "type": {"space": SPACE, "externalId": "PumpType"}})
    assert emulator.state.store.get("node", SPACE, "p1").type == (SPACE, "PumpType")  # type: ignore[union-attr]
    assert emulator.state.store.get("node", SPACE, "PumpType") is not None


def test_writing_through_a_container_source_works_too(
    plant: httpx.Client, emulator: SpecCheckedEmulator
) -> None:
    item = {
        "instanceType": "node",
        "space": SPACE,
        "externalId": "p1",
        "sources": [{"source": PUMP_CONTAINER, "properties": {"name": "Direct"}}],
    }
    apply(plant, item)
    assert values(emulator, "p1")["name"] == "Direct"


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        (pump("p1", name=5), "expected a string"),
        (pump("p1", name="P", color="red"), "no writable property 'color'"),
        (
            {**flow("f1", "a", "b"), "sources": [{"source": PUMP, "properties": {"name": "x"}}]},
            "cannot hold data for a edge",
        ),
        ({**pump("p1", name="P"), "instanceType": "row"}, "instanceType must be 'node' or 'edge'"),
        ({**pump("p1", name="P"), "externalId": ""}, "not a valid instance external id"),
        ({**pump("p1", name="P"), "existingVersion": "1"}, "existingVersion must be an integer"),
        ({**flow("f1", "a", "b"), "type": None}, "needs a 'type'"),
        ({**flow("f1", "a", "b"), "startNode": "a"}, "startNode must be"),
        ({**pump("p1"), "sources": {"source": PUMP}}, "sources must be a list"),
        ({**pump("p1"), "sources": ["x"]}, "must be an object with 'source'"),
        ({**pump("p1"), "sources": [{"source": "Pump"}]}, "must be a view or container reference"),
        ({**pump("p1"), "sources": [{"source": {**PUMP, "type": "table"}}]}, "must be 'view' or 'container'"),
        ({**pump("p1"), "sources": [{"source": PUMP, "properties": [1]}]}, "properties must be an object"),
    ],
)
def test_bad_items_fail_the_request_naming_what_is_wrong(
    plant: httpx.Client, item: dict[str, Any], fragment: str
) -> None:
    assert fragment in error_of(plant.post("/models/instances", json={"items": [item]}))["message"]


def test_unknown_sources_spaces_and_duplicates_are_listed(plant: httpx.Client) -> None:
    ghost = {"type": "view", "space": SPACE, "externalId": "Ghost", "version": "1"}
    error = error_of(
        plant.post(
            "/models/instances",
            json={"items": [{**pump("p1"), "sources": [{"source": ghost, "properties": {}}]}]},
        )
    )
    assert error["missing"] == [ghost]
    ghost_container = {"type": "container", "space": SPACE, "externalId": "Ghost"}
    error = error_of(
        plant.post(
            "/models/instances", json={"items": [{**pump("p1"), "sources": [{"source": ghost_container}]}]}
        )
    )
    assert error["missing"] == [ghost_container]

    error = error_of(
        plant.post("/models/instances", json={"items": [{**pump("p1", name="P"), "space": "elsewhere"}]})
    )
    assert error["missing"] == [{"space": "elsewhere"}]

    error = error_of(
        plant.post("/models/instances", json={"items": [pump("p1", name="P"), pump("p1", name="Q")]})
    )
    assert error["duplicated"] == [{"instanceType": "node", "space": SPACE, "externalId": "p1"}]


def test_a_node_and_an_edge_cannot_share_an_identity(plant: httpx.Client) -> None:
    apply(plant, pump("x", name="X"), pump("a", name="A"), pump("b", name="B"))
    assert (
        "already exists as a node"
        in error_of(plant.post("/models/instances", json={"items": [flow("x", "a", "b")]}))["message"]
    )


def test_a_failed_request_changes_nothing(plant: httpx.Client, emulator: SpecCheckedEmulator) -> None:
    error_of(plant.post("/models/instances", json={"items": [pump("good", name="G"), pump("bad", flow=1.0)]}))
    assert emulator.state.store.get("node", SPACE, "good") is None
    assert emulator.state.store.current_sequence() == 0


def test_request_size_limits(plant: httpx.Client) -> None:
    many = [pump(f"p{i}", name="P") for i in range(1001)]
    assert "at most 1000" in error_of(plant.post("/models/instances", json={"items": many}))["message"]
    half = [pump(f"p{i}", name="P") for i in range(600)]
    deletes = [{"instanceType": "node", "space": SPACE, "externalId": f"d{i}"} for i in range(500)]
    body = {"items": half, "delete": deletes}
    assert "together hold 1100" in error_of(plant.post("/models/instances", json=body))["message"]
    assert (
        "replace must be true or false"
        in error_of(plant.post("/models/instances", json={"items": [], "replace": "yes"}))["message"]
    )


def test_deleting_a_node_deletes_its_edges_softly(
    plant: httpx.Client, emulator: SpecCheckedEmulator, clock: ManualClock
) -> None:
    apply(plant, pump("a", name="A"), pump("b", name="B"), flow("f1", "a", "b"), flow("f2", "b", "a"))
    clock.advance(100)

    deleted = ok(
        plant.post(
            "/models/instances/delete",
            json={
                "items": [
                    {"instanceType": "node", "space": SPACE, "externalId": "a"},
                    {"instanceType": "node", "space": SPACE, "externalId": "never-existed"},
                ]
            },
        )
    )

    assert [item["externalId"] for item in deleted["items"]] == ["a", "never-existed"]
    store = emulator.state.store
    assert [inst.external_id for inst in store.live()] == ["b"]
    gone = {inst.external_id: inst.deleted_time for inst in store.including_deleted() if inst.is_deleted}
    assert gone == {"a": clock.now, "f1": clock.now, "f2": clock.now}


def test_delete_checks_spaces_and_versions(plant: httpx.Client) -> None:
    apply(plant, pump("a", name="A"))
    apply(plant, pump("a", name="B"))
    error = error_of(
        plant.post(
            "/models/instances/delete",
            json={"items": [{"instanceType": "node", "space": "nowhere", "externalId": "a"}]},
        )
    )
    assert error["missing"] == [{"space": "nowhere"}]
    stale = {"instanceType": "node", "space": SPACE, "externalId": "a", "existingVersion": 1}
    error_of(plant.post("/models/instances/delete", json={"items": [stale]}), status=409)
    assert (
        "instanceType must be"
        in error_of(plant.post("/models/instances/delete", json={"items": [{**stale, "instanceType": "x"}]}))[
            "message"
        ]
    )


def test_an_apply_can_carry_deletes_which_run_after_the_writes(
    plant: httpx.Client, emulator: SpecCheckedEmulator
) -> None:
    apply(plant, pump("old", name="O"))
    body = {
        "items": [pump("new", name="N")],
        "delete": [{"instanceType": "node", "space": SPACE, "externalId": "old"}],
    }

    response = ok(plant.post("/models/instances", json=body))

    assert [item["externalId"] for item in response["items"]] == ["new"]
    assert response["deleted"] == [{"instanceType": "node", "space": SPACE, "externalId": "old"}]
    assert [inst.external_id for inst in emulator.state.store.live()] == ["new"]


def test_a_deleted_node_can_be_written_again(plant: httpx.Client, emulator: SpecCheckedEmulator) -> None:
    apply(plant, pump("a", name="A"))
    ok(
        plant.post(
            "/models/instances/delete",
            json={"items": [{"instanceType": "node", "space": SPACE, "externalId": "a"}]},
        )
    )

    (slim,) = apply(plant, pump("a", name="Again"))

    assert (slim["version"], slim["wasModified"]) == (1, True)
    assert values(emulator, "a")["name"] == "Again"
