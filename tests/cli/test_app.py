"""The pygen command, run in process: each command's output, exit code and error messages."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from cli_project import write_project
from emulated_cdf import emulator_with, server_environ
from ir_snapshots import render_case
from pygen_runtime.testing import Emulator, EmulatorServer
from shared_cdf import model_file
from typer.testing import CliRunner, Result

from hatch_pygen.cli import app
from hatch_pygen.ir import IR
from hatch_pygen.sdk import GENERATED_MARKER

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env=env)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the Pumps model as a local file, as the current folder."""
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    (root / "models" / "pumps.yaml").write_text(model_file("Pumps").read_text())
    write_project(root, {"package": "pumps_sdk", "models": [{"file": "models/pumps.yaml"}]})
    monkeypatch.chdir(root)
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    return root


@pytest.fixture
def served() -> Iterator[tuple[Emulator, EmulatorServer]]:
    """The emulator with WindTurbine and OmniMultiA, serving on loopback."""
    emulator = emulator_with(model_file("WindTurbine"), model_file("OmniMultiA"))
    with emulator.serve() as server:
        yield emulator, server


def wind_turbine_table() -> dict[str, str]:
    raw = yaml.safe_load(model_file("WindTurbine").read_text())
    return {"space": raw["space"], "external-id": raw["externalId"], "version": str(raw["version"])}


@pytest.mark.parametrize("command", [["generate"], ["lock"], ["check"], ["ir"], ["emulator", "serve"]])
def test_the_help_of_every_command_shows_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "pygen " in result.stdout.split("Examples:")[1]


def test_without_a_command_the_overview_is_shown() -> None:
    result = run()
    assert "generate" in result.output
    assert "emulator" in result.output


def test_ir_prints_the_ir_of_the_project_as_json(project: Path) -> None:
    result = run("ir", "--package", "other_sdk")
    assert result.exit_code == 0, result.output
    ir = IR.from_json(result.stdout)
    assert ir.package == "other_sdk"
    expected = json.loads(render_case("Pumps")[0])
    assert json.loads(ir.model_copy(update={"package": None}).to_json()) == expected


def test_ir_can_write_to_a_file(project: Path) -> None:
    result = run("ir", "--output", "build/ir.json")
    assert result.exit_code == 0, result.output
    assert IR.from_json((project / "build" / "ir.json").read_text()).package == "pumps_sdk"
    assert result.stdout == ""
    assert "wrote build/ir.json" in result.stderr


def test_check_reports_warnings_and_exits_0_unless_strict(project: Path) -> None:
    (project / "models" / "core.yaml").write_text(model_file("WindTurbine").read_text())
    write_project(project, {"models": [{"file": "models/core.yaml"}]})
    result = run("check")
    assert result.exit_code == 0
    assert "16 view(s) to generate, 0 error(s), 1 warning(s)" in result.stdout
    assert "warning[reserved-property-name]" in result.stderr
    assert run("check", "--strict").exit_code == 1


def test_a_broken_config_lists_every_problem_and_exits_2_without_a_traceback(project: Path) -> None:
    write_project(
        project,
        {
            "pakage": "x",
            "models": [{"space": "s", "external-id": "bad-id", "version": 1}],
            "cdf": {"token": "abc"},
        },
    )
    result = run("check")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ")
    assert lines[0].endswith("pyproject.toml: 4 configuration problems")
    assert sorted(line.strip().split(": ")[0] for line in lines[1:]) == [
        "tool.pygen.cdf.token",
        "tool.pygen.models[0].external-id",
        "tool.pygen.models[0].version",
        "tool.pygen.pakage",
    ]
    assert "did you mean package?" in result.stderr
    assert '"abc"' not in result.stderr
    assert "Traceback" not in result.output


