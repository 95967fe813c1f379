"""The optimizer's choices and what explain() shows, and the errors a badly built query gets
before anything is sent. No emulator needed: plans are values."""

from __future__ import annotations

import json
import re

import pytest
from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.query import (
    Query,
    QueryLimits,
    QueryTooLargeError,
    and_,
    equals,
    has_data,
    instance_references,
    prefix,
    range_,
)
from pygen_runtime.query._plan import make_plan
from pygen_runtime.schema import NodeId, ViewId

ASSET = ViewId(space="cdf_cdm", external_id="CogniteAsset", version="v1")
ACTIVITY = ViewId(space="cdf_cdm", external_id="CogniteActivity", version="v1")
EDGE_VIEW = ViewId(space="s", external_id="Link", version="1")


def first_json(text: str) -> dict[str, object]:
    """The first JSON body printed in an explanation."""
    start = text.index("{")
    depth = 0
    for index, char in enumerate(text[start:], start):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return json.loads(text[start : index + 1])  # type: ignore[no-any-return]
    raise AssertionError("no JSON body")


def test_a_start_that_fits_a_page_is_one_query_request_with_every_step() -> None:
    roots = Query.nodes(ASSET, filter=prefix(ASSET, "name", "Pump"), limit=10, sort=[{"property": ["x"]}])
    roots.direct("parent", "parent", ASSET, properties=["name"])
    roots.reverse(
        "activities", through=ACTIVITY, property="assets", is_list=True, filter=equals(ACTIVITY, "x", 1)
    )
    roots.edges("links", ("s", "link"), ASSET, edge_view=EDGE_VIEW, edge_filter=range_(EDGE_VIEW, "w", gt=1))

    plan = roots.explain()
    text = str(plan)

    assert plan.strategy == "query"
    assert "one request answers every step" in plan.reason
    body = first_json(text[text.index("POST /models/instances/query") :])
    assert body == plan.query_body()
    assert body["with"] == {
        "s0": {
            "nodes": {"filter": and_(has_data(ASSET), prefix(ASSET, "name", "Pump"))},
            "limit": 10,
            "sort": [{"property": ["x"]}],
        },
        "s1": {
            "nodes": {
                "from": "s0",
                "through": {"source": ASSET.dump(), "identifier": "parent"},
                "direction": "outwards",
            },
            "limit": 1000,
        },
        "s3_edges": {
            "edges": {
                "from": "s0",
                "direction": "outwards",
                "filter": and_(
                    {"equals": {"property": ["edge", "type"], "value": {"space": "s", "externalId": "link"}}},
                    range_(EDGE_VIEW, "w", gt=1),
                ),
                "maxDistance": 1,
            },
            "limit": 1000,
        },
        "s3": {"nodes": {"from": "s3_edges", "chainTo": "destination"}, "limit": 1000},
    }
    # The start selects what its direct relation needs; an edge step selects its edges' view.
    assert body["select"]["s1"] == {"sources": [{"source": ASSET.dump(), "properties": ["name"]}]}  # type: ignore[index]
    assert body["select"]["s3_edges"] == {"sources": [{"source": EDGE_VIEW.dump(), "properties": ["*"]}]}  # type: ignore[index]
    # A list relation followed inwards has no set of its own: it is listed with containsAny.
    assert "s2" not in body["select"]  # type: ignore[operator]
    assert "-      CogniteAsset.activities: reverse of the list relation 'assets'" in text
    assert "always layered (containsAny)" in text
    assert '"containsAny"' in text
    assert "edge filter in the edge set" in text
    assert "filter in its own set" in text


def test_a_start_over_several_pages_is_layered_and_explained_step_by_step() -> None:
    roots = Query.nodes(ASSET, limit=None)
    roots.direct("parent", "parent", ASSET, filter=prefix(ASSET, "name", "A")).reverse(
        "children", through=ASSET, property="parent", sort=[{"property": ["y"]}]
    )
    roots.edges("near", ("s", "link"), ASSET, direction="inwards", max_distance=None, filter=has_data(ASSET))
    roots.edges("next", ("s", "link"), ASSET)

    plan = roots.explain(limits=QueryLimits(ids_per_request=200))
    text = str(plan)

    assert plan.strategy == "layered"
    assert "fetched once" in plan.reason
    assert "POST /models/instances/list, following its cursor" in text
    assert "then POST /models/instances/list for the targets not fetched before" in text
    assert "POST /models/instances/query per chunk of parents, following the cursor of 'hops'" in text
    assert "POST /models/instances/list (edges) per chunk of parents" in text
    assert "then POST /models/instances/byids for the nodes at the far end" in text
    assert "<parent ids, at most 200>" in text
    assert "edges of type s:link inwards, any distance" in text
    assert "sorted by CDF" in text
    assert "filter as nodeFilter of its edges" in text


