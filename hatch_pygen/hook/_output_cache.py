"""The generated-output cache: a build whose inputs are those of an earlier build reuses its files.

pip builds a project's wheel in each ``pip install``; from ``pygen.lock`` every such build
generates the same files. Generating means importing pydantic, jinja2 and the generator and
rendering every module, so the hook keeps what it generated in pygen's cache folder (the model
cache's, ``PYGEN_CACHE_DIR`` overrides it), under a key that covers everything the output
depends on:

- the generator: hatch-pygen's version and a digest of its own files (code and templates), so
  a development checkout with an edited template never reuses an old entry;
- the runtime: the project's own requirement on pygen-runtime. The code declares the range of
  the runtime it was generated with (its MAJOR.MINOR), and a build that generates asks for the
  runtime as the project pins it (``hatch_pygen.hook._requirements``), so entries made under one
  pin are the ones a fresh build under that pin makes;
- the Python version, the hook's ``language`` option, ``[tool.pygen]`` as parsed, and the CDF
  project the provenance names;
- the inputs: ``pygen.lock``'s bytes, the bytes of every snapshot it pins, and of every model file.

The key is made from what a build environment holds before it installs the generator: the
build asks for the generator's libraries (pydantic, jinja2, httpx, pygen-runtime) only when the
key misses (``hatch_pygen.hook._requirements``), so neither their files nor their versions can be
in it. Within the ranges hatch-pygen requires they do not change the output (the runtime's
MAJOR.MINOR, which does, follows from the pin above); an entry records the versions it was
generated with, for whoever looks. A development checkout that edits pygen-runtime's files under
the same version must clear the cache (or set ``PYGEN_CACHE_DIR``) to see the edit in a build.

Only builds that need no network are cached: a project with CDF models and no lock fetches, and
its output depends on CDF. Reading an entry needs none of the generator: a hit imports neither
pydantic nor jinja2. An entry that is missing, damaged, foreign or unreadable is a miss, never
an error; entries are written atomically, and a cache folder that cannot be written costs the
next build a generation, nothing more. The oldest entries beyond :data:`MAX_ENTRIES` are removed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

import hatch_pygen
from hatch_pygen._atomic import write_text_atomically
from hatch_pygen._version import __version__
from hatch_pygen.cache import default_cache_dir
from hatch_pygen.config import FileModel, PygenConfig
from hatch_pygen.errors import PygenError
from hatch_pygen.hook._provenance import cdf_project
from hatch_pygen.lock import Lock

__all__ = [
    "MAX_ENTRIES",
    "OUTPUT_FOLDER",
    "GeneratedSdk",
    "output_key",
    "read_output",
    "runtime_pins",
    "write_output",
]

OUTPUT_FOLDER = "output"
MAX_ENTRIES = 64
_ENTRY_FORMAT = 2
# Distributions generation runs on, recorded in each entry (not in its key: see above).
_LIBRARIES = ("pygen-runtime", "jinja2", "markupsafe", "pydantic", "pydantic-core", "pyyaml")
_RUNTIME_DISTRIBUTION = "pygen-runtime"


@dataclass(frozen=True)
class GeneratedSdk:
    """What one generation produced: the files (wheel path -> text) and what the build reports.

    ``runtime_requirement`` is what the code declares (None for ``ir-json``), ``warnings`` the
    validation warnings the build printed, ``view_count`` the number of views generated.
    """

    files: Mapping[str, str]
    runtime_requirement: str | None
    warnings: tuple[str, ...]
    view_count: int


class _Uncacheable(Exception):
    """Something in the inputs the key cannot vouch for: the build generates and does not cache."""


@cache
def tree_digest(folder: Path) -> str:
    """``sha256:<hex>`` over every file under ``folder`` (relative path and bytes), byte code aside."""
    digest = hashlib.sha256()
    files = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")
    )
    for path in files:
        content = path.read_bytes()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{len(content)}\0".encode())
        digest.update(content)
    return f"sha256:{digest.hexdigest()}"


def _version_of(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def runtime_pins(dependencies: Iterable[str]) -> list[str] | None:
    """The project's requirements on pygen-runtime, normalized (``pygen-runtime<0.2,>=0.1``),
    sorted; None when one of ``dependencies`` does not parse (hatchling refuses such a project
    before the hook runs)."""
    pins = []
    for text in dependencies:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            return None
        if canonicalize_name(requirement.name) == _RUNTIME_DISTRIBUTION:
            pins.append(str(requirement))
    return sorted(pins)


def _canonical(value: object, root: Path) -> Any:
    """``value`` (the parsed configuration, or part of it) as JSON data that does not depend on
    where the project folder is (pip and build may build from a copy of it)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            field.name: _canonical(getattr(value, field.name), root)
            for field in dataclasses.fields(value)
            if field.name != "project_root"
        }
        return {type(value).__name__: fields}
    if isinstance(value, (tuple, list)):
        return [_canonical(item, root) for item in value]
    if isinstance(value, Path):
        try:
            return ["project", value.relative_to(root).as_posix()]
        except ValueError:
            return ["outside", value.as_posix()]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise _Uncacheable(f"a configuration value of type {type(value).__name__}")


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        # The build reports it when it reads the file; the key just cannot be made.
        raise _Uncacheable(f"{path} cannot be read") from None


