"""CDF sort specifications over Omni's real instances: direction, nulls, several keys, cursor keys."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pygen_runtime.testing import Emulator
from pygen_runtime.testing._errors import QueryError
from pygen_runtime.testing._sorting import compile_sort, sort_instances, sort_key
from pygen_runtime.testing._store import StoredInstance
from query_testbed import view_property


def primitive_nodes(omni: Emulator) -> list[StoredInstance]:
    return [inst for inst in omni.state.store.live() if inst.external_id.startswith("PrimitiveNullable:")]


def ids(instances: list[StoredInstance]) -> list[str]:
    return [inst.external_id for inst in instances]


def value_of(inst: StoredInstance, name: str) -> Any:
    return inst.data[("sp_pygen_models", "PrimitiveNullable")].get(name)


@pytest.mark.parametrize("direction", ["ascending", "descending"])
@pytest.mark.parametrize("nulls_first", [False, True])
def test_orders_values_and_puts_nulls_where_asked(omni: Emulator, direction: str, nulls_first: bool) -> None:
    nodes = primitive_nodes(omni)
    spec = [
        {
            "property": view_property("PrimitiveNullable", "int32"),
            "direction": direction,
            "nullsFirst": nulls_first,
        }
    ]
    ordered = sort_instances(nodes, spec, omni.state.schema)
    present = sorted(
        (n for n in nodes if value_of(n, "int32") is not None), key=lambda n: value_of(n, "int32")
    )
    if direction == "descending":
        present.reverse()
    nulls = [n for n in nodes if value_of(n, "int32") is None]
    assert nulls, "the data has a null int32, so null placement is tested"
    assert ids(ordered) == ids(nulls + present if nulls_first else present + nulls)


def test_later_properties_break_ties_and_equal_keys_keep_their_order(omni: Emulator) -> None:
    nodes = primitive_nodes(omni)
    spec = [
        {"property": view_property("PrimitiveNullable", "boolean"), "direction": "descending"},
        {"property": ["node", "externalId"]},
    ]
    ordered = sort_instances(nodes, spec, omni.state.schema)

    def rank(node: StoredInstance) -> tuple[int, str]:
        flag = value_of(node, "boolean")
        return ({True: 0, False: 1, None: 2}[flag], node.external_id)

    assert ids(ordered) == ids(sorted(nodes, key=rank))
    same_key = sort_instances(list(reversed(nodes)), [{"property": ["node", "space"]}], omni.state.schema)
    assert ids(same_key) == ids(list(reversed(nodes)))


def test_timestamps_sort_by_instant(omni: Emulator) -> None:
    nodes = [n for n in primitive_nodes(omni) if value_of(n, "timestamp") is not None]
    ordered = sort_instances(
        nodes, [{"property": view_property("PrimitiveNullable", "timestamp")}], omni.state.schema
    )
    # These stored stamps share one format, so their text order is their time order.
    assert ids(ordered) == ids(sorted(nodes, key=lambda n: value_of(n, "timestamp")))


def test_no_specification_keeps_the_incoming_order(omni: Emulator) -> None:
    nodes = list(reversed(primitive_nodes(omni)))
    assert ids(sort_instances(nodes, None, omni.state.schema)) == ids(nodes)
    assert sort_key([], omni.state.schema)(nodes[0]) == ()


@pytest.mark.parametrize("direction", ["ascending", "descending"])
def test_keys_survive_a_round_trip_through_json(omni: Emulator, direction: str) -> None:
    order = compile_sort(
        [
            {"property": view_property("PrimitiveNullable", "text"), "direction": direction},
            {"property": ["node", "createdTime"], "nullsFirst": True},
            {"property": ["node", "type"]},
        ],
        omni.state.schema,
    )
    for node in primitive_nodes(omni):
        key = order.key(node)
        assert order.load_key(json.loads(json.dumps(order.dump_key(key)))) == key


def test_direct_relation_keys_survive_json(omni: Emulator) -> None:
    order = compile_sort([{"property": ["edge", "startNode"], "direction": "descending"}], omni.state.schema)
    edge = next(inst for inst in omni.state.store.live() if inst.instance_type == "edge")
    key = order.key(edge)
    assert order.load_key(json.loads(json.dumps(order.dump_key(key)))) == key


@pytest.mark.parametrize(
    "dumped",
    [
        "not a list",
        [],
        [[1, "a"], [1, "b"]],
        [[7, "a"]],
        [[1, 3]],
        [[1, True]],
        ["x"],
    ],
)
def test_a_damaged_key_is_recognised(omni: Emulator, dumped: Any) -> None:
    order = compile_sort([{"property": view_property("PrimitiveNullable", "text")}], omni.state.schema)
    assert order.load_key(dumped) is None


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [("number", 2.5, True), ("timestamp", 5, "5"), ("boolean", False, 0), ("direct", ["s", "x"], ["s"])],
)
def test_loaded_values_must_fit_their_kind(omni: Emulator, kind: str, good: Any, bad: Any) -> None:
    prop = {
        "number": view_property("PrimitiveNullable", "float64"),
        "timestamp": ["node", "lastUpdatedTime"],
        "boolean": view_property("PrimitiveNullable", "boolean"),
        "direct": ["node", "type"],
    }[kind]
    order = compile_sort([{"property": prop}], omni.state.schema)
    assert order.load_key([[1, good]]) is not None
    assert order.load_key([[1, bad]]) is None
    assert order.load_key([[2, None]]) == ((2, 0),)


@pytest.mark.parametrize(
    ("sort", "message"),
    [
        ("externalId", r"^sort: expected a list of sort objects"),
        ([{"property": ["node", "externalId"]}] * 6, r"^sort: at most 5 sort properties are allowed, got 6"),
        ([{"direction": "ascending"}], r"^sort\[0\]: a sort is an object with 'property'"),
        (
            [{"property": ["node", "externalId"], "order": "asc"}],
            r"^sort\[0\]: unknown sort field\(s\) order",
        ),
        (
            [{"property": ["node", "externalId"], "direction": "up"}],
            r"^sort\[0\]\.direction: expected 'ascending'",
        ),
        (
            [{"property": ["node", "externalId"], "nullsFirst": "yes"}],
            r"^sort\[0\]\.nullsFirst: expected true or false",
        ),
        (
            [{"property": ["node", "nope"]}],
            r"^sort\[0\]\.property: \[\"node\", \"nope\"\] is not a property of a node",
        ),
        (
            [{"property": view_property("PrimitiveNullableListed", "text")}],
            r"is a list property; sort on a single",
        ),
    ],
)
def test_a_bad_specification_says_what_is_wrong(omni: Emulator, sort: Any, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        compile_sort(sort, omni.state.schema)
