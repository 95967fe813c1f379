"""Property test: over a random asset graph, with any page size, any chunk size, any limits and
either strategy, every step returns what a plain-Python walk of the data returns, cut exactly at
its limit, and ``truncated`` is True exactly when the limit left nodes out."""

from __future__ import annotations

import random
from collections import defaultdict
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pygen_runtime.query import Query, QueryLimits, ResultItem
from pygen_runtime.schema import ViewId
from pygen_runtime.testing import Emulator

from pygen_runtime import CDFClient, ClientConfig, Token

ASSET = ViewId(space="cdf_cdm", external_id="CogniteAsset", version="v1")
NO_PARENT = {"not": {"exists": {"property": ["cdf_cdm", "CogniteAsset/v1", "parent"]}}}
CORE = __import__("cdf_material").SHARED_CDF / "models" / "CogniteCore.yaml"

Key = tuple[str, str]


class Graph:
    """Assets in a random forest (4 roots, up to 4 children each, three levels), and random
    ``link`` edges between them; kept as plain Python beside the emulator that holds them."""

    def __init__(self, seed: int = 7) -> None:
        chance = random.Random(seed)
        self.order: list[str] = []
        self.parent: dict[str, str] = {}
        self.links: list[tuple[str, str, str]] = []
        level = [f"root-{index}" for index in range(4)]
        self.order.extend(level)
        for _ in range(2):
            below = []
            for node in level:
                for index in range(chance.randint(0, 4)):
                    child = f"{node}.{index}"
                    self.parent[child] = node
                    below.append(child)
            self.order.extend(below)
            level = below
        for start in self.order:
            for _ in range(chance.randint(0, 3)):
                end = chance.choice(self.order)
                self.links.append((f"link-{len(self.links)}", start, end))
        self.emulator = Emulator(concurrency_limits=False)
        self.emulator.load_model(CORE)
        nodes = [self._node(external_id) for external_id in self.order]
        edges = [self._edge(*link) for link in self.links]
        self.emulator.load_instances(nodes + edges)

    def _node(self, external_id: str) -> dict[str, Any]:
        path = [{"space": "g", "externalId": ancestor} for ancestor in self.path(external_id)]
        properties: dict[str, Any] = {"name": external_id, "path": path}
        if external_id in self.parent:
            properties["parent"] = {"space": "g", "externalId": self.parent[external_id]}
        return {
            "instanceType": "node",
            "space": "g",
            "externalId": external_id,
            "sources": [{"source": ASSET.dump(), "properties": properties}],
        }

    @staticmethod
    def _edge(external_id: str, start: str, end: str) -> dict[str, Any]:
        return {
            "instanceType": "edge",
            "space": "g",
            "externalId": external_id,
            "type": {"space": "g", "externalId": "link"},
            "startNode": {"space": "g", "externalId": start},
            "endNode": {"space": "g", "externalId": end},
        }

    def path(self, node: str) -> list[str]:
        """The node's ancestors from the root down, and the node itself."""
        return [*self.path(self.parent[node]), node] if node in self.parent else [node]

    def roots(self) -> list[str]:
        return [node for node in self.order if node not in self.parent]

    def children(self, node: str) -> list[str]:
        return [child for child in self.order if self.parent.get(child) == node]

    def reachable(self, start: str, max_distance: int | None) -> set[tuple[str, str]]:
        leaving: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for external_id, begin, end in self.links:
            leaving[begin].append((external_id, end))
        seen, frontier, found, distance = {start}, [start], set(), 0
        while frontier and (max_distance is None or distance < max_distance):
            distance += 1
            following = []
            for node in frontier:
                for external_id, end in leaving[node]:
                    found.add((external_id, end))
                    if end not in seen:
                        seen.add(end)
                        following.append(end)
            frontier = following
        return found


@cache
def graph() -> Graph:
    return Graph()


def client() -> CDFClient:
    emulator = graph().emulator
    config = ClientConfig(
        base_url=emulator.base_url,
        project=emulator.project,
        credentials=Token(emulator.issue_token()),
        client_name="query-property-tests",
    )
    return CDFClient(config, transport=emulator.transport())


def names(items: list[ResultItem]) -> list[str]:
    return [item.node.external_id for item in items]


def check_cut(found: set[str], expected: set[str], limit: int | None, truncated: bool) -> None:
    assert found <= expected
    if limit is None or len(expected) <= limit:
        assert found == expected
        assert not truncated
    else:
        assert len(found) == limit
        assert truncated


