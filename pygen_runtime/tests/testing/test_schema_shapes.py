"""Every accepted input shape of a schema definition becomes the one stored shape."""

from __future__ import annotations

from typing import Any

import pytest
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._schema_shapes import (
    container_ref,
    infer_containers,
    normalize_container,
    normalize_data_model,
    normalize_space,
    normalize_view,
    property_kind,
    view_ref,
)

DUMP_VIEW: dict[str, Any] = {
    "space": "sp",
    "externalId": "Pump",
    "version": 1,  # YAML reads an unquoted version as a number
    "name": None,
    "implements": [{"space": "sp", "externalId": "Base", "version": "1"}],
    "usedFor": "node",
    "properties": {
        "name": {
            "container": {"space": "sp", "externalId": "Pump"},
            "containerPropertyIdentifier": "name",
            "type": {"type": "text", "list": False},
            "nullable": False,
            "source": None,
            "name": None,
            "description": "The name",
        },
        "parent": {
            "container": {"space": "sp", "externalId": "Pump"},
            "containerPropertyIdentifier": "parent",
            "type": {"type": "direct", "source": {"space": "sp", "externalId": "Pump", "version": "1"}},
        },
        "pipes": {
            "type": {"space": "sp", "externalId": "flows"},
            "source": {"space": "sp", "externalId": "Pipe", "version": "1"},
            "edgeSource": None,
        },
        "children": {
            "source": {"space": "sp", "externalId": "Pump", "version": "1"},
            "through": {
                "source": {"space": "sp", "externalId": "Pump", "version": "1"},
                "identifier": "parent",
            },
            "connectionType": "multi_reverse_direct_relation",
            "targetsList": False,
        },
        "fromContainer": {
            "source": {"space": "sp", "externalId": "Pump", "version": "1"},
            "through": {"source": {"space": "sp", "externalId": "Pump"}, "identifier": "parent"},
        },
    },
}


def test_a_dumped_view_is_stored_with_typed_references_and_without_nulls() -> None:
    view = normalize_view(DUMP_VIEW, now_ms=7)

    assert view["version"] == "1"
    assert "name" not in view
    assert view["implements"] == [{"type": "view", "space": "sp", "externalId": "Base", "version": "1"}]
    assert view["createdTime"] == view["lastUpdatedTime"] == 7
    props = view["properties"]
    assert props["name"] == {
        "container": {"type": "container", "space": "sp", "externalId": "Pump"},
        "containerPropertyIdentifier": "name",
        "description": "The name",
    }
    # a direct relation's target view moves from inside the type to the view property
    assert props["parent"]["source"] == {"type": "view", "space": "sp", "externalId": "Pump", "version": "1"}
    assert props["pipes"]["direction"] == "outwards"
    assert props["pipes"]["connectionType"] == "multi_edge_connection"
    assert "edgeSource" not in props["pipes"]
    assert "targetsList" not in props["children"]  # computed on read
    assert props["children"]["through"]["source"]["type"] == "view"
    assert props["fromContainer"]["through"]["source"] == {
        "type": "container",
        "space": "sp",
        "externalId": "Pump",
    }
    assert props["fromContainer"]["connectionType"] == "multi_reverse_direct_relation"


def test_normalizing_twice_changes_nothing() -> None:
    once = normalize_view(DUMP_VIEW, now_ms=7)
    assert normalize_view(once, now_ms=99) == once


@pytest.mark.parametrize(
    ("prop", "kind"),
    [
        ({"container": {}}, "mapped"),
        ({"through": {}}, "reverse"),
        ({"connectionType": "single_edge_connection"}, "edge"),
        ({"type": {"space": "s", "externalId": "t"}, "source": {}}, "edge"),
        ({"type": {"type": "text"}}, "unknown"),
    ],
)
def test_property_kind_tells_mapped_properties_from_connections(prop: dict[str, Any], kind: str) -> None:
    assert property_kind(prop) == kind


