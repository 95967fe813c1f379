"""The golden WindTurbine SDK against the emulator with a wind farm described in plain Python
(turbines with blades, nacelles and data sheets; metmasts with Distance edges; sensor positions
on blades): written through the SDK's write classes, read back through every kind of API, and
compared with what the description says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import ModuleType
from typing import Any

import pytest
from functional_clients import emulator_for, golden_sdk, typed_client
from pygen_runtime.schema import NodeId

SPACE = "wind-farm"
FARMS = ("north", "south", "east")


@dataclass
class Farm:
    """The wind farm, as plain data: what is written and what every answer is checked against."""

    turbines: dict[str, dict[str, Any]] = field(default_factory=dict)
    blades: dict[str, dict[str, Any]] = field(default_factory=dict)
    sheets: dict[str, dict[str, Any]] = field(default_factory=dict)
    masts: dict[str, float] = field(default_factory=dict)
    # (turbine, mast) -> distance
    distances: dict[tuple[str, str], float] = field(default_factory=dict)
    # sensor position -> (blade, position)
    sensors: dict[str, tuple[str, float]] = field(default_factory=dict)


def describe_farm() -> Farm:
    farm = Farm()
    for index in range(3):
        farm.masts[f"mast-{index}"] = 10.0 * index + 1.5
    for number in range(12):
        turbine = f"wt-{number:02d}"
        blades = [f"{turbine}-blade-{b}" for b in range(3)]
        sheets = [f"sheet-{(number + k) % 5}" for k in range(2)]
        farm.turbines[turbine] = {
            "name": f"WT {number:02d} {FARMS[number % 3]} tower",
            "capacity": 2.0 + 0.5 * number,
            "windfarm": FARMS[number % 3],
            "blades": blades,
            "datasheets": sheets,
            "nacelle": f"{turbine}-nacelle",
        }
        for index, blade in enumerate(blades):
            farm.blades[blade] = {"name": f"blade {index}", "is_damaged": (number + index) % 4 == 0}
            if index < 2:
                farm.sensors[f"{blade}-sensor"] = (blade, 5.0 * (index + 1))
        for mast in farm.masts:
            if (number + int(mast[-1])) % 2 == 0:
                farm.distances[(turbine, mast)] = round(100.0 + 7.25 * number + int(mast[-1]), 2)
    for sheet in range(5):
        farm.sheets[f"sheet-{sheet}"] = {
            "name": f"Data sheet {sheet}",
            "uploaded_time": datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(days=sheet * 10),
            "is_uploaded": sheet % 2 == 0,
            "mime_type": "application/pdf" if sheet < 3 else "text/plain",
        }
    return farm


def write_objects(sdk: ModuleType, farm: Farm) -> list[Any]:
    """The farm as the SDK's write objects: blades, data sheets and nacelles inline in their
    turbines; Distance edges through the edge class."""
    sheets = {key: sdk.DataSheetWrite(external_id=key, **values) for key, values in farm.sheets.items()}
    items: list[Any] = [
        sdk.WindTurbineWrite(
            external_id=turbine,
            name=values["name"],
            capacity=values["capacity"],
            windfarm=values["windfarm"],
            blades=[sdk.BladeWrite(external_id=blade, **farm.blades[blade]) for blade in values["blades"]],
            datasheets=[sheets[sheet] for sheet in values["datasheets"]],
            nacelle=sdk.NacelleWrite(external_id=values["nacelle"]),
        )
        for turbine, values in farm.turbines.items()
    ]
    items.extend(
        sdk.MetmastWrite(external_id=mast, position=position) for mast, position in farm.masts.items()
    )
    items.extend(
        sdk.DistanceWrite(
            external_id=f"{turbine}-to-{mast}",
            type=NodeId(space="sp_pygen_power_enterprise", external_id="Distance"),
            start_node=(SPACE, turbine),
            end_node=(SPACE, mast),
            distance=distance,
        )
        for (turbine, mast), distance in farm.distances.items()
    )
    items.extend(
        sdk.SensorPositionWrite(external_id=sensor, blade=(SPACE, blade), position=position)
        for sensor, (blade, position) in farm.sensors.items()
    )
    return items


@dataclass
class Written:
    sdk: ModuleType
    client: Any
    farm: Farm


@pytest.fixture(scope="module")
def written() -> Iterator[Written]:
    farm = describe_farm()
    with golden_sdk("WindTurbine", "wind_turbine_sdk") as sdk:
        emulator = emulator_for("WindTurbine", "wind-farm")
        with typed_client(sdk.WindTurbineClient, emulator, SPACE) as client:
            client.upsert(write_objects(sdk, farm))
            yield Written(sdk, client, farm)


def ids(items: Any) -> list[str]:
    return sorted(item.external_id for item in items)


def node_ids(values: Any) -> list[str]:
    return sorted(value.external_id for value in values or [])


def test_retrieve_gives_each_turbine_as_written(written: Written) -> None:
    farm = written.farm
    found = written.client.wind_turbine.retrieve(sorted(farm.turbines))
    assert isinstance(found, written.sdk.WindTurbineList)
    assert [turbine.external_id for turbine in found] == sorted(farm.turbines)
    for turbine in found:
        wanted = farm.turbines[turbine.external_id]
        assert (turbine.name, turbine.capacity, turbine.windfarm) == (
            wanted["name"],
            wanted["capacity"],
            wanted["windfarm"],
        )
        assert [blade.external_id for blade in turbine.blades] == wanted["blades"]
        assert [sheet.external_id for sheet in turbine.datasheets] == wanted["datasheets"]
        assert turbine.nacelle == NodeId(space=SPACE, external_id=wanted["nacelle"])
    sheet = written.client.data_sheet.retrieve("sheet-3")
    assert (sheet.name, sheet.uploaded_time, sheet.is_uploaded, sheet.mime_type) == tuple(
        farm.sheets["sheet-3"][key] for key in ("name", "uploaded_time", "is_uploaded", "mime_type")
    )


def test_list_with_every_filter_kind_matches_the_description(written: Written) -> None:
    farm, client = written.farm, written.client

    def turbines(**filters: Any) -> list[str]:
        return ids(client.wind_turbine.list(limit=None, **filters))

    def expected(keep: Any) -> list[str]:
        return sorted(key for key, values in farm.turbines.items() if keep(values))

    assert turbines(windfarm="north") == expected(lambda t: t["windfarm"] == "north")
    assert turbines(windfarm=["north", "east"]) == expected(lambda t: t["windfarm"] in ("north", "east"))
    assert turbines(name_prefix="WT 1") == expected(lambda t: t["name"].startswith("WT 1"))
    assert turbines(min_capacity=3.0, max_capacity=5.0) == expected(lambda t: 3.0 <= t["capacity"] <= 5.0)
    blade = farm.turbines["wt-04"]["blades"][1]
    assert turbines(blades_contains_any=[blade, "no-blade"]) == expected(lambda t: blade in t["blades"])
    both = ["sheet-1", "sheet-2"]
    assert turbines(datasheets_contains_all=both) == expected(lambda t: set(both) <= set(t["datasheets"]))
    assert turbines(nacelle=("wind-farm", "wt-07-nacelle")) == ["wt-07"]
    assert turbines(external_id_prefix="wt-1") == expected_prefix(farm.turbines, "wt-1")
    assert turbines(space=SPACE) == sorted(farm.turbines)
    assert turbines(space="elsewhere") == []
    assert ids(client.blade.list(is_damaged=True, limit=None)) == sorted(
        key for key, values in farm.blades.items() if values["is_damaged"]
    )
    moment = datetime(2024, 1, 15, tzinfo=timezone.utc)
    assert ids(client.data_sheet.list(min_uploaded_time=moment, is_uploaded=True)) == sorted(
        key
        for key, values in farm.sheets.items()
        if values["uploaded_time"] >= moment and values["is_uploaded"]
    )
    assert ids(client.data_sheet.list(mime_type="text/plain")) == sorted(
        key for key, values in farm.sheets.items() if values["mime_type"] == "text/plain"
    )
    assert ids(client.metmast.list(min_position=5.0)) == sorted(
        key for key, position in farm.masts.items() if position >= 5.0
    )
    sorted_by_capacity = client.wind_turbine.list(sort_by="capacity", direction="descending", limit=3)
    assert [item.external_id for item in sorted_by_capacity] == sorted(
        farm.turbines, key=lambda key: farm.turbines[key]["capacity"], reverse=True
    )[:3]


def expected_prefix(values: dict[str, Any], prefix: str) -> list[str]:
    return sorted(key for key in values if key.startswith(prefix))


def test_metmast_edges_are_read_with_their_distance_and_filtered(written: Written) -> None:
    farm, edges = written.farm, written.client.wind_turbine.metmast_edge
    listed = edges.list(limit=None)
    assert sorted((edge.start_node.external_id, edge.end_node.external_id) for edge in listed) == sorted(
        farm.distances
    )
    for edge in listed:
        assert edge.distance == farm.distances[(edge.start_node.external_id, edge.end_node.external_id)]
    assert sorted(edge.end_node.external_id for edge in edges.list(start_node="wt-03", limit=None)) == sorted(
        mast for turbine, mast in farm.distances if turbine == "wt-03"
    )
    assert sorted(
        edge.external_id for edge in edges.list(end_node="mast-1", min_distance=120.0, limit=None)
    ) == sorted(
        f"{turbine}-to-{mast}"
        for (turbine, mast), distance in farm.distances.items()
        if mast == "mast-1" and distance >= 120.0
    )
    assert len(written.client.distance.list(limit=None)) == len(farm.distances)


def test_edges_and_reverse_relations_are_filled_with_identifiers(written: Written) -> None:
    farm, client = written.farm, written.client
    turbine = client.wind_turbine.retrieve("wt-02", retrieve_connections="identifier")
    assert node_ids(turbine.metmast) == sorted(mast for t, mast in farm.distances if t == "wt-02")
    masts = client.metmast.retrieve(sorted(farm.masts), retrieve_connections="identifier")
    for mast in masts:
        assert node_ids(mast.wind_turbines) == sorted(t for t, m in farm.distances if m == mast.external_id)
    blades = client.blade.list(limit=None, retrieve_connections="identifier")
    assert len(blades) == len(farm.blades)
    for blade in blades:
        assert node_ids(blade.sensor_positions) == sorted(
            sensor for sensor, (owner, _) in farm.sensors.items() if owner == blade.external_id
        )
    nacelle = client.nacelle.retrieve("wt-05-nacelle", retrieve_connections="identifier")
    assert nacelle.wind_turbine == NodeId(space=SPACE, external_id="wt-05")


def test_search_aggregate_and_histogram_match_the_description(written: Written) -> None:
    farm, api = written.farm, written.client.wind_turbine
    assert ids(api.search("north", properties="name", limit=100)) == sorted(
        key for key, values in farm.turbines.items() if "north" in values["name"].split()
    )
    assert ids(api.search("tower", properties=["name"], windfarm="east", limit=100)) == sorted(
        key for key, values in farm.turbines.items() if values["windfarm"] == "east"
    )
    capacities = [values["capacity"] for values in farm.turbines.values()]
    result = api.aggregate(["avg", "max", "min", "sum"], "capacity")[0]
    assert result.value("avg", "capacity") == pytest.approx(sum(capacities) / len(capacities))
    assert (result.value("min", "capacity"), result.value("max", "capacity")) == (
        min(capacities),
        max(capacities),
    )
    assert result.value("sum", "capacity") == pytest.approx(sum(capacities))
    per_farm = {
        group.group["windfarm"]: group.value("count") for group in api.aggregate("count", group_by="windfarm")
    }
    assert per_farm == dict(Counter(values["windfarm"] for values in farm.turbines.values()))
    average_north = api.aggregate("avg", "capacity", windfarm="north")[0].value("avg", "capacity")
    north = [values["capacity"] for values in farm.turbines.values() if values["windfarm"] == "north"]
    assert average_north == pytest.approx(sum(north) / len(north))
    histogram = api.histogram("capacity", interval=2.0)
    counted = {bucket.start: bucket.count for bucket in histogram.buckets if bucket.count}
    assert counted == dict(Counter(float(int(capacity // 2.0) * 2.0) for capacity in capacities))


def test_to_pandas_of_a_list_has_a_row_per_turbine(written: Written) -> None:
    frame = written.client.wind_turbine.list(limit=None).to_pandas()
    assert sorted(frame["external_id"]) == sorted(written.farm.turbines)
    for _, row in frame.iterrows():
        wanted = written.farm.turbines[row["external_id"]]
        assert (row["name"], row["capacity"], row["windfarm"]) == (
            wanted["name"],
            wanted["capacity"],
            wanted["windfarm"],
        )


def test_as_write_round_trip_upserts_unchanged_data(written: Written) -> None:
    client = written.client
    before = client.wind_turbine.list(limit=None)
    edges_before = client.wind_turbine.metmast_edge.list(limit=None)
    result = client.upsert([*before.as_write(), *edges_before.as_write()])
    assert len(result.nodes) == len(before)
    assert len(result.edges) == len(edges_before)
    after = client.wind_turbine.list(limit=None)
    assert [item.property_values() for item in after] == [item.property_values() for item in before]
    # The data is the same, so CDF changes nothing: no new versions.
    assert not any(item.was_modified for item in result.items)
    assert [item.version for item in after] == [item.version for item in before]
    edges_after = client.wind_turbine.metmast_edge.list(limit=None)
    assert [edge.distance for edge in edges_after] == [edge.distance for edge in edges_before]


def test_delete_removes_a_turbine_and_its_edges() -> None:
    farm = describe_farm()
    with golden_sdk("WindTurbine", "wind_turbine_sdk") as sdk:
        emulator = emulator_for("WindTurbine", "wind-farm-delete")
        with typed_client(sdk.WindTurbineClient, emulator, SPACE) as client:
            client.upsert(write_objects(sdk, farm))
            deleted = client.delete(["wt-00", "sheet-4"])
            assert node_ids(deleted) == ["sheet-4", "wt-00"]
            assert client.wind_turbine.retrieve("wt-00") is None
            assert ids(client.wind_turbine.list(limit=None)) == sorted(set(farm.turbines) - {"wt-00"})
            assert client.wind_turbine.metmast_edge.list(start_node="wt-00", limit=None) == []
            assert len(client.wind_turbine.metmast_edge.list(limit=None)) == len(
                [pair for pair in farm.distances if pair[0] != "wt-00"]
            )
            assert ids(client.data_sheet.list(limit=None)) == sorted(set(farm.sheets) - {"sheet-4"})


def test_retrieve_connections_full_gives_the_connected_nodes_as_read_objects(written: Written) -> None:
    farm, sdk = written.farm, written.sdk
    turbine = written.client.wind_turbine.retrieve("wt-02", retrieve_connections="full")
    wanted = farm.turbines["wt-02"]
    assert all(isinstance(blade, sdk.Blade) for blade in turbine.blades)
    assert sorted((blade.external_id, blade.name, blade.is_damaged) for blade in turbine.blades) == sorted(
        (blade, farm.blades[blade]["name"], farm.blades[blade]["is_damaged"]) for blade in wanted["blades"]
    )
    assert all(isinstance(mast, sdk.Metmast) for mast in turbine.metmast)
    assert sorted((mast.external_id, mast.position) for mast in turbine.metmast) == sorted(
        (mast, farm.masts[mast]) for t, mast in farm.distances if t == "wt-02"
    )
    assert all(isinstance(sheet, sdk.DataSheet) for sheet in turbine.datasheets)
    assert sorted((sheet.external_id, sheet.name) for sheet in turbine.datasheets) == sorted(
        (sheet, farm.sheets[sheet]["name"]) for sheet in wanted["datasheets"]
    )
    assert isinstance(turbine.nacelle, sdk.Nacelle)
    assert turbine.nacelle.external_id == wanted["nacelle"]
