"""What the schema classes dump is what CDF's official API spec describes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openapi_contract import validate_request, validate_response
from pygen_runtime.schema import Container, DataModel, Space, View, load_data_models

MODELS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "cdf" / "models"
MODEL_FILES = sorted(MODELS_DIR.glob("*.yaml"))


def _load(path: Path) -> DataModel:
    (model,) = load_data_models(yaml.safe_load(path.read_text()))
    return model


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.stem)
def test_data_model_apply_body_is_a_valid_request(path: Path) -> None:
    model = _load(path)

    validate_request("POST", "/models/datamodels", {"items": [model.dump_apply()]})


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.stem)
def test_view_apply_bodies_are_valid_requests(path: Path) -> None:
    views = _load(path).inline_views

    validate_request("POST", "/models/views", {"items": [view.dump_apply() for view in views]})


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.stem)
def test_view_dump_is_a_valid_response_once_the_server_fields_are_there(path: Path) -> None:
    # Model files are dumps that lack a few fields a server always sends; add them as CDF would.
    items = []
    for view in _load(path).inline_views:
        dumped = view.dump()
        dumped.setdefault("queryable", True)
        dumped.setdefault("mappedContainers", [])
        for prop in dumped["properties"].values():
            if prop.get("connectionType", "").endswith("reverse_direct_relation"):
                prop.setdefault("targetsList", False)
        items.append(dumped)

    validate_response("POST", "/models/views/byids", 200, {"items": items})


def test_reference_views_in_a_data_model_dump_as_references() -> None:
    model = DataModel.load(
        {
            "space": "s",
            "externalId": "M",
            "version": "1",
            "views": [{"type": "view", "space": "s", "externalId": "V", "version": "1"}],
        }
    )

    body = model.dump_apply()

    assert body["views"] == [{"type": "view", "space": "s", "externalId": "V", "version": "1"}]
    validate_request("POST", "/models/datamodels", {"items": [body]})


def test_container_and_space_apply_bodies_are_valid_requests() -> None:
    container = Container.load(
        {
            "space": "power",
            "externalId": "Turbine",
            "properties": {
                "name": {"type": {"type": "text"}, "nullable": False, "description": "Its name"},
                "capacity": {"type": {"type": "float64"}, "defaultValue": 1.5},
                "parent": {"type": {"type": "direct", "container": {"space": "power", "externalId": "T"}}},
                "state": {"type": {"type": "enum", "values": {"on": {"name": "On"}, "off": {"name": "Off"}}}},
                "tags": {"type": {"type": "text", "list": True, "maxListSize": 10}},
            },
        }
    )
    space = Space.load({"space": "power", "name": "Power", "isGlobal": False, "createdTime": 1})

    validate_request("POST", "/models/containers", {"items": [container.dump_apply()]})
    validate_request("POST", "/models/spaces", {"items": [space.dump_apply()]})
    assert space.dump_apply() == {"space": "power", "name": "Power"}
    assert container.dump()["properties"]["parent"]["type"]["container"]["type"] == "container"


def test_edge_view_with_edge_source_and_inwards_direction_dumps_fully() -> None:
    view = View.load(
        {
            "space": "s",
            "externalId": "Turbine",
            "version": "1",
            "properties": {
                "metmasts": {
                    "connectionType": "multi_edge_connection",
                    "type": {"space": "s", "externalId": "Distance"},
                    "source": {"space": "s", "externalId": "Metmast", "version": "1", "type": "view"},
                    "edgeSource": {"space": "s", "externalId": "Distance", "version": "1"},
                    "direction": "inwards",
                    "name": "metmasts",
                },
                "parent": {
                    "connectionType": "single_reverse_direct_relation",
                    "source": {"space": "s", "externalId": "Park", "version": "1"},
                    "through": {
                        "source": {"space": "s", "externalId": "ParkC", "type": "container"},
                        "identifier": "turbines",
                    },
                    "targetsList": True,
                },
            },
        }
    )

    body = view.dump_apply()

    assert body["properties"]["metmasts"]["edgeSource"]["type"] == "view"
    assert body["properties"]["metmasts"]["direction"] == "inwards"
    assert "targetsList" not in body["properties"]["parent"]
    assert body["properties"]["parent"]["through"]["source"]["type"] == "container"
    assert not view.properties["parent"].is_list  # type: ignore[union-attr]
    validate_request("POST", "/models/views", {"items": [body]})
