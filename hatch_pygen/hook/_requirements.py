"""The build requirements a particular build adds to ``build-system.requires``.

hatch-pygen's own requirements hold what every build needs. What only some builds need is asked
for here, through hatchling's ``BuildHookInterface.dependencies()``, which build frontends read
with PEP 517's ``get_requires_for_build_wheel`` and install before the build: PyYAML when a model
file is YAML, platformdirs when the models come from CDF (no ``pygen.lock``) and pygen's cache
has no ``PYGEN_CACHE_DIR`` to go to. A build from ``pygen.lock`` gets neither, and its isolated
environment is smaller and quicker to make for it.

The checks are the ones the build itself makes, on the configuration alone: nothing here reads
a model or imports pydantic or jinja2. A project whose configuration does not load asks for
nothing; its build then reports the problem.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from hatch_pygen._optional import CACHE_FOLDER_REQUIREMENT, YAML_REQUIREMENT, reads_as_yaml
from hatch_pygen.cache import CACHE_DIR_ENV
from hatch_pygen.config import FileModel, load_config
from hatch_pygen.errors import PygenError

__all__ = ["build_requirements"]


def build_requirements(root: Path, target: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """What a build of ``target`` (``wheel``, ``sdist``) of the project at ``root`` needs beyond hatch-pygen.

    An sdist reads no model file and fetches nothing, so it needs nothing more.

    Example::

        build_requirements(Path("."), "wheel")  # ["pyyaml>=6"] for a project with a YAML model file
    """
    if target != "wheel":
        return []
    env = os.environ if environ is None else environ
    try:
        config = load_config(root / "pyproject.toml")
    except PygenError:
        return []
    requirements = []
    if any(isinstance(model, FileModel) and reads_as_yaml(model.path) for model in config.models):
        requirements.append(YAML_REQUIREMENT)
    fetches = bool(config.cdf_models) and not config.lock_path.exists()
    if fetches and not env.get(CACHE_DIR_ENV):
        requirements.append(CACHE_FOLDER_REQUIREMENT)
    return requirements