def test_a_start_from_ids_is_layered_and_shows_its_by_ids_request() -> None:
    start = Query.by_ids(ASSET, NodeId(space="s", external_id="a"))
    start.direct("parent", "parent", ASSET)

    text = str(start.explain())

    assert "Strategy: layered" in text
    assert "by-ids requests need no query" in text
    assert '"externalId": "a"' in text
    assert "then POST /models/instances/byids for the targets not fetched before" in text
    with pytest.raises(InvalidArgumentError, match="starts from ids runs with plan='layered'"):
        start.explain(plan="query")


def test_the_strategy_can_be_forced_and_single_steps_are_plain_listings() -> None:
    roots = Query.nodes(ASSET, limit=5)
    assert roots.explain().reason == "a single step is a plain listing"
    roots.reverse("children", through=ASSET, property="parent")

    assert roots.explain(plan="layered").strategy == "layered"
    assert roots.explain(plan="layered").reason == "asked for"
    with pytest.raises(InvalidArgumentError, match="plan must be 'auto', 'query' or 'layered', got 'fast'"):
        roots.explain(plan="fast")  # type: ignore[arg-type]


def test_more_result_sets_than_one_request_takes() -> None:
    roots = Query.nodes(ASSET, limit=5)
    for index in range(30):
        roots.edges(f"e{index}", ("s", "link"), ASSET)

    assert "more than one query request takes" in roots.explain().reason
    with pytest.raises(QueryTooLargeError, match="needs 61 result sets; one query request takes at most 50"):
        roots.explain(plan="query")


def test_depth_is_bounded_before_anything_is_sent() -> None:
    step = Query.nodes(ASSET)
    for _ in range(7):
        step = step.direct("parent", "parent", ASSET)

    with pytest.raises(QueryTooLargeError, match=re.escape("is 7 steps deep; QueryLimits.max_depth is 6")):
        step.explain()
    assert step.explain(limits=QueryLimits(max_depth=7)).strategy == "query"
    with pytest.raises(InvalidArgumentError, match="is not the start of a query"):
        make_plan(step, "auto", QueryLimits())


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Query.nodes("CogniteAsset"), "Query.nodes: expected a ViewId"),  # type: ignore[arg-type]
        (lambda: Query.nodes(ASSET, limit=0), "limit must be a whole number >= 1, or None"),
        (lambda: Query.nodes(ASSET).reverse("c", ASSET, "p", limit=True), "limit must be a whole number"),
        (lambda: Query.by_ids(ASSET, [("s",)]), r"expected a NodeId or a \(space, external_id\) pair"),  # type: ignore[list-item]
        (
            lambda: Query.nodes(ASSET).edges("e", ("s", "t"), ASSET, direction="up"),  # type: ignore[arg-type]
            "direction must be 'outwards' or 'inwards', got 'up'",
        ),
        (
            lambda: Query.nodes(ASSET).edges("e", ("s", "t"), ASSET, max_distance=0),
            "max_distance: limit must",
        ),
        (lambda: Query.nodes(ASSET).edges("e", "link", ASSET), r"expected a NodeId or a \(space"),  # type: ignore[arg-type]
        (
            lambda: Query.nodes(ASSET).direct("p", "parent", ASSET).parent.direct("p", "x", ASSET),
            "already has a connection named 'p'",
        ),  # type: ignore[union-attr]
        (lambda: QueryLimits(page_size=0), "QueryLimits.page_size must be a whole number >= 1"),
        (lambda: QueryLimits(page_size=20_000), "page_size is at most 10,000"),
        (lambda: QueryLimits(ids_per_request=5000), "ids_per_request is at most 1,000"),
        (lambda: QueryLimits(max_result_sets=51), "max_result_sets must be 1 to 50"),
    ],
)
def test_mistakes_are_named_before_anything_is_sent(build: object, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        build()  # type: ignore[operator]


def test_steps_know_their_place() -> None:
    roots = Query.nodes(ASSET, name="assets")
    children = roots.reverse("children", through=ASSET, property="parent")
    ids = Query.by_ids(ASSET, [("s", "a"), NodeId(space="s", external_id="a"), ("s", "b")])

    assert children.path == "assets.children"
    assert children.depth == 1
    assert children.root is roots
    assert [step.path for step in roots.walk()] == ["assets", "assets.children"]
    assert ids.ids == (NodeId(space="s", external_id="a"), NodeId(space="s", external_id="b"))
    assert Query.by_ids(ASSET, ("s", "a")).ids == (NodeId(space="s", external_id="a"),)
    assert instance_references([("s", "a")]) == {"instanceReferences": [{"space": "s", "externalId": "a"}]}
    assert and_(None, None) is None


def test_the_package_names_what_it_exports() -> None:
    import pygen_runtime.query as package

    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match=r"module 'pygen_runtime\.query' has no attribute 'Nope'"):
        package.Nope  # noqa: B018
