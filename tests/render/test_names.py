"""Python names: re-cased from the IR's hints, never reserved, never colliding, always the same."""

from __future__ import annotations

import builtins
import keyword

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatch_pygen.ir import IR, PropertyIR, ViewIR
from hatch_pygen.render.python._fields import attribute_names
from hatch_pygen.render.python._filters import build_filters
from hatch_pygen.render.python._model import build_views
from hatch_pygen.render.python._names import (
    RESERVED_ATTRIBUTES,
    RESERVED_CLASS_NAMES,
    claim,
    python_attribute,
    python_class_name,
    snake_case,
)
from hatch_pygen.validation._naming import snake_key

# CDF identifiers: a letter, then letters, digits and underscores.
IDENTIFIERS = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,40}", fullmatch=True)


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("WindTurbine", "wind_turbine"),
        ("isUploaded", "is_uploaded"),
        ("HTTPServer", "http_server"),
        ("Cognite360Image", "cognite360_image"),
        ("already_snake", "already_snake"),
        ("__private", "private"),
    ],
)
def test_snake_case(hint: str, expected: str) -> None:
    assert snake_case(hint) == expected


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("isUploaded", "is_uploaded"),
        ("type_", "type_"),
        ("class", "class_"),
        ("list", "list_"),
        ("model_dump", "model_dump_"),
        ("as_write", "as_write_"),
        ("datetime", "datetime_"),
        ("3d", "field_3d"),
        ("_", "field"),
    ],
)
def test_attributes_step_around_keywords_builtins_and_runtime_members(hint: str, expected: str) -> None:
    assert python_attribute(hint) == expected


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("wind_turbine", "WindTurbine"),
        ("Implementation1_2", "Implementation1_2"),
        ("none", "None_"),
        ("exception", "Exception_"),
        ("3DModel", "View_3DModel"),
    ],
)
def test_class_names(hint: str, expected: str) -> None:
    assert python_class_name(hint) == expected


def test_claim_adds_a_numeric_suffix_to_a_taken_name() -> None:
    taken = {"pump"}
    assert claim("pump", taken) == "pump_2"
    assert claim("pump", taken) == "pump_3"
    assert claim("type_", {"type_"}) == "type_2"
    assert taken == {"pump", "pump_2", "pump_3"}


@given(IDENTIFIERS)
def test_every_attribute_is_a_usable_python_name(hint: str) -> None:
    name = python_attribute(hint)
    assert name.isidentifier()
    assert not keyword.iskeyword(name)
    assert name not in RESERVED_ATTRIBUTES
    assert not name.startswith("_")
    assert python_attribute(hint) == name


@given(IDENTIFIERS)
def test_every_class_name_is_a_usable_python_name(hint: str) -> None:
    name = python_class_name(hint)
    assert name.isidentifier()
    assert name not in RESERVED_CLASS_NAMES
    assert not hasattr(builtins, name)
    assert name[0].isupper()


def _view(external_id: str, property_names: list[str]) -> ViewIR:
    return ViewIR(
        space="s",
        external_id=external_id,
        version="1",
        name=external_id,
        used_for="node",
        writable=True,
        properties=tuple(
            PropertyIR(
                identifier=name, name=name, kind="primitive", type="text", filters=("equals", "in", "prefix")
            )
            for name in property_names
        ),
    )


@given(st.lists(IDENTIFIERS, min_size=1, max_size=12, unique_by=snake_key))
def test_properties_unique_in_snake_form_get_unique_attributes_and_filters(hints: list[str]) -> None:
    # Validation makes hints unique by snake_key; re-casing may still merge two ("A" and "A_"),
    # which the renderer settles with a numeric suffix, the same way every time.
    view = _view("Pump", hints)
    names = attribute_names(view)
    assert len(set(names.values())) == len(hints)
    assert attribute_names(view) == names
    parameters = [parameter.name for parameter in build_filters(view, "node").parameters]
    assert len(set(parameters)) == len(parameters)
    assert all(parameter.isidentifier() and not keyword.iskeyword(parameter) for parameter in parameters)


@given(st.lists(IDENTIFIERS, min_size=1, max_size=10, unique_by=snake_key))
def test_views_unique_in_snake_form_get_unique_classes_modules_and_attributes(hints: list[str]) -> None:
    ir = IR(package="sdk", views=tuple(_view(hint, ["name"]) for hint in hints))
    models = build_views(ir, {"SdkClient"})
    classes = [name for model in models for name in (*model.exported, model.api)]
    assert len(set(classes)) == len(classes)
    assert "SdkClient" not in classes
    assert len({model.module for model in models}) == len(models)
    assert len({model.attribute for model in models}) == len(models)
    assert [model.read for model in build_views(ir, {"SdkClient"})] == [model.read for model in models]


def test_a_view_named_like_another_views_write_class_keeps_its_name() -> None:
    models = build_views(IR(package="sdk", views=(_view("Pump", []), _view("PumpWrite", []))), set())
    by_view = {model.view.external_id: model for model in models}
    assert by_view["PumpWrite"].read == "PumpWrite"
    assert by_view["Pump"].write == "PumpWrite_2"


def test_filter_parameters_avoid_the_methods_own_parameters() -> None:
    view = _view("Pump", ["limit", "name", "name_prefix", "filter"])
    parameters = [parameter.name for parameter in build_filters(view, "node").parameters]
    assert parameters[:3] == ["limit_", "limit_prefix", "name"]
    assert "name_prefix" in parameters
    assert "name_prefix_2" in parameters
    assert "filter_" in parameters
