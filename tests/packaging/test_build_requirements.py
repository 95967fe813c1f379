"""What a build asks the frontend for beyond hatch-pygen, and how it fails when that is missing.

Frontends (pip, build, uv) call PEP 517's ``get_requires_for_build_wheel``; hatchling answers it
with the hook's ``dependencies()``. The tests call hatchling's backend exactly as a frontend does.
A build that needs a distribution the environment lacks (a build without isolation) must stop
with one line naming it: the distribution is made unimportable here through ``sys.modules``.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hatchling.build import get_requires_for_build_sdist, get_requires_for_build_wheel
from packaging.requirements import Requirement

from hatch_pygen._optional import CACHE_FOLDER_REQUIREMENT, LOCK_WRITER_REQUIREMENT, YAML_REQUIREMENT
from hatch_pygen.config._toml import read_toml
from hatch_pygen.errors import LockError
from hatch_pygen.lock import read_lock

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED_MODELS = REPOSITORY.parent / "shared" / "cdf" / "models"

Build = Callable[..., Path]


def failure_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line a failed build printed (and check it is one line, without a traceback)."""
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.startswith("pygen: error: ")]
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


def with_model_file(sdk_project: Callable[..., Path], name: str) -> Path:
    """A project generating WindTurbine from one model file, YAML or JSON by ``name``'s suffix."""
    root = sdk_project(
        locked=False, tool_pygen={"package": "wind_sdk", "models": [{"file": f"models/{name}"}]}
    )
    (root / "models").mkdir()
    source = SHARED_MODELS / "WindTurbine.yaml"
    if name.endswith(".json"):
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
        (root / "models" / name).write_text(json.dumps(document), encoding="utf-8")
    else:
        shutil.copy(source, root / "models" / name)
    return root


@pytest.fixture
def without_module(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make a top-level module unimportable (``import x`` raises ModuleNotFoundError) for one test."""

    def hide(name: str) -> None:
        for loaded in [module for module in sys.modules if module == name or module.startswith(f"{name}.")]:
            monkeypatch.delitem(sys.modules, loaded)
        monkeypatch.setitem(sys.modules, name, None)

    return hide


# -- what the frontend is asked for -------------------------------------------------------------------
def test_a_locked_build_asks_for_nothing_more(
    sdk_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sdk_project())
    assert get_requires_for_build_wheel() == []
    assert get_requires_for_build_sdist() == []


def test_a_yaml_model_file_asks_for_pyyaml(
    sdk_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(with_model_file(sdk_project, "wind.yaml"))
    assert get_requires_for_build_wheel() == [YAML_REQUIREMENT]
    # The sdist carries the file without parsing it.
    assert get_requires_for_build_sdist() == []


def test_a_json_model_file_asks_for_nothing(
    sdk_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(with_model_file(sdk_project, "wind.json"))
    assert get_requires_for_build_wheel() == []


def test_an_unlocked_build_asks_for_nothing_more(
    sdk_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # platformdirs, for the fetch cache's folder, is a requirement of hatch-pygen itself.
    monkeypatch.chdir(sdk_project(locked=False))
    monkeypatch.delenv("PYGEN_CACHE_DIR")
    assert get_requires_for_build_wheel() == []


def test_a_broken_configuration_asks_for_nothing_and_the_build_reports_it(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = sdk_project(tool_pygen={"pakage": "wind_sdk"})
    monkeypatch.chdir(root)
    assert get_requires_for_build_wheel() == []
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert "tool.pygen.pakage: unknown key" in failure_line(capsys)


def test_the_cli_extra_brings_what_a_build_may_ask_for_with_the_same_ranges() -> None:
    project = read_toml(REPOSITORY / "pyproject.toml")["project"]
    static = {str(Requirement(text)) for text in project["dependencies"]}
    cli = {str(Requirement(text)) for text in project["optional-dependencies"]["cli"]}
    for requirement in (YAML_REQUIREMENT, LOCK_WRITER_REQUIREMENT):
        assert str(Requirement(requirement)) in cli
        assert Requirement(requirement).name not in {Requirement(text).name for text in static}
    assert str(Requirement(CACHE_FOLDER_REQUIREMENT)) in static


# -- missing anyway: one line naming what to install ------------------------------------------------
def test_a_yaml_model_file_without_pyyaml_stops_the_build_naming_it(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    without_module: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = with_model_file(sdk_project, "wind.yaml")
    without_module("yaml")
    with pytest.raises(SystemExit):
        hatchling_build(root)
    line = failure_line(capsys)
    assert "wind.yaml: reading a YAML model file needs pyyaml, which is not installed" in line
    assert f"pip install '{YAML_REQUIREMENT}'" in line


def test_a_json_model_file_builds_without_pyyaml(
    sdk_project: Callable[..., Path], hatchling_build: Build, without_module: Callable[[str], None]
) -> None:
    root = with_model_file(sdk_project, "wind.json")
    without_module("yaml")
    assert hatchling_build(root).is_file()


def test_a_locked_build_needs_neither_pyyaml_nor_platformdirs_nor_tomli_w(
    sdk_project: Callable[..., Path], hatchling_build: Build, without_module: Callable[[str], None]
) -> None:
    root = sdk_project()
    for name in ("yaml", "platformdirs", "tomli_w"):
        without_module(name)
    assert hatchling_build(root).is_file()


def test_an_unlocked_build_without_platformdirs_or_a_cache_folder_stops_naming_both(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    without_module: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = sdk_project(locked=False)
    monkeypatch.delenv("PYGEN_CACHE_DIR")
    monkeypatch.setenv("CDF_URL", "https://wind.invalid")
    monkeypatch.setenv("CDF_PROJECT", "wind")
    without_module("platformdirs")
    with pytest.raises(SystemExit):
        hatchling_build(root)
    line = failure_line(capsys)
    assert "needs platformdirs, which is not installed" in line
    assert f"pip install '{CACHE_FOLDER_REQUIREMENT}'" in line
    assert "or set PYGEN_CACHE_DIR to a folder for it" in line


def test_writing_the_lock_without_tomli_w_names_it(
    sdk_project: Callable[..., Path], without_module: Callable[[str], None]
) -> None:
    lock = read_lock(sdk_project() / "pygen.lock")
    assert lock is not None
    without_module("tomli_w")
    with pytest.raises(LockError, match=r"writing pygen.lock needs tomli-w, which is not installed"):
        lock.dumps()
