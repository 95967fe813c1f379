"""Listing pages of nodes and edges read straight from the answer's bytes
(``_api._instance_pages``) are the objects the decoded path makes, on CDF's own instance JSON;
every answer the bytes reader cannot vouch for is left to the decoded path, which reports it."""

from __future__ import annotations

import json
from typing import Any

import openapi_contract
import pytest
import yaml
from pygen_runtime._api._calls import Page
from pygen_runtime._api._instance_pages import instance_page_content
from pygen_runtime._api._instances import _parse_instance_page, list_pager
from pygen_runtime.schema import Edge, Node

from pygen_runtime import CDFResponseError

INSTANCES = openapi_contract.SPEC_PATH.parents[1] / "instances"
READ_NODES: list[dict[str, Any]] = yaml.safe_load((INSTANCES / "Omni.nodes.yaml").read_text(encoding="utf-8"))
TYPING = {"sp_pygen_models": {"PrimitiveNullable/1": {"text": {"type": {"type": "text", "list": False}}}}}


def read_edges() -> list[dict[str, Any]]:
    """CDF's edges of ConnectionItemA as a listing returns them."""
    written = yaml.safe_load((INSTANCES / "write" / "ConnectionItemA.edge.yaml").read_text(encoding="utf-8"))
    return [
        {**item, "version": 3, "createdTime": 1, "lastUpdatedTime": 2, "properties": {}} for item in written
    ]


def page_bytes(items: list[dict[str, Any]], **rest: Any) -> bytes:
    return json.dumps({"items": items, **rest}).encode()


def assert_same_pages(content: bytes, instance_type: Any) -> None:
    from_bytes = instance_page_content(instance_type)(content)
    decoded = _parse_instance_page(json.loads(content))
    assert from_bytes is not None
    assert from_bytes.items == decoded.items
    assert [type(item) for item in from_bytes.items] == [type(item) for item in decoded.items]
    assert [item.model_fields_set for item in from_bytes.items] == [
        item.model_fields_set for item in decoded.items
    ]
    assert [item.dump() for item in from_bytes.items] == [item.dump() for item in decoded.items]
    assert (from_bytes.next_cursor, from_bytes.typing) == (decoded.next_cursor, decoded.typing)


def test_cdfs_own_nodes_read_the_same_from_bytes() -> None:
    assert len(READ_NODES) == 90
    assert_same_pages(page_bytes(READ_NODES, nextCursor="next-page", typing=TYPING), "node")
    assert_same_pages(page_bytes(READ_NODES[:3]), "node")
    page = instance_page_content("node")(page_bytes(READ_NODES, nextCursor="c"))
    assert page is not None
    assert all(isinstance(item, Node) for item in page.items)


def test_edges_read_the_same_from_bytes() -> None:
    edges = read_edges()
    edges[1]["deletedTime"] = 1729354706632
    assert_same_pages(page_bytes(edges, nextCursor=None), "edge")
    page = instance_page_content("edge")(page_bytes(edges))
    assert page is not None
    assert all(isinstance(item, Edge) for item in page.items)


def without(item: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in item.items() if name != key}


@pytest.mark.parametrize(
    ("content", "instance_type"),
    [
        pytest.param(page_bytes([without(READ_NODES[0], "instanceType")]), "node", id="no-instance-type"),
        pytest.param(page_bytes([read_edges()[0]]), "node", id="an-edge-among-nodes"),
        pytest.param(page_bytes(READ_NODES[:2], nextCursor=7), "node", id="cursor-not-text"),
        pytest.param(page_bytes([without(READ_NODES[0], "version")]), "node", id="no-version"),
        pytest.param(page_bytes([without(read_edges()[0], "endNode")]), "edge", id="edge-without-end"),
        pytest.param(b'{"items": [', "node", id="cut-short"),
        pytest.param(b"<html>busy</html>", "node", id="not-json"),
        pytest.param(b'{"nextCursor": null}', "node", id="no-items"),
    ],
)
def test_what_the_bytes_reader_cannot_vouch_for_is_handed_over(content: bytes, instance_type: Any) -> None:
    assert instance_page_content(instance_type)(content) is None


def test_listings_ask_the_bytes_reader_first() -> None:
    for instance_type in ("node", "edge"):
        pager = list_pager(
            instance_type=instance_type,
            sources=None,
            filter=None,
            sort=None,
            include_typing=False,
            limit=None,
        )
        read = pager.make_call(None, 1000).parse_content
        assert read is not None
        assert read(page_bytes([])) == Page(items=[], next_cursor=None, typing=None)


def test_a_listing_over_http_gives_the_nodes_the_decoded_path_gives(cdf: Any, run: Any) -> None:
    cdf.on("POST", "/models/instances/list", cdf.answer({"items": READ_NODES[:40], "typing": TYPING}))

    nodes = run(lambda client: client.instances.list(limit=None, include_typing=True))

    assert nodes == _parse_instance_page({"items": READ_NODES[:40]}).items


def test_an_answer_neither_reader_takes_is_reported_as_not_what_cdf_sends(cdf: Any, run: Any) -> None:
    broken = [READ_NODES[0], without(READ_NODES[1], "instanceType")]
    cdf.on("POST", "/models/instances/list", cdf.answer({"items": broken}))

    with pytest.raises(CDFResponseError, match="not what CDF sends"):
        run(lambda client: client.instances.list(limit=None))
