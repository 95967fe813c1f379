"""The wheel side's plain functions: collisions, staging folders, provenance of odd inputs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from shared_cdf import model_file

from hatch_pygen.config import parse_config
from hatch_pygen.errors import PygenError
from hatch_pygen.hook._provenance import provenance
from hatch_pygen.hook._wheel import _write_staging, find_collisions, new_staging_folder, staging_root
from hatch_pygen.pipeline import load_models


@pytest.mark.parametrize(
    ("package", "shipped", "clashes"),
    [
        ("wind_sdk", ["wind_app/__init__.py", "wind_sdk_extra/__init__.py"], []),
        (
            "wind_sdk",
            ["wind_sdk/__init__.py", "wind_sdk.py", "wind_sdkx.py"],
            ["wind_sdk.py", "wind_sdk/__init__.py"],
        ),
        ("acme.wind", ["acme/__init__.py", "acme/other.py"], []),  # the parent package may be the project's
        ("acme.wind", ["acme/wind/__init__.py", "acme/wind.py"], ["acme/wind.py", "acme/wind/__init__.py"]),
    ],
)
def test_collisions_are_files_inside_the_package_or_a_module_of_its_name(
    package: str, shipped: list[str], clashes: list[str]
) -> None:
    assert find_collisions(package, shipped) == clashes


def test_many_collisions_are_summed_up(
    tmp_path: Path, hatchling_build: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "many"
    (root / "wind_sdk").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "wind-sdk"\nversion = "1"\n[tool.hatch.build.hooks.pygen]\nlanguage = "ir-json"\n'
        '[tool.pygen]\npackage = "wind_sdk"\nmodels = [{ file = "model.yaml" }]\n'
    )
    shutil.copy(model_file("WindTurbine"), root / "model.yaml")
    for name in ("__init__", "a", "b", "c", "d"):
        (root / "wind_sdk" / f"{name}.py").write_text("")
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert "(wind_sdk/__init__.py, wind_sdk/a.py, wind_sdk/b.py and 2 more)" in capsys.readouterr().err


def test_a_staging_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    blocker = staging_root(root)
    blocker.write_text("not a folder")
    try:
        with pytest.raises(PygenError, match=r"cannot create a staging folder .* set TMPDIR"):
            new_staging_folder(root, "wheel", "standard")
    finally:
        blocker.unlink()


def test_staged_files_that_cannot_be_written_are_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "wind_sdk").write_text("a file where a folder must go")
    with pytest.raises(PygenError, match=r"cannot write the generated SDK to .* set TMPDIR"):
        _write_staging(tmp_path, {"wind_sdk/__init__.py": ""})


def test_the_provenance_names_a_model_file_outside_the_project_by_its_name_only(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    outside = tmp_path / "shared" / "WindTurbine.yaml"
    outside.parent.mkdir()
    shutil.copy(model_file("WindTurbine"), outside)
    config = parse_config(
        {"package": "wind_sdk", "models": [{"file": "../shared/WindTurbine.yaml"}]}, project_root=root
    )
    document = provenance(
        config, load_models(config, environ={}), language="ir-json", runtime_requirement=None
    )
    assert document["model-files"] == ["WindTurbine.yaml"]
    assert str(tmp_path) not in str(document)
