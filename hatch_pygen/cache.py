"""The model cache: snapshots fetched from CDF, kept so the next build need not fetch again.

It lives in the user cache folder (``PYGEN_CACHE_DIR`` overrides it), one file per model, keyed by
CDF URL, project and model identity. Entries are written atomically, so two builds filling the
cache at once never see a torn file. It holds model definitions only: no token, no secret, no
header, and URLs lose any ``user:password@`` part.

Entries older than ``PYGEN_CACHE_TTL`` seconds (default one hour) are fetched again, except when
``PYGEN_OFFLINE`` forbids the network: then any entry is better than none.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from hatch_pygen._atomic import write_text_atomically
from hatch_pygen._optional import CACHE_FOLDER_REQUIREMENT, missing_message
from hatch_pygen.config import CdfModel
from hatch_pygen.errors import SourceError

if TYPE_CHECKING:
    from hatch_pygen.sources import ModelSnapshot

__all__ = ["CACHE_DIR_ENV", "CACHE_TTL_ENV", "DEFAULT_TTL_SECONDS", "ModelCache", "default_cache_dir"]

CACHE_DIR_ENV = "PYGEN_CACHE_DIR"
CACHE_TTL_ENV = "PYGEN_CACHE_TTL"
DEFAULT_TTL_SECONDS = 3600.0
_ENTRY_FORMAT = 1


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``PYGEN_CACHE_DIR`` if set, else the platform's user cache folder for pygen."""
    env = os.environ if environ is None else environ
    override = env.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    # Imported here, although hatch-pygen requires platformdirs: with PYGEN_CACHE_DIR set it is
    # never needed, and where it is missing all the same (a build without isolation) a locked
    # build loses only the output cache's reuse, and a fetching build ends with one clear line.
    try:
        import platformdirs
    except ModuleNotFoundError as error:
        if error.name != "platformdirs":
            raise
        raise SourceError(
            missing_message(
                "finding the user cache folder for pygen's cache",
                CACHE_FOLDER_REQUIREMENT,
                f"or set {CACHE_DIR_ENV} to a folder for it",
            )
        ) from None
    return Path(platformdirs.user_cache_dir("pygen"))


def _public_url(url: str) -> str:
    """``url`` without credentials in it (``https://user:pass@host`` -> ``https://host``)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


class ModelCache:
    """Snapshots by (CDF URL, project, model), on disk under ``root``.

    Example::

        cache = ModelCache.from_environment()
        snapshot = cache.get("https://api.cognitedata.com", "my-project", CdfModel("sp", "Model", "1"))
    """

    def __init__(
        self, root: Path, *, ttl_seconds: float = DEFAULT_TTL_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self.root = root
        self.ttl_seconds = ttl_seconds
        self._clock = clock

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ModelCache:
        """The cache at :func:`default_cache_dir`, with the TTL from ``PYGEN_CACHE_TTL``."""
        env = os.environ if environ is None else environ
        raw_ttl = env.get(CACHE_TTL_ENV)
        ttl = DEFAULT_TTL_SECONDS
        if raw_ttl:
            try:
                ttl = float(raw_ttl)
            except ValueError:
                raise SourceError(
                    f"{CACHE_TTL_ENV}={raw_ttl!r} is not a number of seconds; e.g. {CACHE_TTL_ENV}=3600"
                ) from None
        return cls(default_cache_dir(env), ttl_seconds=ttl)

    def path_for(self, url: str, project: str, model: CdfModel) -> Path:
        """The file that holds (or would hold) this model's entry."""
        target = f"{_public_url(url)}\n{project}".encode()
        folder = hashlib.sha256(target).hexdigest()[:16]
        return self.root / "models" / folder / model.space / model.external_id / f"{model.version}.json"

    def get(self, url: str, project: str, model: CdfModel, *, any_age: bool = False) -> ModelSnapshot | None:
        """The cached snapshot, or None when there is none, it is too old, or it cannot be read.

        ``any_age`` accepts an entry however old (for offline builds).
        """
        from hatch_pygen.sources import ModelSnapshot

        path = self.path_for(url, project, model)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            fetched_at = float(entry["fetchedAt"])
            snapshot = ModelSnapshot.from_json_dict(entry["snapshot"], origin=str(path))
        except (OSError, ValueError, KeyError, TypeError, SourceError):
            # A missing, foreign or damaged entry is a cache miss; the next fetch rewrites it.
            return None
        found = snapshot.model_id
        if (found.space, found.external_id, found.version) != (model.space, model.external_id, model.version):
            return None
        if not any_age and self._clock() - fetched_at > self.ttl_seconds:
            return None
        return snapshot

    def put(self, url: str, project: str, model: CdfModel, snapshot: ModelSnapshot) -> Path:
        """Store ``snapshot`` for this model, atomically; returns the entry's path."""
        path = self.path_for(url, project, model)
        entry = {
            "format": _ENTRY_FORMAT,
            "url": _public_url(url),
            "project": project,
            "model": {"space": model.space, "externalId": model.external_id, "version": model.version},
            "fetchedAt": self._clock(),
            "snapshot": snapshot.to_json_dict(),
        }
        write_text_atomically(path, json.dumps(entry, sort_keys=True, indent=1) + "\n")
        return path
