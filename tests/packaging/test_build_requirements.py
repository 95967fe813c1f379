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
from without_modules import run_without

from hatch_pygen._optional import (
    CACHE_FOLDER_REQUIREMENT,
    GENERATE_EXTRA,
    GENERATOR_MODULES,
    LOCK_WRITER_REQUIREMENT,
    YAML_REQUIREMENT,
    generator_requirements,
)
from hatch_pygen.config._toml import read_toml
from hatch_pygen.errors import LockError
from hatch_pygen.lock import read_lock
from hatch_pygen.render import runtime_requirement

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
# The runtime requirement of every test project here (conftest.py's RUNTIME_REQUIREMENT, which a
# test cannot import), as packaging writes it.
PROJECT_RUNTIME_PIN = str(Requirement(runtime_requirement()))


def generator() -> list[str]:
    """What a build that generates asks for: hatch-pygen's generate extra, and the runtime as the
    project pins it."""
    return [*generator_requirements(), PROJECT_RUNTIME_PIN]


def test_a_locked_build_asks_for_the_generator_until_its_output_is_cached(
    sdk_project: Callable[..., Path], hatchling_build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sdk_project()
    monkeypatch.chdir(root)
    assert get_requires_for_build_wheel() == generator()
    hatchling_build(root)
    assert get_requires_for_build_wheel() == []
    # An sdist checks the renderer and the runtime range, which takes the generator.
    assert get_requires_for_build_sdist() == generator()


def test_a_generating_build_asks_for_the_runtime_as_the_project_pins_it(
    sdk_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The code declares the range of the runtime it is generated with, so the build environment
    # must hold a runtime the project's own pin allows.
    monkeypatch.chdir(sdk_project(dependencies=["pygen-runtime==0.1.0", "httpx"]))
    requested = get_requires_for_build_wheel()
    assert requested[-1] == "pygen-runtime==0.1.0"
    assert requested[:-1] == list(generator_requirements())


def test_a_changed_input_asks_for_the_generator_again(
    sdk_project: Callable[..., Path], hatchling_build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sdk_project()
    monkeypatch.chdir(root)
    hatchling_build(root)
    assert get_requires_for_build_wheel() == []
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"wind-farm"', '"wind-farm-2"'))
    assert get_requires_for_build_wheel() == generator()


def test_a_yaml_model_file_asks_for_pyyaml_while_it_generates(
    sdk_project: Callable[..., Path], hatchling_build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = with_model_file(sdk_project, "wind.yaml")
    monkeypatch.chdir(root)
    assert get_requires_for_build_wheel() == [*generator(), YAML_REQUIREMENT]
    hatchling_build(root)
    assert get_requires_for_build_wheel() == []  # the cached output needs no model read
    # The sdist carries the file without parsing it.
    assert YAML_REQUIREMENT not in get_requires_for_build_sdist()


def test_a_json_model_file_asks_for_the_generator_alone(
    sdk_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(with_model_file(sdk_project, "wind.json"))
    assert get_requires_for_build_wheel() == generator()


def test_an_unlocked_build_always_asks_for_the_generator(
    sdk_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # It fetches, so it is never cached; platformdirs, for the fetch cache's folder, is a
    # requirement of hatch-pygen itself.
    monkeypatch.chdir(sdk_project(locked=False))
    monkeypatch.delenv("PYGEN_CACHE_DIR")
    assert get_requires_for_build_wheel() == generator()


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


def test_a_bad_hook_option_asks_for_nothing(
    sdk_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sdk_project(hook_options={"langauge": "python"}))
    assert get_requires_for_build_wheel() == []


def test_the_extras_hold_what_a_build_may_ask_for_with_the_same_ranges() -> None:
    project = read_toml(REPOSITORY / "pyproject.toml")["project"]
    static = {str(Requirement(text)) for text in project["dependencies"]}
    static_names = {Requirement(text).name for text in static}
    extras = project["optional-dependencies"]
    cli = {str(Requirement(text)) for text in extras["cli"]}
    generate = {str(Requirement(text)) for text in extras[GENERATE_EXTRA]}
    for requirement in (YAML_REQUIREMENT, LOCK_WRITER_REQUIREMENT):
        assert str(Requirement(requirement)) in cli
        assert Requirement(requirement).name not in static_names
    assert f"hatch-pygen[{GENERATE_EXTRA}]" in cli
    # What the hook asks for is the extra as pyproject.toml lists it, and none of it is static.
    assert set(generator_requirements()) == generate
    assert {"pydantic", "jinja2", "httpx", "pygen-runtime"} <= {Requirement(text).name for text in generate}
    assert not static_names & {Requirement(text).name for text in generate}
    assert str(Requirement(CACHE_FOLDER_REQUIREMENT)) in static


# -- missing anyway: one line naming what to install ------------------------------------------------
BUILD_WHEEL = """
from hatchling.builders.wheel import WheelBuilder
list(WheelBuilder(sys.argv[1]).build(directory=sys.argv[2]))
"""


def test_a_build_that_must_generate_without_the_generator_stops_naming_the_extra(
    sdk_project: Callable[..., Path], tmp_path: Path
) -> None:
    # An isolated build asks for the extra when the output is not cached; this is a build without
    # isolation in an environment that lacks it (or whose cache entry went away meanwhile).
    root = sdk_project(language="python")
    done = run_without(GENERATOR_MODULES, BUILD_WHEEL, [str(root), str(tmp_path / "out")])
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("pygen: error: ")]
    assert lines == [
        "pygen: error: generating the SDK needs hatch-pygen's generate extra (pydantic, jinja2, httpx "
        "and pygen-runtime), which is not installed; install it (pip install 'hatch-pygen[generate]'); "
        "or, in an isolated build, run it again: the SDK pygen's cache held when it began has gone"
    ]


def test_a_build_whose_output_is_cached_needs_none_of_the_generator(
    sdk_project: Callable[..., Path], hatchling_build: Build, tmp_path: Path
) -> None:
    root = sdk_project(language="python")
    hatchling_build(root, directory=tmp_path / "first")
    done = run_without(GENERATOR_MODULES, BUILD_WHEEL, [str(root), str(tmp_path / "second")])
    assert done.returncode == 0, done.stderr
    assert "reused from pygen's cache" in done.stderr + done.stdout
    assert [path.name for path in (tmp_path / "second").glob("*.whl")] == [
        path.name for path in (tmp_path / "first").glob("*.whl")
    ]


def test_an_sdist_without_the_generator_stops_naming_the_extra(
    sdk_project: Callable[..., Path], tmp_path: Path
) -> None:
    code = BUILD_WHEEL.replace("wheel import WheelBuilder", "sdist import SdistBuilder").replace(
        "WheelBuilder(", "SdistBuilder("
    )
    done = run_without(GENERATOR_MODULES, code, [str(sdk_project()), str(tmp_path / "out")])
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    assert "pygen: error: building an sdist needs hatch-pygen's generate extra" in done.stderr


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
