"""The build hook, run by hatchling in this process: what wheels and sdists get, and how it fails.

These build real wheels and sdists in temp folders; the frontends (pip, build, hatch, uv) are in
test_frontends.py. Every failure a user can cause must end as one line, without a traceback.
"""

from __future__ import annotations

import json
import shutil
import socket
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from pygen_runtime.testing import Emulator

import hatch_pygen
from hatch_pygen.hook._wheel import new_staging_folder, staging_root
from hatch_pygen.lock import read_lock
from hatch_pygen.render import runtime_requirement

RUNTIME = runtime_requirement()
REQUIRES_RUNTIME = f"Requires-Dist: {Requirement(RUNTIME)}"

Build = Callable[..., Path]


def wheel_files(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def sdist_names(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as archive:
        return sorted(name.split("/", 1)[1] for name in archive.getnames() if "/" in name)


def provenance_of(wheel: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(wheel_files(wheel)["wind_sdk/pygen-provenance.json"])
    return document


def failure_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line a failed build printed (and check it is one line, without a traceback)."""
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.startswith("pygen: error: ")]
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


def closed_loopback_url() -> str:
    """A loopback URL nothing listens on (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# -- what a wheel gets -------------------------------------------------------------------------------
def test_a_project_of_nothing_but_the_sdk_builds_from_its_lock_without_cdf(
    sdk_project: Callable[..., Path], hatchling_build: Build
) -> None:
    root = sdk_project()
    wheel = hatchling_build(root)
    files = wheel_files(wheel)
    assert sorted(name for name in files if not name.startswith("wind_sdk-1.0.0.dist-info/")) == [
        "wind_sdk/ir.json",
        "wind_sdk/pygen-provenance.json",
    ]
    assert json.loads(files["wind_sdk/ir.json"])["package"] == "wind_sdk"
    metadata = files["wind_sdk-1.0.0.dist-info/METADATA"].decode()
    assert REQUIRES_RUNTIME in metadata
    assert not (root / "build").exists()  # the staged files went into the wheel and are gone


def test_the_provenance_names_generator_models_digests_and_project(
    sdk_project: Callable[..., Path], hatchling_build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sdk_project()
    monkeypatch.setenv("CDF_PROJECT", "wind-production")
    document = provenance_of(hatchling_build(root))
    lock = read_lock(root / "pygen.lock")
    assert lock is not None
    assert document == {
        "provenance-version": 1,
        "generator": {"name": "hatch-pygen", "version": hatch_pygen.__version__},
        "language": "ir-json",
        "package": "wind_sdk",
        "runtime-requirement": None,
        "cdf-project": "wind-production",
        "models": [
            {
                "space": "sp_pygen_power",
                "external-id": "WindTurbine",
                "version": "1",
                "digest": lock.models[0].digest,
                "from": "pygen.lock",
            }
        ],
        "model-files": [],
    }


def test_the_project_named_in_the_table_wins_over_the_environment(
    sdk_project: Callable[..., Path], hatchling_build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDF_PROJECT", "from-environment")
    monkeypatch.setenv("WIND_PROJECT", "from-reference")
    literal = sdk_project(
        folder="literal",
        tool_pygen={
            "package": "wind_sdk",
            "models": [{"space": "sp_pygen_power", "external-id": "WindTurbine", "version": "1"}],
            "cdf": {"project": "from-table"},
        },
    )
    reference = sdk_project(
        folder="reference",
        tool_pygen={
            "package": "wind_sdk",
            "models": [{"space": "sp_pygen_power", "external-id": "WindTurbine", "version": "1"}],
            "cdf": {"project": "$WIND_PROJECT"},
        },
    )
    assert provenance_of(hatchling_build(literal))["cdf-project"] == "from-table"
    assert provenance_of(hatchling_build(reference))["cdf-project"] == "from-reference"


def test_model_files_are_generated_from_and_named_in_the_provenance(
    sdk_project: Callable[..., Path], hatchling_build: Build
) -> None:
    root = sdk_project(
        locked=False, tool_pygen={"package": "wind_sdk", "models": [{"file": "models/wind.yaml"}]}
    )
    (root / "models").mkdir()
    (root / "models" / "wind.yaml").write_text(
        (Path(__file__).parents[3] / "shared/cdf/models/WindTurbine.yaml").read_text()
    )
    document = provenance_of(hatchling_build(root))
    assert document["model-files"] == ["models/wind.yaml"]
    assert [(model["external-id"], model["from"]) for model in document["models"]] == [
        ("WindTurbine", "file")
    ]
    assert document["cdf-project"] is None


def test_an_editable_wheel_carries_the_generated_package(
    sdk_project: Callable[..., Path], hatchling_build: Build
) -> None:
    root = sdk_project()
    files = wheel_files(hatchling_build(root, versions=["editable"]))
    assert "wind_sdk/ir.json" in files
    assert "wind_sdk/pygen-provenance.json" in files
    assert not (root / "build").exists()


def test_a_project_ships_its_own_package_beside_the_sdk(
    sdk_project: Callable[..., Path], hatchling_build: Build
) -> None:
    root = sdk_project(name="wind-app")
    (root / "wind_app").mkdir()
    (root / "wind_app" / "__init__.py").write_text("from wind_sdk import *  # noqa\n")
    files = wheel_files(hatchling_build(root))
    assert {"wind_app/__init__.py", "wind_sdk/ir.json", "wind_sdk/pygen-provenance.json"} <= set(files)
    editable = wheel_files(hatchling_build(root, versions=["editable"]))
    assert "wind_sdk/ir.json" in editable
    assert any(name.endswith(".pth") for name in editable)  # wind_app stays in the project folder


def test_own_files_inside_the_generated_package_stop_the_build(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project(
        extra={"tool": {"hatch": {"build": {"targets": {"wheel": {"packages": ["wind_sdk"]}}}}}}
    )
    (root / "wind_sdk").mkdir()
    (root / "wind_sdk" / "__init__.py").write_text("")
    (root / "wind_sdk" / "extra.py").write_text("")
    with pytest.raises(SystemExit) as stopped:
        hatchling_build(root)
    assert stopped.value.code == 1
    line = failure_line(capsys)
    assert "the generated package wind_sdk would overwrite files the project ships itself" in line
    assert "wind_sdk/__init__.py, wind_sdk/extra.py" in line
    assert "rename the generated package (tool.pygen.package)" in line


def test_a_folder_left_by_pygen_generate_is_named_as_such(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project()  # project "wind-sdk": hatchling picks up a wind_sdk/ folder by itself
    (root / "wind_sdk").mkdir()
    (root / "wind_sdk" / "__init__.py").write_text("")
    (root / "wind_sdk" / ".pygen-generated").write_text("")
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert "wind_sdk/ was written by `pygen generate`; delete it" in failure_line(capsys)


def test_a_module_named_like_the_package_collides_too(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project(
        extra={"tool": {"hatch": {"build": {"targets": {"wheel": {"only-include": ["wind_sdk.py"]}}}}}}
    )
    (root / "wind_sdk.py").write_text("")
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert "(wind_sdk.py)" in failure_line(capsys)


# -- the Python SDK and its runtime link ----------------------------------------------------------
def test_a_python_sdk_wheel_holds_the_typed_package_and_declares_its_runtime(
    sdk_project: Callable[..., Path], hatchling_build: Build
) -> None:
    one = hatchling_build(sdk_project(folder="one", language=None))  # python is the default
    two = hatchling_build(sdk_project(folder="two", language="python"))
    assert one.read_bytes() == two.read_bytes()
    files = wheel_files(one)
    assert {"wind_sdk/__init__.py", "wind_sdk/py.typed", "wind_sdk/pygen-provenance.json"} <= set(files)
    assert b"class WindTurbineClient" in files["wind_sdk/_client.py"]
    assert REQUIRES_RUNTIME in files["wind_sdk-1.0.0.dist-info/METADATA"].decode()
    document = provenance_of(one)
    assert (document["language"], document["runtime-requirement"]) == ("python", RUNTIME)


@pytest.mark.parametrize("target", ["wheel", "sdist"])
def test_a_missing_runtime_dependency_stops_the_build_with_the_line_to_add(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    root = sdk_project(language="python", dependencies=["httpx"])
    with pytest.raises(SystemExit):
        hatchling_build(root, target=target)
    assert failure_line(capsys) == (
        "pygen: error: the generated code imports pygen-runtime, which [project].dependencies does not list; "
        f'add this line to dependencies in pyproject.toml: "{RUNTIME}",'
    )


def test_a_runtime_dependency_that_allows_too_much_names_its_replacement(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project(language="python", dependencies=["pygen-runtime>=0.1"])
    with pytest.raises(SystemExit):
        hatchling_build(root)
    line = failure_line(capsys)
    assert "[project].dependencies allows pygen-runtime versions the generated code does not support" in line
    assert line.endswith(f'replace it in pyproject.toml with: "{RUNTIME}",')


# -- one clean line for every mistake ----------------------------------------------------------------
def test_a_broken_tool_pygen_table_names_the_key(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project(
        tool_pygen={
            "pakage": "wind_sdk",
            "models": [{"space": "sp_pygen_power", "external-id": "WindTurbine", "version": "1"}],
        }
    )
    with pytest.raises(SystemExit):
        hatchling_build(root)
    line = failure_line(capsys)
    assert line == "pygen: error: pyproject.toml: tool.pygen.pakage: unknown key; did you mean package?"


def test_several_configuration_problems_share_the_one_line(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project(
        tool_pygen={
            "package": "wind sdk",
            "models": [{"space": "sp", "external-id": "Wind Turbine", "version": "1"}],
        }
    )
    with pytest.raises(SystemExit):
        hatchling_build(root, target="sdist")
    line = failure_line(capsys)
    assert line.startswith("pygen: error: pyproject.toml: 2 configuration problems: tool.pygen.package: ")
    assert "; tool.pygen.models[0].external-id: " in line


@pytest.mark.parametrize(
    ("tool_pygen", "expected"),
    [
        (
            {"models": [{"space": "sp_pygen_power", "external-id": "WindTurbine", "version": "1"}]},
            "tool.pygen.package is not set",
        ),
    ],
)
def test_a_missing_package_name_is_reported(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    capsys: pytest.CaptureFixture[str],
    tool_pygen: dict[str, Any],
    expected: str,
) -> None:
    root = sdk_project(tool_pygen=tool_pygen)
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert expected in failure_line(capsys)


def test_a_project_without_tool_pygen_is_told_to_add_it(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project()
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(text[: text.index("[tool.pygen]")])
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert "tool.pygen: missing from" in failure_line(capsys)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            {"languge": "python"},
            "tool.hatch.build.hooks.pygen.languge: unknown option; the options are: language",
        ),
        ({"language": 3}, 'tool.hatch.build.hooks.pygen.language: expected a name such as "python", got 3'),
    ],
)
def test_bad_hook_options_are_named(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    capsys: pytest.CaptureFixture[str],
    options: dict[str, Any],
    expected: str,
) -> None:
    root = sdk_project(language=None, hook_options=options)
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert expected in failure_line(capsys)


def test_hatchlings_own_hook_options_are_accepted(
    sdk_project: Callable[..., Path], hatchling_build: Build
) -> None:
    root = sdk_project(hook_options={"enable-by-default": True, "dependencies": []})
    assert "wind_sdk/ir.json" in wheel_files(hatchling_build(root))


def test_a_language_without_a_renderer_is_reported(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project(language="cobol")
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert "'cobol'" in failure_line(capsys)


# -- the lock, the cache and the network ------------------------------------------------------------
def test_without_a_lock_the_build_fetches_warns_and_the_next_build_uses_the_cache(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    windturbine_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = sdk_project(locked=False)
    server = windturbine_emulator.serve(port=0)
    try:
        secret = windturbine_emulator.credentials.client_secret
        for name, value in {
            "CDF_URL": server.url,
            "CDF_PROJECT": windturbine_emulator.project,
            "CDF_CLIENT_ID": windturbine_emulator.credentials.client_id,
            "CDF_CLIENT_SECRET": secret,
            "CDF_TOKEN_URL": server.token_url,
        }.items():
            monkeypatch.setenv(name, value)
        first = hatchling_build(root, directory=root / "first")
    finally:
        server.stop()
    output = capsys.readouterr().err
    assert "pygen: warning: no pygen.lock" in output
    assert "this build is not reproducible; run `pygen lock`" in output
    assert "fetching 1 data model(s)" in output
    # The emulator is gone: the second build (pip builds twice) reads the cache.
    second = hatchling_build(root, directory=root / "second")
    assert "fetching" not in capsys.readouterr().err
    assert first.read_bytes() == second.read_bytes()
    assert provenance_of(first)["models"][0]["from"] == "cdf"
    for content in [*wheel_files(first).values(), output.encode()]:
        assert secret.encode() not in content


def test_without_a_lock_and_without_cdf_the_build_stops_with_one_line(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = sdk_project(locked=False)
    monkeypatch.setenv("CDF_URL", closed_loopback_url())
    monkeypatch.setenv("CDF_PROJECT", "wind")
    monkeypatch.setenv("CDF_TOKEN", "build-test-token-0f3e9d")
    monkeypatch.setenv("CDF_MAX_RETRIES", "0")
    with pytest.raises(SystemExit):
        hatchling_build(root)
    line = failure_line(capsys)
    assert "fetching data models from http://127.0.0.1:" in line
    assert "build-test-token-0f3e9d" not in line


def test_offline_without_a_lock_says_how_to_get_one(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = sdk_project(locked=False)
    monkeypatch.setenv("PYGEN_OFFLINE", "1")
    monkeypatch.setenv("CDF_URL", "https://wind.invalid")
    monkeypatch.setenv("CDF_PROJECT", "wind")
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert "run `pygen lock` while online and commit pygen.lock" in failure_line(capsys)


def test_an_edited_snapshot_stops_the_build(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project()
    [snapshot] = (root / "pygen-models").iterdir()
    snapshot.write_text(
        snapshot.read_text().replace('"WindTurbine"', '"WindTurbine" ', 1).replace("Blade", "Blad", 1)
    )
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert "does not match its digest in pygen.lock" in failure_line(capsys)


# -- the sdist ---------------------------------------------------------------------------------------
def test_the_sdist_carries_the_lock_and_snapshots_and_its_wheel_needs_no_cdf(
    sdk_project: Callable[..., Path], hatchling_build: Build, tmp_path: Path
) -> None:
    # A narrow sdist selection: the hook still adds what generation reads.
    root = sdk_project(
        extra={"tool": {"hatch": {"build": {"targets": {"sdist": {"only-include": ["pyproject.toml"]}}}}}}
    )
    sdist = hatchling_build(root, target="sdist")
    assert sdist_names(sdist) == [
        "PKG-INFO",
        "pygen-models/sp_pygen_power.WindTurbine.1.json",
        "pygen.lock",
        "pyproject.toml",
    ]
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    unpacked = tmp_path / "unpacked" / "wind_sdk-1.0.0"
    from_sdist = hatchling_build(unpacked, directory=tmp_path / "from-sdist")
    direct = hatchling_build(root, directory=tmp_path / "direct")
    assert from_sdist.read_bytes() == direct.read_bytes()


def test_the_sdist_carries_model_files(sdk_project: Callable[..., Path], hatchling_build: Build) -> None:
    root = sdk_project(
        locked=False,
        tool_pygen={"package": "wind_sdk", "models": [{"file": "models/wind.yaml"}]},
        extra={"tool": {"hatch": {"build": {"targets": {"sdist": {"only-include": ["pyproject.toml"]}}}}}},
    )
    (root / "models").mkdir()
    (root / "models" / "wind.yaml").write_text("space: x\n")
    assert "models/wind.yaml" in sdist_names(hatchling_build(root, target="sdist"))


def test_a_model_file_outside_the_project_cannot_travel_in_the_sdist(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    (tmp_path / "elsewhere.yaml").write_text("space: x\n")
    root = sdk_project(
        locked=False, tool_pygen={"package": "wind_sdk", "models": [{"file": "../elsewhere.yaml"}]}
    )
    with pytest.raises(SystemExit):
        hatchling_build(root, target="sdist")
    line = failure_line(capsys)
    assert "the model file ../elsewhere.yaml" in line
    assert "lies outside the project folder" in line


def test_an_sdist_without_a_lock_warns_that_its_wheel_will_fetch(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project(locked=False)
    names = sdist_names(hatchling_build(root, target="sdist"))
    assert "pygen.lock" not in names
    assert "a wheel built from this sdist will fetch the models from CDF" in capsys.readouterr().err


def test_a_lock_that_misses_a_model_stops_the_sdist(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project(
        tool_pygen={
            "package": "wind_sdk",
            "models": [
                {"space": "sp_pygen_power", "external-id": "WindTurbine", "version": "1"},
                {"space": "sp_pygen_power", "external-id": "Solar", "version": "2"},
            ],
        }
    )
    with pytest.raises(SystemExit):
        hatchling_build(root, target="sdist")
    assert "pygen.lock does not cover sp_pygen_power:Solar/2" in failure_line(capsys)


# -- reproducible, and hatchling's switches ---------------------------------------------------------
def test_two_builds_of_the_same_input_are_byte_identical(
    sdk_project: Callable[..., Path], hatchling_build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = hatchling_build(sdk_project(folder="one"))
    two = hatchling_build(sdk_project(folder="two"))
    assert one.read_bytes() == two.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    three = hatchling_build(sdk_project(folder="three"))
    four = hatchling_build(sdk_project(folder="four"))
    assert three.read_bytes() == four.read_bytes()
    with zipfile.ZipFile(three) as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(2026, 1, 1)}


def test_hooks_only_stages_the_sdk_outside_the_project_and_hatch_clean_removes_it(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = sdk_project()
    staging = staging_root(root)
    monkeypatch.setenv("HATCH_BUILD_HOOKS_ONLY", "true")  # what `hatch build --hooks-only` sets
    hatchling_build(root)
    hatchling_build(root, versions=["editable"])
    staged = sorted(staging.iterdir())
    assert [folder.name.rsplit("-", 1)[0] for folder in staged] == ["wheel-editable", "wheel-standard"]
    assert (staged[1] / "wind_sdk" / "ir.json").is_file()
    assert f"pygen: the generated package is in {staged[1]}" in capsys.readouterr().err
    # Nothing in the project but what was there (and hatchling's empty output folder).
    assert sorted(path.name for path in root.iterdir()) == [
        "dist",
        "pygen-models",
        "pygen.lock",
        "pyproject.toml",
    ]
    monkeypatch.delenv("HATCH_BUILD_HOOKS_ONLY")
    hatchling_build(root, clean_only=True)
    assert not staging.exists()


def test_a_failed_build_leaves_no_staging_folder_and_concurrent_builds_have_their_own(
    sdk_project: Callable[..., Path], hatchling_build: Build
) -> None:
    root = sdk_project(language="python", dependencies=[])  # the runtime link fails after staging began
    with pytest.raises(SystemExit):
        hatchling_build(root)
    assert not staging_root(root).exists()
    try:
        first, second = (new_staging_folder(root, "wheel", "standard") for _ in range(2))
        assert first != second
        assert first.parent == second.parent == staging_root(root)
    finally:
        shutil.rmtree(staging_root(root), ignore_errors=True)


def test_with_hooks_disabled_the_project_builds_without_the_sdk(
    sdk_project: Callable[..., Path], hatchling_build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sdk_project(name="wind-app")
    (root / "wind_app").mkdir()
    (root / "wind_app" / "__init__.py").write_text("")
    monkeypatch.setenv("HATCH_BUILD_NO_HOOKS", "true")
    files = wheel_files(hatchling_build(root))
    assert "wind_app/__init__.py" in files
    assert not [name for name in files if name.startswith("wind_sdk/")]
