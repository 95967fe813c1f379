"""The stages wired together: configuration -> models (lock, cache, CDF, files) -> validation -> IR.

Each function takes values and returns values; the CLI and the build hook are thin shells over
them. Where models come from follows one rule: with a ``pygen.lock`` the locked snapshots are
used and CDF is never called; without one, a fresh cache entry is used, else CDF is asked (and
the answer cached). Model files are read every time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hatch_pygen._version import __version__ as generator_version
from hatch_pygen.cache import ModelCache
from hatch_pygen.config import CdfModel, FileModel, PygenConfig
from hatch_pygen.errors import LockError
from hatch_pygen.ir import IR, build_ir
from hatch_pygen.lock import (
    Lock,
    LockedModel,
    prune_snapshots,
    read_lock,
    read_locked_snapshot,
    write_lock,
    write_snapshot,
)
from hatch_pygen.sources import CdfSource, ModelSnapshot, is_offline, load_model_file
from hatch_pygen.validation import ValidatedSchema, validate

if TYPE_CHECKING:
    import httpx

__all__ = ["Generation", "LoadedModels", "LockOutcome", "build", "load_models", "lock_models"]

Progress = Callable[[str], None]


def _silent(message: str) -> None:
    """The default progress reporter: say nothing."""


def _runtime_version() -> str:
    from pygen_runtime import __version__

    return __version__


@dataclass(frozen=True)
class LoadedModels:
    """The snapshots to generate from, in configuration order, and where each came from."""

    snapshots: tuple[ModelSnapshot, ...]
    origins: tuple[str, ...]  # per snapshot: "file", "lock", "cache" or "cdf"


@dataclass(frozen=True)
class Generation:
    """What validation decided and the IR built from it."""

    schema: ValidatedSchema
    ir: IR


@dataclass(frozen=True)
class LockOutcome:
    """What ``pygen lock`` did: the lock written, and which models were fetched or kept."""

    lock: Lock
    fetched: tuple[CdfModel, ...]
    kept: tuple[CdfModel, ...]
    removed: tuple[str, ...] = field(default_factory=tuple)


def _fetch(
    config: PygenConfig,
    models: Sequence[CdfModel],
    *,
    environ: Mapping[str, str],
    transport: httpx.BaseTransport | None,
    progress: Progress,
    use_cache: bool,
) -> tuple[dict[CdfModel, ModelSnapshot], dict[CdfModel, str]]:
    """Snapshots of CDF models from the cache when fresh (any age offline), else from CDF."""
    source = CdfSource(config.cdf, environ=environ, transport=transport)
    url, project = source.target()
    cache = ModelCache.from_environment(environ)
    found: dict[CdfModel, ModelSnapshot] = {}
    origins: dict[CdfModel, str] = {}
    if use_cache:
        offline = is_offline(environ)
        for model in models:
            cached = cache.get(url, project, model, any_age=offline)
            if cached is not None:
                found[model], origins[model] = cached, "cache"
    missing = [model for model in models if model not in found]
    for model, snapshot in zip(missing, source.fetch(missing, progress), strict=True):
        found[model], origins[model] = snapshot, "cdf"
        try:
            cache.put(url, project, model, snapshot)
        except OSError as error:
            # A cache that cannot be written costs the next build a fetch, nothing more.
            progress(f"could not write the model cache at {cache.root} ({error.strerror}); continuing")
    return found, origins


def load_models(
    config: PygenConfig,
    *,
    environ: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    progress: Progress = _silent,
) -> LoadedModels:
    """The snapshots of every model ``config`` lists, from the lock, the cache, CDF or files.

    With a lock, every CDF model must be in it (else :class:`~hatch_pygen.errors.LockError`
    says to run ``pygen lock``), and CDF is not called.

    Example::

        loaded = load_models(load_config())
        generation = build(load_config(), loaded.snapshots)
    """
    env = dict(os.environ if environ is None else environ)
    by_source: dict[CdfModel, ModelSnapshot] = {}
    origin_of: dict[CdfModel, str] = {}
    cdf_models = config.cdf_models
    lock = read_lock(config.lock_path) if cdf_models else None
    if lock is not None:
        unlocked = [str(model) for model in cdf_models if lock.find(model) is None]
        if unlocked:
            raise LockError(
                f"pygen.lock does not cover {', '.join(unlocked)}, listed in tool.pygen.models; "
                "run `pygen lock` to add them (or delete pygen.lock to work unlocked)"
            )
        for model in cdf_models:
            entry = lock.find(model)
            assert entry is not None  # checked above
            by_source[model] = read_locked_snapshot(config.project_root, entry)
            origin_of[model] = "lock"
    elif cdf_models:
        by_source, origin_of = _fetch(
            config, cdf_models, environ=env, transport=transport, progress=progress, use_cache=True
        )
    snapshots: list[ModelSnapshot] = []
    origins: list[str] = []
    for source in config.models:
        if isinstance(source, FileModel):
            for snapshot in load_model_file(source.path):
                snapshots.append(snapshot)
                origins.append("file")
        else:
            snapshots.append(by_source[source])
            origins.append(origin_of[source])
    return LoadedModels(snapshots=tuple(snapshots), origins=tuple(origins))


def build(config: PygenConfig, snapshots: Sequence[ModelSnapshot]) -> Generation:
    """Validate ``snapshots`` with the configuration's exclusions and build the IR."""
    schema = validate(snapshots, exclude_views=config.exclude_views, exclude_spaces=config.exclude_spaces)
    ir = build_ir(
        schema, package=config.package, client_name=config.client_name, instance_space=config.instance_space
    )
    return Generation(schema=schema, ir=ir)


def lock_models(
    config: PygenConfig,
    *,
    upgrade: bool = False,
    environ: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    progress: Progress = _silent,
) -> LockOutcome:
    """Write ``pygen.lock`` and the snapshots under ``pygen-models/`` for the configured CDF models.

    Without ``upgrade``, models already locked (with intact snapshots) are kept and only new
    ones are fetched (a fresh cache entry will do). With ``upgrade``, every model is fetched
    from CDF anew, bypassing the cache. Snapshots of models no longer listed are deleted.
    """
    env = dict(os.environ if environ is None else environ)
    try:
        old = read_lock(config.lock_path)
    except LockError:
        if not upgrade:
            raise
        old = None  # a damaged lock is what --upgrade is for
    kept: dict[CdfModel, LockedModel] = {}
    if old is not None and not upgrade:
        for model in config.cdf_models:
            entry = old.find(model)
            if entry is not None:
                read_locked_snapshot(config.project_root, entry)
                kept[model] = entry
    to_fetch = [model for model in config.cdf_models if model not in kept]
    fetched: dict[CdfModel, ModelSnapshot] = {}
    if to_fetch:
        fetched, _ = _fetch(
            config, to_fetch, environ=env, transport=transport, progress=progress, use_cache=not upgrade
        )
    entries = [
        kept[model] if model in kept else write_snapshot(config.project_root, model, fetched[model])
        for model in config.cdf_models
    ]
    lock = Lock(
        generator_version=generator_version, runtime_version=_runtime_version(), models=tuple(entries)
    )
    write_lock(config.lock_path, lock)
    removed = prune_snapshots(config.project_root, old, entries)
    return LockOutcome(lock=lock, fetched=tuple(to_fetch), kept=tuple(kept), removed=tuple(removed))
