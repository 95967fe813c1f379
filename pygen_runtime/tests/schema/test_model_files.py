"""Every real model file loads into the schema classes and dumps back without loss."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pygen_runtime.schema import (
    DataModel,
    DirectRelationType,
    EdgeConnection,
    MappedProperty,
    ReverseDirectRelation,
    UnknownPropertyType,
    UnknownViewProperty,
    View,
    load_data_models,
)

MODELS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "cdf" / "models"
MODEL_FILES = sorted(MODELS_DIR.glob("*.yaml"))


def _load(path: Path) -> DataModel:
    (model,) = load_data_models(yaml.safe_load(path.read_text()))
    return model


def test_the_shared_models_are_there() -> None:
    assert {path.stem for path in MODEL_FILES} >= {"CogniteCore", "Omni", "WindTurbine", "Pumps"}


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.stem)
def test_model_file_loads_with_every_property_understood(path: Path) -> None:
    model = _load(path)

    assert model.inline_views, "the files hold inline views"
    for view in model.inline_views:
        for name, prop in view.properties.items():
            assert not isinstance(prop, UnknownViewProperty), f"{view.external_id}.{name}"
            if isinstance(prop, MappedProperty):
                assert not isinstance(prop.type, UnknownPropertyType), f"{view.external_id}.{name}"


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.stem)
def test_dump_loads_back_to_an_equal_model(path: Path) -> None:
    model = _load(path)

    assert DataModel.load(model.dump()) == model


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.stem)
def test_dump_is_the_api_shape(path: Path) -> None:
    dumped = _load(path).dump()

    for view in dumped["views"]:
        for prop in view["properties"].values():
            if "container" in prop:
                assert prop["container"]["type"] == "container"
                assert "source" not in prop or prop["source"]["type"] == "view"
            else:
                assert prop["source"]["type"] == "view"
                assert "connectionType" in prop


def test_direct_relation_target_is_read_from_inside_the_type() -> None:
    model = _load(MODELS_DIR / "WindTurbine.yaml")
    blade = {v.external_id: v for v in model.inline_views}["SensorPosition"]

    prop = blade.properties["blade"]

    assert isinstance(prop, MappedProperty)
    assert isinstance(prop.type, DirectRelationType)
    assert prop.source is not None
    assert prop.source.external_id == "Blade"
    assert prop.type.source == prop.source


def test_connections_load_with_their_details() -> None:
    model = _load(MODELS_DIR / "WindTurbine.yaml")
    views = {v.external_id: v for v in model.inline_views}

    reverse = views["Blade"].properties["sensor_positions"]
    assert isinstance(reverse, ReverseDirectRelation)
    assert reverse.is_list
    assert reverse.through.identifier == "blade"
    edges = [p for v in views.values() for p in v.properties.values() if isinstance(p, EdgeConnection)]
    assert edges
    assert all(edge.direction in ("outwards", "inwards") for edge in edges)


def _as_old_dump(view: dict[str, Any]) -> dict[str, Any]:
    """The older dump shape: container refs without a type, a direct target beside the type."""
    out = {**view, "properties": {}}
    for key, prop in view["properties"].items():
        if "container" in prop:
            prop = {**prop, "container": {k: v for k, v in prop["container"].items() if k != "type"}}
            source = prop["type"].get("source")
            if source is not None:
                prop = {**prop, "type": {k: v for k, v in prop["type"].items() if k != "source"}}
                prop["source"] = source
            else:
                prop["source"] = None
        out["properties"][key] = prop
    return out


def test_older_dump_shape_loads_to_the_same_view() -> None:
    model = _load(MODELS_DIR / "WindTurbine.yaml")
    for view in model.inline_views:
        assert View.load(_as_old_dump(view.dump())) == view
