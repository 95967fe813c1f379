"""The IR's format: versioned, JSON all the way, language-neutral, deterministic."""

from __future__ import annotations

import json
from typing import Any, get_args

import jsonschema
import pytest
from ir_snapshots import CASES, snapshot_paths

from hatch_pygen.ir import IR, IR_VERSION, FilterKind, PrimitiveType, PropertyKind


def load(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(snapshot_paths(case)[0].read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_snapshot_is_valid_against_the_irs_json_schema_and_reads_back(case: str) -> None:
    data = load(case)
    jsonschema.validate(data, IR.model_json_schema(mode="serialization"))
    assert data["ir_version"] == IR_VERSION
    assert IR.from_json(json.dumps(data)).to_json() == snapshot_paths(case)[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(CASES))
def test_types_are_cdfs_own_names_never_a_languages(case: str) -> None:
    allowed_types = set(get_args(PrimitiveType))
    for view in load(case)["views"]:
        for prop in view["properties"]:
            assert prop["kind"] in get_args(PropertyKind)
            assert set(prop["filters"]) <= set(get_args(FilterKind))
            if prop["kind"] == "primitive":
                assert prop["type"] in allowed_types
            else:
                assert prop["type"] is None


@pytest.mark.parametrize("case", sorted(CASES))
def test_views_and_properties_are_in_a_fixed_order_with_unique_names(case: str) -> None:
    data = load(case)
    keys = [(v["space"], v["external_id"], v["version"]) for v in data["views"]]
    assert keys == sorted(keys)
    assert len({v["name"].lower() for v in data["views"]}) == len(data["views"])
    for view in data["views"]:
        identifiers = [p["identifier"] for p in view["properties"]]
        assert identifiers == sorted(identifiers)
        assert len({p["name"] for p in view["properties"]}) == len(identifiers)


def test_the_shared_models_cover_every_kind_of_property() -> None:
    kinds = {
        (p["kind"], p["type"], p["list"])
        for case in CASES
        for v in load(case)["views"]
        for p in v["properties"]
    }
    for expected in [
        ("primitive", "text", False),
        ("primitive", "int32", True),
        ("primitive", "timeseries", False),
        ("primitive", "json", False),
        ("primitive", "date", False),
        ("enum", None, False),
        ("direct_relation", None, False),
        ("direct_relation", None, True),
        ("reverse_relation", None, True),
        ("reverse_relation", None, False),
        ("edge", None, True),
        ("edge", None, False),
    ]:
        assert expected in kinds


def test_cognite_core_resolves_inheritance_and_reverse_relations() -> None:
    views = {v["external_id"]: v for v in load("CogniteCore")["views"]}
    asset = views["CogniteAsset"]
    assert [p["external_id"] for p in asset["implements"]] == [
        "CogniteVisualizable",
        "CogniteDescribable",
        "CogniteSourceable",
    ]
    props = {p["identifier"]: p for p in asset["properties"]}
    assert props["name"]["inherited_from"]["external_id"] == "CogniteDescribable"
    assert props["type"]["name"] == "type_"
    assert props["children"]["kind"] == "reverse_relation"
    assert props["children"]["through"] == {
        "view": {"space": "cdf_cdm", "external_id": "CogniteAsset", "version": "v1"},
        "container": None,
        "identifier": "parent",
    }
    assert props["parent"]["target"]["external_id"] == "CogniteAsset"
    assert props["parent"]["filters"] == ["equals", "in"]
    assert props["path"]["filters"] == ["containsAny", "containsAll"]
    assert views["CogniteDescribable"]["data_models"] == [
        {"space": "cdf_cdm", "external_id": "CogniteCore", "version": "v1"}
    ]


def test_an_enum_lists_its_values_in_order() -> None:
    enums = [p for v in load("CogniteCore")["views"] for p in v["properties"] if p["kind"] == "enum"]
    assert enums
    for prop in enums:
        values = [value["value"] for value in prop["enum_values"]]
        assert values == sorted(values)
        assert prop["filters"] in (["equals"], ["containsAny", "containsAll"])


def test_edges_carry_type_direction_and_edge_properties_view() -> None:
    edges = [p for v in load("Omni")["views"] for p in v["properties"] if p["kind"] == "edge"]
    assert {p["edge"]["direction"] for p in edges} == {"outwards", "inwards"}
    assert any(p["edge"]["edge_properties"] is not None for p in edges)
    assert all(p["target"] is not None for p in edges)
