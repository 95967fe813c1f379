"""A server newer than this package must never make a schema unreadable."""

from __future__ import annotations

import pytest
from pygen_runtime.schema import (
    Container,
    ContainerId,
    DataModel,
    MappedProperty,
    NodeId,
    TextType,
    UnknownPropertyType,
    UnknownViewProperty,
    View,
    ViewId,
    load_data_models,
)

VIEW = {
    "space": "s",
    "externalId": "Pump",
    "version": "1",
    "properties": {
        "name": {
            "container": {"type": "container", "space": "s", "externalId": "Pump"},
            "containerPropertyIdentifier": "name",
            "type": {"type": "text", "list": False, "collation": "ucs_basic"},
        },
        "shape": {
            "container": {"type": "container", "space": "s", "externalId": "Pump"},
            "containerPropertyIdentifier": "shape",
            "type": {"type": "geometry", "srid": 4326},
        },
        "future": {"connectionType": "hyper_edge", "weight": 3},
    },
    "brandNewField": {"a": 1},
}


def test_unknown_property_type_is_kept() -> None:
    view = View.load(VIEW)

    shape = view.properties["shape"]
    assert isinstance(shape, MappedProperty)
    assert isinstance(shape.type, UnknownPropertyType)
    assert shape.type.type == "geometry"
    assert shape.dump()["type"] == {"type": "geometry", "srid": 4326, "list": False}


def test_unknown_view_property_kind_and_fields_survive_a_round_trip() -> None:
    view = View.load(VIEW)

    assert isinstance(view.properties["future"], UnknownViewProperty)
    dumped = view.dump()
    assert dumped["properties"]["future"] == {"connectionType": "hyper_edge", "weight": 3}
    assert dumped["brandNewField"] == {"a": 1}
    assert View.load(dumped) == view


def test_known_type_parses_to_its_class() -> None:
    name = View.load(VIEW).properties["name"]

    assert isinstance(name, MappedProperty)
    assert isinstance(name.type, TextType)
    assert name.type.collation == "ucs_basic"
    assert not name.type.is_list


def test_identifiers_compare_and_hash_whatever_markers_they_carry() -> None:
    with_marker = ViewId.load({"type": "view", "space": "s", "externalId": "V", "version": "1"})
    plain = ViewId(space="s", external_id="V", version="1")

    assert with_marker == plain
    assert len({with_marker, plain}) == 1
    assert plain.dump() == {"type": "view", "space": "s", "externalId": "V", "version": "1"}
    assert ContainerId(space="s", external_id="C").dump(include_type=False) == {
        "space": "s",
        "externalId": "C",
    }
    assert NodeId.load(plain.dump()) == NodeId(space="s", external_id="V")
    assert str(plain) == "s:V(version=1)"


def test_numeric_versions_are_read_as_text() -> None:
    assert ViewId.load({"space": "s", "externalId": "V", "version": 2}).version == "2"
    assert DataModel.load({"space": "s", "externalId": "M", "version": 3}).version == "3"


def test_load_data_models_accepts_every_wrapping() -> None:
    one = {"space": "s", "externalId": "M", "version": "1", "views": [VIEW]}

    assert load_data_models(one)[0].external_id == "M"
    assert len(load_data_models([one, one])) == 2
    assert load_data_models({"items": [one]})[0].inline_views[0].external_id == "Pump"


def test_load_data_models_names_what_it_got_when_it_is_not_a_model() -> None:
    with pytest.raises(TypeError, match="got str"):
        load_data_models("not a model")


def test_data_model_with_view_references_keeps_them() -> None:
    model = DataModel.load(
        {
            "space": "s",
            "externalId": "M",
            "version": "1",
            "views": [
                {"type": "view", **VIEW},
                {"type": "view", "space": "s", "externalId": "Other", "version": "2"},
            ],
        }
    )

    assert [str(view_id) for view_id in model.view_ids] == ["s:Pump(version=1)", "s:Other(version=2)"]
    assert [view.external_id for view in model.inline_views] == ["Pump"]
    assert model.as_id().version == "1"


def test_container_dump_apply_drops_read_only_fields() -> None:
    container = Container.load(
        {
            "space": "s",
            "externalId": "Pump",
            "isGlobal": False,
            "createdTime": 1,
            "lastUpdatedTime": 2,
            "usedFor": "node",
            "properties": {
                "name": {"type": {"type": "text"}, "nullable": False, "constraintState": {}},
            },
        }
    )

    body = container.dump_apply()

    assert body == {
        "space": "s",
        "externalId": "Pump",
        "usedFor": "node",
        "properties": {
            "name": {
                "type": {"type": "text", "list": False},
                "nullable": False,
                "immutable": False,
                "autoIncrement": False,
            },
        },
        "constraints": {},
        "indexes": {},
    }
    assert container.as_id() == ContainerId(space="s", external_id="Pump")