def test_a_container_gets_defaults_and_cleans_enum_values() -> None:
    container = normalize_container(
        {
            "space": "sp",
            "externalId": "Valve",
            "properties": {
                "state": {
                    "type": {"type": "enum", "values": {"open": {"name": "Open", "description": None}}}
                },
                "label": {"type": {"type": "text"}, "nullable": False},
                "target": {
                    "type": {
                        "type": "direct",
                        "container": {"space": "sp", "externalId": "Valve"},
                        "source": {"space": "sp", "externalId": "V", "version": "1"},
                    }
                },
            },
        },
        now_ms=3,
    )

    state = container["properties"]["state"]
    assert state["type"] == {"type": "enum", "values": {"open": {"name": "Open"}}, "list": False}
    assert (state["nullable"], state["immutable"], state["autoIncrement"]) == (True, False, False)
    assert container["properties"]["label"]["type"]["collation"] == "ucs_basic"
    assert container["properties"]["label"]["constraintState"] == {"nullability": "current"}
    target = container["properties"]["target"]["type"]
    assert target["container"] == {"type": "container", "space": "sp", "externalId": "Valve"}
    assert "source" not in target  # a view hint belongs to views, not containers
    assert (container["usedFor"], container["isGlobal"], container["constraints"]) == ("node", False, {})


def test_a_data_model_keeps_references_and_hands_back_its_inline_views() -> None:
    model, inline = normalize_data_model(
        {
            "space": "sp",
            "externalId": "M",
            "version": "2",
            "views": [DUMP_VIEW, {"space": "sp", "externalId": "Other", "version": "1"}],
        },
        now_ms=1,
    )

    assert model["views"] == [
        {"type": "view", "space": "sp", "externalId": "Pump", "version": "1"},
        {"type": "view", "space": "sp", "externalId": "Other", "version": "1"},
    ]
    assert [view["externalId"] for view in inline] == ["Pump"]


def test_containers_are_inferred_from_read_shape_views() -> None:
    edge_view = {
        "space": "sp",
        "externalId": "Flow",
        "usedFor": "edge",
        "isGlobal": True,
        "properties": {
            "rate": {
                "container": {"space": "sp", "externalId": "Shared"},
                "containerPropertyIdentifier": "rate",
                "type": {"type": "float64"},
            }
        },
    }
    node_view = {
        "space": "sp",
        "externalId": "Pump",
        "usedFor": "node",
        "properties": {
            "rate": {
                "container": {"space": "sp", "externalId": "Shared"},
                "containerPropertyIdentifier": "rate",
                "type": {"type": "float64"},
            },
            "name": DUMP_VIEW["properties"]["name"],
            "pipes": DUMP_VIEW["properties"]["pipes"],
        },
    }

    containers = {c["externalId"]: c for c in infer_containers([edge_view, node_view], now_ms=5)}

    assert containers["Shared"]["usedFor"] == "all"
    assert containers["Shared"]["isGlobal"] is True
    assert list(containers["Shared"]["properties"]) == ["rate"]
    assert containers["Pump"]["properties"]["name"]["nullable"] is False
    assert containers["Pump"]["properties"]["name"]["description"] == "The name"


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: normalize_space("sp", 0), "space must be a JSON object"),
        (lambda: normalize_space({"space": ""}, 0), "non-empty string 'space'"),
        (lambda: container_ref({"space": "s"}), "non-empty string 'externalId'"),
        (lambda: view_ref({"space": "s", "externalId": "V", "version": True}), "'version'"),
        (lambda: normalize_container({"space": "s", "externalId": "C", "properties": {}}, 0), "at least one"),
        (
            lambda: normalize_container({"space": "s", "externalId": "C", "properties": {"p": {}}}, 0),
            "p.type must",
        ),
        (
            lambda: normalize_container(
                {"space": "s", "externalId": "C", "properties": {"p": {"type": {}}}}, 0
            ),
            "needs a string 'type'",
        ),
        (
            lambda: normalize_view({"space": "s", "externalId": "V", "version": "1", "implements": {}}, 0),
            "list",
        ),
        (
            lambda: normalize_view({"space": "s", "externalId": "V", "version": "1", "usedFor": "rows"}, 0),
            "usedFor",
        ),
        (
            lambda: normalize_view(
                {"space": "s", "externalId": "V", "version": "1", "properties": {"p": {"x": 1}}}, 0
            ),
            "neither a mapped property",
        ),
        (
            lambda: normalize_data_model({"space": "s", "externalId": "M", "version": "1", "views": {}}, 0),
            "list",
        ),
    ],
)
def test_malformed_definitions_are_refused_with_the_field_named(call: Any, fragment: str) -> None:
    with pytest.raises(EmulatorRequestError) as caught:
        call()
    assert fragment in caught.value.message
