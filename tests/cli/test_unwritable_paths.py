"""Output paths the user got wrong: a file where a folder must be, a folder where a file must be,
a folder that cannot be written. Each ends the command with one ``error:`` line naming the path
and what to do, exit code 2, and no traceback."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import typer
import yaml
from cli_project import write_project
from emulated_cdf import emulator_with, server_environ
from shared_cdf import model_file
from typer.testing import CliRunner, Result

from hatch_pygen.cli import app
from hatch_pygen.cli._app import _run
from hatch_pygen.cli._console import Console

runner = CliRunner()
PUMPS = model_file("Pumps")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env=env)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not an uncaught error
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: cannot write ")
    for fragment in fragments:
        assert fragment in lines[-1]


def _can_write_into(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_text("x")
    except OSError:
        return False
    probe.unlink()
    return True


@contextmanager
def unwritable(folder: Path) -> Iterator[Path]:
    """``folder``, made read-only for the rest of the block.

    Read-only permission bits do not stop root; as root the folder is made immutable with chattr
    instead. Where neither stops this user, the test that needs it is skipped.
    """
    folder.chmod(0o555)
    immutable = False
    if not _can_write_into(folder) or shutil.which("chattr") is None:
        pass
    else:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, timeout=30)
        immutable = done.returncode == 0
    try:
        if _can_write_into(folder):
            pytest.skip("this user writes into read-only folders (root without a working chattr)")
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True, timeout=30)
        folder.chmod(0o755)


def generate_into(out: Path) -> Result:
    return run("generate", "--model", str(PUMPS), "--package", "pumps_sdk", "--out", str(out), "--quiet")


def test_generate_below_a_file_names_the_file_in_the_way(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("mine")

    result = generate_into(blocker / "sdk")

    assert_one_line_error(result, str(blocker / "sdk" / "pumps_sdk"), f"{blocker} is a file, not a folder")
    assert blocker.read_text() == "mine"


def test_generate_into_a_file_names_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("mine")

    result = generate_into(blocker)

    assert_one_line_error(
        result, f"{blocker} is a file, not a folder", "move that file away or write elsewhere"
    )
    assert blocker.read_text() == "mine"


def test_generate_where_the_package_folder_is_a_file_leaves_it_alone(tmp_path: Path) -> None:
    (tmp_path / "pumps_sdk").write_text("mine")

    result = generate_into(tmp_path)

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "was not written by pygen, so it is left alone" in result.stderr
    assert (tmp_path / "pumps_sdk").read_text() == "mine"


def test_generate_into_a_folder_that_cannot_be_written(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()

    with unwritable(folder):
        result = generate_into(folder / "sdk")

    assert_one_line_error(result, f"no permission to write in {folder}", "choose a folder you can write to")
    assert list(folder.iterdir()) == []


def test_ir_output_that_is_a_folder_asks_for_a_file(tmp_path: Path) -> None:
    result = run("ir", "--model", str(PUMPS), "--output", str(tmp_path), "--quiet")

    assert_one_line_error(result, f"cannot write {tmp_path}: it is a folder, not a file")


def test_ir_output_below_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("mine")

    result = run("ir", "--model", str(PUMPS), "--output", str(blocker / "ir.json"), "--quiet")

    assert_one_line_error(result, f"{blocker} is a file, not a folder")


@pytest.fixture
def wind_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, dict[str, str]]]:
    """A project locking the WindTurbine model from an emulator served on loopback, as the
    current folder, with the environment that reaches the emulator."""
    raw = yaml.safe_load(model_file("WindTurbine").read_text())
    table = {"space": raw["space"], "external-id": raw["externalId"], "version": str(raw["version"])}
    root = tmp_path / "project"
    write_project(root, {"package": "wind_sdk", "models": [table]})
    monkeypatch.chdir(root)
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    emulator = emulator_with(model_file("WindTurbine"))
    with emulator.serve() as server:
        yield root, server_environ(server, emulator)


def test_lock_where_the_snapshot_folder_is_a_file(wind_project: tuple[Path, dict[str, str]]) -> None:
    root, env = wind_project
    (root / "pygen-models").write_text("mine")

    result = run("lock", env=env)

    assert_one_line_error(result, f"{root / 'pygen-models'} is a file, not a folder")
    assert not (root / "pygen.lock").exists()


def test_lock_where_the_lock_is_a_folder(wind_project: tuple[Path, dict[str, str]]) -> None:
    root, env = wind_project
    (root / "pygen.lock").mkdir()

    result = run("lock", env=env)

    # The lock is read before it is written: the read names the folder.
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.strip() == f"error: {root / 'pygen.lock'}: cannot be read (Is a directory)"


def test_lock_in_a_project_folder_that_cannot_be_written(wind_project: tuple[Path, dict[str, str]]) -> None:
    root, env = wind_project

    with unwritable(root):
        result = run("lock", env=env)

    assert_one_line_error(result, f"no permission to write in {root}")
    assert sorted(path.name for path in root.iterdir()) == ["pyproject.toml"]


def test_any_other_os_error_is_one_line_naming_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An operating-system error no command turned into a more specific message still ends the
    # command with exit code 2 and the path, not a traceback.
    missing = tmp_path / "missing.toml"

    with pytest.raises(typer.Exit) as stopped:
        _run(Console(quiet=True), missing.read_text)

    assert stopped.value.exit_code == 2
    assert capsys.readouterr().err.strip() == (
        f"error: {missing}: No such file or directory; check the path and its permissions"
    )
