"""Hypothesis-generated models (random names, types, relations, inheritance) never crash
validation or IR building, and what comes out keeps the promises the renderers rely on."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_builder import direct, edge, mapped, reverse, snapshot, view

from hatch_pygen.config import ViewSelector
from hatch_pygen.errors import NothingToGenerateError
from hatch_pygen.ir import IR, build_ir
from hatch_pygen.validation import snake_key, validate

# Few distinct names, so collisions, cycles and dangling references are common.
EXTERNAL_IDS = ["Pump", "pump", "Valve", "Pump_1", "Station", "Missing"]
SPACES = ["test_space", "other"]
VERSIONS = ["1", "2"]
PROPERTY_NAMES = ["name", "type", "externalId", "external_id", "fooBar", "foo_bar", "type_", "space", "x"]
TYPES = [
    "text", "boolean", "int32", "int64", "float32", "float64", "timestamp", "date", "json",
    "timeseries", "file", "sequence", "vector3d",
]  # fmt: skip

view_names = st.sampled_from(EXTERNAL_IDS)


@st.composite
def properties(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["mapped", "enum", "direct", "edge", "reverse", "unknown"]))
    target = draw(view_names)
    if kind == "mapped":
        return mapped(draw(st.sampled_from(TYPES)), is_list=draw(st.booleans()), nullable=draw(st.booleans()))
    if kind == "enum":
        values = draw(st.lists(st.sampled_from(["on", "off", "unknown"]), unique=True, max_size=3))
        return mapped({"type": "enum", "values": {v: {"name": v.title()} for v in values}})
    if kind == "direct":
        return direct(draw(st.none() | st.just(target)), is_list=draw(st.booleans()))
    if kind == "edge":
        props_view = draw(st.none() | view_names)
        return edge(target, edge_source=props_view, multi=draw(st.booleans()))
    if kind == "reverse":
        return reverse(target, draw(st.sampled_from(PROPERTY_NAMES)), multi=draw(st.booleans()))
    return {"connectionType": "something_new"}


@st.composite
def views(draw: st.DrawFn) -> dict[str, Any]:
    props = draw(st.dictionaries(st.sampled_from(PROPERTY_NAMES), properties(), max_size=5))
    return view(
        draw(view_names),
        props,
        implements=draw(st.lists(view_names, max_size=3)),
        space=draw(st.sampled_from(SPACES)),
        version=draw(st.sampled_from(VERSIONS)),
        usedFor=draw(st.sampled_from(["node", "edge", "all"])),
    )


@st.composite
def models(draw: st.DrawFn) -> list[list[dict[str, Any]]]:
    return draw(st.lists(st.lists(views(), min_size=1, max_size=6), min_size=1, max_size=3))


def ir_of(model_views: list[list[dict[str, Any]]]) -> IR:
    snapshots = [snapshot(vs, external_id=f"Model{index}") for index, vs in enumerate(model_views)]
    return build_ir(validate(snapshots))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.randoms(use_true_random=False))
def test_random_models_validate_and_build_into_a_consistent_ir(
    model_views: list[list[dict[str, Any]]], rng: random.Random
) -> None:
    ir = ir_of(model_views)

    # JSON through and through, and read back unchanged.
    assert IR.from_json(ir.to_json()) == ir
    json.loads(ir.to_json())

    # Names the renderers can use as they are: unique once re-cased.
    assert len({snake_key(v.name) for v in ir.views}) == len(ir.views)
    by_id = {(v.space, v.external_id, v.version): v for v in ir.views}
    for v in ir.views:
        assert len({snake_key(p.name) for p in v.properties}) == len(v.properties)
        # Inheritance points only at generated views and never loops.
        for parent in v.ancestors:
            key = (parent.space, parent.external_id, parent.version)
            assert key in by_id
            assert key != (v.space, v.external_id, v.version)
        # Every relation target is generated, or absent (plain ids).
        for p in v.properties:
            if p.target is not None:
                assert (p.target.space, p.target.external_id, p.target.version) in by_id

    # Input order does not matter (the models' own order aside) when, as in CDF, one view id
    # means one definition; conflicting definitions are settled by order, as documented.
    first_definition: dict[tuple[str, str, str], dict[str, Any]] = {}
    consistent = []
    for vs in model_views:
        unique = {}
        for v in vs:
            key = (v["space"], v["externalId"], v["version"])
            unique[key] = first_definition.setdefault(key, v)
        consistent.append(list(unique.values()))
    shuffled = [rng.sample(vs, len(vs)) for vs in consistent]
    assert ir_of(shuffled).to_json() == ir_of(consistent).to_json()


@settings(max_examples=100, deadline=None)
@given(
    models(),
    st.lists(st.builds(ViewSelector, view_names, st.none() | st.sampled_from(SPACES)), max_size=3),
    st.lists(st.sampled_from(SPACES), max_size=1),
)
def test_random_exclusions_either_leave_a_consistent_ir_or_say_nothing_is_left(
    model_views: list[list[dict[str, Any]]], exclude_views: list[ViewSelector], exclude_spaces: list[str]
) -> None:
    snapshots = [snapshot(vs, external_id=f"Model{index}") for index, vs in enumerate(model_views)]
    try:
        schema = validate(snapshots, exclude_views=exclude_views, exclude_spaces=exclude_spaces)
    except NothingToGenerateError as error:
        message = str(error)
        schema = None
    if schema is None:
        assert message.startswith("nothing to generate: ")
        return
    ir = build_ir(schema)
    kept = {(v.space, v.external_id) for v in ir.views}
    for selector in exclude_views:
        assert not any(
            external_id == selector.external_id and selector.space in (None, space)
            for space, external_id in kept
        )
    assert not any(space in exclude_spaces for space, _ in kept)
