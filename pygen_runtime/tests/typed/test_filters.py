"""Filter builders and the splitting of long ``in`` lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from pygen_runtime.schema import NodeId, ViewId
from pygen_runtime.typed import filters, split_filter

from pygen_runtime import InvalidArgumentError

VIEW = ViewId(space="plant", external_id="Pump", version="2")
NAME = ["plant", "Pump/2", "name"]


def test_every_builder_returns_none_for_an_absent_argument() -> None:
    assert filters.equals(VIEW, "name", None) is None
    assert filters.in_(VIEW, "name", None) is None
    assert filters.equals_or_in(VIEW, "name", None) is None
    assert filters.prefix(VIEW, "name", None) is None
    assert filters.range_(VIEW, "capacity") is None
    assert filters.direct_relation(VIEW, "site", None) is None
    assert filters.contains_any(VIEW, "tags", None) is None
    assert filters.contains_all(VIEW, "tags", None) is None
    assert filters.relations_contain_any(VIEW, "parts", None) is None
    assert filters.relations_contain_all(VIEW, "parts", None) is None
    assert filters.external_id_prefix(None) is None
    assert filters.space(None) is None
    assert filters.edge_start_node(None) is None
    assert filters.edge_end_node(None) is None
    assert filters.edge_type(None) is None
    assert filters.and_(None, None) is None


def test_text_builders() -> None:
    assert filters.equals_or_in(VIEW, "name", "P1") == {"equals": {"property": NAME, "value": "P1"}}
    assert filters.equals_or_in(VIEW, "name", ["P1", "P2"]) == {
        "in": {"property": NAME, "values": ["P1", "P2"]}
    }
    assert filters.prefix(VIEW, "name", "P") == {"prefix": {"property": NAME, "value": "P"}}


def test_ranges_take_numbers_timestamps_and_dates() -> None:
    oslo = timezone(timedelta(hours=1))

    assert filters.range_(VIEW, "capacity", 1, None) == {
        "range": {"property": ["plant", "Pump/2", "capacity"], "gte": 1}
    }
    assert filters.range_(VIEW, "at", datetime(2024, 1, 1, 12, tzinfo=oslo), date(2024, 2, 1)) == {
        "range": {
            "property": ["plant", "Pump/2", "at"],
            "gte": "2024-01-01T12:00:00.000+01:00",
            "lte": "2024-02-01",
        }
    }
    assert (
        filters.range_(VIEW, "at", maximum=datetime(2024, 1, 1))["range"]["lte"]
        == "2024-01-01T00:00:00.000+00:00"
    )  # type: ignore[index]


def test_direct_relations_take_ids_pairs_and_external_ids() -> None:
    site = ["plant", "Pump/2", "site"]

    assert filters.direct_relation(VIEW, "site", "s-1", "data") == {
        "equals": {"property": site, "value": {"space": "data", "externalId": "s-1"}}
    }
    assert filters.direct_relation(VIEW, "site", [("a", "1"), NodeId(space="b", external_id="2")]) == {
        "in": {
            "property": site,
            "values": [{"space": "a", "externalId": "1"}, {"space": "b", "externalId": "2"}],
        }
    }
    assert filters.relations_contain_all(VIEW, "parts", ["p"], "data") == {
        "containsAll": {
            "property": ["plant", "Pump/2", "parts"],
            "values": [{"space": "data", "externalId": "p"}],
        }
    }


def test_instance_and_edge_builders() -> None:
    assert filters.external_id_prefix("p-", "edge") == {
        "prefix": {"property": ["edge", "externalId"], "value": "p-"}
    }
    assert filters.space("a") == {"equals": {"property": ["node", "space"], "value": "a"}}
    assert filters.space(["a", "b"]) == {"in": {"property": ["node", "space"], "values": ["a", "b"]}}
    assert filters.edge_start_node(("a", "1")) == {
        "equals": {"property": ["edge", "startNode"], "value": {"space": "a", "externalId": "1"}}
    }
    assert filters.edge_end_node(["x"], "a") == {
        "in": {"property": ["edge", "endNode"], "values": [{"space": "a", "externalId": "x"}]}
    }
    assert filters.has_data(VIEW) == {
        "hasData": [{"type": "view", "space": "plant", "externalId": "Pump", "version": "2"}]
    }


def test_and_combines_what_is_given_and_refuses_empty_filters() -> None:
    one = filters.prefix(VIEW, "name", "P")

    assert filters.and_(one, None) == one
    assert filters.and_(one, {"exists": {"property": NAME}}) == {"and": [one, {"exists": {"property": NAME}}]}
    with pytest.raises(InvalidArgumentError, match="a filter is an empty dict"):
        filters.and_({})


def test_split_leaves_short_and_unsplittable_filters_alone() -> None:
    short = {"in": {"property": NAME, "values": ["a", "b"]}}
    nested = {"or": [{"in": {"property": NAME, "values": ["a", "b", "c"]}}]}

    assert split_filter(None) == [None]
    assert split_filter(short, 2) == [short]
    assert split_filter(nested, 1) == [nested]
    assert split_filter({"and": [short, "odd"]}, 5) == [{"and": [short, "odd"]}]


def test_split_slices_every_long_list_inside_an_and() -> None:
    names = {"in": {"property": NAME, "values": ["a", "b", "c"]}}
    tags = {"containsAny": {"property": ["plant", "Pump/2", "tags"], "values": [1, 2]}}
    exists = {"exists": {"property": NAME}}

    parts = split_filter({"and": [exists, names, tags]}, 2)

    slices = [[part["and"][1]["in"]["values"], part["and"][2]["containsAny"]["values"]] for part in parts]
    assert slices == [[["a", "b"], [1, 2]], [["c"], [1, 2]]]
    assert len(split_filter({"and": [exists, names, tags]}, 1)) == 6
    assert all(part["and"][0] == exists for part in parts)