def _locked_inputs(config: PygenConfig) -> tuple[str | None, list[str]]:
    """The digests of ``pygen.lock`` and of each snapshot it pins for the configured CDF models."""
    if not config.cdf_models:
        return None, []  # the build never reads the lock
    lock_bytes = _read(config.lock_path)  # no lock: the build fetches, and is not cached
    try:
        lock = Lock.loads(lock_bytes.decode("utf-8"), source=str(config.lock_path))
    except (PygenError, UnicodeDecodeError):
        raise _Uncacheable("pygen.lock does not parse") from None
    snapshots = []
    for model in config.cdf_models:
        entry = lock.find(model)
        if entry is None:
            raise _Uncacheable(f"pygen.lock does not cover {model}")
        snapshots.append(_sha256(_read(config.project_root / entry.snapshot)))
    return _sha256(lock_bytes), snapshots


def output_key(
    config: PygenConfig, language: str, environ: Mapping[str, str], dependencies: Iterable[str]
) -> str | None:
    """The cache key of the SDK ``config`` generates in ``language``; None when it must not be cached.

    ``dependencies`` are the project's ``[project].dependencies``: its pin on pygen-runtime is
    part of the key.

    None for a build that fetches from CDF (a project with CDF models and no ``pygen.lock``) and
    for inputs that cannot be read (the build then says what is wrong with them).
    """
    try:
        pins = runtime_pins(dependencies)
        if pins is None:
            raise _Uncacheable("a dependency does not parse")
        lock_digest, snapshot_digests = _locked_inputs(config)
        material = {
            "entry-format": _ENTRY_FORMAT,
            "python": f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}",
            "generator": [__version__, tree_digest(Path(hatch_pygen.__file__).parent)],
            "runtime": pins,
            "language": language,
            "config": _canonical(config, config.project_root),
            "cdf-project": cdf_project(config, environ),
            "lock": lock_digest,
            "snapshots": snapshot_digests,
            "model-files": [
                _sha256(_read(model.path)) for model in config.models if isinstance(model, FileModel)
            ],
        }
    except _Uncacheable:
        return None
    text = json.dumps(material, sort_keys=True, ensure_ascii=True)
    return _sha256(text.encode("utf-8"))


def _entry_path(key: str, environ: Mapping[str, str]) -> Path | None:
    try:
        return default_cache_dir(environ) / OUTPUT_FOLDER / f"{key}.json"
    except PygenError:
        return None  # no cache folder to be had (no platformdirs, no PYGEN_CACHE_DIR)


def _safe_path(path: str, package: str) -> bool:
    """Whether ``path`` is a relative path inside the package's folder (an entry cannot aim elsewhere)."""
    parts = PurePosixPath(path).parts
    folder = PurePosixPath(*package.split(".")).parts
    return (
        not path.startswith("/")
        and "\\" not in path
        and ".." not in parts
        and parts[: len(folder)] == folder
        and len(parts) > len(folder)
    )


def _valid(entry: Any, key: str, package: str) -> GeneratedSdk | None:
    if not isinstance(entry, dict) or entry.get("entry-format") != _ENTRY_FORMAT or entry.get("key") != key:
        return None
    files, requirement = entry.get("files"), entry.get("runtime-requirement")
    warnings, view_count = entry.get("warnings"), entry.get("view-count")
    if not isinstance(files, dict) or not files:
        return None
    if not all(isinstance(path, str) and isinstance(text, str) for path, text in files.items()):
        return None
    if not all(_safe_path(path, package) for path in files):
        return None
    if not (requirement is None or isinstance(requirement, str)):
        return None
    if not (isinstance(warnings, list) and all(isinstance(warning, str) for warning in warnings)):
        return None
    if not isinstance(view_count, int) or isinstance(view_count, bool):
        return None
    return GeneratedSdk(
        files=files, runtime_requirement=requirement, warnings=tuple(warnings), view_count=view_count
    )


def read_output(key: str, package: str, environ: Mapping[str, str]) -> GeneratedSdk | None:
    """The SDK cached under ``key``; None when there is none or it cannot be trusted."""
    path = _entry_path(key, environ)
    if path is None:
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = _valid(entry, key, package)
    if found is not None:
        # Recently used entries are the ones pruning keeps.
        with contextlib.suppress(OSError):
            os.utime(path)
    return found


def _prune(folder: Path, keep: Path) -> None:
    """Remove the least recently used entries beyond :data:`MAX_ENTRIES` (never ``keep``)."""
    entries: list[tuple[float, Path]] = []
    for path in folder.glob("*.json"):
        with contextlib.suppress(OSError):
            entries.append((path.stat().st_mtime, path))
    entries.sort(reverse=True)
    for _, path in entries[MAX_ENTRIES:]:
        if path != keep:
            with contextlib.suppress(OSError):
                path.unlink()


def write_output(key: str, generated: GeneratedSdk, environ: Mapping[str, str]) -> Path | None:
    """Store ``generated`` under ``key``, atomically; the entry's path, or None when the cache
    folder cannot be found. Raises ``OSError`` when it cannot be written."""
    path = _entry_path(key, environ)
    if path is None:
        return None
    entry = {
        "entry-format": _ENTRY_FORMAT,
        "key": key,
        "generator-version": __version__,
        "generated-with": {name: _version_of(name) for name in _LIBRARIES},
        "runtime-requirement": generated.runtime_requirement,
        "warnings": list(generated.warnings),
        "view-count": generated.view_count,
        "files": dict(sorted(generated.files.items())),
    }
    write_text_atomically(path, json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    _prune(path.parent, path)
    return path
