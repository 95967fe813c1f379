"""Loading the real CDF material: every model file, the read-format nodes, the write-format files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from cdf_material import MODEL_FILES, OMNI_MODEL, OMNI_READ_NODES, WRITE_DIR, WRITE_INSTANCE_FILES
from pygen_runtime.testing import Emulator, ModelFileError
from spec_checked import SpecCheckedEmulator


def test_every_model_file_loads_into_one_emulator() -> None:
    emulator = Emulator()
    for path in MODEL_FILES:
        emulator.load_model(path)

    schema = emulator.state.schema
    for path in MODEL_FILES:
        dump = yaml.safe_load(path.read_text())
        key = (dump["space"], dump["externalId"], str(dump["version"]))
        assert [ref["externalId"] for ref in schema.data_models[key]["views"]] == [
            v["externalId"] for v in dump["views"]
        ]
        for view in dump["views"]:
            assert (view["space"], view["externalId"], str(view["version"])) in schema.views
    assert schema.spaces["cdf_cdm"]["isGlobal"] is True
    assert schema.spaces["sp_pygen_models"]["isGlobal"] is False


def test_containers_shared_by_several_files_grow_with_each() -> None:
    emulator = Emulator()
    for stem in ("OmniMultiA", "OmniMultiB", "OmniMultiC"):
        emulator.load_model(next(path for path in MODEL_FILES if path.stem == stem))
    implementation = emulator.state.schema.container_properties("pygen-models", "Implementation1")
    assert implementation is not None
    mapped = set()
    for stem in ("OmniMultiA", "OmniMultiB", "OmniMultiC"):
        for view in yaml.safe_load(next(p for p in MODEL_FILES if p.stem == stem).read_text())["views"]:
            for prop in view["properties"].values():
                if prop.get("container", {}).get("externalId") == "Implementation1":
                    mapped.add(prop["containerPropertyIdentifier"])
    assert set(implementation) == mapped


def test_the_read_format_nodes_load_with_their_values() -> None:
    emulator = Emulator()
    emulator.load_model(OMNI_MODEL)
    nodes = yaml.safe_load(OMNI_READ_NODES.read_text())

    assert emulator.load_instances(OMNI_READ_NODES) == len(nodes)

    store, schema = emulator.state.store, emulator.state.schema
    for node in nodes:
        stored = store.get("node", node["space"], node["externalId"])
        assert stored is not None
        for space, views in node["properties"].items():
            for label, values in views.items():
                external_id, version = label.split("/")
                properties = schema.view_properties(space, external_id, version)
                assert properties is not None
                for name, value in values.items():
                    prop = properties[name]
                    container = (prop["container"]["space"], prop["container"]["externalId"])
                    stored_value = stored.data[container][prop["containerPropertyIdentifier"]]
                    assert stored_value == value or prop["type"]["type"] in (
                        "float32",
                        "float64",
                        "timestamp",
                    )


@pytest.mark.parametrize("path", WRITE_INSTANCE_FILES, ids=lambda path: path.name)
def test_each_write_format_file_loads(path: Path) -> None:
    emulator = Emulator()
    emulator.load_model(OMNI_MODEL)
    items = yaml.safe_load(path.read_text())

    assert emulator.load_instances(path) == len(items)
    for item in items:
        assert emulator.state.store.get(item["instanceType"], item["space"], item["externalId"]) is not None


def test_time_series_files_and_sequences_are_refused_with_the_reason() -> None:
    emulator = Emulator()
    with pytest.raises(ModelFileError, match="data-modeling API only"):
        emulator.load_instances(WRITE_DIR / "CDFExternalReferences.timeseries.yaml")


def test_a_bundle_of_spaces_containers_views_and_models_loads(tmp_path: Path) -> None:
    bundle = {
        "spaces": [{"space": "plant", "name": "Plant"}],
        "containers": [
            {"space": "plant", "externalId": "Pump", "properties": {"name": {"type": {"type": "text"}}}}
        ],
        "views": [
            {
                "space": "plant",
                "externalId": "Pump",
                "version": "1",
                "properties": {
                    "name": {
                        "container": {"space": "plant", "externalId": "Pump"},
                        "containerPropertyIdentifier": "name",
                    }
                },
            }
        ],
        "dataModels": [
            {
                "space": "plant",
                "externalId": "Plant",
                "version": "1",
                "views": [{"space": "plant", "externalId": "Pump", "version": "1"}],
            }
        ],
    }
    path = tmp_path / "plant.json"
    path.write_text(json.dumps(bundle))
    emulator = SpecCheckedEmulator()

    emulator.load_model(path)
    emulator.load_instances(
        {
            "items": [
                {
                    "instanceType": "node",
                    "space": "plant",
                    "externalId": "p1",
                    "properties": {"plant": {"Pump": {"name": "from a container"}}},
                }
            ]
        }
    )

    assert emulator.state.schema.spaces["plant"]["name"] == "Plant"
    assert emulator.state.store.get("node", "plant", "p1").data == {
        ("plant", "Pump"): {"name": "from a container"}
    }  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("model.txt", "x", "unknown file type"),
        ("model.json", "{oops", "not valid JSON"),
        ("model.yaml", "a: [b", "not valid YAML"),
        ("model.yaml", "42", "expected a data model"),
        ("model.yaml", "[1]", "must be an object"),
        ("model.yaml", "spaces: {a: 1}", "'spaces' must be a list"),
        (
            "model.yaml",
            "space: s\nexternalId: M\nversion: '1'\nviews:\n- {space: s, externalId: Ghost, version: '1'}",
            "Missing:",
        ),
    ],
)
def test_unloadable_model_files_name_the_file_and_the_problem(
    tmp_path: Path, name: str, content: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ModelFileError) as caught:
        Emulator().load_model(path)
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)


def test_missing_files_and_bad_instances_are_reported(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="no such file"):
        Emulator().load_model(tmp_path / "absent.yaml")
    with pytest.raises(ModelFileError, match="not a file"):
        Emulator().load_model(tmp_path)
    bad = tmp_path / "nodes.yaml"
    bad.write_text(
        yaml.safe_dump(
            [
                {
                    "instanceType": "node",
                    "space": "s",
                    "externalId": "n",
                    "sources": [
                        {
                            "source": {"type": "view", "space": "s", "externalId": "Ghost", "version": "1"},
                            "properties": {},
                        }
                    ],
                }
            ]
        )
    )
    with pytest.raises(ModelFileError, match="Missing"):
        Emulator().load_instances(bad)
