"""The request body an upsert sends is built straight from the write objects, without apply
models; it must say what ``to_apply`` says, and merge an instance given twice."""

from __future__ import annotations

import pytest
from pygen_runtime.schema import NodeId
from reference_sdk import BladeWrite, MetmastWrite, WindTurbineClient, WindTurbineWrite
from typed_testbed import INSTANCE_SPACE, RecordingTransport

from pygen_runtime import InvalidArgumentError

APPLY = "/models/instances"


def test_upsert_sends_what_to_apply_describes(
    recorded_client: WindTurbineClient, recording: RecordingTransport
) -> None:
    turbine = WindTurbineWrite(
        external_id="wt-1",
        name="WT 1",
        capacity=5.5,
        nacelle=(INSTANCE_SPACE, "n-1"),
        blades=[
            BladeWrite(external_id="b-1", is_damaged=False),
            NodeId(space=INSTANCE_SPACE, external_id="b-2"),
        ],
        metmast=[MetmastWrite(external_id="mast-1"), (INSTANCE_SPACE, "mast-2")],
    )

    recorded_client.upsert(turbine)

    [request] = recording.sent(APPLY)
    expected = [item.dump() for item in turbine.to_apply(INSTANCE_SPACE)]
    assert request.body["items"] == expected
    assert [item["instanceType"] for item in expected] == ["node", "edge", "edge", "node", "node"]


def test_existing_version_is_left_out_when_a_version_increase_is_allowed(
    recorded_client: WindTurbineClient, recording: RecordingTransport
) -> None:
    recorded_client.upsert(BladeWrite(external_id="blade-1", name="A"))

    recorded_client.upsert(
        BladeWrite(external_id="blade-1", name="B", existing_version=0), allow_version_increase=True
    )

    last = recording.sent(APPLY)[-1].body["items"]
    assert [("existingVersion" in item, item["sources"][0]["properties"]) for item in last] == [
        (False, {"name": "B"})
    ]
    blade = recorded_client.blade.retrieve("blade-1")
    assert blade is not None
    assert blade.name == "B"


def test_an_instance_given_twice_is_sent_once_with_both_values(
    recorded_client: WindTurbineClient, recording: RecordingTransport
) -> None:
    recorded_client.upsert(
        [
            BladeWrite(external_id="blade-1", name="A"),
            BladeWrite(external_id="blade-1", is_damaged=True, existing_version=None),
            BladeWrite(external_id="blade-1", name="A", existing_version=0),
        ]
    )

    [request] = recording.sent(APPLY)
    [item] = request.body["items"]
    assert item["existingVersion"] == 0
    assert item["sources"][0]["properties"] == {"name": "A", "is_damaged": True}


def test_a_contradiction_in_a_view_names_the_view(recorded_client: WindTurbineClient) -> None:
    with pytest.raises(InvalidArgumentError, match=r"'name' of sp_pygen_power:Blade/1: 'A' and 'B'"):
        recorded_client.upsert(
            [BladeWrite(external_id="blade-1", name="A"), BladeWrite(external_id="blade-1", name="B")]
        )


def test_an_edge_writes_the_nodes_it_holds_inline_after_itself() -> None:
    from reference_sdk import DistanceWrite

    edge = DistanceWrite(
        external_id="d-1",
        type=("sp_pygen_power_enterprise", "Distance"),
        start_node=("windfarm-data", "wt-1"),
        end_node=("windfarm-data", "mast-1"),
        distance=12.5,
        station=BladeWrite(external_id="b-9", name="inline"),  # a property the SDK does not know
    )

    items = edge.to_apply("windfarm-data")

    assert [(item.instance_type, item.external_id) for item in items] == [("edge", "d-1"), ("node", "b-9")]
    assert edge.dump("windfarm-data")["sources"][0]["properties"] == {
        "distance": 12.5,
        "station": {"space": "windfarm-data", "externalId": "b-9"},
    }
