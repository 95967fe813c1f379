"""The reference SDK, used as a generated SDK is: write nodes with inline relations and edges, then
read them back through each kind of API."""

from __future__ import annotations

from pygen_runtime.schema import NodeId
from reference_sdk import (
    BladeWrite,
    MetmastWrite,
    WindTurbine,
    WindTurbineClient,
    WindTurbineList,
    WindTurbineWrite,
)

SPACE = "windfarm-data"


def test_upsert_writes_inline_targets_and_edges_in_one_call(client: WindTurbineClient) -> None:
    result = client.upsert(
        WindTurbineWrite(
            external_id="wt-1",
            name="WT 1",
            capacity=5.5,
            blades=[BladeWrite(external_id="wt-1-blade-1", is_damaged=True)],
            metmast=[MetmastWrite(external_id="mast-1", position=3.0)],
        )
    )

    assert [(item.instance_type, item.external_id) for item in result.items] == [
        ("node", "wt-1"),
        ("edge", "Distance:wt-1:mast-1"),
        ("node", "wt-1-blade-1"),
        ("node", "mast-1"),
    ]
    assert len(result.nodes) == 3
    assert len(result.edges) == 1


def test_retrieve_with_connections_returns_typed_node_with_ids(client: WindTurbineClient) -> None:
    client.upsert(
        WindTurbineWrite(
            external_id="wt-1",
            name="WT 1",
            blades=[("windfarm-data", "wt-1-blade-1")],
            metmast=[MetmastWrite(external_id="mast-1")],
        )
    )

    turbine = client.wind_turbine.retrieve("wt-1", retrieve_connections="identifier")
    mast = client.metmast.retrieve("mast-1", retrieve_connections="identifier")

    assert isinstance(turbine, WindTurbine)
    assert turbine.name == "WT 1"
    assert turbine.blades == [NodeId(space=SPACE, external_id="wt-1-blade-1")]
    assert turbine.metmast == [NodeId(space=SPACE, external_id="mast-1")]
    assert mast is not None
    assert mast.wind_turbines == [NodeId(space=SPACE, external_id="wt-1")]


def test_list_with_typed_filters_returns_the_generated_list_class(client: WindTurbineClient) -> None:
    client.upsert(
        [
            WindTurbineWrite(external_id="wt-1", name="WT 1", capacity=5.5),
            WindTurbineWrite(external_id="wt-2", name="WT 2", capacity=2.0),
            WindTurbineWrite(external_id="other", name="Other", capacity=9.0),
        ]
    )

    found = client.wind_turbine.list(name_prefix="WT", min_capacity=5.0)

    assert isinstance(found, WindTurbineList)
    assert [turbine.external_id for turbine in found] == ["wt-1"]
