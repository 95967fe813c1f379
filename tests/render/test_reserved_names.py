"""The names the renderer keeps free for the runtime are the runtime's real public members."""

from __future__ import annotations

from pygen_runtime.typed import EdgeAPI, NodeAPI, TypedClient

from hatch_pygen.render.python._model import RESERVED_API_ATTRIBUTES, RESERVED_CLIENT_ATTRIBUTES


def _public_members(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def test_no_view_attribute_can_hide_a_member_of_the_client_base() -> None:
    assert _public_members(TypedClient) <= RESERVED_CLIENT_ATTRIBUTES


def test_no_edge_api_attribute_can_hide_a_query_method_of_the_api_bases() -> None:
    queries = {"retrieve", "list", "iterate", "search", "aggregate", "histogram"}
    assert queries <= _public_members(NodeAPI) & _public_members(EdgeAPI)
    assert queries <= RESERVED_API_ATTRIBUTES