limits = st.one_of(st.none(), st.integers(min_value=1, max_value=30))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plan=st.sampled_from(["query", "layered"]),
    page_size=st.integers(min_value=1, max_value=6),
    ids_per_request=st.integers(min_value=1, max_value=5),
    root_limit=st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
    children_limit=limits,
    grandchildren_limit=limits,
    links_limit=limits,
    max_distance=st.sampled_from([1, 2, None]),
    subtree_limit=limits,
    up_limit=st.one_of(st.none(), st.integers(min_value=1, max_value=3)),
    sort_children=st.booleans(),
)
def test_every_step_is_exact_at_any_page_size_and_limit(
    plan: str,
    page_size: int,
    ids_per_request: int,
    root_limit: int | None,
    children_limit: int | None,
    grandchildren_limit: int | None,
    links_limit: int | None,
    max_distance: int | None,
    subtree_limit: int | None,
    up_limit: int | None,
    sort_children: bool,
) -> None:
    world = graph()
    roots = Query.nodes(ASSET, filter=NO_PARENT, limit=root_limit)
    by_name = [{"property": ["cdf_cdm", "CogniteAsset/v1", "name"], "direction": "descending"}]
    children = roots.reverse(
        "children",
        through=ASSET,
        property="parent",
        limit=children_limit,
        sort=by_name if sort_children else (),
    )
    children.reverse("children", through=ASSET, property="parent", limit=grandchildren_limit)
    children.direct("up", "parent", ASSET, limit=up_limit)
    roots.edges("links", ("g", "link"), ASSET, max_distance=max_distance, limit=links_limit)
    roots.reverse("subtree", through=ASSET, property="path", is_list=True, limit=subtree_limit)
    query_limits = QueryLimits(page_size=page_size, min_page_size=1, ids_per_request=ids_per_request)

    with client() as cdf:
        results = roots.execute(cdf, plan=plan, limits=query_limits).collect()  # type: ignore[arg-type]

    every_root = world.roots()
    assert names(results) == every_root[: len(results)]
    check_cut(set(names(results)), set(every_root), root_limit, results.truncated["CogniteAsset"])

    child_items = {id(child.connections): child for root in results for child in root.connections["children"]}
    for root in results:
        reference = world.children(root.node.external_id)
        if sort_children:
            reference = sorted(reference, reverse=True)
        assert [name for name in reference if name in names(root.connections["children"])] == names(
            root.connections["children"]
        )
    expected_children = {child for root in results for child in world.children(root.node.external_id)}
    check_cut(
        {child.node.external_id for child in child_items.values()},
        expected_children,
        children_limit,
        results.truncated["CogniteAsset.children"],
    )

    for child in child_items.values():
        assert set(names(child.connections["up"])) <= {world.parent[child.node.external_id]}
    check_cut(
        {up.node.external_id for child in child_items.values() for up in child.connections["up"]},
        {world.parent[child.node.external_id] for child in child_items.values()},
        up_limit,
        results.truncated["CogniteAsset.children.up"],
    )
    if up_limit is None:
        assert all(len(child.connections["up"]) == 1 for child in child_items.values())

    subtree = {root.node.external_id: names(root.connections["subtree"]) for root in results}
    for root, found in subtree.items():
        assert set(found) <= {node for node in world.order if root in world.path(node)}
    check_cut(
        {node for found in subtree.values() for node in found},
        {node for node in world.order for root in subtree if root in world.path(node)},
        subtree_limit,
        results.truncated["CogniteAsset.subtree"],
    )
    expected_grandchildren = {
        grandchild for child in child_items.values() for grandchild in world.children(child.node.external_id)
    }
    found_grandchildren = {
        grandchild.node.external_id
        for child in child_items.values()
        for grandchild in child.connections["children"]
    }
    check_cut(
        found_grandchildren,
        expected_grandchildren,
        grandchildren_limit,
        results.truncated["CogniteAsset.children.children"],
    )

    expected_links = {
        root.node.external_id: world.reachable(root.node.external_id, max_distance) for root in results
    }
    expected_ends = {end for walked in expected_links.values() for _, end in walked}
    found_ends = set()
    for root in results:
        walked = {
            (item.edge.external_id, item.node.external_id) for item in root.connections["links"] if item.edge
        }
        assert walked <= expected_links[root.node.external_id]
        found_ends |= {end for _, end in walked}
        if not results.truncated["CogniteAsset.links"]:
            assert walked == expected_links[root.node.external_id]
    check_cut(found_ends, expected_ends, links_limit, results.truncated["CogniteAsset.links"])