def test_v1_spellings_work_and_print_a_note(project: Path) -> None:
    write_project(
        project,
        {"top_level_package": "v1_sdk", "exclude_views": ["Pump"], "models": [{"file": "models/pumps.yaml"}]},
    )
    result = run("ir")
    assert result.exit_code == 0, result.output
    assert (
        "note: tool.pygen.top_level_package: v1 spelling, still accepted; "
        'the current spelling is package = "v1_sdk"'
    ) in result.stderr
    assert IR.from_json(result.stdout).package == "v1_sdk"


def test_nothing_left_to_generate_exits_1(project: Path) -> None:
    write_project(
        project, {"models": [{"file": "models/pumps.yaml"}], "exclude-spaces": ["IntegrationTestsImmutable"]}
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: nothing to generate: IntegrationTestsImmutable:Pumps/1 leaves no view"
    )


def test_generate_writes_the_sdk_folder_and_replaces_it_next_time(project: Path) -> None:
    result = run("generate", "--language", "ir-json", "--out", "build")
    assert result.exit_code == 0, result.output
    folder = project / "build" / "pumps_sdk"
    assert IR.from_json((folder / "ir.json").read_text()).package == "pumps_sdk"
    assert (folder / GENERATED_MARKER).is_file()
    (folder / "stale.py").write_text("# from an older model")
    assert run("generate", "--language", "ir-json", "--out", "build").exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == [GENERATED_MARKER, "ir.json"]
    refused = run("generate", "--language", "ir-json", "--out", "build", "--no-overwrite")
    assert refused.exit_code == 2
    assert "exists; remove it, or set overwrite = true" in refused.stderr


def test_generate_leaves_a_folder_it_did_not_write_alone(project: Path) -> None:
    (project / "build" / "pumps_sdk").mkdir(parents=True)
    (project / "build" / "pumps_sdk" / "mine.py").write_text("precious = True\n")
    result = run("generate", "--language", "ir-json", "--out", "build")
    assert result.exit_code == 2
    assert "was not written by pygen, so it is left alone" in result.stderr
    assert (project / "build" / "pumps_sdk" / "mine.py").read_text() == "precious = True\n"


def test_generate_needs_a_package_name(project: Path) -> None:
    write_project(project, {"models": [{"file": "models/pumps.yaml"}]})
    result = run("generate", "--language", "ir-json")
    assert result.exit_code == 2
    assert result.stderr == "error: no package name; set package in [tool.pygen] or pass --package\n"


def test_generate_for_python_uses_the_installed_renderer(project: Path) -> None:
    result = run("generate", "--out", "build")
    if importlib.util.find_spec("hatch_pygen.render") is None:
        assert result.exit_code == 2
        assert "has no renderer for 'python' yet; use --language ir-json" in result.stderr
    else:  # the Python renderer has landed: generation must then succeed
        assert result.exit_code == 0, result.output
        assert (project / "build" / "pumps_sdk" / GENERATED_MARKER).is_file()


def test_generate_from_v1_style_flags_against_cdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served: tuple[Emulator, EmulatorServer]
) -> None:
    emulator, server = served
    monkeypatch.chdir(tmp_path)
    model = wind_turbine_table()
    env = server_environ(server, emulator, PYGEN_CACHE_DIR=str(tmp_path / "cache"))
    result = run(
        "generate",
        "--space",
        model["space"],
        "--external-id",
        model["external-id"],
        "--version",
        model["version"],
        "--package",
        "wind_sdk",
        "--out",
        "out",
        "--language",
        "ir-json",
        env=env,
    )
    assert result.exit_code == 0, result.output
    ir = IR.from_json((tmp_path / "out" / "wind_sdk" / "ir.json").read_text())
    assert [m.external_id for m in ir.data_models] == ["WindTurbine"]
    assert f"pygen: fetching 1 data model(s) from {server.url}" in result.stderr
    quiet = run(
        "ir",
        "--space",
        model["space"],
        "--external-id",
        model["external-id"],
        "--version",
        "1",
        "--quiet",
        env=env,
    )
    assert quiet.exit_code == 0
    assert quiet.stderr.count("warning[") == quiet.stderr.count("\n")


