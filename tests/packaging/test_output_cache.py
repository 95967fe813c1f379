"""The generated-output cache: a build with an earlier build's inputs reuses its files, byte for byte.

Builds are real: hatchling in a fresh process (so what a cache hit imports can be seen), pip in
an isolated environment, and hatchling in this process for the cases that edit an input. Every
test has a private cache folder (PYGEN_CACHE_DIR, set by conftest.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from pygen_runtime.testing import Emulator

from hatch_pygen.config import load_config
from hatch_pygen.config._toml import read_toml
from hatch_pygen.hook import _output_cache
from hatch_pygen.hook._output_cache import (
    OUTPUT_FOLDER,
    GeneratedSdk,
    output_key,
    read_output,
    tree_digest,
    write_output,
)

REPOSITORY = Path(__file__).resolve().parents[2]
REUSED = "unchanged inputs, reused from pygen's cache"
# The generator's heavy parts: a cache hit must import none of them.
# (A warm isolated build's environment does not hold them: hatch_pygen.hook._requirements.)
GENERATOR_MODULES = (
    "pydantic",
    "jinja2",
    "httpx",
    "pygen_runtime",
    "hatch_pygen.ir",
    "hatch_pygen.render",
    "hatch_pygen.pipeline",
)
BUILD_SCRIPT = f"""
import json, sys
from hatchling.builders.wheel import WheelBuilder
[wheel] = WheelBuilder(sys.argv[1]).build(directory=sys.argv[2])
print("imported:", json.dumps(sorted(m for m in {GENERATOR_MODULES!r} if m in sys.modules)))
"""

Build = Callable[..., Path]


def key_of(root: Path, environ: dict[str, str] | None = None) -> str | None:
    """The output cache key of a build of the project at ``root``, as the hook makes it."""
    pyproject = root / "pyproject.toml"
    dependencies = read_toml(pyproject)["project"]["dependencies"]
    return output_key(load_config(pyproject), "python", environ or dict(os.environ), dependencies)


def cache_entries() -> list[Path]:
    return sorted((Path(os.environ["PYGEN_CACHE_DIR"]) / OUTPUT_FOLDER).glob("*.json"))


def build_in_a_new_process(root: Path, out: Path) -> tuple[Path, str]:
    """Build the wheel with hatchling in a fresh interpreter; the wheel and everything it printed."""
    done = subprocess.run(
        [sys.executable, "-c", BUILD_SCRIPT, root, out],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    return next(out.glob("*.whl")), done.stdout + done.stderr


def build_reports(
    hatchling_build: Build, root: Path, out: str, capsys: pytest.CaptureFixture[str]
) -> tuple[bytes, str]:
    """Build in this process into ``root/out``; the wheel's bytes and what the build printed."""
    capsys.readouterr()
    wheel = hatchling_build(root, directory=root / out)
    captured = capsys.readouterr()
    return wheel.read_bytes(), captured.out + captured.err


def without_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> None:
    """Point the build at a new, empty cache folder: the next build generates afresh."""
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(tmp_path / name))


# -- reuse ----------------------------------------------------------------------------------------------
def test_a_second_build_reuses_the_output_without_importing_the_generator(
    sdk_project: Callable[..., Path], tmp_path: Path
) -> None:
    root = sdk_project(language="python")
    first, first_log = build_in_a_new_process(root, tmp_path / "first")
    assert REUSED not in first_log
    assert '"jinja2"' in first_log
    assert '"pydantic"' in first_log
    assert len(cache_entries()) == 1
    second, second_log = build_in_a_new_process(root, tmp_path / "second")
    assert REUSED in second_log
    assert "imported: []" in second_log
    assert first.read_bytes() == second.read_bytes()


