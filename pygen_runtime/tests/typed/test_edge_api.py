"""An edge connection's API (``client.wind_turbine.metmast_edge``) through the reference SDK
against the emulator: iterate, search, aggregate and histogram with the typed filters."""

from __future__ import annotations

import pytest
from pygen_runtime.schema import NodeId
from reference_sdk import DistanceWrite, MetmastWrite, WindTurbineClient, WindTurbineWrite
from typed_testbed import INSTANCE_SPACE

DISTANCE_TYPE = NodeId(space="sp_pygen_power_enterprise", external_id="Distance")


@pytest.fixture
def masts(client: WindTurbineClient) -> WindTurbineClient:
    """Two turbines, two masts and three Distance edges: wt-1 to both masts, wt-2 to mast-1."""
    distances = {("wt-1", "mast-1"): 120.5, ("wt-1", "mast-2"): 310.0, ("wt-2", "mast-1"): 80.0}
    client.upsert(
        [
            WindTurbineWrite(external_id="wt-1"),
            WindTurbineWrite(external_id="wt-2"),
            MetmastWrite(external_id="mast-1"),
            MetmastWrite(external_id="mast-2"),
            *(
                DistanceWrite(
                    external_id=f"{start}-to-{end}",
                    type=DISTANCE_TYPE,
                    start_node=(INSTANCE_SPACE, start),
                    end_node=(INSTANCE_SPACE, end),
                    distance=distance,
                )
                for (start, end), distance in distances.items()
            ),
        ]
    )
    return client


def test_iterate_takes_the_typed_filters_chunk_by_chunk(masts: WindTurbineClient) -> None:
    chunks = list(masts.wind_turbine.metmast_edge.iterate(chunk_size=1, start_node="wt-1", limit=None))
    near = list(masts.metmast.wind_turbines_edge.iterate(chunk_size=5, max_distance=150.0))

    assert [len(chunk) for chunk in chunks] == [1, 1]
    assert sorted(edge.external_id for chunk in chunks for edge in chunk) == [
        "wt-1-to-mast-1",
        "wt-1-to-mast-2",
    ]
    assert sorted(edge.distance for chunk in near for edge in chunk) == [80.0, 120.5]


def test_aggregate_and_histogram_take_the_typed_filters(masts: WindTurbineClient) -> None:
    edges = masts.wind_turbine.metmast_edge

    [from_wt_1] = edges.aggregate(["count", "max"], ["distance"], start_node="wt-1", limit=None)
    [to_mast_1] = edges.aggregate("sum", "distance", end_node="mast-1")
    histogram = edges.histogram("distance", 100.0, min_distance=100.0)

    assert (from_wt_1.value("count", "distance"), from_wt_1.value("max", "distance")) == (2, 310.0)
    assert to_mast_1.value("sum", "distance") == pytest.approx(200.5)
    assert {bucket.start: bucket.count for bucket in histogram.buckets if bucket.count} == {
        100.0: 1,
        300.0: 1,
    }


def test_search_takes_the_typed_filters_and_limit_none(masts: WindTurbineClient) -> None:
    found = masts.wind_turbine.metmast_edge.search(end_node="mast-1", limit=None)

    assert sorted(edge.external_id for edge in found) == ["wt-1-to-mast-1", "wt-2-to-mast-1"]
