"""What a wheel build gets: the SDK generated into a staging folder, handed to hatchling.

The files are written to a staging folder of the build's own, under the system's temp folder and
never into the project (so a read-only checkout builds, two builds of one checkout never meet,
and nothing staged can end up in an sdist), and named in ``build_data["force_include"]``, which
hatchling ships in wheels and copies into editable wheels alike. Because the generated files are
force-included, a project holding nothing but ``pyproject.toml`` builds (hatchling's file
selection then ships only them), and a project with its own package ships both, unless the two
would share a path: that stops the build.

The files come from the generator, or from the output cache when an earlier build had the same
inputs (``_output_cache``); the generator is imported only in the first case.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from hatch_pygen._optional import generator_imports
from hatch_pygen.config import GENERATED_MARKER, LOCK_FILE_NAME, SNAPSHOT_DIR_NAME, PygenConfig, load_config
from hatch_pygen.errors import PygenError
from hatch_pygen.hook._output_cache import GeneratedSdk, output_key, read_output, write_output
from hatch_pygen.hook._runtime_link import check_runtime_link

# The generator (pipeline, IR, renderers: pydantic and jinja2) is imported only when the build
# generates; a build whose output is in the cache never imports it, and its build environment
# does not even hold it (hatch_pygen.hook._requirements).

__all__ = [
    "Reporter",
    "StagedSdk",
    "find_collisions",
    "new_staging_folder",
    "required_runtime",
    "stage_sdk",
    "staging_root",
]


class Reporter(Protocol):
    """Where the hook's progress and warnings go (hatchling's ``self.app`` in a build)."""

    def info(self, message: str) -> None: ...

    def warning(self, message: str) -> None: ...


@dataclass(frozen=True)
class StagedSdk:
    """A generated SDK on disk, ready to be force-included.

    ``force_include`` maps each staged file (absolute) to its path in the wheel.
    """

    package: str
    folder: Path
    force_include: Mapping[str, str]
    locked: bool


def staging_root(root: Path) -> Path:
    """The folder under which builds of the project at ``root`` stage files (one per user and project).

    `hatch clean` (the hook's ``clean()``) removes what is left in it.
    """
    key = hashlib.sha256(f"{Path.home()}\n{root.resolve()}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"pygen-build-{key}"


def new_staging_folder(root: Path, target: str, version: str) -> Path:
    """A new, private staging folder for one build of ``target`` (``wheel``) in ``version`` (``standard``)."""
    parent = staging_root(root)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{target}-{version}-", dir=parent))
    except OSError as error:
        raise PygenError(
            f"cannot create a staging folder for the generated SDK in {parent} ({error.strerror}); "
            "set TMPDIR to a writable folder"
        ) from None


def package_folder(package: str) -> PurePosixPath:
    """The folder of a dotted package name (``hatch_pygen.sdk.package_path``'s rule, without
    importing the renderers that module brings)."""
    return PurePosixPath(*package.split("."))


def required_runtime(language: str) -> str | None:
    """The runtime requirement code in ``language`` declares; None for ``ir-json`` (it imports nothing)."""
    with generator_imports("generating the SDK"):
        from hatch_pygen.sdk import IR_JSON

        if language == IR_JSON:
            return None
        from hatch_pygen.render import runtime_requirement

        return runtime_requirement()


def find_collisions(package: str, shipped: Iterable[str]) -> list[str]:
    """The paths among ``shipped`` (wheel paths of the project's own files) the SDK package would clash with.

    A clash is a file inside the package's folder (``wind_sdk/x.py``) or a module of the same
    name (``wind_sdk.py``): either would shadow or be mixed into the generated package.
    """
    folder = package_folder(package)
    module = f"{folder}.py"
    clashes = set()
    for raw in shipped:
        path = PurePosixPath(raw.replace(os.sep, "/"))
        if path.parts[: len(folder.parts)] == folder.parts or str(path) == module:
            clashes.add(str(path))
    return sorted(clashes)


def _collision_error(package: str, clashes: Sequence[str], root: Path) -> PygenError:
    folder = package_folder(package)
    listed = ", ".join(clashes[:3]) + (f" and {len(clashes) - 3} more" if len(clashes) > 3 else "")
    if (root / folder / GENERATED_MARKER).is_file():
        hint = f"{folder}/ was written by `pygen generate`; delete it, the build generates the package itself"
    else:
        hint = (
            "rename the generated package (tool.pygen.package) or move your own code out of "
            f"{folder}/ (or exclude it in [tool.hatch.build.targets.wheel])"
        )
    return PygenError(
        f"the generated package {package} would overwrite files the project ships itself ({listed}); {hint}"
    )


def _write_staging(folder: Path, files: Mapping[str, str]) -> dict[str, str]:
    """Write ``files`` (wheel path -> text) under ``folder``; return the force-include map, sorted."""
    force_include: dict[str, str] = {}
    try:
        for relative in sorted(files):
            path = folder.joinpath(*PurePosixPath(relative).parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[relative], encoding="utf-8", newline="\n")
            force_include[str(path)] = relative
    except OSError as error:
        raise PygenError(
            f"cannot write the generated SDK to {folder} ({error.strerror}); "
            "set TMPDIR to a writable folder with room for it"
        ) from None
    return force_include


def stage_sdk(
    root: Path,
    *,
    language: str,
    dependencies: Sequence[str],
    shipped_files: Callable[[], Iterable[str]],
    folder: Path,
    reporter: Reporter,
    environ: Mapping[str, str] | None = None,
) -> StagedSdk:
    """Generate the SDK ``[tool.pygen]`` in ``root/pyproject.toml`` describes and stage it in ``folder``.

    ``dependencies`` are the project's ``[project].dependencies`` (checked against the runtime
    range the code declares); ``shipped_files`` lists the wheel paths of the project's own files
    (checked for collisions). Raises :class:`~hatch_pygen.errors.PygenError` for anything the
    user must fix.
    """
    env = dict(os.environ if environ is None else environ)
    config = load_config(root / "pyproject.toml")
    for note in config.notes:
        reporter.info(f"pygen: note: {note}")
    if config.package is None:
        raise PygenError('tool.pygen.package is not set; the build needs it, e.g. package = "wind_sdk"')
    clashes = find_collisions(config.package, shipped_files())
    if clashes:
        raise _collision_error(config.package, clashes, root)
    key = output_key(config, language, env, dependencies)
    generated = read_output(key, config.package, env) if key is not None else None
    if generated is not None:
        # A cached entry is only ever made from locked inputs (or model files alone).
        locked, reused = True, "; unchanged inputs, reused from pygen's cache"
        if generated.runtime_requirement is not None:
            check_runtime_link(generated.runtime_requirement, dependencies)
        for warning in generated.warnings:
            reporter.warning(warning)
    else:
        # The libraries are asked for when the key misses; they can still be missing when the
        # entry went away after that (another build pruned it) or in a build without isolation.
        race = "or, in an isolated build, run it again: the SDK pygen's cache held when it began has gone"
        with generator_imports("generating the SDK", race if key is not None else ""):
            generated, locked = _generate(
                config, language=language, dependencies=dependencies, env=env, reporter=reporter
            )
        reused = ""
        if key is not None and locked:
            _store(key, generated, config, language, env, dependencies, reporter)
    force_include = _write_staging(folder, generated.files)
    reporter.info(f"pygen: generated {config.package} ({language}, {generated.view_count} view(s){reused})")
    return StagedSdk(package=config.package, folder=folder, force_include=force_include, locked=locked)


def _store(
    key: str,
    generated: GeneratedSdk,
    config: PygenConfig,
    language: str,
    env: Mapping[str, str],
    dependencies: Sequence[str],
    reporter: Reporter,
) -> None:
    """Cache what a build generated, unless an input changed while it did (then the key is stale)."""
    if output_key(config, language, env, dependencies) != key:
        return
    try:
        write_output(key, generated, env)
    except OSError as error:
        # A cache that cannot be written costs the next build a generation, nothing more.
        reporter.info(f"pygen: could not write pygen's cache ({error}); continuing")


def _generate(
    config: PygenConfig,
    *,
    language: str,
    dependencies: Sequence[str],
    env: Mapping[str, str],
    reporter: Reporter,
) -> tuple[GeneratedSdk, bool]:
    """Generate the SDK: load the models, validate, build the IR, render, add the provenance.

    Also says whether the models came without CDF (from the lock or files).
    """
    from hatch_pygen.hook._provenance import PROVENANCE_FILE, provenance, provenance_text
    from hatch_pygen.pipeline import build, load_models
    from hatch_pygen.sdk import find_renderer

    assert config.package is not None  # checked by the caller
    renderer = find_renderer(language)
    runtime = required_runtime(language)
    if runtime is not None:
        check_runtime_link(runtime, dependencies)
    loaded = load_models(config, environ=env, progress=lambda message: reporter.info(f"pygen: {message}"))
    locked = not any(origin in ("cache", "cdf") for origin in loaded.origins)
    if not locked:
        reporter.warning(
            f"pygen: warning: no {LOCK_FILE_NAME}, so the models came from CDF (or its cache) and this "
            f"build is not reproducible; run `pygen lock` and commit {LOCK_FILE_NAME} and "
            f"{SNAPSHOT_DIR_NAME}/ to build offline and byte for byte the same"
        )
    generation = build(config, loaded.snapshots)
    warnings = tuple(f"pygen: {problem}" for problem in generation.schema.problems)
    for warning in warnings:
        reporter.warning(warning)
    files = dict(renderer(generation.ir))
    document = provenance(config, loaded, language=language, runtime_requirement=runtime, environ=env)
    provenance_path = str(package_folder(config.package) / PROVENANCE_FILE)
    if provenance_path in files:
        raise PygenError(
            f"the {language} renderer produced {provenance_path}, a name the build hook reserves"
        )
    files[provenance_path] = provenance_text(document)
    generated = GeneratedSdk(
        files=files, runtime_requirement=runtime, warnings=warnings, view_count=len(generation.ir.views)
    )
    return generated, locked
