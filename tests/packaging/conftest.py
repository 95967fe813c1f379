"""Fixtures for the build hook tests: SDK projects in temp folders, and a local wheelhouse.

Builds are real: hatchling in process for the hook's logic (fast, and measured by coverage), and
pip, ``python -m build``, hatch and uv in subprocesses for the frontends. The frontends install
build requirements into isolated environments; they get them offline from a wheelhouse made once
per test session: fresh wheels of pygen-runtime and hatch-pygen built from this checkout, plus
the third-party distributions they need, repacked from the installed copies in this interpreter.
"""

from __future__ import annotations

import base64
import csv
import fcntl
import hashlib
import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from emulated_cdf import emulator_with, in_process_environ
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pygen_runtime.testing import Emulator
from shared_cdf import model_file

from hatch_pygen.config import load_config
from hatch_pygen.pipeline import lock_models
from hatch_pygen.render import runtime_requirement

REPOSITORY = Path(__file__).resolve().parents[2]
WINDTURBINE = model_file("WindTurbine")
WINDTURBINE_MODEL = {"space": "sp_pygen_power", "external-id": "WindTurbine", "version": "1"}
# What generated code declares (from the installed runtime's version), as a user writes it.
RUNTIME_REQUIREMENT = runtime_requirement()
# The distributions built from this checkout; everything else in the wheelhouse is repacked.
LOCAL_DISTRIBUTIONS = {"hatch-pygen": REPOSITORY, "pygen-runtime": REPOSITORY / "pygen_runtime"}
# What isolated builds and SDK installs need: the build backend, the hook, the runtime, and what
# the hook asks for in builds that read YAML model files or fetch (hatch_pygen/_optional.py).
WHEELHOUSE_ROOTS = (
    "hatchling",
    "editables",
    "hatch-pygen[generate]",
    "pygen-runtime[testing]",
    "pyyaml",
    "platformdirs",
)
# Variables of the machine or the developer that would change what a build does.
_BUILD_VARIABLES = re.compile(r"^(CDF_|PYGEN_|HATCH_|PIP_|UV_|SOURCE_DATE_EPOCH$|VIRTUAL_ENV$)")


# -- the environment of every test here ------------------------------------------------------------
@pytest.fixture(autouse=True)
def clean_build_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CDF settings, no hatch or pip settings from outside, and a private model cache."""
    for name in list(os.environ):
        if _BUILD_VARIABLES.match(name):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(tmp_path / "pygen-cache"))


# -- SDK projects ------------------------------------------------------------------------------------
def pyproject_text(
    name: str = "wind-sdk",
    *,
    language: str | None = "ir-json",
    dependencies: Sequence[str] = (RUNTIME_REQUIREMENT,),
    tool_pygen: Mapping[str, Any] | None = None,
    hook_options: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """A ``pyproject.toml`` for an SDK project, as a user would write it."""
    hook: dict[str, Any] = {} if language is None else {"language": language}
    hook.update(hook_options or {})
    document: dict[str, Any] = {
        "build-system": {"requires": ["hatchling>=1.21", "hatch-pygen"], "build-backend": "hatchling.build"},
        "project": {
            "name": name,
            "version": "1.0.0",
            "requires-python": ">=3.10",
            "dependencies": list(dependencies),
        },
        "tool": {
            "hatch": {"build": {"hooks": {"pygen": hook}}},
            "pygen": dict(
                tool_pygen
                if tool_pygen is not None
                else {
                    "package": "wind_sdk",
                    "instance-space": "wind-farm",
                    "models": [WINDTURBINE_MODEL],
                }
            ),
        },
    }
    _merge(document, extra or {})
    return tomli_w.dumps(document)


def _merge(into: dict[str, Any], extra: Mapping[str, Any]) -> None:
    """Merge nested tables of ``extra`` into ``into`` (values of ``extra`` win)."""
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


@pytest.fixture(scope="session")
def windturbine_lock(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """``pygen.lock`` and the WindTurbine snapshot, made once with ``pygen lock``'s code: path -> bytes."""
    root = tmp_path_factory.mktemp("locked")
    (root / "pyproject.toml").write_text(pyproject_text(), encoding="utf-8")
    emulator = emulator_with(WINDTURBINE)
    environ = in_process_environ(emulator, PYGEN_CACHE_DIR=str(root / "cache"))
    lock_models(load_config(root / "pyproject.toml"), environ=environ, transport=emulator.transport())
    files = [root / "pygen.lock", *sorted((root / "pygen-models").iterdir())]
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in files}


ProjectFactory = Callable[..., Path]


@pytest.fixture
def sdk_project(tmp_path: Path, windturbine_lock: dict[str, bytes]) -> ProjectFactory:
    """Makes an SDK project folder: ``sdk_project(locked=True, folder="proj", **pyproject_text_options)``."""

    def make(*, locked: bool = True, folder: str = "project", **options: Any) -> Path:
        root = tmp_path / folder
        root.mkdir(parents=True)
        (root / "pyproject.toml").write_text(pyproject_text(**options), encoding="utf-8")
        if locked:
            for relative, content in windturbine_lock.items():
                (root / relative).parent.mkdir(parents=True, exist_ok=True)
                (root / relative).write_bytes(content)
        return root

    return make


@pytest.fixture
def windturbine_emulator() -> Emulator:
    """An emulator holding the WindTurbine model, requiring a token as CDF does."""
    return emulator_with(WINDTURBINE, client_secret="build-test-client-secret-5a0c7e")


