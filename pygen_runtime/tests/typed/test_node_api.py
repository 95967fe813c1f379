"""``NodeAPI`` through the reference SDK against the emulator: retrieve, list with every kind of
typed filter, sort, search, aggregate and histogram."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from pygen_runtime.schema import NodeId
from reference_sdk import (
    BladeWrite,
    DataSheetWrite,
    NacelleWrite,
    SensorTimeSeries,
    SensorTimeSeriesWrite,
    WindTurbineClient,
    WindTurbineList,
    WindTurbineWrite,
)

from pygen_runtime import Count, InvalidArgumentError, Sum

SPACE = "windfarm-data"


@pytest.fixture
def farm(client: WindTurbineClient) -> WindTurbineClient:
    """Four turbines in two farms, with blades, a nacelle, data sheets and sensor time series."""
    client.upsert(
        [
            WindTurbineWrite(
                external_id="wt-1",
                name="WT North 1",
                capacity=5.5,
                windfarm="north",
                blades=[
                    BladeWrite(external_id="b-1a", name="Blade 1a", is_damaged=True),
                    ("windfarm-data", "b-1b"),
                ],
                nacelle=NacelleWrite(external_id="nacelle-1"),
                datasheets=[DataSheetWrite(external_id="sheet-1", name="Sheet 1", is_uploaded=True)],
            ),
            WindTurbineWrite(external_id="wt-2", name="WT North 2", capacity=3.0, windfarm="north"),
            WindTurbineWrite(
                external_id="wt-3",
                name="WT South 3",
                capacity=8.0,
                windfarm="south",
                blades=[NodeId(space=SPACE, external_id="b-1b")],
            ),
            WindTurbineWrite(external_id="other-4", name="Old mill", capacity=0.5, windfarm="south"),
            BladeWrite(external_id="b-1b", name="Blade 1b", is_damaged=False),
            DataSheetWrite(
                external_id="sheet-2",
                name="Sheet 2",
                is_uploaded=False,
                uploaded_time=datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc),
            ),
            SensorTimeSeriesWrite(external_id="ts-1", is_step=False, type_="numeric", aliases=["a", "b"]),
            SensorTimeSeriesWrite(external_id="ts-2", is_step=True, type_="string", aliases=["b", "c"]),
        ]
    )
    return client


def ids(items: WindTurbineList | list[SensorTimeSeries]) -> list[str]:
    return sorted(item.external_id for item in items)


def test_retrieve_takes_external_ids_pairs_and_node_ids_and_keeps_the_order_asked(
    farm: WindTurbineClient,
) -> None:
    found = farm.wind_turbine.retrieve(
        ["wt-3", (SPACE, "wt-1"), NodeId(space=SPACE, external_id="wt-2"), "missing"]
    )

    assert [turbine.external_id for turbine in found] == ["wt-3", "wt-1", "wt-2"]
    assert farm.wind_turbine.retrieve("missing") is None
    assert farm.wind_turbine.retrieve("wt-1", space="other-space") is None


def test_retrieve_reads_direct_relations_as_node_ids(farm: WindTurbineClient) -> None:
    turbine = farm.wind_turbine.retrieve("wt-1")

    assert turbine is not None
    assert turbine.nacelle == NodeId(space=SPACE, external_id="nacelle-1")
    assert turbine.blades == [
        NodeId(space=SPACE, external_id="b-1a"),
        NodeId(space=SPACE, external_id="b-1b"),
    ]
    assert turbine.version == 1
    assert turbine.created_time > 0


def test_reverse_direct_relations_are_filled_on_request(farm: WindTurbineClient) -> None:
    nacelle = farm.nacelle.retrieve("nacelle-1", retrieve_connections="identifier")
    skipped = farm.nacelle.retrieve("nacelle-1")

    assert nacelle is not None
    assert nacelle.wind_turbine == NodeId(space=SPACE, external_id="wt-1")
    assert skipped is not None
    assert skipped.wind_turbine is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"name": "WT North 2"}, ["wt-2"]),
        ({"name": ["WT North 2", "Old mill"]}, ["other-4", "wt-2"]),
        ({"name_prefix": "WT North"}, ["wt-1", "wt-2"]),
        ({"min_capacity": 3.0}, ["wt-1", "wt-2", "wt-3"]),
        ({"max_capacity": 3.0}, ["other-4", "wt-2"]),
        ({"min_capacity": 1.0, "max_capacity": 6.0}, ["wt-1", "wt-2"]),
        ({"windfarm": "south", "min_capacity": 1.0}, ["wt-3"]),
        ({"nacelle": "nacelle-1"}, ["wt-1"]),
        ({"nacelle": [(SPACE, "nacelle-1"), NodeId(space=SPACE, external_id="none")]}, ["wt-1"]),
        ({"blades_contains_any": ["b-1b"]}, ["wt-1", "wt-3"]),
        ({"blades_contains_all": ["b-1a", "b-1b"]}, ["wt-1"]),
        ({"datasheets_contains_any": [(SPACE, "sheet-1")]}, ["wt-1"]),
        ({"external_id_prefix": "wt-"}, ["wt-1", "wt-2", "wt-3"]),
        ({"space": SPACE}, ["other-4", "wt-1", "wt-2", "wt-3"]),
        ({"space": ["elsewhere"]}, []),
        ({"filter": {"equals": {"property": ["node", "externalId"], "value": "wt-3"}}}, ["wt-3"]),
    ],
)
def test_list_filters_wind_turbines(
    farm: WindTurbineClient, filters: dict[str, object], expected: list[str]
) -> None:
    assert ids(farm.wind_turbine.list(**filters)) == expected  # type: ignore[arg-type]


def test_list_filters_booleans_timestamps_enums_and_text_lists(farm: WindTurbineClient) -> None:
    assert [blade.external_id for blade in farm.blade.list(is_damaged=True)] == ["b-1a"]
    assert [sheet.external_id for sheet in farm.data_sheet.list(is_uploaded=False)] == ["sheet-2"]
    assert [sheet.external_id for sheet in farm.data_sheet.list(min_uploaded_time=datetime(2024, 1, 1))] == [
        "sheet-2"
    ]
    assert farm.data_sheet.list(max_uploaded_time=datetime(2024, 1, 1, tzinfo=timezone.utc)) == []
    assert ids(farm.sensor_time_series.list(type_="string")) == ["ts-2"]
    assert ids(farm.sensor_time_series.list(type_=["string", "numeric"])) == ["ts-1", "ts-2"]
    assert ids(farm.sensor_time_series.list(is_step=False)) == ["ts-1"]
    assert ids(farm.sensor_time_series.list(aliases_contains_any=["c", "x"])) == ["ts-2"]
    assert ids(farm.sensor_time_series.list(aliases_contains_all=["a", "b"])) == ["ts-1"]


def test_list_reads_renamed_properties_and_timestamps(farm: WindTurbineClient) -> None:
    [sheet] = farm.data_sheet.list(name="Sheet 2")
    [series] = farm.sensor_time_series.list(external_id_prefix="ts-2")

    assert sheet.uploaded_time == datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    assert sheet.is_uploaded is False
    assert series.type_ == "string"
    assert series.is_step is True
    assert series.dump()["properties"]["sp_pygen_power"]["SensorTimeSeries/1"]["type"] == "string"


def test_list_sorts_by_property_and_limits(farm: WindTurbineClient) -> None:
    ascending = farm.wind_turbine.list(sort_by="capacity", limit=3)
    descending = farm.wind_turbine.list(sort_by="capacity", direction="descending", limit=None)

    assert [turbine.external_id for turbine in ascending] == ["other-4", "wt-2", "wt-1"]
    assert [turbine.external_id for turbine in descending] == ["wt-3", "wt-1", "wt-2", "other-4"]
    assert farm.wind_turbine.list(limit=0) == []


def test_list_refuses_unknown_sort_property_and_bad_arguments(farm: WindTurbineClient) -> None:
    with pytest.raises(InvalidArgumentError, match="WindTurbine has no property 'speed'"):
        farm.wind_turbine.list(sort_by="speed")
    with pytest.raises(InvalidArgumentError, match="direction must be"):
        farm.wind_turbine.list(direction="up")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="retrieve_connections must be"):
        farm.wind_turbine.list(retrieve_connections="all")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"limit must be a whole number >= 0, or None \(or -1\)"):
        farm.wind_turbine.list(limit=-2)
    with pytest.raises(InvalidArgumentError, match="chunk_size must be between 1 and 1000"):
        farm.wind_turbine.iterate(chunk_size=5000)
    without_instance_space = WindTurbineClient(farm.cdf)
    with pytest.raises(
        InvalidArgumentError, match="'nacelle-1' has no space and the client has no instance space"
    ):
        without_instance_space.wind_turbine.list(nacelle="nacelle-1")


def test_minus_one_and_infinity_mean_everything_as_in_pygen_v1(farm: WindTurbineClient) -> None:
    everything = ["other-4", "wt-1", "wt-2", "wt-3"]

    assert ids(farm.wind_turbine.list(limit=1)) != everything
    assert ids(farm.wind_turbine.list(limit=-1)) == everything
    assert ids(farm.wind_turbine.list(limit=float("inf"))) == everything  # type: ignore[arg-type]
    assert [len(chunk) for chunk in farm.wind_turbine.iterate(chunk_size=3, limit=-1)] == [3, 1]
    assert ids(farm.wind_turbine.search("north", limit=-1)) == ["wt-1", "wt-2"]
    assert ids(farm.wind_turbine.search("north", limit=None)) == ["wt-1", "wt-2"]
    groups = farm.wind_turbine.aggregate("count", group_by="windfarm", limit=-1)
    assert sorted(group.group["windfarm"] for group in groups) == ["north", "south"]


def test_sort_by_instance_fields(farm: WindTurbineClient) -> None:
    by_id = farm.wind_turbine.list(sort_by="external_id", direction="descending", limit=2)

    assert [turbine.external_id for turbine in by_id] == ["wt-3", "wt-2"]


def test_search_finds_words_in_text_properties(farm: WindTurbineClient) -> None:
    north = farm.wind_turbine.search("north")
    only_names = farm.wind_turbine.search("mill", properties=["name"], windfarm="south")

    assert ids(north) == ["wt-1", "wt-2"]
    assert isinstance(north, WindTurbineList)
    assert ids(only_names) == ["other-4"]
    with pytest.raises(InvalidArgumentError, match="limit must be between 1 and 1000"):
        farm.wind_turbine.search("north", limit=5000)


def test_aggregate_counts_averages_and_groups(farm: WindTurbineClient) -> None:
    [everything] = farm.wind_turbine.aggregate("count")
    [average] = farm.wind_turbine.aggregate(["avg", "min", "max", "sum"], "capacity", windfarm="north")
    per_farm = farm.wind_turbine.aggregate("count", group_by="windfarm")
    [mixed] = farm.wind_turbine.aggregate([Count(), Sum("capacity")])

    assert everything.value("count") == 4
    assert average.value("avg", "capacity") == pytest.approx(4.25)
    assert average.value("min", "capacity") == 3.0
    assert average.value("max", "capacity") == 5.5
    assert average.value("sum", "capacity") == pytest.approx(8.5)
    assert {result.group["windfarm"]: result.value("count") for result in per_farm if result.group} == {
        "north": 2,
        "south": 2,
    }
    assert mixed.value("sum", "capacity") == pytest.approx(17.0)


def test_aggregate_refuses_unknown_aggregates_and_missing_properties(farm: WindTurbineClient) -> None:
    with pytest.raises(InvalidArgumentError, match="aggregate 'avg' needs a property"):
        farm.wind_turbine.aggregate("avg")
    with pytest.raises(InvalidArgumentError, match="aggregate must be"):
        farm.wind_turbine.aggregate("median", "capacity")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="not a property"):
        farm.wind_turbine.aggregate("count", group_by="external_id")


def test_aggregate_and_histogram_take_pygen_v1_argument_names(farm: WindTurbineClient) -> None:
    turbines = farm.wind_turbine
    [north] = turbines.aggregate("count", query="north", search_property="windfarm")
    [by_name] = turbines.aggregate("count", query="north", search_property=["name"])
    [both] = turbines.aggregate("count", ["capacity", "name"])
    [ranged] = turbines.aggregate(["min", "max"], ["capacity"])
    histogram = turbines.histogram("capacity", 5.0, query="south", search_property="windfarm")

    assert north.value("count") == 2
    assert by_name.value("count") == 2  # "WT North 1", "WT North 2"
    assert (both.value("count", "capacity"), both.value("count", "name")) == (4, 4)
    assert (ranged.value("min", "capacity"), ranged.value("max", "capacity")) == (0.5, 8.0)
    assert {bucket.start: bucket.count for bucket in histogram.buckets} == {0.0: 1, 5.0: 1}
    with pytest.raises(InvalidArgumentError, match="give search_properties or search_property"):
        turbines.aggregate("count", search_properties="name", search_property="name")
    # An unknown property is named under the argument the caller used.
    with pytest.raises(InvalidArgumentError, match=r"^search_property: WindTurbine has no property 'nope'"):
        turbines.aggregate("count", query="north", search_property="nope")
    with pytest.raises(InvalidArgumentError, match=r"^search_properties: WindTurbine has no property 'nope'"):
        turbines.aggregate("count", query="north", search_properties="nope")


def test_histogram_buckets_capacity(farm: WindTurbineClient) -> None:
    histogram = farm.wind_turbine.histogram("capacity", 5.0)
    north = farm.wind_turbine.histogram("capacity", 5.0, windfarm="north")

    assert {bucket.start: bucket.count for bucket in histogram.buckets} == {0.0: 2, 5.0: 2}
    assert sum(bucket.count for bucket in north.buckets) == 2


def test_histogram_of_a_view_without_values_is_empty(client: WindTurbineClient) -> None:
    assert client.wind_turbine.histogram("capacity", 1.0).buckets == []


def test_dates_in_filters_are_sent_as_iso_dates(farm: WindTurbineClient) -> None:
    from pygen_runtime.typed import filters

    view = farm.data_sheet._read_class.view_id()

    assert filters.range_(view, "uploadedTime", date(2024, 1, 1)) == {
        "range": {"property": ["sp_pygen_power", "DataSheet/1", "uploadedTime"], "gte": "2024-01-01"}
    }


def test_properties_are_named_by_python_name_or_wire_identifier(farm: WindTurbineClient) -> None:
    farm.upsert(
        [
            WindTurbineWrite(external_id="wt-1", power_curve="curve-b"),
            WindTurbineWrite(external_id="wt-2", power_curve="curve-a"),
        ]
    )

    by_wire = farm.wind_turbine.list(sort_by="powerCurve", power_curve_prefix="curve", limit=None)
    by_name = farm.wind_turbine.list(sort_by="power_curve", power_curve=["curve-a", "curve-b"], limit=None)

    assert [turbine.external_id for turbine in by_wire] == ["wt-2", "wt-1"]
    assert [turbine.external_id for turbine in by_name] == ["wt-2", "wt-1"]


def test_full_connections_are_the_connected_typed_nodes(farm: WindTurbineClient) -> None:
    from reference_sdk import Blade, DataSheet, Nacelle

    turbine = farm.wind_turbine.retrieve("wt-1", retrieve_connections="full")
    [listed] = farm.wind_turbine.list(external_id_prefix="wt-1", retrieve_connections="full")

    assert turbine is not None
    assert isinstance(turbine.nacelle, Nacelle)
    assert turbine.nacelle.external_id == "nacelle-1"
    assert [type(blade) for blade in turbine.blades or []] == [Blade, Blade]
    assert sorted(blade.external_id for blade in turbine.blades or []) == ["b-1a", "b-1b"]
    assert [sheet.is_uploaded for sheet in listed.datasheets or [] if isinstance(sheet, DataSheet)] == [True]
    assert turbine.metmast == []


def test_full_connections_need_a_view_with_connections(farm: WindTurbineClient) -> None:
    with pytest.raises(InvalidArgumentError, match="GeneratingUnitAPI has no connections to fill"):
        farm.generating_unit.list(retrieve_connections="full")


def test_retrieve_leaves_out_nodes_without_data_in_the_view(farm: WindTurbineClient) -> None:
    assert farm.wind_turbine.retrieve("b-1a") is None
    assert [turbine.external_id for turbine in farm.wind_turbine.retrieve(["b-1a", "wt-2"])] == ["wt-2"]
    assert farm.distance.retrieve("wt-1") is None


def test_edges_without_properties_from_a_broken_answer_are_a_clear_error() -> None:
    from pygen_runtime._api._calls import UnexpectedResponseError
    from pygen_runtime.typed._instance_api import _plain_edge_page

    edge = {
        "instanceType": "edge",
        "space": SPACE,
        "externalId": "e-1",
        "version": 1,
        "createdTime": 0,
        "lastUpdatedTime": 0,
        "deletedTime": 5,
        "type": {"space": SPACE, "externalId": "connects"},
        "startNode": {"space": SPACE, "externalId": "a"},
        "endNode": {"space": SPACE, "externalId": "b"},
    }

    [read] = _plain_edge_page({"items": [edge], "nextCursor": None}).items

    assert (read.external_id, read.deleted_time, read.end_node) == (
        "e-1",
        5,
        NodeId(space=SPACE, external_id="b"),
    )
    with pytest.raises(UnexpectedResponseError, match=r"items\[0\] should be an object"):
        _plain_edge_page({"items": ["edge"]})
    with pytest.raises(UnexpectedResponseError, match=r"items\[0\]\.start_node: Input should be"):
        _plain_edge_page({"items": [{**edge, "startNode": "a"}]})
