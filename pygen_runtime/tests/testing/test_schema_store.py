"""The schema store computes CDF's read shape of views: inheritance, container types, writability."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from cdf_material import MODEL_FILES
from pygen_runtime.testing._model_files import load_schema
from pygen_runtime.testing._project import Project


def loaded(*paths: Path) -> Project:
    project = Project("p", clock=lambda: 1)
    for path in paths:
        load_schema(project, path)
    return project


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.stem)
def test_read_views_match_the_dumped_cdf_views(path: Path) -> None:
    """What CDF returned for each view (the dump) is what the emulator computes from it."""
    dump = yaml.safe_load(path.read_text())
    schema = loaded(path).schema

    for dumped in dump["views"]:
        read = schema.view(dumped["space"], dumped["externalId"], str(dumped["version"]))
        assert read is not None
        label = f"{dumped['externalId']}"
        assert read["writable"] is dumped["writable"], label
        assert set(read["properties"]) == set(dumped["properties"]), label
        assert read["usedFor"] == dumped["usedFor"]
        for name, prop in dumped["properties"].items():
            mine = read["properties"][name]
            if "container" in prop:
                assert mine["container"]["externalId"] == prop["container"]["externalId"]
                assert mine["type"]["type"] == prop["type"]["type"]
                assert mine["type"].get("list", False) == prop["type"].get("list", False)
                assert mine["nullable"] == prop["nullable"]
            else:
                assert mine.get("connectionType") == prop.get("connectionType"), f"{label}.{name}"


def test_inherited_properties_come_through_implements() -> None:
    schema = loaded(next(path for path in MODEL_FILES if path.stem == "CogniteCore")).schema

    describable = schema.view_properties("cdf_cdm", "CogniteDescribable", "v1")
    asset = schema.view_properties("cdf_cdm", "CogniteAsset", "v1")
    own_only = schema.view("cdf_cdm", "CogniteAsset", "v1", include_inherited=False)

    assert describable is not None
    assert asset is not None
    assert own_only is not None
    for name in describable:  # name, description, tags, aliases read the same container property
        assert asset[name]["container"] == describable[name]["container"]
        assert asset[name]["containerPropertyIdentifier"] == describable[name]["containerPropertyIdentifier"]
    assert set(own_only["properties"]) < set(asset)
    assert "name" not in own_only["properties"]
    assert own_only["writable"] is True  # computed over all properties, not just the listed ones


def test_reverse_relations_know_whether_they_target_a_list() -> None:
    schema = loaded(next(path for path in MODEL_FILES if path.stem == "CogniteCore")).schema

    asset = schema.view_properties("cdf_cdm", "CogniteAsset", "v1")
    assert asset is not None
    assert asset["children"]["targetsList"] is False  # through CogniteAsset.parent, single
    assert asset["files"]["targetsList"] is True  # through CogniteFile.assets, a list


def test_mapped_properties_carry_the_container_type_and_the_direct_relation_hint() -> None:
    schema = loaded(next(path for path in MODEL_FILES if path.stem == "CogniteCore")).schema

    parent: dict[str, Any] = schema.view_properties("cdf_cdm", "CogniteAsset", "v1")["parent"]  # type: ignore[index]

    assert parent["type"]["type"] == "direct"
    assert parent["type"]["source"] == {
        "type": "view",
        "space": "cdf_cdm",
        "externalId": "CogniteAsset",
        "version": "v1",
    }
    assert parent["container"] == {"type": "container", "space": "cdf_cdm", "externalId": "CogniteAsset"}
    assert "constraintState" in parent


def test_lookups_of_unknown_things_answer_none_and_the_latest_version_wins() -> None:
    project = loaded(next(path for path in MODEL_FILES if path.stem == "Omni"))
    schema = project.schema
    stored = dict(schema.views[("sp_pygen_models", "PrimitiveNullable", "1")])
    schema.views[("sp_pygen_models", "PrimitiveNullable", "2")] = {
        **stored,
        "version": "2",
        "createdTime": stored["createdTime"] + 1,
    }
    schema.changed()

    assert schema.view("sp_pygen_models", "Nope") is None
    assert schema.view("sp_pygen_models", "Nope", "1") is None
    assert schema.view_properties("sp_pygen_models", "Nope", "1") is None
    assert schema.container_properties("sp_pygen_models", "Nope") is None
    assert schema.latest_view_version("sp_pygen_models", "PrimitiveNullable") == "2"
    assert schema.view("sp_pygen_models", "PrimitiveNullable")["version"] == "2"  # type: ignore[index]
    assert schema.own_view("sp_pygen_models", "PrimitiveNullable", "1") is not None


def test_derived_values_are_cached_until_the_schema_changes() -> None:
    schema = loaded(next(path for path in MODEL_FILES if path.stem == "Omni")).schema
    builds: list[int] = []

    def build() -> int:
        builds.append(1)
        return len(builds)

    assert schema.cached("k", build) == 1
    assert schema.cached("k", build) == 1
    generation = schema.generation
    schema.changed()
    assert schema.generation == generation + 1
    assert schema.cached("k", build) == 2
