"""``pygen.lock``: which model snapshots a project generates from, and their digests.

The user commits the lock and the snapshots under ``pygen-models/``. With a lock, generation
reads those snapshots and never calls CDF; a snapshot whose digest does not match stops the run
with the way out. The digest is taken over the normalised snapshot JSON, so a checkout that
changes line endings does not break it.

The file is TOML::

    lock-version = 1
    generator-version = "0.1.0"
    runtime-version = "0.1.0"

    [[models]]
    space = "power"
    external-id = "WindTurbine"
    version = "1"
    digest = "sha256:..."
    snapshot = "pygen-models/power.WindTurbine.1.json"
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from hatch_pygen._atomic import write_text_atomically
from hatch_pygen._optional import LOCK_WRITER_REQUIREMENT, missing_message
from hatch_pygen.config import SNAPSHOT_DIR_NAME, CdfModel
from hatch_pygen.config._toml import parse_toml
from hatch_pygen.errors import ConfigError, LockError, SourceError

if TYPE_CHECKING:
    # Imported where snapshots are read or written: reading the lock alone (the build hook's
    # output cache does) then costs no pydantic.
    from hatch_pygen.sources import ModelSnapshot

__all__ = [
    "LOCK_VERSION",
    "Lock",
    "LockedModel",
    "prune_snapshots",
    "read_lock",
    "read_locked_snapshot",
    "snapshot_path_for",
    "write_lock",
    "write_snapshot",
]

LOCK_VERSION = 1
_HEADER = (
    "# Written by `pygen lock`. Commit it with the pygen-models/ folder; builds then never call CDF.\n"
    "# Refresh with `pygen lock --upgrade`. Do not edit by hand.\n"
)
_REFRESH = "run `pygen lock --upgrade` to fetch it anew, or restore it from version control"
_REGENERATE = "delete it and run `pygen lock` to write it again"


@dataclass(frozen=True)
class LockedModel:
    """One locked model: its identity, the digest of its snapshot, and where the snapshot is."""

    space: str
    external_id: str
    version: str
    digest: str
    snapshot: str

    @property
    def model(self) -> CdfModel:
        """The model this entry locks."""
        return CdfModel(self.space, self.external_id, self.version)


@dataclass(frozen=True)
class Lock:
    """The whole lock file."""

    generator_version: str
    runtime_version: str
    models: tuple[LockedModel, ...]

    def find(self, model: CdfModel) -> LockedModel | None:
        """The entry for ``model``, or None."""
        return next((entry for entry in self.models if entry.model == model), None)

    def dumps(self) -> str:
        """The lock as TOML text, models in the order given."""
        # Imported here: builds read the lock and never write it, so they need no tomli-w.
        try:
            import tomli_w
        except ModuleNotFoundError as error:
            if error.name != "tomli_w":
                raise
            raise LockError(
                missing_message(
                    "writing pygen.lock", LOCK_WRITER_REQUIREMENT, "or: pip install 'hatch-pygen[cli]'"
                )
            ) from None
        document: dict[str, Any] = {
            "lock-version": LOCK_VERSION,
            "generator-version": self.generator_version,
            "runtime-version": self.runtime_version,
            "models": [
                {
                    "space": entry.space,
                    "external-id": entry.external_id,
                    "version": entry.version,
                    "digest": entry.digest,
                    "snapshot": entry.snapshot,
                }
                for entry in self.models
            ],
        }
        return _HEADER + tomli_w.dumps(document)

    @classmethod
    def loads(cls, text: str, *, source: str = "pygen.lock") -> Lock:
        """Read lock TOML; anything malformed is a :class:`LockError` naming what and where."""
        try:
            document = parse_toml(text, source=source)
        except ConfigError as error:
            raise LockError(f"{error.issues[0]}; {_REGENERATE}") from None
        if document.get("lock-version") != LOCK_VERSION:
            raise LockError(
                f"{source}: lock-version {document.get('lock-version')!r} is not one this pygen reads "
                f"({LOCK_VERSION}); {_REGENERATE}"
            )
        entries = document.get("models", [])
        if not isinstance(entries, list):
            raise LockError(f"{source}: models must be an array of tables; {_REGENERATE}")
        models = []
        for index, entry in enumerate(entries):
            try:
                values = [entry[key] for key in ("space", "external-id", "version", "digest", "snapshot")]
            except (KeyError, TypeError):
                raise LockError(f"{source}: models[{index}] is incomplete; {_REGENERATE}") from None
            if not all(isinstance(value, str) for value in values):
                raise LockError(
                    f"{source}: models[{index}] holds a value that is not a string; {_REGENERATE}"
                )
            models.append(LockedModel(*values))
        return cls(
            generator_version=str(document.get("generator-version", "")),
            runtime_version=str(document.get("runtime-version", "")),
            models=tuple(models),
        )


def read_lock(path: Path) -> Lock | None:
    """The lock at ``path``, or None when the project has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise LockError(f"{path}: cannot be read ({error.strerror})") from None
    return Lock.loads(text, source=str(path))


