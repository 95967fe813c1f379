"""The generated WindTurbine SDK (the golden copy) against the emulator: the whole typed API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from golden_sdks import import_sdk
from pygen_runtime.schema import NodeId, Space
from pygen_runtime.testing import Emulator
from shared_cdf import model_file

from pygen_runtime import ClientConfig, Token

INSTANCE_SPACE = "wind_instances"  # the golden case's instance_space


@pytest.fixture
def sdk() -> Any:
    return import_sdk("WindTurbine")


@pytest.fixture
def client(sdk: Any) -> Iterator[Any]:
    emulator = Emulator(project="wind")
    emulator.load_model(model_file("WindTurbine"))
    config = ClientConfig(base_url=emulator.base_url, project=emulator.project, credentials=Token("t"))
    with sdk.WindTurbineClient(config, transport=emulator.transport()) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        yield client


@pytest.fixture
def farm(sdk: Any, client: Any) -> Any:
    """Three turbines, two with blades and one with a metmast, written in one upsert."""
    turbines = [
        sdk.WindTurbineWrite(
            external_id=f"wt-{number}",
            name=f"WT {number}",
            capacity=float(number),
            windfarm="north" if number < 3 else "south",
            blades=[sdk.BladeWrite(external_id=f"wt-{number}-blade", is_damaged=number == 2)]
            if number < 3
            else None,
            metmast=[sdk.MetmastWrite(external_id="mast", position=1.5)] if number == 1 else None,
        )
        for number in (1, 2, 3)
    ]
    sheet = sdk.DataSheetWrite(
        external_id="sheet", name="Sheet", uploaded_time=datetime(2024, 1, 2, tzinfo=timezone.utc)
    )
    series = sdk.SensorTimeSeriesWrite(external_id="series", type_="numeric", aliases=["a", "b"])
    return client.upsert([*turbines, sheet, series])


def test_the_client_uses_the_configured_instance_space(client: Any) -> None:
    assert client.instance_space == INSTANCE_SPACE


def test_upsert_writes_nodes_inline_targets_and_edges(farm: Any) -> None:
    written = {(item.instance_type, item.external_id) for item in farm.items}
    assert ("node", "wt-1-blade") in written
    assert ("node", "mast") in written
    assert ("edge", "Distance:wt-1:mast") in written
    assert len(farm.nodes) == 8


@pytest.mark.usefixtures("farm")
def test_retrieve_one_many_and_missing(sdk: Any, client: Any) -> None:
    one = client.wind_turbine.retrieve("wt-1")
    assert isinstance(one, sdk.WindTurbine)
    assert (one.name, one.capacity, one.blades) == (
        "WT 1",
        1.0,
        [NodeId(space=INSTANCE_SPACE, external_id="wt-1-blade")],
    )
    many = client.wind_turbine.retrieve(["wt-2", (INSTANCE_SPACE, "wt-3"), "nope"])
    assert isinstance(many, sdk.WindTurbineList)
    assert [item.external_id for item in many] == ["wt-2", "wt-3"]
    assert client.wind_turbine.retrieve("nope") is None
    connected = client.wind_turbine.retrieve("wt-1", retrieve_connections="identifier")
    assert connected.metmast == [NodeId(space=INSTANCE_SPACE, external_id="mast")]


@pytest.mark.usefixtures("farm")
def test_list_with_typed_filters(client: Any) -> None:
    def names(**filters: Any) -> list[str]:
        return sorted(item.external_id for item in client.wind_turbine.list(**filters))

    assert names() == ["wt-1", "wt-2", "wt-3"]
    assert names(name="WT 2") == ["wt-2"]
    assert names(name=["WT 1", "WT 3"]) == ["wt-1", "wt-3"]
    assert names(name_prefix="WT", min_capacity=2.0) == ["wt-2", "wt-3"]
    assert names(max_capacity=1.5) == ["wt-1"]
    assert names(windfarm="south") == ["wt-3"]
    assert names(blades_contains_any=["wt-2-blade"]) == ["wt-2"]
    assert names(external_id_prefix="wt-1") == ["wt-1"]
    assert names(space="elsewhere") == []
    assert [
        item.external_id
        for item in client.wind_turbine.list(sort_by="capacity", direction="descending", limit=2)
    ] == [
        "wt-3",
        "wt-2",
    ]
    assert [item.external_id for item in client.blade.list(is_damaged=True)] == ["wt-2-blade"]
    assert [item.external_id for item in client.sensor_time_series.list(type_="numeric")] == ["series"]
    assert [item.external_id for item in client.sensor_time_series.list(aliases_contains_all=["a", "b"])] == [
        "series"
    ]
    early = client.data_sheet.list(max_uploaded_time=datetime(2024, 6, 1, tzinfo=timezone.utc))
    assert [item.external_id for item in early] == ["sheet"]


@pytest.mark.usefixtures("farm")
def test_iterate_in_chunks_with_filters(client: Any) -> None:
    chunks = list(client.wind_turbine.iterate(chunk_size=2, windfarm="north"))
    assert [len(chunk) for chunk in chunks] == [2]
    chunks = list(client.wind_turbine.iterate(chunk_size=2))
    assert sum(len(chunk) for chunk in chunks) == 3
    assert max(len(chunk) for chunk in chunks) == 2


@pytest.mark.usefixtures("farm")
def test_search_aggregate_and_histogram(client: Any) -> None:
    assert sorted(item.external_id for item in client.wind_turbine.search("WT", windfarm="north")) == [
        "wt-1",
        "wt-2",
    ]
    [total] = client.wind_turbine.aggregate("count")
    assert total.value("count") == 3
    per_farm = client.wind_turbine.aggregate("count", group_by="windfarm")
    assert {result.group["windfarm"]: result.value("count") for result in per_farm} == {
        "north": 2,
        "south": 1,
    }
    [average] = client.wind_turbine.aggregate("avg", "capacity", min_capacity=2.0)
    assert average.value("avg", "capacity") == 2.5
    histogram = client.wind_turbine.histogram("capacity", 2.0)
    assert sum(bucket.count for bucket in histogram.buckets) == 3


@pytest.mark.usefixtures("farm")
def test_edges_and_reverse_relations(client: Any) -> None:
    edges = client.wind_turbine.metmast_edge.list()
    assert [(edge.start_node.external_id, edge.end_node.external_id) for edge in edges] == [("wt-1", "mast")]
    assert client.wind_turbine.metmast_edge.list(start_node="wt-2") == []
    mast = client.metmast.retrieve("mast", retrieve_connections="identifier")
    assert mast.wind_turbines == [NodeId(space=INSTANCE_SPACE, external_id="wt-1")]
    assert [edge.external_id for edge in client.distance.list()] == ["Distance:wt-1:mast"]


@pytest.mark.usefixtures("farm")
def test_read_objects_convert_to_writes_and_back(sdk: Any, client: Any) -> None:
    turbines = client.wind_turbine.list(windfarm="north")
    writes = turbines.as_write()
    assert isinstance(writes, sdk.WindTurbineWriteList)
    for item in writes:
        item.windfarm = "east"
    client.upsert(writes)
    assert sorted(item.external_id for item in client.wind_turbine.list(windfarm="east")) == ["wt-1", "wt-2"]


@pytest.mark.usefixtures("farm")
def test_delete(client: Any) -> None:
    deleted = client.delete(["wt-3", (INSTANCE_SPACE, "wt-2")])
    assert sorted(node.external_id for node in deleted) == ["wt-2", "wt-3"]
    assert [item.external_id for item in client.wind_turbine.list()] == ["wt-1"]


def test_connection_fields_hold_node_ids_or_the_read_objects_at_the_other_end(sdk: Any) -> None:
    for cls in (sdk.Blade, sdk.Nacelle, sdk.WindTurbine):
        cls.model_rebuild()  # the classes at the other ends are resolved when first built
    assert sdk.Blade.model_fields["sensor_positions"].annotation == list[sdk.SensorPosition | NodeId] | None
    assert sdk.Nacelle.model_fields["wind_turbine"].annotation == sdk.WindTurbine | NodeId | None
    assert sdk.WindTurbine.model_fields["metmast"].annotation == list[sdk.Metmast | NodeId] | None
    assert "metmast" in sdk.WindTurbine._connection_fields
    assert "sensor_positions" not in sdk.BladeWrite.model_fields


def test_from_toml_and_from_env_keep_the_generated_default_instance_space(
    sdk: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "cdf.toml"
    settings.write_text(
        '[cognite]\nbase_url = "https://emulator.invalid"\nproject = "wind"\ntoken = "$WIND_TOKEN"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("WIND_TOKEN", "t")
    with sdk.WindTurbineClient.from_toml(settings) as client:
        assert (client.instance_space, client.cdf.config.project) == (INSTANCE_SPACE, "wind")
    environ = {"CDF_URL": "https://emulator.invalid", "CDF_PROJECT": "wind", "CDF_TOKEN": "t"}
    with sdk.WindTurbineClient.from_env(environ=environ) as client:
        assert client.instance_space == INSTANCE_SPACE
    with sdk.WindTurbineClient.from_env(environ={**environ, "CDF_INSTANCE_SPACE": "other"}) as client:
        assert client.instance_space == "other"


@pytest.mark.usefixtures("farm")
def test_select_filters_follows_relations_and_lists(sdk: Any, client: Any) -> None:
    damaged = (
        client.wind_turbine.select().name.prefix("WT").blades.is_damaged.equals(True).list_blade(limit=10)
    )
    assert [(type(blade), blade.external_id) for blade in damaged] == [(sdk.Blade, "wt-2-blade")]
    masts = client.wind_turbine.select().capacity.range(gte=0.5, lte=1.5).metmast.list_metmast()
    assert [mast.external_id for mast in masts] == ["mast"]
    back = client.metmast.select().wind_turbines.windfarm.equals("north").list_wind_turbine()
    assert [turbine.external_id for turbine in back] == ["wt-1"]
    by_blade = client.wind_turbine.select().blades_ids.contains_any(
        [NodeId(space=INSTANCE_SPACE, external_id="wt-2-blade")]
    )
    assert [turbine.external_id for turbine in by_blade.list_wind_turbine()] == ["wt-2"]
    [full] = client.wind_turbine.select().name.equals("WT 1").blades.list_full()
    assert [blade.external_id for blade in full.blades] == ["wt-1-blade"]


@pytest.mark.usefixtures("farm")
def test_retrieve_connections_full_fills_relations_with_typed_nodes(sdk: Any, client: Any) -> None:
    turbine = client.wind_turbine.retrieve("wt-1", retrieve_connections="full")
    assert [(type(blade), blade.is_damaged) for blade in turbine.blades] == [(sdk.Blade, False)]
    assert [(type(mast), mast.position) for mast in turbine.metmast] == [(sdk.Metmast, 1.5)]
    [mast] = client.metmast.list(retrieve_connections="full")
    assert [turbine.name for turbine in mast.wind_turbines] == ["WT 1"]


@pytest.mark.usefixtures("farm")
def test_a_list_gives_the_connections_of_all_its_items(sdk: Any, client: Any) -> None:
    full = client.wind_turbine.list(retrieve_connections="full")
    blades = full.blades
    assert type(blades) is sdk.BladeList
    assert sorted(blade.external_id for blade in blades) == ["wt-1-blade", "wt-2-blade"]
    assert [mast.external_id for mast in full.metmast] == ["mast"]
    [mast] = client.metmast.list(retrieve_connections="full")
    assert [turbine.external_id for turbine in sdk.MetmastList([mast, mast]).wind_turbines] == ["wt-1"]
    ids = client.wind_turbine.list(retrieve_connections="identifier").metmast
    assert type(ids) is list
    assert ids == [NodeId(space=INSTANCE_SPACE, external_id="mast")]
    assert type(client.wind_turbine.list().nacelle) is sdk.NacelleList  # nothing to give


@pytest.mark.usefixtures("farm")
def test_nodes_read_through_an_interface_view_come_back_as_their_child_view_class(
    sdk: Any, client: Any
) -> None:
    client.upsert(
        [
            sdk.SolarPanelWrite(external_id="sp-1", name="SP 1"),
            sdk.GeneratingUnitWrite(external_id="gu-1", name="GU 1"),
        ]
    )
    listed = {unit.external_id: type(unit) for unit in client.generating_unit.list(limit=None)}
    assert listed == {
        "wt-1": sdk.WindTurbine,
        "wt-2": sdk.WindTurbine,
        "wt-3": sdk.WindTurbine,
        "sp-1": sdk.SolarPanel,
        "gu-1": sdk.GeneratingUnit,
    }
    turbine = client.generating_unit.retrieve("wt-1")
    assert type(turbine) is sdk.WindTurbine
    assert turbine.name == "WT 1"
    assert turbine.capacity == 1.0
    assert turbine.blades == [NodeId(space=INSTANCE_SPACE, external_id="wt-1-blade")]  # the child view's own
    chunks = list(client.generating_unit.iterate(2))
    assert {type(unit) for chunk in chunks for unit in chunk} == {
        sdk.WindTurbine,
        sdk.SolarPanel,
        sdk.GeneratingUnit,
    }
    assert type(client.wind_turbine.retrieve("wt-1")) is sdk.WindTurbine  # a view without children


@pytest.mark.usefixtures("farm")
def test_nodes_reached_through_an_edge_keep_the_edge_and_its_properties(sdk: Any, client: Any) -> None:
    start, end = (
        NodeId(space=INSTANCE_SPACE, external_id="wt-1"),
        NodeId(space=INSTANCE_SPACE, external_id="mast"),
    )
    edge_type = ("sp_pygen_power_enterprise", "Distance")
    client.upsert(
        [
            sdk.DistanceWrite(
                external_id="Distance:wt-1:mast",
                type=edge_type,
                start_node=start,
                end_node=end,
                distance=12.5,
            ),
            sdk.WindTurbineWrite(external_id="wt-2", metmast=[end]),
        ]
    )
    client.upsert(
        [
            sdk.DistanceWrite(
                external_id="Distance:wt-2:mast",
                type=edge_type,
                start_node=("wind_instances", "wt-2"),
                end_node=end,
                distance=40.0,
            )
        ]
    )
    [mast] = client.wind_turbine.select().name.equals("WT 1").metmast.list_metmast()
    assert type(mast.via_edge) is sdk.Distance
    assert (mast.via_edge.distance, mast.via_edge.start_node) == (12.5, start)
    turbines = {
        turbine.external_id: turbine for turbine in client.wind_turbine.select().metmast.list_full(limit=None)
    }
    # One Metmast node, reached through two edges: an object per edge, each with its own.
    [via_first] = turbines["wt-1"].metmast
    [via_second] = turbines["wt-2"].metmast
    assert (via_first.external_id, via_first.via_edge.distance) == ("mast", 12.5)
    assert (via_second.external_id, via_second.via_edge.distance) == ("mast", 40.0)
    assert turbines["wt-1"].via_edge is None  # the start was not reached through an edge
    filled = client.wind_turbine.retrieve("wt-1", retrieve_connections="full")
    [edge] = [mast.via_edge for mast in filled.metmast]
    assert edge.properties_of(sdk.Distance.view_id())["distance"] == 12.5
