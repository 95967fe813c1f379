"""Result items as values: how they read, and how a sorted step orders them."""

from __future__ import annotations

from typing import Any

from pygen_runtime.query import ResultItem
from pygen_runtime.query._order import order
from pygen_runtime.schema import Edge, Node, ViewId

VIEW = ViewId(space="s", external_id="Pump", version="1")


def node(external_id: str, created: int, **properties: Any) -> Node:
    return Node.load(
        {
            "instanceType": "node",
            "space": "s",
            "externalId": external_id,
            "version": 1,
            "createdTime": created,
            "lastUpdatedTime": created,
            "properties": {"s": {"Pump/1": properties}},
        }
    )


def item(external_id: str, created: int = 0, **properties: Any) -> ResultItem:
    return ResultItem(node=node(external_id, created, **properties), view=VIEW)


def test_items_sort_by_instance_fields_and_properties_nulls_last_unless_asked() -> None:
    items = [item("b", 3, rank=2), item("a", 1), item("c", 2, rank=1), item("d", 4, rank=2)]

    by_id = order(items, [{"property": ["node", "externalId"], "direction": "descending"}])
    by_created = order(items, [{"property": ["node", "createdTime"]}])
    by_rank_then_id = order(
        items,
        [
            {"property": ["s", "Pump/1", "rank"]},
            {"property": ["node", "externalId"], "direction": "descending"},
        ],
    )
    nulls_first = order(items, [{"property": ["s", "Pump/1", "rank"], "nullsFirst": True}])
    unknown = order(items, [{"property": ["node", "nothing"]}, {"property": ["odd"]}])

    assert [i.node.external_id for i in by_id] == ["d", "c", "b", "a"]
    assert [i.node.external_id for i in by_created] == ["a", "c", "b", "d"]
    assert [i.node.external_id for i in by_rank_then_id] == ["c", "d", "b", "a"]
    assert [i.node.external_id for i in nulls_first] == ["a", "c", "b", "d"]
    assert unknown == items


def test_an_item_names_its_node_edge_and_connections() -> None:
    pump = item("pump-1", name="P1")
    pump.connections["valves"] = [item("valve-1"), item("valve-2")]
    edge = Edge.load(
        {
            "instanceType": "edge",
            "space": "s",
            "externalId": "e1",
            "version": 1,
            "createdTime": 0,
            "lastUpdatedTime": 0,
            "type": {"space": "s", "externalId": "feeds"},
            "startNode": {"space": "s", "externalId": "pump-1"},
            "endNode": {"space": "s", "externalId": "pump-2"},
        }
    )
    reached = ResultItem(node=node("pump-2", 0), view=VIEW, edge=edge)

    assert repr(pump) == "ResultItem(s:pump-1, valves=2)"
    assert repr(reached) == "ResultItem(s:pump-2, edge='e1')"
    assert pump.properties == {"name": "P1"}
    assert pump.id.external_id == "pump-1"
