"""The read and write base classes without a server: parsing CDF's JSON, dumping, converting,
and the apply items a write object becomes."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, ClassVar

import pytest
from pygen_runtime.schema import EdgeApply, Node, NodeApply, NodeId, ViewId
from pygen_runtime.typed import NodeRead, NodeWrite, as_node_id, parse_instances
from reference_sdk import (
    Blade,
    BladeWrite,
    Distance,
    GeneratingUnit,
    MetmastWrite,
    SensorTimeSeries,
    SensorTimeSeriesWrite,
    WindTurbine,
    WindTurbineWrite,
)

from pygen_runtime import InvalidArgumentError

SPACE = "windfarm-data"


def turbine_json(**properties: Any) -> dict[str, Any]:
    return {
        "instanceType": "node",
        "space": SPACE,
        "externalId": "wt-1",
        "version": 3,
        "createdTime": 1700000000000,
        "lastUpdatedTime": 1700000001000,
        "properties": {"sp_pygen_power": {"WindTurbine/1": properties}},
    }


def test_a_node_is_parsed_from_cdf_json_with_relations_as_ids() -> None:
    turbine = WindTurbine.from_instance(
        turbine_json(
            name="WT 1",
            capacity=5,
            powerCurve="curve-1",
            nacelle={"space": SPACE, "externalId": "n-1"},
            blades=[{"space": SPACE, "externalId": "b-1"}],
        )
    )

    assert isinstance(turbine, GeneratingUnit)  # implements: WindTurbine is a GeneratingUnit
    assert (turbine.name, turbine.capacity, turbine.power_curve) == ("WT 1", 5.0, "curve-1")
    assert turbine.nacelle == NodeId(space=SPACE, external_id="n-1")
    assert turbine.blades == [NodeId(space=SPACE, external_id="b-1")]
    assert (turbine.version, turbine.created_time, turbine.deleted_time) == (3, 1700000000000, None)
    assert turbine.as_id() == NodeId(space=SPACE, external_id="wt-1")


def test_a_schema_node_converts_and_a_dump_round_trips() -> None:
    raw = turbine_json(name="WT 1", capacity=5.5, nacelle={"space": SPACE, "externalId": "n-1"})
    raw["type"] = {"space": SPACE, "externalId": "turbine-type"}
    raw["deletedTime"] = 1700000002000
    node = Node.load(raw)

    turbine = WindTurbine.from_instance(node)
    again = WindTurbine.from_instance(turbine.dump())

    assert turbine == again
    assert turbine.type == NodeId(space=SPACE, external_id="turbine-type")
    assert turbine.dump()["properties"]["sp_pygen_power"]["WindTurbine/1"]["nacelle"] == {
        "space": SPACE,
        "externalId": "n-1",
    }
    assert turbine.dump()["deletedTime"] == 1700000002000


def test_a_property_named_like_an_instance_field_stays_apart_from_it() -> None:
    raw = {
        "instanceType": "node",
        "space": SPACE,
        "externalId": "ts-1",
        "version": 1,
        "createdTime": 0,
        "lastUpdatedTime": 0,
        "type": {"space": SPACE, "externalId": "series-type"},
        "properties": {"sp_pygen_power": {"SensorTimeSeries/1": {"type": "numeric", "isStep": True}}},
    }

    series = SensorTimeSeries.from_instance(raw)

    assert series.type == NodeId(space=SPACE, external_id="series-type")
    assert series.type_ == "numeric"
    assert series.is_step is True


def test_an_instance_without_data_in_the_view_reads_as_empty_properties() -> None:
    raw = turbine_json()
    del raw["properties"]

    [turbine] = parse_instances(WindTurbine, [raw])

    assert turbine.name is None
    assert turbine.model_extra == {}


def test_a_broken_instance_field_is_an_unexpected_response() -> None:
    from pygen_runtime._api._calls import UnexpectedResponseError

    raw = turbine_json(name="WT 1")
    raw["version"] = "not a number"

    with pytest.raises(UnexpectedResponseError, match=r"items\[0\]\.version"):
        parse_instances(WindTurbine, [raw])


def test_an_edge_is_parsed_with_its_ends() -> None:
    edge = Distance.from_instance(
        {
            "instanceType": "edge",
            "space": SPACE,
            "externalId": "d-1",
            "version": 1,
            "createdTime": 0,
            "lastUpdatedTime": 0,
            "type": {"space": "sp_pygen_power_enterprise", "externalId": "Distance"},
            "startNode": {"space": SPACE, "externalId": "wt-1"},
            "endNode": {"space": SPACE, "externalId": "mast-1"},
            "properties": {"sp_pygen_power": {"Distance/1": {"distance": 12}}},
        }
    )

    assert edge.distance == 12.0
    assert edge.start_node == NodeId(space=SPACE, external_id="wt-1")
    assert edge.dump()["endNode"] == {"space": SPACE, "externalId": "mast-1"}
    assert edge.as_write().end_node == NodeId(space=SPACE, external_id="mast-1")


def test_as_write_keeps_values_identity_and_version() -> None:
    turbine = WindTurbine.from_instance(turbine_json(name="WT 1", capacity=2.0))

    write = turbine.as_write()

    assert isinstance(write, WindTurbineWrite)
    assert (write.space, write.external_id, write.existing_version) == (SPACE, "wt-1", 3)
    assert (write.name, write.capacity) == ("WT 1", 2.0)
    assert write.dump()["existingVersion"] == 3


def test_a_write_object_dumps_only_the_properties_it_was_given() -> None:
    write = WindTurbineWrite(external_id="wt-1", name="WT 1", capacity=None, power_curve="c")

    item = write.dump(default_space=SPACE)

    assert item == {
        "instanceType": "node",
        "space": SPACE,
        "externalId": "wt-1",
        "sources": [
            {
                "source": {
                    "type": "view",
                    "space": "sp_pygen_power",
                    "externalId": "WindTurbine",
                    "version": "1",
                },
                "properties": {"name": "WT 1", "capacity": None, "powerCurve": "c"},
            }
        ],
    }


def test_to_apply_includes_inline_targets_and_deterministic_edges() -> None:
    write = WindTurbineWrite(
        external_id="wt-1",
        nacelle=("other-space", "n-1"),
        blades=[BladeWrite(external_id="b-1", is_damaged=False), NodeId(space=SPACE, external_id="b-2")],
        metmast=[MetmastWrite(external_id="mast-1"), ("other-space", "mast-2")],
    )

    items = write.to_apply(SPACE)

    assert [type(item) for item in items] == [NodeApply, EdgeApply, EdgeApply, NodeApply, NodeApply]
    node = items[0].dump()
    properties = node["sources"][0]["properties"]
    assert properties["nacelle"] == {"space": "other-space", "externalId": "n-1"}
    assert properties["blades"] == [
        {"space": SPACE, "externalId": "b-1"},
        {"space": SPACE, "externalId": "b-2"},
    ]
    edge = items[2]
    assert isinstance(edge, EdgeApply)
    assert edge.external_id == "Distance:wt-1:mast-2"
    assert edge.end_node == NodeId(space="other-space", external_id="mast-2")
    assert {item.external_id for item in items[3:]} == {"b-1", "mast-1"}


def test_inwards_edges_point_at_the_writer() -> None:
    write = MetmastWrite(external_id="mast-1", wind_turbines=[("windfarm-data", "wt-1")])

    [_, edge] = write.to_apply(SPACE)

    assert isinstance(edge, EdgeApply)
    assert edge.start_node == NodeId(space=SPACE, external_id="wt-1")
    assert edge.end_node == NodeId(space=SPACE, external_id="mast-1")


def test_timestamps_are_written_in_iso_format_with_a_zone() -> None:
    from reference_sdk import DataSheetWrite

    naive = DataSheetWrite(external_id="s", uploaded_time=datetime(2024, 1, 2, 3, 4, 5))
    aware = DataSheetWrite(external_id="s", uploaded_time=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc))

    assert naive.dump(SPACE)["sources"][0]["properties"]["uploadedTime"] == "2024-01-02T03:04:05.000+00:00"
    assert aware.dump(SPACE)["sources"][0]["properties"] == {"uploadedTime": "2024-01-02T03:04:05.000+00:00"}


def test_required_properties_and_enum_values_are_checked_when_writing() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="type_"):
        SensorTimeSeriesWrite(external_id="ts")  # type: ignore[call-arg]
    assert SensorTimeSeriesWrite(external_id="ts", type_="numeric").is_step is None
    with pytest.raises(ValidationError, match="type_"):
        SensorTimeSeriesWrite(external_id="ts", is_step=True, type_="complex")  # type: ignore[arg-type]


def test_enum_values_unknown_to_the_sdk_are_read() -> None:
    series = SensorTimeSeries.model_validate(
        {
            "space": SPACE,
            "external_id": "s",
            "version": 1,
            "created_time": 0,
            "last_updated_time": 0,
            "type_": "x",
        }
    )

    assert series.type_ == "x"


def test_node_ids_are_made_from_every_accepted_shape() -> None:
    expected = NodeId(space=SPACE, external_id="x")

    assert as_node_id(expected, None) is expected
    assert as_node_id((SPACE, "x"), None) == expected
    assert as_node_id({"space": SPACE, "externalId": "x"}, None) == expected
    assert as_node_id("x", SPACE) == expected
    assert as_node_id(BladeWrite(external_id="x"), SPACE) == expected
    assert as_node_id(BladeWrite(space="elsewhere", external_id="x"), SPACE).space == "elsewhere"
    with pytest.raises(InvalidArgumentError, match="blade: expected a NodeId"):
        as_node_id(42, SPACE, "blade")


def test_edge_write_takes_pairs_for_its_ends() -> None:
    from reference_sdk import DistanceWrite

    edge = DistanceWrite(
        external_id="d",
        type=("sp_pygen_power_enterprise", "Distance"),  # type: ignore[arg-type]
        start_node=(SPACE, "a"),  # type: ignore[arg-type]
        end_node=NodeId(space=SPACE, external_id="b"),
        distance=1.0,
    )

    assert edge.start_node == NodeId(space=SPACE, external_id="a")
    assert edge.as_id(SPACE).external_id == "d"
    assert edge.dump(SPACE)["type"] == {"space": "sp_pygen_power_enterprise", "externalId": "Distance"}


def test_a_class_without_a_view_says_what_is_missing() -> None:
    class Orphan(NodeRead):
        pass

    with pytest.raises(InvalidArgumentError, match="Orphan has no view"):
        Orphan.view_id()


def test_base_classes_without_a_write_class_say_so() -> None:
    class Bare(NodeRead):
        _view_id: ClassVar[ViewId] = ViewId(space="s", external_id="Bare", version="1")

    bare = Bare(space="s", external_id="x", version=1, created_time=0, last_updated_time=0)

    with pytest.raises(NotImplementedError, match="Bare has no write class"):
        bare.as_write()
    assert Blade._connection_fields["sensor_positions"].multiple  # type: ignore[union-attr]
    assert issubclass(BladeWrite, NodeWrite)


def test_a_typed_node_keeps_its_type_when_converted_to_a_write() -> None:
    raw = turbine_json(name="WT 1")
    raw["type"] = {"space": SPACE, "externalId": "turbine"}

    write = WindTurbine.from_instance(raw).as_write()

    assert write.type == NodeId(space=SPACE, external_id="turbine")
    assert write.dump()["type"] == {"space": SPACE, "externalId": "turbine"}


def test_dates_and_lists_of_them_are_written_in_iso_format() -> None:
    from datetime import date

    write = WindTurbineWrite(external_id="wt-1", commissioned=[date(2024, 1, 2)])  # type: ignore[call-arg]

    assert write.dump(SPACE)["sources"][0]["properties"] == {"commissioned": ["2024-01-02"]}


def test_a_list_value_that_does_not_fit_is_kept_whole() -> None:
    raw = turbine_json(name="WT 1", blades=["not-a-reference", 7])

    [turbine] = parse_instances(WindTurbine, [raw])

    assert turbine.blades is None
    assert turbine.model_extra == {"blades": ["not-a-reference", 7]}


def test_flatten_lifts_the_views_properties_under_python_names() -> None:
    from pygen_runtime.typed._parsing import flatten_instance

    flat = flatten_instance(WindTurbine, turbine_json(powerCurve="c", name="WT"))

    assert flat["power_curve"] == "c"
    assert flat["name"] == "WT"
    assert (flat["external_id"], flat["version"]) == ("wt-1", 3)
    # Optional instance fields only when CDF sent them, so that model_fields_set says so.
    assert "type" not in flat
    assert "deleted_time" not in flat
    typed = flatten_instance(WindTurbine, {**turbine_json(), "type": {"space": "s", "externalId": "t"}})
    assert typed["type"] == {"space": "s", "externalId": "t"}


def test_an_answer_whose_items_are_not_objects_is_unexpected() -> None:
    from pygen_runtime._api._calls import UnexpectedResponseError
    from pygen_runtime.typed._parsing import typed_items_parser

    parse = typed_items_parser(WindTurbine)

    with pytest.raises(UnexpectedResponseError, match=r"items\[1\] should be an object, got str"):
        parse({"items": [turbine_json(), "wt-2"]})
