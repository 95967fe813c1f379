"""Edges and direct relations over Omni's real instances, and deep traversals of a dense graph,
against expectations computed from the loaded files in plain Python."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from pygen_runtime.query import Query, QueryLimits, QueryTooLargeError, ResultItem, range_
from pygen_runtime.schema import ViewId

OMNI = "sp_pygen_models"
ITEM_A = ViewId(space=OMNI, external_id="ConnectionItemA", version="1")
ITEM_B = ViewId(space=OMNI, external_id="ConnectionItemB", version="1")
ITEM_D = ViewId(space=OMNI, external_id="ConnectionItemD", version="1")
ITEM_E = ViewId(space=OMNI, external_id="ConnectionItemE", version="1")
ITEM_F = ViewId(space=OMNI, external_id="ConnectionItemF", version="1")
ITEM_G = ViewId(space=OMNI, external_id="ConnectionItemG", version="1")
EDGE_A = ViewId(space=OMNI, external_id="ConnectionEdgeA", version="1")
VERTEX = ViewId(space="graph_model", external_id="Vertex", version="1")
PLANS = ["query", "layered"]

Key = tuple[str, str]


def key(reference: dict[str, Any]) -> Key:
    return (reference["space"], reference["externalId"])


def with_data(world: Any, view: ViewId) -> list[Key]:
    return [node for node in world.nodes if world.properties(node, view)]


def edges_of_type(world: Any, type_id: str) -> list[dict[str, Any]]:
    return [edge for edge in world.edges if edge["type"]["externalId"] == type_id]


def reachable(
    edges: list[dict[str, Any]], start: Key, max_distance: int | None, direction: str = "outwards"
) -> set[tuple[str, Key]]:
    """(edge external id, node it leads to) for every edge walked breadth first from ``start``,
    walking on from each node once, at most ``max_distance`` edges out."""
    near, far = ("startNode", "endNode") if direction == "outwards" else ("endNode", "startNode")
    leaving: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for edge in edges:
        leaving[key(edge[near])].append(edge)
    seen_nodes, frontier, found = {start}, [start], set()
    distance = 0
    while frontier and (max_distance is None or distance < max_distance):
        distance += 1
        following = []
        for node in frontier:
            for edge in leaving[node]:
                found.add((edge["externalId"], key(edge[far])))
                if key(edge[far]) not in seen_nodes:
                    seen_nodes.add(key(edge[far]))
                    following.append(key(edge[far]))
        frontier = following
    return found


def walked(item: ResultItem, name: str) -> set[tuple[str, Key]]:
    found = set()
    for connected in item.connections[name]:
        assert connected.edge is not None
        found.add((connected.edge.external_id, (connected.node.space, connected.node.external_id)))
    return found


@pytest.mark.parametrize("plan", PLANS)
def test_edges_outwards_and_inwards_equal_the_files(omni: Any, client_of: Any, plan: str) -> None:
    client, _ = client_of(omni)
    bidirectional = edges_of_type(omni, "bidirectional")
    a_nodes = Query.nodes(ITEM_A, limit=1000)
    a_nodes.edges("outwards", (OMNI, "bidirectional"), ITEM_B)
    b_nodes = Query.nodes(ITEM_B, limit=1000)
    b_nodes.edges("inwards", (OMNI, "bidirectional"), ITEM_A, direction="inwards")

    a_results = a_nodes.execute(client, plan=plan).collect()  # type: ignore[arg-type]
    b_results = b_nodes.execute(client, plan=plan).collect()  # type: ignore[arg-type]

    assert {item.id.external_id for item in a_results} == {node[1] for node in with_data(omni, ITEM_A)}
    assert any(item.connections["outwards"] for item in a_results)
    for item in a_results:
        assert walked(item, "outwards") == reachable(
            bidirectional, (item.node.space, item.node.external_id), 1
        )
    for item in b_results:
        start = (item.node.space, item.node.external_id)
        assert walked(item, "inwards") == reachable(bidirectional, start, 1, "inwards")
    assert a_results.is_complete
    assert b_results.is_complete


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("max_distance", [2, None])
def test_edges_over_several_hops_equal_a_breadth_first_walk(
    omni: Any, client_of: Any, plan: str, max_distance: int | None
) -> None:
    client, _ = client_of(omni)
    reflexive = edges_of_type(omni, "reflexive")
    start = Query.nodes(ITEM_B, limit=1000)
    start.edges("near", (OMNI, "reflexive"), ITEM_B, max_distance=max_distance)

    results = start.execute(client, plan=plan).collect()  # type: ignore[arg-type]

    assert len(results) == len(with_data(omni, ITEM_B))
    for item in results:
        expected = reachable(reflexive, (item.node.space, item.node.external_id), max_distance)
        assert walked(item, "near") == expected
    one_hop = sum(len(reachable(reflexive, (item.node.space, item.node.external_id), 1)) for item in results)
    assert sum(len(item.connections["near"]) for item in results) > one_hop


@pytest.mark.parametrize("plan", PLANS)
def test_an_edge_filter_on_edge_properties_keeps_only_matching_edges(
    omni: Any, client_of: Any, plan: str
) -> None:
    client, _ = client_of(omni)
    late = range_(EDGE_A, "startTime", gte="2024-08-01T00:00:00.000+00:00")
    start = Query.nodes(ITEM_F, limit=1000)
    start.edges("outwardsMulti", (OMNI, "multiProperty"), ITEM_G, edge_view=EDGE_A, edge_filter=late)
    matching = [
        edge
        for edge in edges_of_type(omni, "multiProperty")
        if edge["startNode"]["externalId"].startswith("ConnectionItemF")
        and edge["sources"][0]["properties"]["startTime"][:19] >= "2024-08-01T00:00:00"
    ]

    results = start.execute(client, plan=plan).collect()  # type: ignore[arg-type]

    assert 0 < len(matching) < len(edges_of_type(omni, "multiProperty"))
    for item in results:
        assert walked(item, "outwardsMulti") == reachable(
            matching, (item.node.space, item.node.external_id), 1
        )
        for connected in item.connections["outwardsMulti"]:
            assert connected.edge is not None
            assert connected.edge.properties_of(EDGE_A)["startTime"] >= "2024-08-01"


@pytest.mark.parametrize("plan", PLANS)
def test_direct_relations_single_and_list_and_their_reverses(omni: Any, client_of: Any, plan: str) -> None:
    client, _ = client_of(omni)
    d_nodes = Query.nodes(ITEM_D, limit=1000)
    d_nodes.direct("single", "directSingle", ITEM_E)
    d_nodes.direct("multi", "directMulti", ITEM_E)
    e_nodes = Query.nodes(ITEM_E, limit=1000)
    e_nodes.reverse("reverseSingle", through=ITEM_D, property="directSingle")
    e_nodes.reverse("reverseMulti", through=ITEM_D, property="directMulti", is_list=True)

    d_results = d_nodes.execute(client, plan=plan).collect()  # type: ignore[arg-type]
    e_results = e_nodes.execute(client, plan=plan).collect()  # type: ignore[arg-type]

    existing = set(omni.nodes)
    for item in d_results:
        values = omni.properties((item.node.space, item.node.external_id), ITEM_D)
        single = [key(values["directSingle"])] if values.get("directSingle") else []
        multi = [key(target) for target in values.get("directMulti") or []]
        assert [connected.id.external_id for connected in item.connections["single"]] == [
            target[1] for target in single if target in existing
        ]
        assert [connected.id.external_id for connected in item.connections["multi"]] == [
            target[1] for target in multi if target in existing
        ]
    d_values = {node: omni.properties(node, ITEM_D) for node in with_data(omni, ITEM_D)}
    for item in e_results:
        here = (item.node.space, item.node.external_id)
        pointing_single = {
            node[1]
            for node, values in d_values.items()
            if values.get("directSingle") and key(values["directSingle"]) == here
        }
        pointing_multi = {
            node[1]
            for node, values in d_values.items()
            if here in [key(target) for target in values.get("directMulti") or []]
        }
        assert {
            connected.id.external_id for connected in item.connections["reverseSingle"]
        } == pointing_single
        assert {connected.id.external_id for connected in item.connections["reverseMulti"]} == pointing_multi
    assert any(item.connections["reverseMulti"] for item in e_results)


@pytest.mark.parametrize("plan", PLANS)
def test_edge_steps_come_in_sort_order_nulls_last(omni: Any, client_of: Any, plan: str) -> None:
    client, _ = client_of(omni)
    by_name = [{"property": [OMNI, "ConnectionItemB/1", "name"], "direction": "ascending"}]
    start = Query.nodes(ITEM_B, limit=1000)
    start.edges("near", (OMNI, "reflexive"), ITEM_B, sort=by_name)

    results = start.execute(client, plan=plan).collect()  # type: ignore[arg-type]

    names_seen = 0
    for item in results:
        names = [connected.properties.get("name") for connected in item.connections["near"]]
        present = [name for name in names if name is not None]
        assert names == present + [None] * (len(names) - len(present))
        assert present == sorted(present)
        names_seen += len(present)
    assert names_seen >= 10


def test_six_edge_hops_through_a_complete_graph_stay_bounded(dense: Any, client_of: Any) -> None:
    client, transport = client_of(dense)
    start = Query.by_ids(VERTEX, [("graph", "v000")])
    step = start
    for _ in range(6):
        step = step.edges("next", ("graph", "link"), VERTEX)

    [root] = start.execute(client).collect()

    # 59**6 paths, but each node is one item per step, fetched once: six layers of 60 nodes.
    item, depth = root, 0
    while item.connections.get("next"):
        assert {connected.id.external_id for connected in item.connections["next"]} == {
            f"v{index:03d}" for index in range(60)
        } - {item.id.external_id}
        item, depth = item.connections["next"][-1], depth + 1
    assert depth == 6
    # Per step, the edges out of the step's new nodes, a page of 1,000 at a time: the 59 out of
    # v000, then 59 * 59, then all 3,540 four times. Every node is fetched by id once.
    assert transport.counts["list"] == 1 + 4 + 4 * 4
    assert transport.counts["byids"] == 2


def test_an_unbounded_walk_through_a_complete_graph_finishes(dense: Any, client_of: Any) -> None:
    client, transport = client_of(dense)
    start = Query.by_ids(VERTEX, [("graph", "v000")])
    start.edges("reach", ("graph", "link"), VERTEX, max_distance=None)

    [root] = start.execute(client).collect()

    assert walked(root, "reach") == reachable(dense.edges, ("graph", "v000"), None)
    # All 3,540 edges, in pages of 1,000, through one query's cursor.
    assert transport.counts["query"] == 4
    assert transport.counts["byids"] == 2  # the start, then every node reached, at once


def test_a_walk_past_the_instance_bound_fails_clearly(dense: Any, client_of: Any) -> None:
    client, _ = client_of(dense)
    start = Query.by_ids(VERTEX, [("graph", "v000")])
    step = start
    for _ in range(6):
        step = step.edges("next", ("graph", "link"), VERTEX)

    with pytest.raises(
        QueryTooLargeError, match=r"over QueryLimits.max_instances \(2000\); give .*next a limit"
    ):
        start.execute(client, limits=QueryLimits(max_instances=2000)).collect()
    with pytest.raises(QueryTooLargeError, match=r"QueryLimits\.max_depth is 4"):
        start.execute(client, limits=QueryLimits(max_depth=4))
    with pytest.raises(QueryTooLargeError, match=r"sent 5 requests, QueryLimits\.max_requests"):
        start.execute(client, limits=QueryLimits(max_requests=5)).collect()
