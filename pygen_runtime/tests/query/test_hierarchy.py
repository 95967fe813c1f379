"""Traversals over a 10,000-asset hierarchy in CogniteCore: reverse relations down (single and
list relations), direct relations up, limits, laziness and the number of requests, against
expectations computed from the loaded data in plain Python."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

import pytest
from pygen_runtime.query import Query, QueryLimits, ResultItem, Step, prefix
from pygen_runtime.schema import ViewId

ASSET = ViewId(space="cdf_cdm", external_id="CogniteAsset", version="v1")
SPACE = "hierarchy"
NO_PARENT = {"not": {"exists": {"property": ["cdf_cdm", "CogniteAsset/v1", "parent"]}}}

Tree = dict[str, Any]


def reference_children(world: Any) -> dict[str, list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for _, external_id in world.nodes:
        parent = world.properties((SPACE, external_id), ASSET).get("parent")
        if parent is not None:
            children[parent["externalId"]].append(external_id)
    return children


def reference_tree(children: dict[str, list[str]], start: str, depth: int) -> Tree:
    if depth == 0:
        return {}
    return {child: reference_tree(children, child, depth - 1) for child in children.get(start, [])}


def result_tree(item: ResultItem, names: list[str]) -> Tree:
    if not names:
        return {}
    return {child.node.external_id: result_tree(child, names[1:]) for child in item.connections[names[0]]}


def roots_with_descendants(levels: int, root_limit: int | None = 10) -> Step:
    roots = Query.nodes(ASSET, filter=NO_PARENT, limit=root_limit)
    step = roots
    for _ in range(levels):
        step = step.reverse("children", through=ASSET, property="parent")
    return roots


@pytest.mark.parametrize("plan", ["query", "layered"])
def test_three_levels_of_children_equal_the_hierarchy(hierarchy: Any, client_of: Any, plan: str) -> None:
    client, transport = client_of(hierarchy)
    children = reference_children(hierarchy)

    results = roots_with_descendants(3).execute(client, plan=plan)  # type: ignore[arg-type]
    found = {root.node.external_id: result_tree(root, ["children"] * 3) for root in results}

    expected = {root: reference_tree(children, root, 3) for root in _roots(hierarchy)}
    assert found == expected
    assert len(_leaves(found, 4)) == 9000
    assert not any(results.truncated.values())
    # 10,000 assets in a handful of requests, never one per item.
    assert transport.total() == sum(results.requests.values())
    assert transport.total() <= 15


def _roots(world: Any) -> list[str]:
    return [key[1] for key in world.nodes if "parent" not in world.properties(key, ASSET)]


def _leaves(tree: Tree, depth: int) -> list[str]:
    if depth == 1:
        return list(tree)
    return [leaf for subtree in tree.values() for leaf in _leaves(subtree, depth - 1)]


def test_the_one_request_plan_sends_one_query_when_everything_fits(hierarchy: Any, client_of: Any) -> None:
    client, transport = client_of(hierarchy)
    roots = Query.nodes(ASSET, filter=prefix(ASSET, "name", "Asset 0-0000"), limit=5)
    roots.reverse("children", through=ASSET, property="parent").reverse(
        "children", through=ASSET, property="parent"
    )
    children = reference_children(hierarchy)

    results = roots.execute(client).collect()

    assert roots.explain().strategy == "query"
    assert {root.node.external_id for root in results} == {f"asset-0-0000{index}" for index in range(5)}
    for root in results:
        assert result_tree(root, ["children", "children"]) == reference_tree(
            children, root.node.external_id, 2
        )
    assert dict(transport.counts) == {"query": 1}


def test_a_nested_set_that_overflows_its_page_is_continued_per_layer(hierarchy: Any, client_of: Any) -> None:
    client, transport = client_of(hierarchy)
    limits = QueryLimits(page_size=50)
    roots = Query.nodes(ASSET, filter=NO_PARENT, limit=10)
    roots.reverse("children", through=ASSET, property="parent").reverse(
        "children", through=ASSET, property="parent"
    )
    children = reference_children(hierarchy)

    results = roots.execute(client, plan="query", limits=limits).collect()

    assert {root.node.external_id: result_tree(root, ["children", "children"]) for root in results} == {
        root: reference_tree(children, root, 2) for root in _roots(hierarchy)
    }
    # One query; the 90 children overflow a page of 50 and are listed for the 10 roots in 2
    # pages; their 900 children in 18 full pages of 50 and a last one that finds nothing more
    # (a full page always comes with a cursor).
    assert transport.counts["query"] == 1
    assert transport.counts["list"] == 2 + 18 + 1


def test_reverse_through_a_list_relation_reaches_every_descendant(hierarchy: Any, client_of: Any) -> None:
    client, transport = client_of(hierarchy)
    roots = Query.nodes(ASSET, filter=prefix(ASSET, "name", "Asset 0-0000"), limit=2)
    roots.reverse("subtree", through=ASSET, property="path", is_list=True, properties=["name"])

    results = roots.execute(client, plan="layered").collect()

    for root in results:
        expected = {
            key[1]
            for key in hierarchy.nodes
            if root.node.external_id
            in [hop["externalId"] for hop in hierarchy.properties(key, ASSET)["path"]]
        }
        assert {item.node.external_id for item in root.connections["subtree"]} == expected
        assert len(expected) == 1 + 9 + 90 + 900
    assert transport.counts["list"] <= 1 + 3


def test_direct_relations_upwards_fetch_each_parent_once(hierarchy: Any, client_of: Any) -> None:
    client, transport = client_of(hierarchy)
    leaves = Query.nodes(ASSET, filter=prefix(ASSET, "name", "Asset 3-"), limit=None, properties=["name"])
    leaves.direct("parent", "parent", ASSET).direct("parent", "parent", ASSET).direct(
        "parent", "parent", ASSET
    )

    results = leaves.execute(client).collect()

    assert len(results) == 9000
    # The asked property, and the relation the next step follows.
    assert set(results[0].properties) == {"name", "parent"}
    assert len(results[0].connections["parent"][0].properties) > 2
    for leaf in results[::97]:
        key = (SPACE, leaf.node.external_id)
        for _ in range(3):
            parent_id = hierarchy.properties(key, ASSET)["parent"]["externalId"]
            [parent] = leaf.connections["parent"]
            assert parent.node.external_id == parent_id
            key, leaf = (SPACE, parent_id), parent
    # Siblings share their parent's item: it was fetched once.
    assert results[0].connections["parent"][0] is results[1].connections["parent"][0]
    # 9 full pages of leaves (and a last, empty one); per page, one by-ids request per level up.
    assert transport.counts["list"] == 9 + 1
    assert transport.counts["byids"] == 9 * 3
    # Each of the 900 parents, 90 grandparents and 10 roots was asked for once.
    asked = [item["externalId"] for body in transport.bodies_of("byids") for item in body["items"]]
    assert len(asked) == len(set(asked)) == 900 + 90 + 10


def test_limits_cut_results_and_say_so(hierarchy: Any, client_of: Any) -> None:
    client, _ = client_of(hierarchy)
    roots = Query.nodes(ASSET, filter=NO_PARENT, limit=3)
    roots.reverse("children", through=ASSET, property="parent", limit=20)

    for plan in ("query", "layered"):
        results = roots.execute(client, plan=plan).collect()  # type: ignore[arg-type]

        assert len(results) == 3
        assert sum(len(root.connections["children"]) for root in results) == 20
        assert results.truncated == {"CogniteAsset": True, "CogniteAsset.children": True}
        assert not results.is_complete


def test_a_limit_that_exactly_fits_cuts_nothing(hierarchy: Any, client_of: Any) -> None:
    client, _ = client_of(hierarchy)
    roots = Query.nodes(ASSET, filter=NO_PARENT, limit=10)
    roots.reverse("children", through=ASSET, property="parent", limit=90)

    for plan in ("query", "layered"):
        results = roots.execute(client, plan=plan).collect()  # type: ignore[arg-type]

        assert len(results) == 10
        assert sum(len(root.connections["children"]) for root in results) == 90
        assert results.is_complete


def test_results_are_fetched_as_they_are_iterated(hierarchy: Any, client_of: Any) -> None:
    client, transport = client_of(hierarchy)
    level_two = Query.nodes(ASSET, filter=prefix(ASSET, "name", "Asset 2-"), limit=None)
    level_two.reverse("children", through=ASSET, property="parent")
    children = reference_children(hierarchy)

    results = level_two.execute(client, limits=QueryLimits(page_size=100), prefetch=False)
    pages = results.pages()
    first = next(pages)
    sent_for_first_page = transport.total()
    rest = [item for page in pages for item in page]

    assert len(first) == 100
    # A page of 100 parents, then their 1,000 children in 10 full pages and a last, empty one.
    assert sent_for_first_page == 1 + 10 + 1
    assert len(first) + len(rest) == 900
    for item in [*first, *rest]:
        assert [child.node.external_id for child in item.connections["children"]] == children[
            item.node.external_id
        ]
    assert transport.total() > sent_for_first_page


def test_the_next_page_is_fetched_while_the_caller_holds_this_one(hierarchy: Any, client_of: Any) -> None:
    client, transport = client_of(hierarchy)
    level_two = Query.nodes(ASSET, filter=prefix(ASSET, "name", "Asset 2-"), limit=None)
    level_two.reverse("children", through=ASSET, property="parent")

    pages = level_two.execute(client, limits=QueryLimits(page_size=100)).pages()
    first = next(pages)
    # Without asking for it, the second page (100 parents, 1,000 children) arrives: 12 more
    # requests. Waiting is bounded; on a busy machine it may take a while.
    deadline = time.monotonic() + 30
    while transport.total() < 2 * (1 + 10 + 1) and time.monotonic() < deadline:
        time.sleep(0.01)
    sent_before_the_second_page = transport.total()
    second = next(pages)
    pages.close()  # stop early: the page in flight is finished and dropped

    assert len(first) == len(second) == 100
    assert sent_before_the_second_page >= 2 * (1 + 10 + 1)
    assert transport.total() <= 3 * (1 + 10 + 1)


def test_results_are_iterated_once(hierarchy: Any, client_of: Any) -> None:
    client, _ = client_of(hierarchy)
    results = Query.nodes(ASSET, limit=1).execute(client)
    assert len(list(results)) == 1

    with pytest.raises(ValueError, match="iterated already; execute the query again"):
        list(results)


def test_starting_from_ids_keeps_their_order_and_skips_missing_ones(hierarchy: Any, client_of: Any) -> None:
    client, transport = client_of(hierarchy)
    ids = [(SPACE, "asset-1-00005"), (SPACE, "no-such-asset"), (SPACE, "asset-0-00002")]
    start = Query.by_ids(ASSET, ids)
    start.reverse("children", through=ASSET, property="parent")
    children = reference_children(hierarchy)

    results = start.execute(client).collect()

    assert [item.node.external_id for item in results] == ["asset-1-00005", "asset-0-00002"]
    for item in results:
        assert [child.node.external_id for child in item.connections["children"]] == children[
            item.node.external_id
        ]
    assert dict(transport.counts) == {"byids": 1, "list": 1}


def test_a_filter_on_a_step_goes_into_its_own_result_set(hierarchy: Any, client_of: Any) -> None:
    client, _ = client_of(hierarchy)
    roots = Query.nodes(ASSET, filter=NO_PARENT, limit=10)
    only_first = prefix(ASSET, "name", "Asset 1-0000")
    roots.reverse("children", through=ASSET, property="parent", filter=only_first)
    plan = roots.explain()

    body = plan.query_body()
    results = roots.execute(client).collect()

    assert body["with"]["s1"]["nodes"]["filter"] == only_first
    found = sorted(child.node.external_id for root in results for child in root.connections["children"])
    assert found == [f"asset-1-0000{index}" for index in range(10)]


@pytest.mark.parametrize("plan", ["query", "layered"])
def test_each_step_is_sorted_as_asked(hierarchy: Any, client_of: Any, plan: str) -> None:
    client, _ = client_of(hierarchy)
    by_name_descending = [{"property": ["cdf_cdm", "CogniteAsset/v1", "name"], "direction": "descending"}]
    roots = Query.nodes(ASSET, filter=NO_PARENT, limit=3, sort=by_name_descending)
    roots.reverse("children", through=ASSET, property="parent", sort=by_name_descending).direct(
        "up", "parent", ASSET, sort=by_name_descending
    )
    children = reference_children(hierarchy)

    results = roots.execute(client, plan=plan).collect()  # type: ignore[arg-type]

    assert [root.node.external_id for root in results] == ["asset-0-00009", "asset-0-00008", "asset-0-00007"]
    for root in results:
        found = [child.node.external_id for child in root.connections["children"]]
        assert found == sorted(children[root.node.external_id], reverse=True)
        assert {child.connections["up"][0].node.external_id for child in root.connections["children"]} == {
            root.node.external_id
        }


def test_pages_larger_than_the_list_endpoint_takes_are_query_pages_only(
    hierarchy: Any, client_of: Any
) -> None:
    client, transport = client_of(hierarchy)
    level_two = Query.nodes(ASSET, filter=prefix(ASSET, "name", "Asset 2-"), limit=None)
    level_two.reverse("children", through=ASSET, property="parent")
    few_roots = Query.nodes(ASSET, filter=NO_PARENT, limit=10)
    few_roots.reverse("children", through=ASSET, property="parent").reverse(
        "children", through=ASSET, property="parent"
    )

    listed = level_two.execute(client, limits=QueryLimits(page_size=5000)).collect()
    list_limits = {body["limit"] for body in transport.bodies_of("list")}
    queried = few_roots.execute(client, plan="query", limits=QueryLimits(page_size=5000)).collect()

    assert len(listed) == 900
    assert sum(len(item.connections["children"]) for item in listed) == 9000
    assert list_limits == {1000}
    # One query: the 900 grandchildren fit the larger result set.
    assert (
        sum(len(child.connections["children"]) for root in queried for child in root.connections["children"])
        == 900
    )
    assert transport.counts["query"] == 1


def test_long_id_lists_are_split_into_chunks(hierarchy: Any, client_of: Any) -> None:
    client, transport = client_of(hierarchy)
    level_one = Query.nodes(ASSET, filter=prefix(ASSET, "name", "Asset 1-"), limit=None)
    level_one.reverse("children", through=ASSET, property="parent")
    children = reference_children(hierarchy)

    results = level_one.execute(client, limits=QueryLimits(ids_per_request=25)).collect()

    assert {
        item.node.external_id: [c.node.external_id for c in item.connections["children"]] for item in results
    } == {parent: children[parent] for parent in children if parent.startswith("asset-1-")}
    in_filters = [
        body["filter"]["in"]["values"]
        for body in transport.bodies_of("list")
        if "in" in body.get("filter", {})
    ]
    # 90 parents in chunks of 25: 25, 25, 25 and 15 parents, each chunk's 10 children per parent in one page.
    assert [len(values) for values in in_filters] == [25, 25, 25, 15]
