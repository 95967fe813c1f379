"""compile_filter: every filter of CDF's language over Omni's real instances.

Each expectation is computed from the instance files the emulator loaded, with plain Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pygen_runtime.testing import Emulator
from pygen_runtime.testing._errors import EmulatorRequestError, FilterError
from pygen_runtime.testing._filters import compile_filter
from query_testbed import INSTANCE_SPACE, OMNI_SPACE, view_property

Written = dict[str, list[dict[str, Any]]]


def matching(
    omni: Emulator, flt: Mapping[str, Any] | None, parameters: Mapping[str, Any] | None = None
) -> set[str]:
    predicate = compile_filter(flt, omni.state.schema, parameters, store=omni.state.store)
    return {inst.external_id for inst in omni.state.store.live() if predicate(inst)}


def values(written: Written, stem: str) -> dict[str, dict[str, Any]]:
    """external id -> the properties written for it (one source per item in these files)."""
    return {
        item["externalId"]: (item.get("sources") or [{"properties": {}}])[0]["properties"]
        for item in written[stem]
    }


def instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class TestLeafFilters:
    def test_equals_reads_a_view_property_from_its_container(self, omni: Emulator, written: Written) -> None:
        data = values(written, "PrimitiveNullable.node")
        wanted = next(props["text"] for props in data.values() if props["text"])
        expected = {xid for xid, props in data.items() if props["text"] == wanted}
        through_view = {"equals": {"property": view_property("PrimitiveNullable", "text"), "value": wanted}}
        through_container = {
            "equals": {"property": [OMNI_SPACE, "PrimitiveNullable", "text"], "value": wanted}
        }
        # "Empty" maps the same container property, so it sees the same value.
        through_other_view = {"equals": {"property": view_property("Empty", "text"), "value": wanted}}
        assert matching(omni, through_view) == expected
        assert matching(omni, through_container) == expected
        assert matching(omni, through_other_view) == expected

    def test_in_matches_any_of_the_values(self, omni: Emulator, written: Written) -> None:
        data = values(written, "PrimitiveNullable.node")
        present = [props["int32"] for props in data.values() if props["int32"] is not None][:2]
        flt = {"in": {"property": view_property("PrimitiveNullable", "int32"), "values": [*present, 12345]}}
        assert matching(omni, flt) == {xid for xid, props in data.items() if props["int32"] in present}

    def test_range_compares_timestamps_as_instants_whatever_their_offset(
        self, omni: Emulator, written: Written
    ) -> None:
        data = values(written, "PrimitiveNullable.node")
        stamps = {xid: instant(props["timestamp"]) for xid, props in data.items() if props["timestamp"]}
        pivot = sorted(stamps.values())[len(stamps) // 2]
        in_oslo_summer = pivot.astimezone(timezone(timedelta(hours=2))).isoformat()
        flt = {"range": {"property": view_property("PrimitiveNullable", "timestamp"), "gt": in_oslo_summer}}
        assert matching(omni, flt) == {xid for xid, moment in stamps.items() if moment > pivot}
        epoch_ms = int(pivot.timestamp() * 1000)
        flt = {"range": {"property": view_property("PrimitiveNullable", "timestamp"), "lte": epoch_ms}}
        assert matching(omni, flt) == {xid for xid, moment in stamps.items() if moment <= pivot}

    @pytest.mark.parametrize("name", ["date", "float32", "int64", "text"])
    def test_range_on_ordered_types(self, omni: Emulator, written: Written, name: str) -> None:
        data = values(written, "PrimitiveNullable.node")
        present = sorted(props[name] for props in data.values() if props[name] is not None)
        low, high = present[0], present[-1]
        flt = {"range": {"property": view_property("PrimitiveNullable", name), "gt": low, "lte": high}}
        expected = {
            xid for xid, props in data.items() if props[name] is not None and low < props[name] <= high
        }
        assert matching(omni, flt) == expected
        assert expected  # the data has at least two distinct values, so this checks something

    def test_prefix_on_text_and_on_external_ids(self, omni: Emulator, written: Written) -> None:
        data = values(written, "PrimitiveNullable.node")
        text = next(props["text"] for props in data.values() if props["text"])
        flt = {"prefix": {"property": view_property("PrimitiveNullable", "text"), "value": text[:3]}}
        assert matching(omni, flt) == {
            xid for xid, p in data.items() if p["text"] and p["text"].startswith(text[:3])
        }
        by_id = {"prefix": {"property": ["node", "externalId"], "value": "PrimitiveNullable:"}}
        assert matching(omni, by_id) == set(data)

    def test_exists_matches_non_null_values(self, omni: Emulator, written: Written) -> None:
        data = values(written, "PrimitiveNullable.node")
        flt = {"exists": {"property": view_property("PrimitiveNullable", "boolean")}}
        assert matching(omni, flt) == {xid for xid, props in data.items() if props["boolean"] is not None}

    def test_contains_any_and_all_on_list_properties(self, omni: Emulator, written: Written) -> None:
        data = values(written, "PrimitiveNullableListed.node")
        lists = {xid: props["int32"] for xid, props in data.items() if props["int32"]}
        some = next(iter(lists.values()))[:2]
        reference = view_property("PrimitiveNullableListed", "int32")
        any_flt = {"containsAny": {"property": reference, "values": [some[0], -1]}}
        all_flt = {"containsAll": {"property": reference, "values": some}}
        assert matching(omni, any_flt) == {xid for xid, items in lists.items() if some[0] in items}
        assert matching(omni, all_flt) == {xid for xid, items in lists.items() if set(some) <= set(items)}

    def test_equals_and_prefix_on_a_list_compare_whole_lists(self, omni: Emulator, written: Written) -> None:
        data = values(written, "PrimitiveNullableListed.node")
        xid, dates = next((xid, props["date"]) for xid, props in data.items() if props["date"])
        reference = view_property("PrimitiveNullableListed", "date")
        assert matching(omni, {"equals": {"property": reference, "value": dates}}) == {
            other for other, props in data.items() if props["date"] == dates
        }
        assert xid in matching(omni, {"prefix": {"property": reference, "value": dates[:1]}})
        assert xid not in matching(
            omni, {"equals": {"property": reference, "value": [*dates[:1], "1999-01-01"]}}
        )

    def test_match_all_matches_every_instance(self, omni: Emulator) -> None:
        everything = {inst.external_id for inst in omni.state.store.live()}
        assert matching(omni, {"matchAll": {}}) == everything
        assert matching(omni, None) == everything

    def test_instance_references_match_by_identity(self, omni: Emulator, written: Written) -> None:
        some = [item["externalId"] for item in written["ConnectionItemA.node"][:2]]
        refs = [{"space": INSTANCE_SPACE, "externalId": xid} for xid in [*some, "does-not-exist"]]
        assert matching(omni, {"instanceReferences": refs}) == set(some)

    def test_node_type_and_edge_ends(self, omni: Emulator, written: Written) -> None:
        node_type = {"space": OMNI_SPACE, "externalId": "ConnectionItemD"}
        assert matching(omni, {"equals": {"property": ["node", "type"], "value": node_type}}) == {
            item["externalId"] for item in written["ConnectionItemD.node"]
        }
        edge = written["ConnectionItemF.edge"][0]
        start = {"equals": {"property": ["edge", "startNode"], "value": edge["startNode"]}}
        assert matching(omni, start) == {
            item["externalId"]
            for stem, items in written.items()
            if stem.endswith(".edge")
            for item in items
            if item["startNode"] == edge["startNode"]
        }

    def test_a_node_reference_matches_nothing_on_edges(self, omni: Emulator, written: Written) -> None:
        edge_id = written["ConnectionItemF.edge"][0]["externalId"]
        assert matching(omni, {"equals": {"property": ["node", "externalId"], "value": edge_id}}) == set()
        assert matching(omni, {"equals": {"property": ["edge", "externalId"], "value": edge_id}}) == {edge_id}


class TestNested:
    def test_follows_a_direct_relation_to_the_node_it_points_at(
        self, omni: Emulator, written: Written
    ) -> None:
        targets = values(written, "ConnectionItemE.node")
        named = {xid for xid, props in targets.items() if props["name"] and props["name"].startswith("S")}
        items = values(written, "ConnectionItemD.node")
        flt = {
            "nested": {
                "scope": view_property("ConnectionItemD", "directSingle"),
                "filter": {"prefix": {"property": view_property("ConnectionItemE", "name"), "value": "S"}},
            }
        }
        expected = {
            xid
            for xid, props in items.items()
            if props.get("directSingle") and props["directSingle"]["externalId"] in named
        }
        assert matching(omni, flt) == expected
        assert expected

    def test_a_list_of_direct_relations_matches_when_any_target_does(
        self, omni: Emulator, written: Written
    ) -> None:
        items = values(written, "ConnectionItemD.node")
        target = next(
            props["directMulti"][0]["externalId"] for props in items.values() if props.get("directMulti")
        )
        flt = {
            "nested": {
                "scope": view_property("ConnectionItemD", "directMulti"),
                "filter": {"equals": {"property": ["node", "externalId"], "value": target}},
            }
        }
        assert matching(omni, flt) == {
            xid
            for xid, props in items.items()
            if any(ref["externalId"] == target for ref in props.get("directMulti") or [])
        }


class TestOverlaps:
    def test_matches_edges_whose_time_span_meets_the_window(self, omni: Emulator, written: Written) -> None:
        # Several files write the same edges; the file loaded last wins, as in the emulator.
        spans = {
            item["externalId"]: (instant(props["startTime"]), instant(props["endTime"]))
            for stem, items in written.items()
            if stem.endswith(".edge")
            for item in items
            for source in item.get("sources") or []
            if source["source"]["externalId"] == "ConnectionEdgeA"
            for props in [source["properties"]]
        }
        window_start = datetime(2024, 8, 1, tzinfo=timezone.utc)
        window_end = datetime(2024, 9, 1, tzinfo=timezone.utc)
        flt = {
            "overlaps": {
                "startProperty": view_property("ConnectionEdgeA", "startTime"),
                "endProperty": view_property("ConnectionEdgeA", "endTime"),
                "gte": window_start.isoformat(),
                "lt": window_end.isoformat(),
            }
        }
        expected = {xid for xid, (start, end) in spans.items() if end >= window_start and start < window_end}
        assert matching(omni, flt) == expected
        assert expected
        assert expected != set(spans)

    def test_an_open_end_is_still_ongoing(self) -> None:
        emulator = Emulator(clock=lambda: 0)
        emulator.load_model({"space": "s", "externalId": "M", "version": "1", "views": [_span_view()]})
        emulator.load_instances(
            [
                _span_node("open-ended", "2024-01-01T00:00:00Z", None),
                _span_node("no-start", None, "2024-01-01T00:00:00Z"),
                _span_node("no-span", None, None),
                _span_node("before", "2023-01-01T00:00:00Z", "2023-02-01T00:00:00Z"),
            ]
        )
        flt = {
            "overlaps": {
                "startProperty": ["s", "Span/1", "start"],
                "endProperty": ["s", "Span/1", "end"],
                "gt": "2023-12-01T00:00:00Z",
            }
        }
        assert matching(emulator, flt) == {"open-ended", "no-start"}

    @pytest.mark.parametrize(
        ("bounds", "expected"),
        [
            ({"gte": "2024-01-10T00:00:00Z"}, {"ends-on-10th", "starts-on-10th"}),
            ({"gt": "2024-01-10T00:00:00Z"}, {"starts-on-10th"}),
            ({"lte": "2024-01-10T00:00:00Z"}, {"ends-on-10th", "starts-on-10th"}),
            ({"lt": "2024-01-10T00:00:00Z"}, {"ends-on-10th"}),
        ],
    )
    def test_inclusive_and_exclusive_bounds(self, bounds: dict[str, str], expected: set[str]) -> None:
        emulator = Emulator(clock=lambda: 0)
        emulator.load_model({"space": "s", "externalId": "M", "version": "1", "views": [_span_view()]})
        emulator.load_instances(
            [
                _span_node("ends-on-10th", "2024-01-01T00:00:00Z", "2024-01-10T00:00:00Z"),
                _span_node("starts-on-10th", "2024-01-10T00:00:00Z", "2024-01-20T00:00:00Z"),
            ]
        )
        flt = {
            "overlaps": {
                "startProperty": ["s", "Span/1", "start"],
                "endProperty": ["s", "Span/1", "end"],
                **bounds,
            }
        }
        assert matching(emulator, flt) == expected


def _span_view() -> dict[str, Any]:
    def prop(name: str) -> dict[str, Any]:
        return {
            "container": {"space": "s", "externalId": "Span"},
            "containerPropertyIdentifier": name,
            "type": {"type": "timestamp", "list": False},
            "nullable": True,
        }

    return {
        "space": "s",
        "externalId": "Span",
        "version": "1",
        "usedFor": "node",
        "properties": {"start": prop("start"), "end": prop("end")},
    }


def _span_node(external_id: str, start: str | None, end: str | None) -> dict[str, Any]:
    return {
        "instanceType": "node",
        "space": "s",
        "externalId": external_id,
        "sources": [
            {
                "source": {"type": "view", "space": "s", "externalId": "Span", "version": "1"},
                "properties": {"start": start, "end": end},
            }
        ],
    }


class TestHasData:
    def test_a_view_with_a_filter_matches_what_its_filter_matches(
        self, omni: Emulator, written: Written
    ) -> None:
        flt = {
            "hasData": [
                {"type": "view", "space": OMNI_SPACE, "externalId": "ConnectionItemA", "version": "1"}
            ]
        }
        assert matching(omni, flt) == {item["externalId"] for item in written["ConnectionItemA.node"]}

    def test_a_view_without_a_filter_needs_data_in_its_containers(
        self, omni: Emulator, written: Written
    ) -> None:
        flt = {
            "hasData": [
                {"type": "view", "space": OMNI_SPACE, "externalId": "PrimitiveNullable", "version": "1"}
            ]
        }
        assert matching(omni, flt) == set(values(written, "PrimitiveNullable.node"))

    def test_every_listed_source_must_have_data(self, omni: Emulator, written: Written) -> None:
        nullable = {"type": "container", "space": OMNI_SPACE, "externalId": "PrimitiveNullable"}
        listed = {"type": "container", "space": OMNI_SPACE, "externalId": "PrimitiveNullableListed"}
        assert matching(omni, {"hasData": [nullable]}) == set(values(written, "PrimitiveNullable.node"))
        assert matching(omni, {"hasData": [nullable, listed]}) == set()


class TestBooleanFilters:
    def test_and_or_not_combine(self, omni: Emulator, written: Written) -> None:
        data = values(written, "PrimitiveNullable.node")
        is_true = {"equals": {"property": view_property("PrimitiveNullable", "boolean"), "value": True}}
        has_text = {"exists": {"property": view_property("PrimitiveNullable", "text")}}
        true_ids = {xid for xid, props in data.items() if props["boolean"] is True}
        text_ids = {xid for xid, props in data.items() if props["text"] is not None}
        everything = {inst.external_id for inst in omni.state.store.live()}
        assert matching(omni, {"and": [is_true, has_text]}) == true_ids & text_ids
        assert matching(omni, {"or": [is_true, has_text]}) == true_ids | text_ids
        assert matching(omni, {"not": is_true}) == everything - true_ids

    def test_parameters_stand_for_values(self, omni: Emulator, written: Written) -> None:
        data = values(written, "PrimitiveNullable.node")
        wanted = [props["int64"] for props in data.values() if props["int64"] is not None][:2]
        flt = {
            "in": {"property": view_property("PrimitiveNullable", "int64"), "values": {"parameter": "ids"}}
        }
        assert matching(omni, flt, {"ids": wanted}) == {
            xid for xid, p in data.items() if p["int64"] in wanted
        }


_TEXT = view_property("PrimitiveNullable", "text")
_INT = view_property("PrimitiveNullable", "int32")
_LIST = view_property("PrimitiveNullableListed", "int32")


@pytest.mark.parametrize(
    ("flt", "message"),
    [
        ("equals", r"^filter: a filter must be a JSON object"),
        ({}, r"^filter: a filter object must have exactly one key .*got no keys"),
        ({"and": [], "or": []}, r"^filter: a filter object must have exactly one key .*got and, or"),
        ({"like": {}}, r"^filter: unknown filter 'like'; the filters are and, or, not, equals"),
        ({"and": []}, r"^filter\.and: expected a non-empty list of filters"),
        ({"or": [{"matchAll": {}}, {"nope": 1}]}, r"^filter\.or\[1\]: unknown filter 'nope'"),
        ({"equals": {"property": _TEXT}}, r"^filter\.equals: missing 'value'"),
        ({"equals": []}, r"^filter\.equals: expected a JSON object"),
        ({"equals": {"property": "text", "value": 1}}, r"must be a list of strings"),
        ({"equals": {"property": ["a", "b", "c", "d"], "value": 1}}, r"is not a property reference"),
        ({"exists": {"property": ["node", "startNode"]}}, r"is not a property of a node; use one of"),
        (
            {"exists": {"property": [OMNI_SPACE, "Missing/1", "x"]}},
            r"refers to the view sp_pygen_models:Missing\(version=1\), which does not exist",
        ),
        (
            {"exists": {"property": view_property("PrimitiveNullable", "nope")}},
            r"has no property 'nope'; its properties",
        ),
        ({"exists": {"property": view_property("ConnectionItemA", "outwards")}}, r"is a connection"),
        (
            {"exists": {"property": [OMNI_SPACE, "NoContainer", "x"]}},
            r"container sp_pygen_models:NoContainer, which does",
        ),
        (
            {"exists": {"property": [OMNI_SPACE, "PrimitiveNullable", "nope"]}},
            r"the container .* has no property 'nope'",
        ),
        (
            {"equals": {"property": _INT, "value": "12"}},
            r"filter\.equals on .*int32.*: expected a number, got \"12\"",
        ),
        (
            {"equals": {"property": _LIST, "value": 3}},
            r"is a list property and equals compares the whole list",
        ),
        ({"in": {"property": _LIST, "values": [1]}}, r"is a list property; use containsAny"),
        ({"in": {"property": _INT, "values": 3}}, r"filter\.in\.values: expected a list of values"),
        ({"range": {"property": _INT}}, r"give at least one bound"),
        ({"range": {"property": _INT, "gt": 1, "gte": 2}}, r"give either 'gt' or 'gte', not both"),
        (
            {"range": {"property": view_property("PrimitiveNullable", "boolean"), "gt": True}},
            r"have no order",
        ),
        ({"prefix": {"property": _INT, "value": "1"}}, r"prefix works on text properties"),
        ({"prefix": {"property": _LIST, "value": 1}}, r"its prefix is a list of values"),
        ({"containsAny": {"property": _INT, "values": [1]}}, r"is not a list property; use `in`"),
        ({"containsAll": {"property": _INT, "values": [1]}}, r"is not a list property; use `equals`"),
        ({"matchAll": {"x": 1}}, r"matchAll takes an empty object"),
        (
            {"nested": {"scope": _TEXT, "filter": {"matchAll": {}}}},
            r"filter\.nested\.scope: .* is not a direct relation",
        ),
        (
            {
                "overlaps": {
                    "startProperty": _INT,
                    "endProperty": view_property("PrimitiveNullable", "timestamp"),
                }
            },
            r"holds number values but endProperty .* holds timestamp",
        ),
        ({"overlaps": {"startProperty": _LIST, "endProperty": _LIST}}, r"overlaps compares single values"),
        ({"hasData": {"type": "view"}}, r"expected a list of view or container references"),
        ({"hasData": [{"type": "view", "space": "s"}]}, r"filter\.hasData\[0\]: expected a view reference"),
        ({"hasData": [{"type": "view", "space": "s", "externalId": "V"}]}, r"a source is either"),
        (
            {"hasData": [{"type": "view", "space": "s", "externalId": "V", "version": "1"}]},
            r"the view s:V\(version=1\) does",
        ),
        (
            {"hasData": [{"type": "container", "space": "s", "externalId": "C"}]},
            r"the container s:C does not exist",
        ),
        ({"instanceReferences": {"space": "s"}}, r"expected a list of \{space, externalId\}"),
        (
            {"instanceReferences": [{"space": "s"}]},
            r"instanceReferences\[0\]: expected \{space, externalId\} strings",
        ),
        (
            {
                "equals": {
                    "property": _TEXT,
                    "value": {"property": view_property("PrimitiveNullable", "text")},
                }
            },
            r"comparing with another property's value .* is not supported",
        ),
    ],
)
def test_a_malformed_filter_says_where_and_what_is_wrong(omni: Emulator, flt: Any, message: str) -> None:
    with pytest.raises(FilterError, match=message) as caught:
        compile_filter(flt, omni.state.schema, store=omni.state.store)
    assert isinstance(caught.value, EmulatorRequestError)
    assert caught.value.status == 400


class TestParameterErrors:
    def test_parameters_exist_only_in_query_and_sync(self, omni: Emulator) -> None:
        flt = {"equals": {"property": _TEXT, "value": {"parameter": "p"}}}
        with pytest.raises(FilterError, match="parameters are only available in query and sync"):
            compile_filter(flt, omni.state.schema)

    def test_an_undefined_parameter_lists_the_defined_ones(self, omni: Emulator) -> None:
        flt = {"equals": {"property": _TEXT, "value": {"parameter": "p"}}}
        with pytest.raises(FilterError, match=r"parameter \"p\" is not defined.*\(defined: a, b\)"):
            compile_filter(flt, omni.state.schema, {"b": 1, "a": 2})

    def test_a_nested_filter_needs_the_instance_store(self, omni: Emulator) -> None:
        flt = {
            "nested": {"scope": view_property("ConnectionItemD", "directSingle"), "filter": {"matchAll": {}}}
        }
        with pytest.raises(FilterError, match="report this as an emulator bug"):
            compile_filter(flt, omni.state.schema)


def test_a_view_filter_that_names_its_own_view_does_not_recurse() -> None:
    emulator = Emulator(clock=lambda: 0)
    view = _span_view()
    view["filter"] = {"hasData": [{"type": "view", "space": "s", "externalId": "Span", "version": "1"}]}
    emulator.load_model({"space": "s", "externalId": "M", "version": "1", "views": [view]})
    emulator.load_instances([_span_node("a", "2024-01-01T00:00:00Z", None)])
    flt = {"hasData": [{"type": "view", "space": "s", "externalId": "Span", "version": "1"}]}
    # The self-reference falls back to the view's containers.
    assert matching(emulator, flt) == {"a"}
