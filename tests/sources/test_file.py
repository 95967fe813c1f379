"""Reading data models from YAML and JSON files, in every shape CDF material comes in."""

from __future__ import annotations

import json
from pathlib import Path

import model_builder
import pytest
import yaml
from shared_cdf import MODEL_FILES, model_file

from hatch_pygen.errors import SourceError
from hatch_pygen.sources import ModelSnapshot, load_model_file


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.stem)
def test_every_shared_model_file_loads_with_its_views_inline(path: Path) -> None:
    [snapshot] = load_model_file(path)
    raw = yaml.safe_load(path.read_text())
    assert snapshot.model_id.external_id == raw["externalId"]
    assert len(snapshot.data_model.inline_views) == len(raw["views"])


def test_the_raw_api_shape_in_json_gives_the_same_snapshot_as_the_sdk_dump(tmp_path: Path) -> None:
    [from_yaml] = load_model_file(model_file("Omni"))
    api_response = {"items": [from_yaml.data_model.dump()]}
    path = tmp_path / "omni.json"
    path.write_text(json.dumps(api_response))
    [from_json] = load_model_file(path)
    assert from_json.digest() == from_yaml.digest()


def test_a_list_of_models_gives_one_snapshot_each(tmp_path: Path) -> None:
    path = tmp_path / "models.yml"
    path.write_text(
        yaml.safe_dump(
            [
                model_builder.data_model([model_builder.view("A")], external_id="First"),
                model_builder.data_model([model_builder.view("B")], external_id="Second"),
            ]
        )
    )
    assert [snapshot.model_id.external_id for snapshot in load_model_file(path)] == ["First", "Second"]


def test_a_snapshot_file_reads_back_as_the_same_snapshot(tmp_path: Path) -> None:
    original = model_builder.snapshot([model_builder.view("A", {"x": model_builder.mapped()})])
    path = tmp_path / "snap.json"
    path.write_text(original.to_json_text())
    [loaded] = load_model_file(path)
    assert loaded == ModelSnapshot.from_json_dict(json.loads(path.read_text()), origin="x")
    assert loaded.digest() == original.digest()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", "{not json", r"bad.json: not valid JSON \(line 1: "),
        ("bad.yaml", "a: [1, 2\n", r"bad.yaml: not valid YAML \(line 2: "),
        ("empty.yaml", "", "does not hold a data model"),
        ("scalar.yaml", "just text", "does not hold a data model"),
        ("list.yaml", "[]", "holds no data model"),
        ("wrong.yaml", "space: s\nexternalId: M\n", r"not a data model \(version: Field required\)"),
        ("number.yaml", "42", "does not hold a data model"),
        ("items.yaml", "items: 3", "not a data model"),
        ("snap.json", '{"snapshotFormat": 99}', "unsupported snapshot format 99"),
        ("snap2.json", '{"snapshotFormat": 1}', r"not a pygen model snapshot \(missing 'dataModel'\)"),
        (
            "snap3.json",
            '{"snapshotFormat": 1, "dataModel": {"space": "s"}}',
            r"not a pygen model snapshot \(externalId: Field required; version: Field required\)",
        ),
    ],
)
def test_a_broken_file_is_a_source_error_naming_the_file_and_the_reason(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(SourceError, match=message):
        load_model_file(path)


def test_many_field_errors_are_summarised(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump({"views": [{"properties": {}}]}))
    with pytest.raises(SourceError, match=r"; and \d+ more\)$"):
        load_model_file(path)


def test_a_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"missing\.yaml: cannot be read"):
        load_model_file(tmp_path / "missing.yaml")