def write_lock(path: Path, lock: Lock) -> None:
    """Write the lock atomically."""
    write_text_atomically(path, lock.dumps())


def snapshot_path_for(model: CdfModel) -> str:
    """Where a model's snapshot goes, relative to the project: ``pygen-models/<space>.<id>.<version>.json``.

    Spaces and external ids hold no dots, so the name is unambiguous.
    """
    return str(PurePosixPath(SNAPSHOT_DIR_NAME) / f"{model.space}.{model.external_id}.{model.version}.json")


def write_snapshot(project_root: Path, model: CdfModel, snapshot: ModelSnapshot) -> LockedModel:
    """Write a model's snapshot into the project and return its lock entry."""
    relative = snapshot_path_for(model)
    write_text_atomically(project_root / relative, snapshot.to_json_text())
    return LockedModel(model.space, model.external_id, model.version, snapshot.digest(), relative)


def read_locked_snapshot(project_root: Path, entry: LockedModel) -> ModelSnapshot:
    """The snapshot a lock entry names, after checking its digest and identity."""
    from hatch_pygen.sources import ModelSnapshot

    path = project_root / entry.snapshot
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LockError(
            f"{entry.snapshot}, named in pygen.lock for {entry.model}, is missing; {_REFRESH}"
        ) from None
    except (OSError, ValueError) as error:
        raise LockError(f"{entry.snapshot} cannot be read ({error}); {_REFRESH}") from None
    try:
        snapshot = ModelSnapshot.from_json_dict(data, origin=entry.snapshot)
    except SourceError as error:
        raise LockError(f"{error}; {_REFRESH}") from None
    found = snapshot.model_id
    if (found.space, found.external_id, found.version) != (entry.space, entry.external_id, entry.version):
        held = f"{found.space}:{found.external_id}/{found.version}"
        raise LockError(f"{entry.snapshot} holds {held}, not {entry.model} as pygen.lock says; {_REFRESH}")
    digest = snapshot.digest()
    if digest != entry.digest:
        raise LockError(
            f"{entry.snapshot} does not match its digest in pygen.lock (it was edited or is damaged: "
            f"expected {entry.digest}, found {digest}); {_REFRESH}"
        )
    return snapshot


def prune_snapshots(project_root: Path, old: Lock | None, kept: Sequence[LockedModel]) -> list[str]:
    """Delete snapshots the previous lock named and the new one does not; returns their paths."""
    if old is None:
        return []
    keep = {entry.snapshot for entry in kept}
    removed = []
    for entry in old.models:
        if entry.snapshot not in keep and PurePosixPath(entry.snapshot).parts[:1] == (SNAPSHOT_DIR_NAME,):
            (project_root / entry.snapshot).unlink(missing_ok=True)
            removed.append(entry.snapshot)
    return removed
