"""Nodes and edges against a loopback server answering with the real instances of
shared/cdf/instances: apply, delete, retrieve, list with cursors, iterate, search, aggregate,
histogram, query and sync. Every request body is checked against the official spec by the
``cdf`` fixture; CDF's limits that cannot be met by splitting are refused before sending."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openapi_contract
import pytest
import yaml
from pygen_runtime.schema import (
    AggregatedHistogram,
    AggregatedNumber,
    Edge,
    EdgeApply,
    EdgeId,
    Node,
    NodeApply,
    NodeId,
    ViewId,
)
from werkzeug import Response

from pygen_runtime import Avg, Count, Histogram, InvalidArgumentError, Max, Min, Sum

INSTANCES = openapi_contract.SPEC_PATH.parents[1] / "instances"
READ_NODES: list[dict[str, Any]] = yaml.safe_load(
    Path(INSTANCES / "Omni.nodes.yaml").read_text(encoding="utf-8")
)
NULLABLE = ViewId(space="sp_pygen_models", external_id="PrimitiveNullable", version="1")
ITEM_A = ViewId(space="sp_pygen_models", external_id="ConnectionItemA", version="1")


def write_items(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load(Path(INSTANCES / "write" / f"{name}.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def slim(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "instanceType": item["instanceType"],
        "space": item["space"],
        "externalId": item["externalId"],
        "version": 1,
        "wasModified": True,
        "createdTime": 1729356272492,
        "lastUpdatedTime": 1729356272492,
    }


def edge_read(item: dict[str, Any]) -> dict[str, Any]:
    return {**item, "version": 1, "createdTime": 1, "lastUpdatedTime": 1, "properties": {}}


def has_null_values(item: dict[str, Any]) -> bool:
    return any(value is None for source in item.get("sources", []) for value in source["properties"].values())


def test_real_nodes_and_edges_are_applied_as_the_api_takes_them(cdf: Any, run: Any) -> None:
    raw = (
        write_items("PrimitiveNullable.node")
        + write_items("ConnectionItemA.node")
        + write_items("ConnectionItemE.edge")
    )
    # CDF takes null to clear a value, but the published spec has no null among property values,
    # so the spec check would refuse those items.
    raw = [item for item in raw if not has_null_values(item)]
    assert len(raw) >= 8
    items = [
        EdgeApply.model_validate(item) if item["instanceType"] == "edge" else NodeApply.model_validate(item)
        for item in raw
    ]
    cdf.on(
        "POST",
        "/models/instances",
        lambda recorded: cdf.answer({"items": [slim(i) for i in recorded.body["items"]]}),
    )

    results = run(lambda client: client.instances.apply(items, auto_create_start_nodes=True, replace=True))

    [request] = cdf.sent()
    assert request.body["items"] == raw
    assert request.body["autoCreateStartNodes"] is True
    assert request.body["replace"] is True
    assert [result.as_id() for result in results] == [item.as_id() for item in items]
    assert isinstance(results[-1].as_id(), EdgeId)


def test_nodes_are_retrieved_with_their_properties(cdf: Any, run: Any) -> None:
    answer = {"items": READ_NODES[:10]}
    openapi_contract.validate_response("POST", "/models/instances/byids", 200, answer)
    cdf.on("POST", "/models/instances/byids", cdf.answer(answer))
    ids = [NodeId(space=item["space"], external_id=item["externalId"]) for item in READ_NODES[:10]]

    nodes = run(lambda client: client.instances.retrieve(ids, sources=[NULLABLE], include_typing=True))

    assert [node.as_id() for node in nodes] == ids
    assert all(isinstance(node, Node) for node in nodes)
    assert nodes[0].properties_of(
        ViewId(space="sp_pygen_models", external_id="CDFExternalReferences", version="1")
    ) == {
        "file": "file_katelyn",
        "sequence": "sequence_kayla",
    }
    [request] = cdf.sent()
    assert request.body["includeTyping"] is True
    assert request.body["items"][0] == {
        "instanceType": "node",
        "space": ids[0].space,
        "externalId": ids[0].external_id,
    }


def test_edges_come_back_as_edges(cdf: Any, client: Any) -> None:
    edges = [edge_read(item) for item in write_items("ConnectionItemA.edge")[:3]]
    cdf.on("POST", "/models/instances/byids", cdf.answer({"items": edges}))

    found = client.instances.retrieve([EdgeId(space=e["space"], external_id=e["externalId"]) for e in edges])

    assert all(isinstance(edge, Edge) for edge in found)
    assert found[0].start_node == NodeId(space="sp_omni_instances", external_id="ConnectionItemA:Jennifer")
    assert found[0].dump()["endNode"] == {
        "space": "sp_omni_instances",
        "externalId": "ConnectionItemB:Brenda",
    }
    assert cdf.sent()[0].body["items"][0]["instanceType"] == "edge"


def test_list_follows_cursors_up_to_its_limit(cdf: Any, run: Any) -> None:
    pages = [READ_NODES[0:30], READ_NODES[30:60], READ_NODES[60:90]]

    def page_for(recorded: Any) -> Response:
        index = int(recorded.body.get("cursor", "0"))
        body: dict[str, Any] = {"items": pages[index][: recorded.body["limit"]]}
        if index + 1 < len(pages):
            body["nextCursor"] = str(index + 1)
        return cdf.answer(body)

    cdf.on("POST", "/models/instances/list", page_for)
    filter = {"prefix": {"property": ["node", "externalId"], "value": "Primitive"}}
    sort = [{"property": ["node", "externalId"], "direction": "descending"}]

    everything = run(
        lambda client: client.instances.list(sources=NULLABLE, filter=filter, sort=sort, limit=None)
    )
    some = run(lambda client: client.instances.list())

    assert [node.external_id for node in everything] == [item["externalId"] for item in READ_NODES]
    assert len(some) == 25
    first = cdf.sent()[0].body
    assert first == {
        "instanceType": "node",
        "sources": [{"source": NULLABLE.dump()}],
        "filter": filter,
        "sort": sort,
        "limit": 1000,
    }
    assert [request.body.get("cursor") for request in cdf.sent()[:3]] == [None, "1", "2"]
    assert cdf.sent()[-1].body["limit"] == 25


def test_iterate_is_lazy_and_can_resume_from_a_cursor(cdf: Any, client: Any) -> None:
    def page_for(recorded: Any) -> Response:
        start = int(recorded.body.get("cursor", "0"))
        end = start + recorded.body["limit"]
        body: dict[str, Any] = {"items": READ_NODES[start:end]}
        if end < 6:
            body["nextCursor"] = str(end)
        return cdf.answer(body)

    cdf.on("POST", "/models/instances/list", page_for)

    pages = client.instances.iterate(chunk_size=2)
    first = next(pages)
    assert len(cdf.sent()) == 1
    resumed = list(client.instances.iterate(chunk_size=2, cursor=first.next_cursor))

    assert [node.external_id for node in first] == [item["externalId"] for item in READ_NODES[:2]]
    assert [len(page) for page in resumed] == [2, 2]
    assert [request.body.get("cursor") for request in cdf.sent()] == [None, "2", "4"]


async def test_async_iterate_and_list(cdf: Any) -> None:
    from pygen_runtime import AsyncCDFClient

    cdf.on("POST", "/models/instances/list", cdf.answer({"items": READ_NODES[:3]}))

    async with AsyncCDFClient(cdf.config()) as client:
        pages = [page async for page in client.instances.iterate(instance_type="node", limit=2)]

    assert [len(page) for page in pages] == [2]


def test_search_sends_the_query_and_refuses_more_than_it_can_return(cdf: Any, run: Any) -> None:
    cdf.on("POST", "/models/instances/search", cdf.answer({"items": READ_NODES[:2]}))

    hits = run(
        lambda client: client.instances.search(
            NULLABLE,
            "north",
            properties=["text"],
            operator="AND",
            limit=10,
            filter={"exists": {"property": ["node", "type"]}},
        )
    )

    assert len(hits) == 2
    assert cdf.sent()[0].body == {
        "view": NULLABLE.dump(),
        "query": "north",
        "instanceType": "node",
        "properties": ["text"],
        "filter": {"exists": {"property": ["node", "type"]}},
        "operator": "AND",
        "limit": 10,
    }


def aggregate_answer(recorded: Any) -> Response:
    """Answers each aggregate asked for, for two manufacturer groups."""
    values = []
    for aggregate in recorded.body["aggregates"]:
        [(kind, spec)] = aggregate.items()
        if kind == "histogram":
            values.append(
                {
                    "aggregate": "histogram",
                    "property": spec["property"],
                    "interval": spec["interval"],
                    "buckets": [{"start": 0.0, "count": 3}, {"start": spec["interval"], "count": 1}],
                }
            )
        else:
            value: dict[str, Any] = {"aggregate": kind, "value": 4 if kind == "count" else 2.5}
            if "property" in spec:
                value["property"] = spec["property"]
            values.append(value)
    groups = [{"manufacturer": "Acme"}, {"manufacturer": "Bolt"}] if recorded.body.get("groupBy") else [None]
    items = []
    for group in groups:
        item: dict[str, Any] = {"instanceType": "node", "aggregates": values}
        if group:
            item["group"] = group
        items.append(item)
    body = {"items": items}
    openapi_contract.validate_response("POST", "/models/instances/aggregate", 200, body)
    return Response(json.dumps(body), content_type="application/json")


def test_aggregates_beyond_five_are_split_and_merged_per_group(cdf: Any, run: Any) -> None:
    cdf.on("POST", "/models/instances/aggregate", aggregate_answer)
    wanted = [
        Count(),
        Count("float64"),
        Avg("float64"),
        Min("float64"),
        Max("float64"),
        Sum("int32"),
        Histogram("float64", 10),
    ]

    results = run(
        lambda client: client.instances.aggregate(NULLABLE, wanted, group_by=["manufacturer"], limit=50)
    )

    assert sorted(len(request.body["aggregates"]) for request in cdf.sent()) == [2, 5]
    assert [result.group for result in results] == [{"manufacturer": "Acme"}, {"manufacturer": "Bolt"}]
    acme = results[0]
    assert len(acme.aggregates) == 7
    assert acme.value("count") == 4
    assert acme.value("avg", "float64") == 2.5
    assert acme.value("median", "float64") is None
    assert isinstance(acme.aggregates[-1], AggregatedHistogram)
    assert cdf.sent()[0].body["groupBy"] == ["manufacturer"]
    assert cdf.sent()[0].body["limit"] == 50


def test_a_single_aggregate_and_a_histogram(cdf: Any, run: Any) -> None:
    cdf.on("POST", "/models/instances/aggregate", aggregate_answer)

    [total] = run(
        lambda client: client.instances.aggregate(
            NULLABLE, Count(), filter={"exists": {"property": ["node", "space"]}}
        )
    )
    histogram = run(lambda client: client.instances.histogram(NULLABLE, "float64", 5.0))

    assert isinstance(total.aggregates[0], AggregatedNumber)
    assert total.value("count") == 4
    assert histogram.interval == 5.0
    assert [(bucket.start, bucket.count) for bucket in histogram.buckets] == [(0.0, 3), (5.0, 1)]
    assert cdf.sent()[-1].body["aggregates"] == [{"histogram": {"property": "float64", "interval": 5.0}}]


def test_one_sort_key_and_one_group_by_property_may_be_given_bare(cdf: Any, client: Any) -> None:
    cdf.on("POST", "/models/instances/list", cdf.answer({"items": []}))
    cdf.on("POST", "/models/instances/aggregate", aggregate_answer)
    by_name = {"property": ["node", "externalId"]}

    client.instances.list(sort=by_name)
    client.instances.aggregate(NULLABLE, Count(), group_by="manufacturer")

    assert cdf.sent("/models/instances/list")[0].body["sort"] == [by_name]
    assert cdf.sent("/models/instances/aggregate")[0].body["groupBy"] == ["manufacturer"]


def test_a_histogram_of_nothing_has_no_buckets(cdf: Any, client: Any) -> None:
    cdf.on("POST", "/models/instances/aggregate", cdf.answer({"items": []}))

    histogram = client.instances.histogram(NULLABLE, "float64", 2)

    assert (histogram.property, histogram.interval, histogram.buckets) == ("float64", 2, [])


QUERY: dict[str, Any] = {
    "with": {
        "items": {"nodes": {"filter": {"hasData": [ITEM_A.dump()]}}, "limit": 2},
        "edges": {"edges": {"from": "items", "direction": "outwards"}, "limit": 10},
    },
    "select": {
        "items": {"sources": [{"source": ITEM_A.dump(), "properties": ["*"]}]},
        "edges": {},
    },
}


def test_a_query_returns_typed_result_sets_and_pages_with_cursors(cdf: Any, run: Any) -> None:
    edges = [edge_read(item) for item in write_items("ConnectionItemA.edge")[:2]]
    answer = {
        "items": {"items": READ_NODES[:2], "edges": edges},
        "nextCursor": {"items": "c-items", "edges": None},
    }
    openapi_contract.validate_response(
        "POST", "/models/instances/query", 200, {**answer, "nextCursor": {"items": "c-items"}}
    )
    cdf.on("POST", "/models/instances/query", cdf.answer(answer))

    first = run(lambda client: client.instances.query(QUERY))
    run(lambda client: client.instances.query(QUERY, cursors=first.next_cursor))

    assert [node.external_id for node in first.items["items"]] == [
        item["externalId"] for item in READ_NODES[:2]
    ]
    assert all(isinstance(edge, Edge) for edge in first.items["edges"])
    assert first.next_cursor == {"items": "c-items", "edges": None}
    assert "cursors" not in cdf.sent()[0].body
    assert cdf.sent()[1].body["cursors"] == {"items": "c-items"}


def test_a_sync_sends_its_cursors_and_reads_deletions(cdf: Any, run: Any) -> None:
    deleted = {**READ_NODES[0], "deletedTime": 1729356272999, "properties": {}}
    cdf.on(
        "POST",
        "/models/instances/sync",
        cdf.answer({"items": {"items": [deleted]}, "nextCursor": {"items": "s-2"}}),
    )
    body = {
        "with": {"items": {"nodes": {"filter": {"hasData": [ITEM_A.dump()]}}, "limit": 2000}},
        "select": {"items": {}},
    }

    result = run(lambda client: client.instances.sync(body, cursors={"items": "s-1"}))

    assert result.items["items"][0].deleted_time == 1729356272999
    assert result.next_cursor == {"items": "s-2"}
    assert cdf.sent()[0].body["cursors"] == {"items": "s-1"}


def test_deletes_return_what_cdf_deleted(cdf: Any, run: Any) -> None:
    cdf.on("POST", "/models/instances/delete", lambda recorded: cdf.answer({"items": recorded.body["items"]}))
    ids = [
        NodeId(space="sp_omni_instances", external_id="a"),
        EdgeId(space="sp_omni_instances", external_id="b"),
    ]

    assert run(lambda client: client.instances.delete(ids)) == ids


def too_many_result_sets() -> dict[str, Any]:
    return {
        "with": {f"set{n}": {"nodes": {}} for n in range(51)},
        "select": {f"set{n}": {} for n in range(51)},
    }


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(
            lambda c: c.instances.search(NULLABLE, "x", limit=1001),
            "limit must be between 1 and 1000",
            id="search limit",
        ),
        pytest.param(
            lambda c: c.instances.search(NULLABLE, operator="XOR"),
            "operator must be 'AND' or 'OR'",
            id="operator",
        ),
        pytest.param(
            lambda c: c.instances.list(instance_type="nodes"),
            "instance_type must be 'node' or 'edge'",
            id="instance type",
        ),
        pytest.param(
            lambda c: c.instances.list(sources=[NULLABLE] * 11),
            "CDF reads at most 10 views per request, got 11",
            id="eleven sources",
        ),
        pytest.param(
            lambda c: c.instances.list(sort=[{"property": ["node", "externalId"]}] * 6),
            "CDF sorts by at most 5 properties, got 6",
            id="six sort keys",
        ),
        pytest.param(
            lambda c: list(c.instances.iterate(chunk_size=5000)),
            "chunk_size must be between 1 and 1000",
            id="chunk size",
        ),
        pytest.param(
            lambda c: c.instances.aggregate(NULLABLE, []), "needs at least one aggregate", id="no aggregates"
        ),
        pytest.param(
            lambda c: c.instances.aggregate(NULLABLE, Count(), group_by=list("abcdef")),
            "group_by takes 1 to 5 properties, got 6",
            id="six group-by properties",
        ),
        pytest.param(
            lambda c: c.instances.aggregate(NULLABLE, Count(), limit=5000),
            "limit must be between 1 and 1000",
            id="aggregate limit",
        ),
        pytest.param(
            lambda c: c.instances.aggregate(NULLABLE, "count"),
            "expects Count or Avg",
            id="a string aggregate",
        ),
        pytest.param(
            lambda c: c.instances.histogram(NULLABLE, "x", 0),
            "interval must be a number > 0",
            id="zero interval",
        ),
        pytest.param(
            lambda c: c.instances.aggregate(NULLABLE, Avg("")),
            "Avg needs the identifier of a view property",
            id="no property",
        ),
        pytest.param(
            lambda c: c.instances.query(too_many_result_sets()),
            "at most 50 result sets in 'with', got 51",
            id="51 sets",
        ),
        pytest.param(
            lambda c: c.instances.query({"with": {}, "select": {}}),
            "'with' must be a non-empty dict",
            id="empty query",
        ),
        pytest.param(
            lambda c: c.instances.query([]),
            "expects the request body as a dict, got list",
            id="query not a dict",
        ),
        pytest.param(
            lambda c: c.instances.query({"with": {"a": {"nodes": {}, "limit": 10001}}, "select": {"a": {}}}),
            "with.a.limit must be between 1 and 10000",
            id="query limit",
        ),
        pytest.param(
            lambda c: c.instances.sync({"with": {"a": {"nodes": {}, "limit": 2001}}, "select": {"a": {}}}),
            "with.a.limit must be between 1 and 2000",
            id="sync limit",
        ),
        pytest.param(
            lambda c: c.instances.query(
                {"with": {"a": {"nodes": {}}}, "select": {"a": {"sources": [{}] * 11}}}
            ),
            "select.a reads 11 views; CDF takes at most 10",
            id="query sources",
        ),
        pytest.param(
            lambda c: c.instances.apply([{"space": "s"}]),
            "instances.apply expects NodeApply or EdgeApply",
            id="dict item",
        ),
        pytest.param(
            lambda c: c.instances.delete(["a"]), "instances.delete expects NodeId or EdgeId", id="string id"
        ),
        pytest.param(
            lambda c: c.instances.search("PrimitiveNullable"),
            "instances.search expects ViewId",
            id="view name",
        ),
    ],
)
def test_requests_cdf_would_refuse_are_not_sent(cdf: Any, client: Any, call: Any, expected: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        call(client)

    assert expected in str(caught.value)
    assert cdf.sent() == []