def test_pip_builds_twice_and_gets_the_same_wheel(
    sdk_project: Callable[..., Path], offline_install_environ: dict[str, str], tmp_path: Path
) -> None:
    root = sdk_project(language="python")
    logs, wheels = [], []
    for attempt in ("first", "second"):
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", tmp_path / attempt, root],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
            env=offline_install_environ,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        logs.append(done.stdout + done.stderr)
        wheels.append(next((tmp_path / attempt).glob("*.whl")).read_bytes())
    assert REUSED not in logs[0]
    assert REUSED in logs[1]
    assert wheels[0] == wheels[1]
    # The first build asked for the generator's libraries; the second's environment went without.
    assert "Installing backend dependencies" in logs[0]
    assert "Installing backend dependencies" not in logs[1]


def test_model_files_alone_are_cached_too(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project(locked=False, tool_pygen={"package": "wind_sdk", "models": [{"file": "wind.yaml"}]})
    shutil.copy(REPOSITORY.parent / "shared/cdf/models/WindTurbine.yaml", root / "wind.yaml")
    first, _ = build_reports(hatchling_build, root, "one", capsys)
    second, log = build_reports(hatchling_build, root, "two", capsys)
    assert REUSED in log
    assert first == second
    (root / "wind.yaml").write_text((root / "wind.yaml").read_text() + "\n# edited\n")
    _, log = build_reports(hatchling_build, root, "three", capsys)
    assert REUSED not in log


def test_the_warnings_of_the_generation_are_repeated_on_reuse(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # The example project's model has a property named like a field every instance has.
    root = tmp_path / "example"
    shutil.copytree(REPOSITORY / "example-project", root, ignore=shutil.ignore_patterns("dist", "build"))
    _, fresh = build_reports(hatchling_build, root, "one", capsys)
    _, reused = build_reports(hatchling_build, root, "two", capsys)
    warnings = [line for line in fresh.splitlines() if line.startswith("pygen: warning")]
    assert warnings
    assert REUSED in reused
    assert [line for line in reused.splitlines() if line.startswith("pygen: warning")] == warnings


# -- what misses -------------------------------------------------------------------------------------------
EDITS: dict[str, Callable[[Path, pytest.MonkeyPatch], None]] = {
    "the [tool.pygen] table": lambda root, _: (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text().replace('"wind-farm"', '"solar-farm"')
    ),
    "the hook's language option": lambda root, _: (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text().replace('language = "ir-json"', 'language = "python"')
    ),
    "pygen.lock's bytes": lambda root, _: (root / "pygen.lock").write_text(
        (root / "pygen.lock").read_text() + "# a comment\n"
    ),
    # Indented anew, the snapshot keeps its digest (it is taken over normalised JSON): only the
    # bytes change.
    "a snapshot's bytes": lambda root, _: (
        [
            path.write_text(json.dumps(json.loads(path.read_text()), indent=4))
            for path in (root / "pygen-models").glob("*.json")
        ]
        and None
    ),
    "the CDF project the provenance names": lambda _, monkeypatch: monkeypatch.setenv("CDF_PROJECT", "other"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_editing_an_input_misses_and_gives_what_a_fresh_build_gives(
    edit: str,
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("CDF_PROJECT", "wind-demo")
    root = sdk_project()
    build_reports(hatchling_build, root, "before", capsys)
    EDITS[edit](root, monkeypatch)
    after, log = build_reports(hatchling_build, root, "after", capsys)
    assert REUSED not in log
    without_cache(monkeypatch, tmp_path, "empty-cache")
    fresh, log = build_reports(hatchling_build, root, "fresh", capsys)
    assert REUSED not in log
    assert after == fresh


def test_the_generators_own_files_are_in_the_key(tmp_path: Path) -> None:
    templates = REPOSITORY / "hatch_pygen" / "templates"
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(templates, one)
    shutil.copytree(templates, two)
    assert tree_digest(one) == tree_digest(two)
    template = sorted(path for path in two.rglob("*") if path.is_file())[0]
    template.write_bytes(template.read_bytes() + b" ")
    three = tmp_path / "three"
    shutil.copytree(two, three)
    assert tree_digest(three) != tree_digest(one)
    # Byte code beside the sources is not an input.
    (one / "__pycache__").mkdir()
    (one / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    four = tmp_path / "four"
    shutil.copytree(one, four)
    assert tree_digest(four) == tree_digest(two.with_name("one"))


def test_an_unlocked_build_that_fetches_is_not_cached(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    windturbine_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = sdk_project(locked=False)
    server = windturbine_emulator.serve(port=0)
    try:
        for name, value in {
            "CDF_URL": server.url,
            "CDF_PROJECT": windturbine_emulator.project,
            "CDF_CLIENT_ID": windturbine_emulator.credentials.client_id,
            "CDF_CLIENT_SECRET": windturbine_emulator.credentials.client_secret,
            "CDF_TOKEN_URL": server.token_url,
        }.items():
            monkeypatch.setenv(name, value)
        assert hatchling_build(root).is_file()
    finally:
        server.stop()
    assert cache_entries() == []


# -- a cache that cannot be trusted or written ------------------------------------------------------------
def damage_every_entry(how: Callable[[dict[str, Any]], object]) -> None:
    for path in cache_entries():
        damaged = how(json.loads(path.read_text()))
        path.write_text(damaged if isinstance(damaged, str) else json.dumps(damaged))


DAMAGE: dict[str, Callable[[dict[str, Any]], object]] = {
    "not JSON": lambda entry: "{ torn",
    "another key": lambda entry: {**entry, "key": "0" * 64},
    "a path outside the package": lambda entry: {
        **entry,
        "files": {"wind_sdk/../../evil.py": "import os\n", **entry["files"]},
    },
    "a file that is not text": lambda entry: {**entry, "files": {"wind_sdk/ir.json": 7}},
    "another format": lambda entry: {**entry, "entry-format": 99},
    "no view count": lambda entry: {key: value for key, value in entry.items() if key != "view-count"},
    "a view count that is a boolean": lambda entry: {**entry, "view-count": True},
    "a list": lambda entry: [entry],
    "no files": lambda entry: {**entry, "files": {}},
    "a runtime requirement that is not text": lambda entry: {**entry, "runtime-requirement": 1},
    "warnings that are not text": lambda entry: {**entry, "warnings": [None]},
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_entry_is_a_miss_and_is_written_anew(
    damage: str, sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sdk_project()
    first, _ = build_reports(hatchling_build, root, "one", capsys)
    damage_every_entry(DAMAGE[damage])
    second, log = build_reports(hatchling_build, root, "two", capsys)
    assert REUSED not in log
    assert "Traceback" not in log
    assert first == second
    third, log = build_reports(hatchling_build, root, "three", capsys)
    assert REUSED in log
    assert third == first


def test_an_unwritable_cache_folder_costs_only_the_reuse(
    sdk_project: Callable[..., Path],
    hatchling_build: Build,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(blocker))
    root = sdk_project()
    first, log = build_reports(hatchling_build, root, "one", capsys)
    assert "could not write pygen's cache" in log
    second, log = build_reports(hatchling_build, root, "two", capsys)
    assert REUSED not in log
    assert first == second


def test_the_least_recently_used_entries_beyond_the_limit_are_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_output_cache, "MAX_ENTRIES", 3)
    environ = dict(os.environ)
    generated = GeneratedSdk(
        files={"wind_sdk/ir.json": "{}\n"}, runtime_requirement=None, warnings=(), view_count=0
    )
    paths = []
    for index, key in enumerate(["a" * 64, "b" * 64, "c" * 64]):
        path = write_output(key, generated, environ)
        assert path is not None
        os.utime(path, (1_000_000 + index, 1_000_000 + index))
        paths.append(path)
    assert read_output("a" * 64, "wind_sdk", environ) is not None  # a hit makes it the most recent
    write_output("d" * 64, generated, environ)
    assert sorted(path.stem[0] for path in cache_entries()) == ["a", "c", "d"]


def test_the_wheel_holds_exactly_the_cached_files(
    sdk_project: Callable[..., Path], hatchling_build: Build
) -> None:
    root = sdk_project()
    wheel = hatchling_build(root)
    [entry_path] = cache_entries()
    entry = json.loads(entry_path.read_text())
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            name: archive.read(name).decode() for name in archive.namelist() if name.startswith("wind_sdk/")
        }
    assert shipped == entry["files"]
    # What it was generated with is recorded, not keyed (the key is checked without them).
    assert entry["generated-with"]["pydantic"] == metadata.version("pydantic")
    assert entry["generated-with"]["pygen-runtime"] == metadata.version("pygen-runtime")


def test_the_projects_runtime_pin_is_in_the_key_and_still_checked(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    # The code declares the range of the runtime it was generated with; a project whose pin
    # changed must not get an entry made for the old pin, and a pin outside the range still stops.
    root = sdk_project(language="python")
    hatchling_build(root, directory=root / "one")
    [entry] = cache_entries()
    assert key_of(root) == entry.stem
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pygen-runtime>=', '"pygen-runtime-x>='))
    assert key_of(root) not in (None, entry.stem)
    capsys.readouterr()
    with pytest.raises(SystemExit):
        hatchling_build(root, directory=root / "two")
    captured = capsys.readouterr()
    assert "does not list; add this line to dependencies" in captured.err
    assert "Traceback" not in captured.err


def test_a_reused_entry_is_checked_against_the_projects_runtime_range(
    sdk_project: Callable[..., Path], hatchling_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    # An entry whose declared range the project's pin does not fit (written by another
    # generator version into a shared cache, say) stops the build as a generation would.
    root = sdk_project(language="python")
    hatchling_build(root, directory=root / "one")
    [entry] = cache_entries()
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["runtime-requirement"] = "pygen-runtime>=7.0,<8"
    entry.write_text(json.dumps(stored), encoding="utf-8")
    capsys.readouterr()
    with pytest.raises(SystemExit):
        hatchling_build(root, directory=root / "two")
    captured = capsys.readouterr()
    assert "it needs pygen-runtime>=7.0,<8" in captured.err
    assert "Traceback" not in captured.err


def test_inputs_the_key_cannot_vouch_for_are_not_cached(
    sdk_project: Callable[..., Path], windturbine_lock: dict[str, bytes]
) -> None:
    environ = dict(os.environ)
    damaged = sdk_project(folder="damaged")
    (damaged / "pygen.lock").write_text("lock-version = [\n")
    assert key_of(damaged, environ) is None
    solar = {"space": "sp_pygen_power", "external-id": "Solar", "version": "2"}
    uncovered = sdk_project(
        folder="uncovered",
        tool_pygen={
            "package": "wind_sdk",
            "models": [{"space": "sp_pygen_power", "external-id": "WindTurbine", "version": "1"}, solar],
        },
    )
    assert key_of(uncovered, environ) is None
    missing = sdk_project(folder="missing")
    for path in (missing / "pygen-models").iterdir():
        path.unlink()
    assert key_of(missing, environ) is None


def test_a_model_file_outside_the_project_is_keyed_by_its_place_and_content(
    sdk_project: Callable[..., Path], tmp_path: Path
) -> None:
    shared = tmp_path / "shared" / "wind.yaml"
    shared.parent.mkdir()
    shutil.copy(REPOSITORY.parent / "shared/cdf/models/WindTurbine.yaml", shared)
    root = sdk_project(locked=False, tool_pygen={"package": "wind_sdk", "models": [{"file": str(shared)}]})
    environ = dict(os.environ)
    key = key_of(root, environ)
    assert key is not None
    assert key_of(root, environ) == key
    shared.write_text(shared.read_text() + "\n")
    assert key_of(root, environ) not in (None, key)


def test_without_a_cache_folder_nothing_is_read_or_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYGEN_CACHE_DIR")
    monkeypatch.setitem(sys.modules, "platformdirs", None)
    environ = dict(os.environ)
    generated = GeneratedSdk(
        files={"wind_sdk/ir.json": "{}\n"}, runtime_requirement=None, warnings=(), view_count=0
    )
    assert write_output("e" * 64, generated, environ) is None
    assert read_output("e" * 64, "wind_sdk", environ) is None
