"""The golden Omni SDK against the emulator, with the shared instance payloads written through its
write classes: every read operation's answer is compared with what plain Python computes from
the payloads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from functional_clients import emulator_for, golden_sdk, typed_client
from functional_payloads import (
    PAYLOAD_SPACE,
    BuiltWrites,
    Payloads,
    build_write_objects,
    edge_fields,
    field_of_wire_name,
    ids,
    load_payloads,
    node_views,
    properties_in,
)
from functional_values import as_timestamp, same_value, snake_case
from pygen_runtime.schema import NodeId
from pygen_runtime.typed import ReverseDirectRelation


@dataclass
class Omni:
    sdk: ModuleType
    client: Any
    payloads: Payloads
    built: BuiltWrites
    upserted: Any


@pytest.fixture(scope="module")
def omni() -> Iterator[Omni]:
    payloads = load_payloads()
    with golden_sdk("Omni", "omni_sdk") as sdk:
        emulator = emulator_for("Omni", "omni-payloads")
        built = build_write_objects(sdk, payloads)
        with typed_client(sdk.OmniClient, emulator, PAYLOAD_SPACE) as client:
            upserted = client.upsert(built.items)
            yield Omni(sdk, client, payloads, built, upserted)


def nodes_of(omni: Omni, view: str) -> list[dict[str, Any]]:
    return omni.payloads.nodes_of(view)


def external_ids(nodes: list[dict[str, Any]]) -> list[str]:
    return sorted(node["externalId"] for node in nodes)


def value(node: dict[str, Any], view: str, wire: str) -> Any:
    return properties_in(node, view).get(wire)


def test_every_payload_node_and_edge_is_written_except_those_of_a_view_without_write_class(
    omni: Omni,
) -> None:
    # ConnectionItemC is not writable in the model (it maps no container), so the SDK has no write
    # class for its nodes, and no edge field from which to write its "unidirectional" edges.
    assert {node["externalId"].split(":")[0] for node in omni.built.unwritable_nodes} == {"ConnectionItemC"}
    assert {edge["type"]["externalId"] for edge in omni.built.unwritable_edges} == {"unidirectional"}
    written_nodes = len(omni.payloads.nodes) - len(omni.built.unwritable_nodes)
    # The payload files give some edges twice (from each end's file): one edge each.
    written_edges = len(
        {
            (edge["startNode"]["externalId"], edge["endNode"]["externalId"], edge["type"]["externalId"])
            for edge in omni.payloads.edges
            if edge not in omni.built.unwritable_edges
        }
    )
    listed = omni.client.cdf.instances.list(instance_type="node", limit=None)
    assert {node.external_id for node in listed} >= {
        node["externalId"] for node in omni.payloads.nodes if node not in omni.built.unwritable_nodes
    }
    assert len(omni.upserted.nodes) == written_nodes
    assert len(omni.upserted.edges) == len(omni.built.written_edges) == written_edges


def test_retrieve_returns_every_payload_node_with_the_values_written(omni: Omni) -> None:
    compared = 0
    for view in sorted({node_views(node)[0] for node in omni.payloads.nodes if node_views(node)}):
        api = getattr(omni.client, snake_case(view))
        payload_nodes = nodes_of(omni, view)
        found = api.retrieve([node["externalId"] for node in payload_nodes])
        assert isinstance(found, getattr(omni.sdk, f"{api._read_class.__name__}List"))
        assert [item.external_id for item in found] == [node["externalId"] for node in payload_nodes]
        for node, item in zip(payload_nodes, found, strict=True):
            fields = field_of_wire_name(type(item))
            for wire, written in properties_in(node, view).items():
                read = getattr(item, fields[wire])
                assert same_value(written, read), (
                    f"{view} {node['externalId']}.{wire}: {written!r} != {read!r}"
                )
                compared += 1
    assert compared > 200
    assert omni.client.primitive_nullable.retrieve("no-such-node") is None


def test_list_with_every_filter_kind_matches_a_plain_python_filter(omni: Omni) -> None:
    nullable = nodes_of(omni, "PrimitiveNullable")
    api = omni.client.primitive_nullable

    def listed(**filters: Any) -> list[str]:
        return ids(api.list(limit=None, **filters))

    def expected(keep: Any) -> list[str]:
        return external_ids([node for node in nullable if keep(properties_in(node, "PrimitiveNullable"))])

    texts = [
        value(node, "PrimitiveNullable", "text")
        for node in nullable
        if value(node, "PrimitiveNullable", "text")
    ]
    assert listed(text=texts[0]) == expected(lambda p: p["text"] == texts[0])
    assert listed(text=texts[:2]) == expected(lambda p: p["text"] in texts[:2])
    assert listed(text_prefix=texts[0][:3]) == expected(lambda p: (p["text"] or "").startswith(texts[0][:3]))
    assert listed(boolean=True) == expected(lambda p: p["boolean"] is True)
    assert listed(boolean=False) == expected(lambda p: p["boolean"] is False)
    for name in ("int32", "int64", "float32", "float64"):
        numbers = sorted(
            p[name] for p in (properties_in(n, "PrimitiveNullable") for n in nullable) if p[name] is not None
        )
        middle = numbers[len(numbers) // 2]
        assert listed(**{f"min_{name}": middle}) == expected(
            lambda p, n=name, m=middle: p[n] is not None and p[n] >= m
        )
        assert listed(**{f"max_{name}": middle}) == expected(
            lambda p, n=name, m=middle: p[n] is not None and p[n] <= m
        )
    days = sorted(
        date.fromisoformat(p["date"])
        for p in (properties_in(n, "PrimitiveNullable") for n in nullable)
        if p["date"]
    )
    assert listed(min_date=days[1], max_date=days[-2]) == expected(
        lambda p: p["date"] is not None and days[1] <= date.fromisoformat(p["date"]) <= days[-2]
    )
    times = sorted(
        as_timestamp(p["timestamp"])
        for p in (properties_in(n, "PrimitiveNullable") for n in nullable)
        if p["timestamp"]
    )
    assert listed(min_timestamp=times[1]) == expected(
        lambda p: p["timestamp"] is not None and as_timestamp(p["timestamp"]) >= times[1]
    )
    assert listed(external_id_prefix="PrimitiveNullable:J") == expected_prefix(
        nullable, "PrimitiveNullable:J"
    )
    assert listed(space=PAYLOAD_SPACE) == external_ids(nullable)
    assert listed(space="another-space") == []
    assert [item.external_id for item in api.list(sort_by="int32", direction="descending", limit=2)] == [
        node["externalId"]
        for node in sorted(
            (n for n in nullable if value(n, "PrimitiveNullable", "int32") is not None),
            key=lambda n: value(n, "PrimitiveNullable", "int32"),
            reverse=True,
        )[:2]
    ]


def expected_prefix(nodes: list[dict[str, Any]], prefix: str) -> list[str]:
    return external_ids([node for node in nodes if node["externalId"].startswith(prefix)])


def test_list_filters_of_lists_and_direct_relations_match_a_plain_python_filter(omni: Omni) -> None:
    listed_nodes = nodes_of(omni, "PrimitiveNullableListed")
    view = "PrimitiveNullableListed"
    some_ints = [value(node, view, "int32")[0] for node in listed_nodes if value(node, view, "int32")][:2]
    assert ids(omni.client.primitive_nullable_listed.list(int32_contains_any=some_ints)) == external_ids(
        [node for node in listed_nodes if set(value(node, view, "int32") or []) & set(some_ints)]
    )
    first = next(node for node in listed_nodes if len(value(node, view, "text") or []) >= 2)
    both = value(first, view, "text")[:2]
    assert ids(omni.client.primitive_nullable_listed.list(text_contains_all=both)) == external_ids(
        [node for node in listed_nodes if set(both) <= set(value(node, view, "text") or [])]
    )

    items_a = nodes_of(omni, "ConnectionItemA")
    target = next(
        value(node, "ConnectionItemA", "selfDirect")
        for node in items_a
        if value(node, "ConnectionItemA", "selfDirect")
    )
    assert ids(
        omni.client.connection_item_a.list(self_direct=(target["space"], target["externalId"]))
    ) == external_ids([node for node in items_a if value(node, "ConnectionItemA", "selfDirect") == target])
    assert ids(omni.client.connection_item_a.list(self_direct=target["externalId"])) == external_ids(
        [node for node in items_a if value(node, "ConnectionItemA", "selfDirect") == target]
    )

    items_f = nodes_of(omni, "ConnectionItemF")
    lists = [value(node, "ConnectionItemF", "directList") or [] for node in items_f]
    one = lists[0][0]
    two = lists[0][:2]
    assert ids(
        omni.client.connection_item_f.list(
            direct_list_contains_any=[NodeId(space=one["space"], external_id=one["externalId"])]
        )
    ) == external_ids([node for node, targets in zip(items_f, lists, strict=True) if one in targets])
    assert ids(
        omni.client.connection_item_f.list(direct_list_contains_all=[r["externalId"] for r in two])
    ) == external_ids(
        [node for node, targets in zip(items_f, lists, strict=True) if all(r in targets for r in two)]
    )

    items_d = nodes_of(omni, "ConnectionItemD")
    single = next(
        value(node, "ConnectionItemD", "directSingle")
        for node in items_d
        if value(node, "ConnectionItemD", "directSingle")
    )
    assert ids(
        omni.client.connection_item_d.list(direct_single=[single["externalId"], "nothing"])
    ) == external_ids([node for node in items_d if value(node, "ConnectionItemD", "directSingle") == single])


def edges_with_data(omni: Omni, start_view: str) -> list[dict[str, Any]]:
    return [
        edge
        for edge in omni.payloads.edges
        if node_views(edge) and edge["startNode"]["externalId"].split(":")[0] == start_view
    ]


def test_edges_with_properties_are_read_with_their_values_and_filtered(omni: Omni) -> None:
    edge_api = omni.client.connection_item_f.outwards_multi_edge
    payload_edges = [e for e in omni.payloads.edges if node_views(e) == ["ConnectionEdgeA"]]
    from_f = edges_with_data(omni, "ConnectionItemF")
    listed = edge_api.list(limit=None)
    assert ids(listed) == sorted({edge["externalId"] for edge in from_f})
    by_id: dict[str, dict[str, Any]] = {}
    for edge in payload_edges:
        by_id[edge["externalId"]] = edge
    for edge in listed:
        written = properties_in(by_id[edge.external_id], "ConnectionEdgeA")
        assert edge.name == written["name"]
        assert same_value(written["startTime"], edge.start_time)
        assert same_value(written["endTime"], edge.end_time)
        assert (edge.start_node.external_id, edge.end_node.external_id) == (
            by_id[edge.external_id]["startNode"]["externalId"],
            by_id[edge.external_id]["endNode"]["externalId"],
        )
    start = from_f[0]["startNode"]["externalId"]
    assert ids(edge_api.list(start_node=start, limit=None)) == sorted(
        {edge["externalId"] for edge in from_f if edge["startNode"]["externalId"] == start}
    )
    end = from_f[0]["endNode"]
    assert ids(edge_api.list(end_node=(end["space"], end["externalId"]), limit=None)) == sorted(
        {edge["externalId"] for edge in from_f if edge["endNode"] == end}
    )
    earliest = sorted(as_timestamp(properties_in(e, "ConnectionEdgeA")["startTime"]) for e in from_f)[2]
    assert ids(edge_api.list(min_start_time=earliest, limit=None)) == sorted(
        {
            e["externalId"]
            for e in by_id.values()
            if e in from_f and as_timestamp(properties_in(e, "ConnectionEdgeA")["startTime"]) >= earliest
        }
    )
    word = properties_in(from_f[0], "ConnectionEdgeA")["name"].split()[0]
    assert ids(edge_api.list(name_prefix=word, limit=None)) == sorted(
        {
            e["externalId"]
            for e in by_id.values()
            if e in from_f and properties_in(e, "ConnectionEdgeA")["name"].startswith(word)
        }
    )
    assert ids(omni.client.connection_edge_a.list(limit=None)) == sorted(by_id)


def expected_connections(omni: Omni, read_class: type[Any], external_id: str) -> dict[str, list[str]]:
    """What each edge and reverse-relation field of ``external_id`` should hold, from the payloads."""
    out: dict[str, list[str]] = {}
    written_edges = sorted(omni.built.written_edges)
    for name, marker in edge_fields(read_class).items():
        if marker.direction == "outwards":
            out[name] = sorted(
                end
                for start, end, kind in written_edges
                if start == external_id and kind == marker.type.external_id
            )
        else:
            out[name] = sorted(
                start
                for start, end, kind in written_edges
                if end == external_id and kind == marker.type.external_id
            )
    for name, info in read_class.model_fields.items():
        reverse = next((item for item in info.metadata if isinstance(item, ReverseDirectRelation)), None)
        if reverse is None:
            continue
        pointing = []
        for node in nodes_of(omni, reverse.through_view.external_id):
            target = value(node, reverse.through_view.external_id, reverse.through_property)
            targets = target if isinstance(target, list) else [target]
            if any(t and t["externalId"] == external_id for t in targets):
                pointing.append(node["externalId"])
        out[name] = sorted(pointing)
    return out


def connected_ids(found: Any) -> list[str]:
    if found is None:
        return []
    if isinstance(found, NodeId):
        return [found.external_id]
    return sorted(item.external_id for item in found)


@pytest.mark.parametrize(
    "view",
    [
        "ConnectionItemA",
        "ConnectionItemB",
        "ConnectionItemD",
        "ConnectionItemE",
        "ConnectionItemF",
        "ConnectionItemG",
    ],
)
def test_retrieve_connections_identifier_fills_edges_and_reverse_relations(omni: Omni, view: str) -> None:
    api = getattr(omni.client, snake_case(view))
    payload_ids = external_ids(nodes_of(omni, view))
    found = api.retrieve(payload_ids, retrieve_connections="identifier")
    assert [item.external_id for item in found] == payload_ids
    checked = 0
    for item in found:
        for name, wanted in expected_connections(omni, type(item), item.external_id).items():
            got = getattr(item, name)
            if wanted and isinstance(got, NodeId):
                # A single reverse relation holds one of the nodes pointing here.
                assert got.external_id in wanted, f"{view} {item.external_id}.{name}"
            else:
                assert connected_ids(got) == wanted, f"{view} {item.external_id}.{name}"
            checked += len(wanted)
    assert checked > 0


def test_search_finds_the_nodes_whose_text_has_the_word(omni: Omni) -> None:
    items_a = nodes_of(omni, "ConnectionItemA")
    word = next(
        value(node, "ConnectionItemA", "name") for node in items_a if value(node, "ConnectionItemA", "name")
    ).split()[0]
    word = word.strip(".,").lower()

    def has_word(node: dict[str, Any]) -> bool:
        text = value(node, "ConnectionItemA", "name") or ""
        return any(part.lower().startswith(word) for part in text.replace(".", " ").split())

    assert ids(omni.client.connection_item_a.search(word, properties=["name"])) == external_ids(
        [node for node in items_a if has_word(node)]
    )
    assert (
        ids(omni.client.connection_item_a.search(word, properties="name", external_id_prefix="nothing")) == []
    )


def test_aggregate_count_avg_min_max_sum_and_group_by(omni: Omni) -> None:
    nullable = [properties_in(node, "PrimitiveNullable") for node in nodes_of(omni, "PrimitiveNullable")]
    numbers = [p["float64"] for p in nullable if p["float64"] is not None]
    api = omni.client.primitive_nullable
    assert api.aggregate("count")[0].value("count") == len(nullable)
    assert api.aggregate("count", "int32")[0].value("count", "int32") == sum(
        p["int32"] is not None for p in nullable
    )
    results = api.aggregate(["avg", "min", "max", "sum"], "float64")
    assert len(results) == 1
    assert results[0].value("min", "float64") == pytest.approx(min(numbers))
    assert results[0].value("max", "float64") == pytest.approx(max(numbers))
    assert results[0].value("avg", "float64") == pytest.approx(sum(numbers) / len(numbers))
    assert results[0].value("sum", "float64") == pytest.approx(sum(numbers))
    groups = api.aggregate("count", group_by="boolean")
    counted = {result.group["boolean"]: result.value("count") for result in groups}
    assert counted == dict(Counter(p["boolean"] for p in nullable if p["boolean"] is not None))
    filtered = api.aggregate("count", boolean=True)
    assert filtered[0].value("count") == sum(p["boolean"] is True for p in nullable)


def test_histogram_counts_the_values_in_each_bucket(omni: Omni) -> None:
    nullable = [properties_in(node, "PrimitiveNullable") for node in nodes_of(omni, "PrimitiveNullable")]
    values = [p["int32"] for p in nullable if p["int32"] is not None]
    interval = 500_000_000.0
    histogram = omni.client.primitive_nullable.histogram("int32", interval)
    expected = Counter(int(v // interval) * interval for v in values)
    got = {bucket.start: bucket.count for bucket in histogram.buckets if bucket.count}
    assert got == dict(expected)
    assert sum(bucket.count for bucket in histogram.buckets) == len(values)
    filtered = omni.client.primitive_nullable.histogram("int32", interval, boolean=True)
    assert sum(bucket.count for bucket in filtered.buckets) == sum(
        p["int32"] is not None and p["boolean"] is True for p in nullable
    )


def test_to_pandas_of_a_list_has_a_row_per_node_and_a_column_per_property(omni: Omni) -> None:
    found = omni.client.primitive_nullable.list(limit=None)
    frame = found.to_pandas()
    assert len(frame) == len(nodes_of(omni, "PrimitiveNullable"))
    assert sorted(frame["external_id"]) == external_ids(nodes_of(omni, "PrimitiveNullable"))
    by_id = {
        node["externalId"]: properties_in(node, "PrimitiveNullable")
        for node in nodes_of(omni, "PrimitiveNullable")
    }
    for _, row in frame.iterrows():
        written = by_id[row["external_id"]]
        assert row["text"] == written["text"] if written["text"] is not None else row.isna()["text"]
        # int32 only: a nullable int64 column becomes float64, which cannot hold every int64.
        assert row["int32"] == written["int32"] if written["int32"] is not None else row.isna()["int32"]


def test_as_write_round_trip_upserts_unchanged_data(omni: Omni) -> None:
    before = omni.client.primitive_nullable.list(limit=None)
    result = omni.client.upsert(before.as_write())
    assert len(result.nodes) == len(before)
    assert not any(item.was_modified for item in result.items)
    after = omni.client.primitive_nullable.list(limit=None)
    assert [item.property_values() for item in sorted(after, key=lambda i: i.external_id)] == [
        item.property_values() for item in sorted(before, key=lambda i: i.external_id)
    ]
    items_a = omni.client.connection_item_a.list(limit=None)
    again = omni.client.upsert(items_a.as_write())
    assert len(again.nodes) == len(items_a)
    assert not any(item.was_modified for item in again.items)
    assert [i.property_values() for i in omni.client.connection_item_a.list(limit=None)] == [
        i.property_values() for i in items_a
    ]


def test_delete_removes_the_nodes_and_their_edges() -> None:
    payloads = load_payloads()
    with golden_sdk("Omni", "omni_sdk") as sdk:
        emulator = emulator_for("Omni", "omni-delete")
        built = build_write_objects(sdk, payloads)
        with typed_client(sdk.OmniClient, emulator, PAYLOAD_SPACE) as client:
            client.upsert(built.items)
            start = "ConnectionItemF:Andrew"
            edges_before = client.connection_item_f.outwards_multi_edge.list(start_node=start, limit=None)
            assert edges_before
            deleted = client.delete([start, "PrimitiveNullable:Joshua"])
            assert {item.external_id for item in deleted} == {start, "PrimitiveNullable:Joshua"}
            assert client.connection_item_f.retrieve(start) is None
            assert client.primitive_nullable.retrieve("PrimitiveNullable:Joshua") is None
            assert client.connection_item_f.outwards_multi_edge.list(start_node=start, limit=None) == []
            assert ids(client.primitive_nullable.list(limit=None)) == sorted(
                node["externalId"]
                for node in payloads.nodes_of("PrimitiveNullable")
                if node["externalId"] != "PrimitiveNullable:Joshua"
            )


def test_retrieve_connections_full_gives_edges_and_direct_relations_as_read_objects(omni: Omni) -> None:
    items_a = nodes_of(omni, "ConnectionItemA")
    payload_ids = external_ids(items_a)
    found = omni.client.connection_item_a.retrieve(payload_ids, retrieve_connections="full")
    checked = 0
    for item in found:
        wanted = expected_connections(omni, type(item), item.external_id)
        assert all(isinstance(other, omni.sdk.ConnectionItemB) for other in item.outwards or [])
        assert connected_ids(item.outwards) == wanted["outwards"]
        written = properties_in(
            next(n for n in items_a if n["externalId"] == item.external_id), "ConnectionItemA"
        )
        if written.get("selfDirect"):
            assert isinstance(item.self_direct, omni.sdk.ConnectionItemA)
            assert item.self_direct.external_id == written["selfDirect"]["externalId"]
            checked += 1
        checked += len(wanted["outwards"])
    assert checked > 0