def test_flag_mistakes_name_the_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("check", "--space", "power", "--model", "missing.yaml")
    assert result.exit_code == 2
    assert "  --model missing.yaml: missing.yaml does not exist" in result.stderr
    assert "  --external-id: missing; a CDF data model needs" in result.stderr
    assert "  --version: missing; a CDF data model needs" in result.stderr
    assert result.stderr.startswith("error: command line: 3 configuration problems")
    bad_package = run("ir", "--model", str(model_file("Pumps")), "--package", "not-valid")
    assert "  --package: 'not-valid' is not a valid Python package name" in bad_package.stderr
    both = run("ir", "--config", "pyproject.toml", "--model", "x.yaml")
    assert both.exit_code == 2
    assert "use either --config or model flags" in both.stderr


def test_lock_then_build_offline_from_the_lock(
    project: Path, served: tuple[Emulator, EmulatorServer]
) -> None:
    emulator, server = served
    write_project(project, {"package": "wind_sdk", "models": [wind_turbine_table()]})
    env = server_environ(server, emulator)
    first = run("lock", env=env)
    assert first.exit_code == 0, first.output
    assert first.stdout.strip().endswith("pygen.lock: 1 model(s) locked")
    assert "locked sp_pygen_power:WindTurbine/1 (fetched)" in first.stderr
    again = run("lock", env=env)
    assert "kept sp_pygen_power:WindTurbine/1 (unchanged)" in again.stderr
    upgraded = run("lock", "--upgrade", env=env)
    assert "locked sp_pygen_power:WindTurbine/1 (fetched)" in upgraded.stderr
    offline = run("ir", env={"PYGEN_OFFLINE": "1", "CDF_URL": "", "CDF_PROJECT": ""})
    assert offline.exit_code == 0, offline.output
    assert IR.from_json(offline.stdout).package == "wind_sdk"
    assert "fetching" not in offline.stderr


def test_a_tampered_snapshot_stops_the_build_with_the_way_out(
    project: Path, served: tuple[Emulator, EmulatorServer]
) -> None:
    emulator, server = served
    write_project(project, {"package": "wind_sdk", "models": [wind_turbine_table()]})
    assert run("lock", env=server_environ(server, emulator)).exit_code == 0
    snapshot = next((project / "pygen-models").iterdir())
    snapshot.write_text(snapshot.read_text().replace('"float64"', '"float32"', 1))
    result = run("generate", "--language", "ir-json")
    assert result.exit_code == 2
    assert "does not match its digest in pygen.lock" in result.stderr
    assert "run `pygen lock --upgrade` to fetch it anew" in result.stderr


def test_offline_without_lock_or_cache_refuses_the_network(
    project: Path, served: tuple[Emulator, EmulatorServer]
) -> None:
    emulator, server = served
    write_project(project, {"package": "wind_sdk", "models": [wind_turbine_table()]})
    result = run("ir", env=server_environ(server, emulator, PYGEN_OFFLINE="1"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: PYGEN_OFFLINE forbids network calls")


def test_emulator_serve_stops_with_exit_2_on_a_model_file_it_cannot_load(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("views: [1, 2\n")
    nodes = tmp_path / "nodes.yaml"
    nodes.write_text("[]\n")
    result = run("emulator", "serve", "--no-auth", "--load", str(broken), "--instances", str(nodes))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")


def test_lock_reports_snapshots_it_removed(project: Path, served: tuple[Emulator, EmulatorServer]) -> None:
    emulator, server = served
    env = server_environ(server, emulator)
    raw = yaml.safe_load(model_file("OmniMultiA").read_text())
    multi_a = {"space": raw["space"], "external-id": raw["externalId"], "version": str(raw["version"])}
    write_project(project, {"models": [wind_turbine_table(), multi_a]})
    assert run("lock", env=env).exit_code == 0
    write_project(project, {"models": [wind_turbine_table()], "cdf": {"url": server.url}})
    result = run("lock", env=env)
    assert result.exit_code == 0, result.output
    assert "removed pygen-models/pygen-models.OmniMultiA.1.json" in result.stderr
