"""The edge APIs of edges without properties (pygen v1 has one per edge connection), on the golden
Omni SDK against the emulator holding the shared instance payloads: ``bidirectional`` edges from
ConnectionItemA to ConnectionItemB and ``reflexive`` ones between ConnectionItemB nodes carry no
data, so their APIs list the runtime's plain ``EdgeRead`` objects, filtered by start and end
node. Expectations come from the payloads."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from functional_clients import emulator_for, golden_sdk, typed_client
from functional_payloads import PAYLOAD_SPACE, Payloads, load_payloads
from pygen_runtime.schema import EdgeId, NodeId
from pygen_runtime.typed import EdgeRead, EdgeReadList

from pygen_runtime import InvalidArgumentError


@pytest.fixture(scope="module")
def payloads() -> Payloads:
    return load_payloads()


@pytest.fixture(scope="module")
def omni(payloads: Payloads) -> Iterator[tuple[ModuleType, Any]]:
    with golden_sdk("Omni", "omni_sdk") as sdk:
        emulator = emulator_for("Omni", "omni-edge-apis")
        with typed_client(sdk.OmniClient, emulator, PAYLOAD_SPACE) as client:
            # As the files give them, with their own edge ids (the SDK would name its own).
            emulator.load_instances([*payloads.nodes, *payloads.edges])
            yield sdk, client


def edges_of(payloads: Payloads, edge_type: str) -> list[dict[str, Any]]:
    return [edge for edge in payloads.edges if edge["type"]["externalId"] == edge_type]


def ends(edges: Any) -> list[tuple[str, str, str]]:
    return sorted(
        (edge.external_id, edge.start_node.external_id, edge.end_node.external_id) for edge in edges
    )


def expected_ends(edges: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted(
        (edge["externalId"], edge["startNode"]["externalId"], edge["endNode"]["externalId"]) for edge in edges
    )


def test_an_edge_without_properties_gets_an_api_listing_its_edges_by_start_node(
    omni: tuple[ModuleType, Any], payloads: Payloads
) -> None:
    _, client = omni
    bidirectional = edges_of(payloads, "bidirectional")
    start = "ConnectionItemA:Jennifer"
    from_start = [edge for edge in bidirectional if edge["startNode"]["externalId"] == start]
    assert len(from_start) == 3

    every = client.connection_item_a.outwards_edge.list(limit=-1)
    listed = client.connection_item_a.outwards_edge.list(start_node=start)
    by_node_id = client.connection_item_a.outwards_edge.list(
        start_node=[NodeId(space=PAYLOAD_SPACE, external_id=start)]
    )

    assert type(every) is EdgeReadList
    assert all(type(edge) is EdgeRead for edge in every)
    assert ends(every) == expected_ends(bidirectional)
    assert ends(listed) == ends(by_node_id) == expected_ends(from_start)
    assert {edge.type for edge in every} == {NodeId(space="sp_pygen_models", external_id="bidirectional")}
    frame = listed.to_pandas()
    assert frame.shape == (3, len(EdgeRead.model_fields))
    assert sorted(node.external_id for node in frame["start_node"]) == [start] * 3
    # Dumped as CDF holds such an edge: its own fields, no properties.
    wire_fields = ("instanceType", "space", "externalId", "type", "startNode", "endNode")
    dumped = sorted(listed.dump(), key=lambda edge: edge["externalId"])
    assert [{name: edge[name] for name in wire_fields} for edge in dumped] == sorted(
        ({name: edge[name] for name in wire_fields} for edge in from_start),
        key=lambda edge: edge["externalId"],
    )
    assert all("properties" not in edge for edge in dumped)


def test_the_other_direction_filters_by_end_node_and_iterates(
    omni: tuple[ModuleType, Any], payloads: Payloads
) -> None:
    _, client = omni
    bidirectional = edges_of(payloads, "bidirectional")
    end = bidirectional[0]["endNode"]["externalId"]
    into_end = [edge for edge in bidirectional if edge["endNode"]["externalId"] == end]

    inwards = client.connection_item_b.inwards_edge.list(end_node=end, limit=None)
    chunks = list(client.connection_item_b.inwards_edge.iterate(chunk_size=5))
    reflexive = client.connection_item_b.self_edge_edge.list(limit=-1)

    assert ends(inwards) == expected_ends(into_end)
    assert [len(chunk) for chunk in chunks] == [5, 5, 4]
    assert ends(edge for chunk in chunks for edge in chunk) == expected_ends(bidirectional)
    assert ends(reflexive) == expected_ends(edges_of(payloads, "reflexive"))


def test_retrieve_by_id_keeps_only_edges_of_the_apis_type_and_search_is_refused(
    omni: tuple[ModuleType, Any], payloads: Payloads
) -> None:
    _, client = omni
    [first, *_] = edges_of(payloads, "bidirectional")
    [reflexive, *_] = edges_of(payloads, "reflexive")
    api = client.connection_item_a.outwards_edge

    found = api.retrieve(first["externalId"])
    many = api.retrieve(
        [first["externalId"], EdgeId(space=PAYLOAD_SPACE, external_id=reflexive["externalId"])]
    )

    assert isinstance(found, EdgeRead)
    assert found.end_node == NodeId(space=PAYLOAD_SPACE, external_id=first["endNode"]["externalId"])
    assert [edge.external_id for edge in many] == [first["externalId"]]  # the reflexive one is another type
    with pytest.raises(InvalidArgumentError, match="lists edges that have no properties"):
        api.search("x")
    with pytest.raises(InvalidArgumentError, match="lists edges that have no properties"):
        api.aggregate("count")


def test_the_docs_example_of_an_edge_api_without_properties_prints_what_the_page_shows(
    omni: tuple[ModuleType, Any],
) -> None:
    _, client = omni
    page = (Path(__file__).resolve().parents[2] / "docs" / "python-sdk.md").read_text(encoding="utf-8")
    start = page.index("For edges\nwith properties")
    [(code, shown)] = re.findall(r"```python\n(.*?)```\n\n```text\n(.*?)```", page[start:], re.DOTALL)[:1]
    output = io.StringIO()

    with contextlib.redirect_stdout(output):
        exec(compile(code, "python-sdk.md edge API example", "exec"), {"client": client})

    assert output.getvalue() == shown
