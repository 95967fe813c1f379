"""The fluent select() builder, through hand-written select classes for the WindTurbine model with
exactly the shape the renderer is to generate: per view, its ``_view_id``, its ``_read_class``,
one property descriptor per filterable property, one traversal per relation, and a
``list_<view>`` terminal that calls ``_list``. Expectations come from the loaded data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

import pytest
from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.query import (
    BooleanProperty,
    DirectRelationProperty,
    DirectTraversal,
    EdgeTraversal,
    ListProperty,
    NumberProperty,
    Query,
    ResultItem,
    ReverseTraversal,
    Select,
    TextProperty,
    TimeProperty,
    fill_connections,
)
from pygen_runtime.schema import NodeId, ViewId
from pygen_runtime.typed import Edges, NodeRead, NodeReadList, ReverseDirectRelation

POWER = "sp_pygen_power"
WIND_SPACE = "windfarm"


# -- what the typed layer's renderer generates for the WindTurbine model (read classes, trimmed) ----
DISTANCE = ViewId(space=POWER, external_id="Distance", version="1")


class WindTurbine(NodeRead):
    _view_id: ClassVar[ViewId] = ViewId(space=POWER, external_id="WindTurbine", version="1")

    name: str | None = None
    capacity: float | None = None
    blades: list[NodeId] | None = None
    metmast: Annotated[
        list[NodeId] | None,
        Edges(
            type=NodeId(space="sp_pygen_power_enterprise", external_id="Distance"),
            direction="outwards",
            properties=DISTANCE,
            other_end=ViewId(space=POWER, external_id="Metmast", version="1"),
        ),
    ] = None


class Blade(NodeRead):
    _view_id: ClassVar[ViewId] = ViewId(space=POWER, external_id="Blade", version="1")

    is_damaged: bool | None = None
    name: str | None = None
    sensor_positions: Annotated[
        list[NodeId] | None,
        ReverseDirectRelation(
            through_view=ViewId(space=POWER, external_id="SensorPosition", version="1"),
            through_property="blade",
        ),
    ] = None


class BladeList(NodeReadList[Blade]):
    _item_class = Blade

    @property
    def sensor_positions(self) -> SensorPositionList | list[SensorPosition | NodeId]:
        return self._connected("sensor_positions", SensorPositionList)


class SensorPosition(NodeRead):
    _view_id: ClassVar[ViewId] = ViewId(space=POWER, external_id="SensorPosition", version="1")

    blade: NodeId | None = None
    position: float | None = None


class SensorPositionList(NodeReadList[SensorPosition]):
    _item_class = SensorPosition


class Metmast(NodeRead):
    _view_id: ClassVar[ViewId] = ViewId(space=POWER, external_id="Metmast", version="1")

    position: float | None = None


# -- what the renderer generates for select(): one class per view -----------------------------------
class WindTurbineSelect(Select[WindTurbine]):
    _view_id = WindTurbine._view_id
    _read_class = WindTurbine

    name = TextProperty("name")
    capacity = NumberProperty("capacity")
    # A direct relation is a traversal under its name and a filter on its value under
    # ``<name>_id`` (``<name>_ids`` for a list of relations).
    blades = DirectTraversal("blades", lambda: BladeSelect)
    blades_ids = ListProperty("blades")
    metmast = EdgeTraversal(
        "metmast",
        lambda: MetmastSelect,
        ("sp_pygen_power_enterprise", "Distance"),
        direction="outwards",
        edge_view=DISTANCE,
    )

    def list_wind_turbine(self, limit: int | None = 25) -> list[WindTurbine]:
        return self._list(limit)


class BladeSelect(Select[Blade, BladeList]):
    _view_id = Blade._view_id
    _read_class = Blade
    _list_class = BladeList

    name = TextProperty("name")
    is_damaged = BooleanProperty("is_damaged")
    sensor_positions = ReverseTraversal("sensor_positions", lambda: SensorPositionSelect, "blade")

    def list_blade(self, limit: int | None = 25) -> BladeList:
        return self._list(limit)


class SensorPositionSelect(Select[SensorPosition]):
    _view_id = SensorPosition._view_id
    _read_class = SensorPosition

    position = NumberProperty("position")
    blade = DirectTraversal("blade", lambda: BladeSelect)
    blade_id = DirectRelationProperty("blade")

    def list_sensor_position(self, limit: int | None = 25) -> list[SensorPosition]:
        return self._list(limit)


class MetmastSelect(Select[Metmast]):
    _view_id = Metmast._view_id
    _read_class = Metmast

    position = NumberProperty("position")

    def list_metmast(self, limit: int | None = 25) -> list[Metmast]:
        return self._list(limit)


# -- expectations from the loaded data ---------------------------------------------------------------
def props(world: Any, external_id: str, view: ViewId) -> dict[str, Any]:
    return world.properties((WIND_SPACE, external_id), view)  # type: ignore[no-any-return]


def turbines(world: Any) -> list[str]:
    return sorted(key[1] for key in world.nodes if key[1].startswith("wt-"))


def ids(items: Sequence[NodeRead | ResultItem]) -> list[str]:
    return [item.node.external_id if isinstance(item, ResultItem) else item.external_id for item in items]


def test_a_filter_then_a_traversal_then_a_filter_lists_the_last_step(
    windturbine: Any, client_of: Any
) -> None:
    client, _ = client_of(windturbine)
    turbine_view = WindTurbineSelect._view_id

    damaged = WindTurbineSelect(client).name.prefix("WT").blades.is_damaged.equals(True).list_blade(limit=100)

    expected = sorted(
        blade["externalId"]
        for turbine in turbines(windturbine)
        if props(windturbine, turbine, turbine_view)["name"].startswith("WT")
        for blade in props(windturbine, turbine, turbine_view)["blades"]
        if props(windturbine, blade["externalId"], BladeSelect._view_id)["is_damaged"]
    )
    assert sorted(ids(damaged)) == expected
    assert len(expected) == 5


def test_a_limit_on_the_last_step_stops_fetching_early(windturbine: Any, client_of: Any) -> None:
    client, transport = client_of(windturbine)

    blades = WindTurbineSelect(client).blades.list_blade(limit=4)

    assert len(blades) == 4
    assert len(set(ids(blades))) == 4
    # The turbines in one page, then the 4 blades asked for and one more (it exists, so the
    # limit cut results), by id.
    assert dict(transport.counts) == {"list": 1, "byids": 1}
    assert len(transport.bodies_of("byids")[0]["items"]) == 5


def test_results_come_in_the_views_list_class_when_the_select_class_names_one(
    windturbine: Any, client_of: Any
) -> None:
    client, _ = client_of(windturbine)
    select = BladeSelect(client).name.equals("blade-03-1")

    blades = select.list_blade()
    chunks = list(WindTurbineSelect(client).blades.iterate(chunk_size=25))
    full = BladeSelect(client).name.prefix("blade-03").sensor_positions.list_full(limit=None)
    turbines = WindTurbineSelect(client).name.equals("WT 03").blades.list_full()

    assert type(blades) is BladeList
    assert [type(chunk) for chunk in chunks] == [BladeList] * 3
    assert type(full) is BladeList  # the start's list class, not the one the builder stands on
    assert type(turbines) is list  # WindTurbineSelect names no list class
    frame = full.to_pandas()
    assert frame.shape == (3, len(Blade.model_fields))
    assert sorted(frame["external_id"]) == ["blade-03-0", "blade-03-1", "blade-03-2"]
    positions = full.sensor_positions
    assert type(positions) is SensorPositionList
    assert sorted(ids(positions)) == sorted(
        f"sensor-blade-03-{blade}-{at}" for blade in range(3) for at in range(2)
    )
    assert [item["externalId"] for item in blades.dump()] == ["blade-03-1"]


def test_minus_one_means_every_node_as_in_pygen_v1(windturbine: Any, client_of: Any) -> None:
    client, _ = client_of(windturbine)

    blades = WindTurbineSelect(client).blades.list_blade(limit=-1)
    chunks = list(WindTurbineSelect(client).blades.iterate(chunk_size=25, limit=-1))
    full = WindTurbineSelect(client).list_full(limit=-1)

    assert len(blades) == 60
    assert [len(chunk) for chunk in chunks] == [25, 25, 10]
    assert sorted(ids(full)) == turbines(windturbine)


def test_list_relations_filter_on_the_nodes_they_hold(windturbine: Any, client_of: Any) -> None:
    client, _ = client_of(windturbine)
    wanted = [
        NodeId(space=WIND_SPACE, external_id="blade-04-1"),
        NodeId(space=WIND_SPACE, external_id="blade-07-0"),
    ]

    any_of = WindTurbineSelect(client).blades_ids.contains_any(wanted).list_wind_turbine()
    all_of = WindTurbineSelect(client).blades_ids.contains_all(wanted).list_wind_turbine()
    upwards = (
        SensorPositionSelect(client).position.equals(0.0).blade.is_damaged.equals(True).list_blade(limit=None)
    )

    assert sorted(ids(any_of)) == ["wt-04", "wt-07"]
    assert all_of == []
    assert sorted(ids(upwards)) == sorted(f"blade-{turbine:02d}-1" for turbine in range(0, 20, 2))


def test_sorting_and_ranges_on_the_start(windturbine: Any, client_of: Any) -> None:
    client, _ = client_of(windturbine)

    found = (
        WindTurbineSelect(client).capacity.range(gte=3, lte=8).capacity.sort_descending().list_wind_turbine()
    )

    assert ids(found) == [f"wt-{index:02d}" for index in range(8, 2, -1)]


def test_reverse_relations_and_edges_from_a_select(windturbine: Any, client_of: Any) -> None:
    client, _ = client_of(windturbine)

    sensors = (
        WindTurbineSelect(client)
        .name.equals("WT 03")
        .blades.sensor_positions.list_sensor_position(limit=None)
    )
    masts = WindTurbineSelect(client).capacity.range(lt=4).metmast.list_metmast(limit=None)

    assert sorted(ids(sensors)) == sorted(
        f"sensor-blade-03-{blade}-{position}" for blade in range(3) for position in range(2)
    )
    assert sorted(ids(masts)) == ["mast-0", "mast-1", "mast-2", "mast-3"]


def test_list_full_fills_the_path_below_the_start(windturbine: Any, client_of: Any) -> None:
    client, transport = client_of(windturbine)
    select = WindTurbineSelect(client).name.in_(["WT 01", "WT 02"])
    select.blades.sensor_positions.position.equals(1.0)

    full = select.list_full(limit=10)

    assert sorted(ids(full)) == ["wt-01", "wt-02"]
    for turbine in full:
        assert isinstance(turbine, WindTurbine)
        assert turbine.blades is not None
        assert ids(turbine.blades) == [  # type: ignore[arg-type]
            blade["externalId"]
            for blade in props(windturbine, turbine.external_id, WindTurbine._view_id)["blades"]
        ]
        for blade in turbine.blades:
            assert isinstance(blade, Blade)
            assert blade.sensor_positions is not None
            assert ids(blade.sensor_positions) == [f"sensor-{blade.external_id}-1"]  # type: ignore[arg-type]
    assert transport.counts["query"] == 1
    assert transport.total() == 1


@pytest.mark.parametrize("plan", ["query", "layered"])
def test_a_sorted_direct_relation_comes_in_sort_order(windturbine: Any, client_of: Any, plan: str) -> None:
    client, _ = client_of(windturbine)
    select = WindTurbineSelect(client, plan=plan).name.equals("WT 05")  # type: ignore[arg-type]
    select.blades.name.sort_descending()

    [turbine] = select.list_full()

    assert ids(turbine.blades) == ["blade-05-2", "blade-05-1", "blade-05-0"]  # type: ignore[arg-type]


def test_iterate_hands_out_chunks_of_the_current_step(windturbine: Any, client_of: Any) -> None:
    client, _ = client_of(windturbine)

    chunks = list(WindTurbineSelect(client).blades.iterate(chunk_size=7))

    assert [len(chunk) for chunk in chunks] == [7] * 8 + [4]
    assert len({item.external_id for chunk in chunks for item in chunk}) == 60
    assert all(isinstance(item, Blade) for chunk in chunks for item in chunk)
    with pytest.raises(InvalidArgumentError, match="chunk_size must be a whole number >= 1"):
        next(WindTurbineSelect(client).iterate(chunk_size=0))


@pytest.mark.parametrize("plan", ["query", "layered"])
def test_only_the_chosen_properties_are_kept(windturbine: Any, client_of: Any, plan: str) -> None:
    client, _ = client_of(windturbine)
    start = Query.nodes(WindTurbine._view_id, properties=["name"], limit=3)
    start.direct("blades", "blades", Blade._view_id, properties=["is_damaged"])

    results = start.execute(client, plan=plan).collect()  # type: ignore[arg-type]

    assert [set(turbine.properties) for turbine in results] == [{"name", "blades"}] * 3
    assert {
        frozenset(blade.properties) for turbine in results for blade in turbine.connections["blades"]
    } == {frozenset({"is_damaged"})}


def test_direct_relation_filters_and_explain(windturbine: Any, client_of: Any) -> None:
    client, _ = client_of(windturbine)
    blade = NodeId(space=WIND_SPACE, external_id="blade-05-2")

    one = SensorPositionSelect(client).blade_id.equals(blade).list_sensor_position()
    two = (
        SensorPositionSelect(client)
        .blade_id.in_([blade, (WIND_SPACE, "blade-06-0")])
        .position.sort_ascending()
    )

    assert sorted(ids(one)) == ["sensor-blade-05-2-0", "sensor-blade-05-2-1"]
    assert len(two.list_sensor_position()) == 4
    assert "Strategy: layered" in str(two.explain())
    with pytest.raises(
        InvalidArgumentError, match=r"blade: expected a NodeId or a \(space, external_id\) pair"
    ):
        SensorPositionSelect(client).blade_id.equals("blade-05-2")  # type: ignore[arg-type]


def test_the_same_traversal_twice_is_one_step(windturbine: Any, client_of: Any) -> None:
    client, _ = client_of(windturbine)
    select = WindTurbineSelect(client)

    select.blades.name.prefix("blade-0")
    select.blades.is_damaged.equals(False)

    [blades_step] = select._step.children
    assert blades_step.filter is not None
    assert len(blades_step.filter["and"]) == 2
    assert repr(select.blades) == "BladeSelect(at 'WindTurbine.blades')"


class _Untyped(Select[Any]):
    when = TimeProperty("when")
    tags = ListProperty("tags")


class AssetSelect(Select[ResultItem]):
    _view_id = ViewId(space="cdf_cdm", external_id="CogniteAsset", version="v1")

    source_created_time = TimeProperty("sourceCreatedTime")
    tags = ListProperty("tags")


def test_time_and_list_filters_write_cdfs_filter_language(windturbine: Any, client_of: Any) -> None:
    client, _ = client_of(windturbine)
    since = datetime(2024, 1, 1, 12, 30)

    select = (
        AssetSelect(client).source_created_time.range(since, date(2024, 2, 1)).tags.contains_any(["a", since])
    )

    reference = ["cdf_cdm", "CogniteAsset/v1"]
    assert select._step.filter == {
        "and": [
            {
                "range": {
                    "property": [*reference, "sourceCreatedTime"],
                    "gte": "2024-01-01T12:30:00.000+00:00",
                    "lte": "2024-02-01",
                }
            },
            {
                "containsAny": {
                    "property": [*reference, "tags"],
                    "values": ["a", "2024-01-01T12:30:00.000+00:00"],
                }
            },
        ]
    }
    with pytest.raises(InvalidArgumentError, match=r"sourceCreatedTime: give at least one bound"):
        AssetSelect(client).source_created_time.range()


def test_a_select_class_needs_a_view(windturbine: Any, client_of: Any) -> None:
    client, _ = client_of(windturbine)

    with pytest.raises(InvalidArgumentError, match="_Untyped has no view: a select class needs `_view_id"):
        _Untyped(client)


def test_full_connections_fill_typed_fields_one_level_deep(windturbine: Any, client_of: Any) -> None:
    client, transport = client_of(windturbine)
    turbines = WindTurbineSelect(client).name.prefix("WT 0").list_wind_turbine(limit=None)
    sensors = SensorPositionSelect(client).position.equals(0.0).list_sensor_position(limit=5)
    blades = BladeSelect(client).is_damaged.equals(True).list_blade(limit=None)
    transport.counts.clear()

    fill_connections(client, turbines, {"blades": Blade, "metmast": Metmast})
    turbine_requests = dict(transport.counts)
    fill_connections(client, sensors, {"blade": Blade})
    fill_connections(client, blades, {"sensor_positions": SensorPosition})

    assert len(turbines) == 10
    for turbine in turbines:
        number = int(turbine.external_id.removeprefix("wt-"))
        assert turbine.blades is not None
        assert ids(turbine.blades) == [f"blade-{number:02d}-{index}" for index in range(3)]  # type: ignore[arg-type]
        assert all(isinstance(blade, Blade) for blade in turbine.blades)
        assert ids(turbine.metmast) == [f"mast-{number % 4}"]  # type: ignore[arg-type]
    # The turbines by id, their 30 blades by id, the edges, the 3 masts at their far ends by id.
    assert turbine_requests == {"byids": 3, "list": 1}
    for sensor in sensors:
        assert isinstance(sensor.blade, Blade)
        assert (
            sensor.blade.external_id
            == props(windturbine, sensor.external_id, SensorPosition._view_id)["blade"]["externalId"]
        )
    for blade in blades:
        assert ids(blade.sensor_positions) == [
            f"sensor-{blade.external_id}-{position}" for position in range(2)
        ]  # type: ignore[arg-type]
    with pytest.raises(
        InvalidArgumentError, match="WindTurbine has no connection or direct relation named 'nope'"
    ):
        fill_connections(client, turbines, {"nope": Blade})
    fill_connections(client, [], {"blades": Blade})


class LazyTurbine(NodeRead):
    """A read class as generated SDKs have them: its relation names a class defined later (a
    generated module imports it for type checkers only), so pydantic builds it on first use."""

    _view_id: ClassVar[ViewId] = WindTurbine._view_id

    name: str | None = None
    blades: list[LaterBlade | NodeId] | None = None


class LaterBlade(Blade):
    pass


def test_full_connections_of_a_class_not_built_yet_keep_a_list_relation_a_list(
    windturbine: Any, client_of: Any
) -> None:
    client, _ = client_of(windturbine)
    # Made without validation, so the class is still unbuilt (as after reading from the bytes).
    turbine = LazyTurbine.model_construct(
        space=WIND_SPACE, external_id="wt-05", version=1, created_time=0, last_updated_time=0
    )
    assert not LazyTurbine.__pydantic_complete__

    fill_connections(client, [turbine], {"blades": LaterBlade})

    assert isinstance(turbine.blades, list)
    assert ids(turbine.blades) == ["blade-05-0", "blade-05-1", "blade-05-2"]  # type: ignore[arg-type]
    assert all(isinstance(blade, LaterBlade) for blade in turbine.blades)


def test_a_terminal_fetches_only_its_path_and_the_builder_runs_again(
    windturbine: Any, client_of: Any
) -> None:
    client, transport = client_of(windturbine)
    select = WindTurbineSelect(client).name.prefix("WT")
    select.metmast.position.equals(1.0)  # a branch off the path to the blades
    blades = select.blades

    first = blades.list_blade(limit=None)
    sent_first = dict(transport.counts)
    again = blades.list_blade(limit=None)
    turbines = select.list_wind_turbine(limit=3)

    assert ids(first) == ids(again)
    assert len(first) == 30
    # The turbines, then their blades by id: no edges, no metmasts.
    assert sent_first == {"list": 1, "byids": 1}
    assert len(turbines) == 3