# -- the wheelhouse --------------------------------------------------------------------------------
def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def _wheel_tag(wheel_metadata: str) -> str:
    """The compressed tag of a ``WHEEL`` file's ``Tag:`` lines (``py2.py3-none-any``)."""
    tags = [line.split(":", 1)[1].strip() for line in wheel_metadata.splitlines() if line.startswith("Tag:")]
    parts = [sorted({tag.split("-")[index] for tag in tags}) for index in range(3)]
    return "-".join(".".join(part) for part in parts)


def repack_installed(dist: Distribution, directory: Path) -> Path:
    """A wheel of an installed distribution, made from the files its ``RECORD`` lists.

    Scripts (outside site-packages) are left out: installers write them anew from
    ``entry_points.txt``. Byte code is left out too.
    """
    site = Path(str(dist.locate_file("")))
    metadata_file = next(
        file for file in dist.files or [] if file.name == "METADATA" and file.parent.suffix == ".dist-info"
    )
    info = site / metadata_file.parent
    name = canonicalize_name(dist.metadata["Name"]).replace("-", "_")
    tag = _wheel_tag((info / "WHEEL").read_text(encoding="utf-8"))
    target = directory / f"{name}-{dist.version}-{tag}.whl"
    skipped_metadata = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
    records = io.StringIO()
    writer = csv.writer(records, lineterminator="\n")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in dist.files or []:
            relative = file.as_posix()
            if relative.startswith("..") or "__pycache__" in relative or relative.endswith(".pyc"):
                continue
            if relative.startswith(f"{info.name}/") and relative.split("/", 1)[1] in skipped_metadata:
                continue
            source = site / relative
            if not source.is_file():
                continue
            data = source.read_bytes()
            archive.writestr(relative, data)
            writer.writerow([relative, _record_hash(data), len(data)])
        writer.writerow([f"{info.name}/RECORD", "", ""])
        archive.writestr(f"{info.name}/RECORD", records.getvalue())
    return target


def requirement_closure(roots: Sequence[str]) -> list[Distribution]:
    """The installed distributions ``roots`` need, transitively (markers evaluated here)."""
    found: dict[str, Distribution] = {}
    done: set[tuple[str, frozenset[str]]] = set()
    queue = [Requirement(root) for root in roots]
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in done:
            continue
        done.add(key)
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue  # a dependency for another platform or Python that the marker did not exclude
        found[name] = dist
        for text in dist.requires or []:
            child = Requirement(text)
            extras = ["", *requirement.extras]
            if child.marker is None or any(child.marker.evaluate({"extra": extra}) for extra in extras):
                queue.append(child)
    return [found[name] for name in sorted(found)]


def _build_local_wheels(directory: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    for root in LOCAL_DISTRIBUTIONS.values():
        for artifact in WheelBuilder(str(root)).build(directory=str(directory)):
            assert Path(artifact).is_file()


def _fill_wheelhouse(directory: Path) -> None:
    staging = directory.with_name(directory.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for dist in requirement_closure(WHEELHOUSE_ROOTS):
        if canonicalize_name(dist.metadata["Name"]) not in LOCAL_DISTRIBUTIONS:
            repack_installed(dist, staging)
    _build_local_wheels(staging)
    staging.rename(directory)


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of wheels for offline isolated builds, shared by every xdist worker of this run."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = tmp_path_factory.getbasetemp()
    shared = base.parent / f"wheelhouse-{run}" if run else base / "wheelhouse"
    with open(f"{shared}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not shared.is_dir():
                _fill_wheelhouse(shared)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return shared


@pytest.fixture
def offline_install_environ(wheelhouse: Path, tmp_path: Path) -> dict[str, str]:
    """Environment for pip, build, hatch and uv: packages from the wheelhouse only, no index."""
    env = {name: value for name, value in os.environ.items() if not _BUILD_VARIABLES.match(name)}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_CACHE_DIR="1",
        UV_NO_INDEX="1",
        UV_FIND_LINKS=str(wheelhouse),
        UV_OFFLINE="1",
        UV_NO_CONFIG="1",
        UV_CACHE_DIR=str(tmp_path / "uv-cache"),
        UV_PYTHON_DOWNLOADS="never",
        HATCH_DATA_DIR=str(tmp_path / "hatch-data"),
        HATCH_CACHE_DIR=str(tmp_path / "hatch-cache"),
        PYGEN_CACHE_DIR=os.environ["PYGEN_CACHE_DIR"],
    )
    return env


@pytest.fixture
def served_emulator(windturbine_emulator: Emulator) -> Iterator[Any]:
    """The WindTurbine emulator on a loopback port, stopped after the test."""
    server = windturbine_emulator.serve(port=0)
    try:
        yield server
    finally:
        server.stop()


# -- hatchling in process ----------------------------------------------------------------------------
def build_in_process(
    root: Path, target: str = "wheel", *, directory: Path | None = None, **options: Any
) -> Path:
    """Build ``target`` of the project at ``root`` with hatchling in this process; the artifact's path.

    ``options`` go to hatchling's ``build()`` (``versions``, ``hooks_only``, ``clean_only``).
    """
    from hatchling.builders.sdist import SdistBuilder
    from hatchling.builders.wheel import WheelBuilder

    builder_class = {"wheel": WheelBuilder, "sdist": SdistBuilder}[target]
    out = directory or root / "dist"
    artifacts = list(builder_class(str(root)).build(directory=str(out), **options))
    return Path(artifacts[0]) if artifacts else out


@pytest.fixture
def hatchling_build() -> Callable[..., Path]:
    """:func:`build_in_process`, for tests (they cannot import from a conftest)."""
    return build_in_process
