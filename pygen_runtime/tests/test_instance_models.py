"""The instance classes (pygen_runtime.schema._instances) against real instances: every read node
in shared/cdf/instances/Omni.nodes.yaml and every node and edge of the write files loads and
dumps back unchanged; what they dump is what the official spec says the API takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openapi_contract
import pytest
import yaml
from pydantic import TypeAdapter
from pygen_runtime.schema import (
    AggregatedHistogram,
    AggregatedNumber,
    AggregateResult,
    AppliedInstance,
    ContainerId,
    Edge,
    EdgeApply,
    EdgeId,
    Instance,
    InstanceApply,
    Node,
    NodeApply,
    NodeId,
    NodeOrEdgeData,
    QueryResult,
    ViewId,
)

INSTANCES = openapi_contract.SPEC_PATH.parents[1] / "instances"
WRITE_FILES = sorted(
    path for path in (INSTANCES / "write").glob("*.yaml") if path.name.endswith((".node.yaml", ".edge.yaml"))
)


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_every_read_node_loads_and_dumps_back_unchanged() -> None:
    nodes = load(INSTANCES / "Omni.nodes.yaml")

    loaded = TypeAdapter(list[Instance]).validate_python(nodes)

    assert len(loaded) == 90
    assert all(isinstance(node, Node) for node in loaded)
    assert [node.dump() for node in loaded] == nodes


@pytest.mark.parametrize("path", WRITE_FILES, ids=lambda path: path.name)
def test_every_write_item_loads_and_dumps_back_unchanged(path: Path) -> None:
    items = load(path)

    loaded = TypeAdapter(list[InstanceApply]).validate_python(items)

    assert [item.dump() for item in loaded] == items
    expected = EdgeApply if path.name.endswith(".edge.yaml") else NodeApply
    assert all(isinstance(item, expected) for item in loaded)


def test_what_apply_items_dump_is_what_the_api_takes() -> None:
    items = [
        item for path in WRITE_FILES for item in TypeAdapter(list[InstanceApply]).validate_python(load(path))
    ]
    # The published spec has no null among property values, though CDF takes null to clear one.
    checkable = [
        item
        for item in items
        if not any(value is None for source in item.sources for value in source.properties.values())
    ]

    assert len(checkable) > 100
    assert any(isinstance(item, EdgeApply) and item.sources for item in checkable)
    openapi_contract.validate_request(
        "POST", "/models/instances", {"items": [item.dump() for item in checkable]}
    )


def test_models_and_ids_given_as_objects_are_taken_as_they_are() -> None:
    container = ContainerId(space="m", external_id="PumpContainer")
    node = NodeApply(
        space="s", external_id="n", sources=[NodeOrEdgeData(source=container, properties={"rpm": 1})]
    )

    [again] = TypeAdapter(list[InstanceApply]).validate_python([node])

    assert again is node
    assert node.dump()["sources"][0]["source"] == {
        "type": "container",
        "space": "m",
        "externalId": "PumpContainer",
    }


def test_null_values_are_kept_so_they_clear_properties() -> None:
    node = NodeApply(
        space="s",
        external_id="n",
        sources=[
            NodeOrEdgeData(source=ViewId(space="m", external_id="V", version="1"), properties={"x": None})
        ],
    )

    assert node.dump()["sources"][0]["properties"] == {"x": None}


def test_snake_and_camel_case_both_load_and_unknown_fields_are_kept() -> None:
    node = Node.model_validate(
        {
            "space": "s",
            "external_id": "n",
            "version": 3,
            "createdTime": 1,
            "last_updated_time": 2,
            "instanceType": "node",
            "futureField": [1, 2],
        }
    )

    assert node.as_id() == NodeId(space="s", external_id="n")
    assert node.dump()["futureField"] == [1, 2]
    assert node.properties_of(ViewId(space="m", external_id="V", version="1")) == {}


def test_values_written_through_a_container_are_read_by_container_id() -> None:
    node = Node.load(
        {
            "space": "s",
            "externalId": "n",
            "version": 1,
            "createdTime": 1,
            "lastUpdatedTime": 1,
            "instanceType": "node",
            "properties": {"m": {"PumpContainer": {"rpm": 1500}}},
        }
    )

    assert node.properties_of(ContainerId(space="m", external_id="PumpContainer")) == {"rpm": 1500}


def test_an_edge_keeps_its_ends_and_type() -> None:
    edge = Edge.load(
        {
            "space": "s",
            "externalId": "e",
            "version": 1,
            "createdTime": 1,
            "lastUpdatedTime": 1,
            "instanceType": "edge",
            "type": {"space": "m", "externalId": "flows-to"},
            "startNode": {"space": "s", "externalId": "a"},
            "endNode": {"space": "s", "externalId": "b"},
        }
    )

    assert edge.as_id() == EdgeId(space="s", external_id="e")
    assert edge.dump()["type"] == {"space": "m", "externalId": "flows-to"}
    apply = EdgeApply(
        space="s", external_id="e", type=edge.type, start_node=edge.start_node, end_node=edge.end_node
    )
    assert apply.as_id() == edge.as_id()
    assert "sources" not in apply.dump()


def test_apply_results_know_their_ids() -> None:
    common = {
        "space": "s",
        "externalId": "x",
        "version": 2,
        "wasModified": False,
        "createdTime": 1,
        "lastUpdatedTime": 2,
    }

    node = AppliedInstance.model_validate({**common, "instanceType": "node"})
    edge = AppliedInstance.model_validate({**common, "instanceType": "edge"})

    assert node.as_id() == NodeId(space="s", external_id="x")
    assert edge.as_id() == EdgeId(space="s", external_id="x")


def test_aggregate_results_keep_kinds_they_do_not_know() -> None:
    result = AggregateResult.model_validate(
        {
            "instanceType": "node",
            "aggregates": [
                {"aggregate": "count", "value": 3},
                {"aggregate": "median", "property": "p", "value": 1.5},
                {
                    "aggregate": "histogram",
                    "property": "p",
                    "interval": 1.0,
                    "buckets": [{"start": 0, "count": 3}],
                },
            ],
        }
    )

    count, median, histogram = result.aggregates
    assert isinstance(count, AggregatedNumber)
    assert count.value == 3
    assert isinstance(count.value, int)
    assert (median.aggregate, result.value("median", "p")) == ("median", 1.5)
    assert isinstance(histogram, AggregatedHistogram)


def test_a_query_result_reads_nodes_and_edges_per_result_set() -> None:
    result = QueryResult.model_validate(
        {
            "items": {
                "pumps": [
                    {
                        "instanceType": "node",
                        "space": "s",
                        "externalId": "p",
                        "version": 1,
                        "createdTime": 1,
                        "lastUpdatedTime": 1,
                    }
                ]
            },
            "nextCursor": {"pumps": None},
            "typing": {"pumps": {}},
        }
    )

    assert isinstance(result.items["pumps"][0], Node)
    assert result.next_cursor == {"pumps": None}
    assert result.typing == {"pumps": {}}
