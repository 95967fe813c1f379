"""The provenance file a built SDK carries: what generated it, from which models.

It answers "where did this wheel come from?" without the build log: the generator and its
version, the target language, the runtime range the code declares, the CDF project, and each
model's identity and snapshot digest (the digest ``pygen.lock`` records). It holds nothing that
changes between two builds of the same input (no time, no path, no host, no port) and never a
credential, so two builds stay byte-identical and the file is safe to publish.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hatch_pygen._version import __version__
from hatch_pygen.config import EnvReference, FileModel, PygenConfig

if TYPE_CHECKING:
    # Only a type here: the output cache reads cdf_project() without importing the generator.
    from hatch_pygen.pipeline import LoadedModels

__all__ = ["PROVENANCE_FILE", "PROVENANCE_VERSION", "cdf_project", "provenance", "provenance_text"]

PROVENANCE_FILE = "pygen-provenance.json"
PROVENANCE_VERSION = 1
ENV_PROJECT = "CDF_PROJECT"  # the runtime's variable, read when the table names no project
# Where a model came from, as the provenance tells it: a cache hit and a fetch are the same CDF
# answer, so they read the same and two unlocked builds do not differ for that reason alone.
_ORIGIN_LABELS = {"lock": "pygen.lock", "cache": "cdf", "cdf": "cdf", "file": "file"}


def cdf_project(config: PygenConfig, environ: Mapping[str, str]) -> str | None:
    """The CDF project the models belong to: the table's value, else ``CDF_PROJECT``; None if unknown."""
    if not config.cdf_models:
        return None
    setting = config.cdf.project
    if isinstance(setting, EnvReference):
        return environ.get(setting.name) or None
    return setting or environ.get(ENV_PROJECT) or None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name  # outside the project: the name alone, no machine-specific path


def provenance(
    config: PygenConfig,
    loaded: LoadedModels,
    *,
    language: str,
    runtime_requirement: str | None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The provenance document of an SDK generated from ``loaded`` with ``config``.

    Example::

        document = provenance(config, load_models(config), language="python",
                              runtime_requirement="pygen-runtime>=0.1,<0.2")
    """
    env = os.environ if environ is None else environ
    models = [
        {
            "space": snapshot.model_id.space,
            "external-id": snapshot.model_id.external_id,
            "version": snapshot.model_id.version,
            "digest": snapshot.digest(),
            "from": _ORIGIN_LABELS.get(origin, origin),
        }
        for snapshot, origin in zip(loaded.snapshots, loaded.origins, strict=True)
    ]
    files = [
        _relative(model.path, config.project_root) for model in config.models if isinstance(model, FileModel)
    ]
    return {
        "provenance-version": PROVENANCE_VERSION,
        "generator": {"name": "hatch-pygen", "version": __version__},
        "language": language,
        "package": config.package,
        "runtime-requirement": runtime_requirement,
        "cdf-project": cdf_project(config, env),
        "models": models,
        "model-files": files,
    }


def provenance_text(document: Mapping[str, Any]) -> str:
    """The document as stable JSON text: sorted keys, two-space indent, final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
