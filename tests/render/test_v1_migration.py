"""What code written for a pygen v1 SDK expects of a generated SDK, against the emulator: the
spellings of v1 that the generated APIs accept (``limit=-1``, ``search_property=``,
``iterate(retrieve_connections=...)``), typed lists from ``select()``, and an edge API for edges
without properties. Each test uses the golden SDKs, as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from golden_sdks import import_sdk
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator
from shared_cdf import model_file

from pygen_runtime import ClientConfig, InvalidArgumentError, Token

WIND_SPACE = "wind_instances"  # the golden WindTurbine case's instance space
TURBINES = 30  # more than list's default of 25


@pytest.fixture
def wind() -> Any:
    return import_sdk("WindTurbine")


@pytest.fixture
def wind_client(wind: Any) -> Iterator[Any]:
    emulator = Emulator(project="wind")
    emulator.load_model(model_file("WindTurbine"))
    config = ClientConfig(base_url=emulator.base_url, project=emulator.project, credentials=Token("t"))
    with wind.WindTurbineClient(config, transport=emulator.transport()) as client:
        client.cdf.spaces.apply(Space(space=WIND_SPACE))
        yield client


@pytest.fixture
def farm(wind: Any, wind_client: Any) -> Any:
    """30 turbines in two farms with two blades each; each blade has a sensor position, the first
    ten turbines a metmast (through a Distance edge)."""
    turbines = [
        wind.WindTurbineWrite(
            external_id=f"wt-{number:02d}",
            name=f"WT {number:02d}",
            capacity=float(number),
            windfarm="north" if number % 2 else "south",
            blades=[
                wind.BladeWrite(external_id=f"wt-{number:02d}-b{blade}", name=f"blade {blade}")
                for blade in (1, 2)
            ],
            metmast=[wind.MetmastWrite(external_id=f"mast-{number:02d}", position=float(number))]
            if number < 10
            else None,
        )
        for number in range(TURBINES)
    ]
    positions = [
        wind.SensorPositionWrite(
            external_id=f"pos-{number:02d}-b{blade}", blade=(WIND_SPACE, f"wt-{number:02d}-b{blade}")
        )
        for number in range(TURBINES)
        for blade in (1, 2)
    ]
    wind_client.upsert([*turbines, *positions])
    return wind_client


def test_limit_minus_one_lists_every_node_where_the_default_stops_at_25(farm: Any) -> None:
    assert len(farm.wind_turbine.list()) == 25
    assert len(farm.wind_turbine.list(limit=-1)) == TURBINES
    assert len(farm.blade.list(limit=-1)) == 2 * TURBINES
    assert sum(len(chunk) for chunk in farm.wind_turbine.iterate(chunk_size=7, limit=-1)) == TURBINES
    assert len(farm.wind_turbine.search("WT", limit=-1)) == TURBINES
    assert len(farm.wind_turbine.select().blades.list_blade(limit=-1)) == 2 * TURBINES
    per_farm = farm.wind_turbine.aggregate("count", group_by="windfarm", limit=-1)
    assert sorted(result.value("count") for result in per_farm) == [TURBINES // 2, TURBINES // 2]


def test_aggregate_and_histogram_take_v1_search_property_and_several_properties(farm: Any) -> None:
    # "north" is in the windfarm of the odd-numbered turbines only.
    [north] = farm.wind_turbine.aggregate("count", query="north", search_property="windfarm")
    [same] = farm.wind_turbine.aggregate("count", query="north", search_properties=["windfarm"])
    [everywhere] = farm.wind_turbine.aggregate("count", query="north", search_property="name")
    [counts] = farm.wind_turbine.aggregate("count", property=["capacity", "name"])
    histogram = farm.wind_turbine.histogram("capacity", 10.0, query="north", search_property="windfarm")

    assert north.value("count") == same.value("count") == TURBINES // 2
    assert everywhere.value("count") == 0  # no name holds "north"
    assert (counts.value("count", "capacity"), counts.value("count", "name")) == (TURBINES, TURBINES)
    assert {bucket.start: bucket.count for bucket in histogram.buckets} == {0.0: 5, 10.0: 5, 20.0: 5}


def test_iterate_fills_the_connections_of_every_chunk(wind: Any, farm: Any) -> None:
    identifiers = list(farm.wind_turbine.iterate(chunk_size=4, retrieve_connections="identifier"))
    full = list(farm.wind_turbine.iterate(chunk_size=4, retrieve_connections="full"))
    skipped = list(farm.wind_turbine.iterate(chunk_size=4))
    blades = list(farm.blade.iterate(chunk_size=7, retrieve_connections="identifier"))

    assert [len(chunk) for chunk in full] == [4] * 7 + [2]
    for chunks in (identifiers, full):
        turbines = [turbine for chunk in chunks for turbine in chunk]
        assert len(turbines) == TURBINES
        masts = {turbine.external_id: [mast.external_id for mast in turbine.metmast] for turbine in turbines}
        expected = {f"wt-{number:02d}": [f"mast-{number:02d}"] if number < 10 else [] for number in range(30)}
        assert masts == expected
    for turbine in (turbine for chunk in full for turbine in chunk):
        assert all(isinstance(blade, wind.Blade) for blade in turbine.blades)
        assert all(isinstance(mast, wind.Metmast) for mast in turbine.metmast)
        assert [blade.name for blade in turbine.blades] == ["blade 1", "blade 2"]
    assert all(turbine.metmast is None for chunk in skipped for turbine in chunk)
    assert [len(chunk) for chunk in blades] == [7] * 8 + [4]
    positions = {blade.external_id: blade.sensor_positions for chunk in blades for blade in chunk}
    assert all(
        [position.external_id for position in found] == [f"pos-{blade[3:]}"]
        for blade, found in positions.items()
    )
    with pytest.raises(InvalidArgumentError, match="retrieve_connections must be"):
        farm.wind_turbine.iterate(retrieve_connections="all")


def test_select_results_are_the_views_typed_lists(wind: Any, farm: Any) -> None:
    north = farm.wind_turbine.select().windfarm.equals("north")

    blades = north.blades.list_blade(limit=-1)
    chunks = list(farm.wind_turbine.select().blades.iterate(chunk_size=25))
    full = farm.wind_turbine.select().name.prefix("WT 0").blades.sensor_positions.list_full(limit=None)

    assert type(blades) is wind.BladeList
    assert len(blades) == TURBINES  # two blades on each of the 15 northern turbines
    frame = blades.to_pandas()
    assert frame.shape == (TURBINES, len(wind.Blade.model_fields))
    assert sorted(frame["name"].unique()) == ["blade 1", "blade 2"]
    assert blades.dump()[0]["properties"]["sp_pygen_power"]["Blade/1"]["name"] in ("blade 1", "blade 2")
    assert "<table" in blades._repr_html_()
    assert [type(chunk) for chunk in chunks] == [wind.BladeList] * 3
    assert [len(chunk) for chunk in chunks] == [25, 25, 10]
    # list_full: the start's view's list class, with the path filled in, traversable.
    assert type(full) is wind.WindTurbineList
    assert sorted(turbine.external_id for turbine in full) == [f"wt-{number:02d}" for number in range(10)]
    assert full.to_pandas().shape[0] == 10
    assert type(full.blades) is wind.BladeList
    positions = full.blades.sensor_positions
    assert type(positions) is wind.SensorPositionList
    assert sorted(position.external_id for position in positions) == sorted(
        f"pos-{number:02d}-b{blade}" for number in range(10) for blade in (1, 2)
    )
