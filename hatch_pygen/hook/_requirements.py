"""The build requirements a particular build adds to ``build-system.requires``.

hatch-pygen's own requirements hold what every build needs. What only some builds need is asked
for here, through hatchling's ``BuildHookInterface.dependencies()``, which build frontends read
with PEP 517's ``get_requires_for_build_wheel`` and install before the build: PyYAML, when a
model file is YAML. A build from ``pygen.lock`` (or from JSON model files) asks for nothing, and
its isolated environment is smaller and quicker to make for it.

The checks are the ones the build itself makes, on the configuration alone: nothing here reads
a model or imports pydantic or jinja2. A project whose configuration does not load asks for
nothing; its build then reports the problem.
"""

from __future__ import annotations

from pathlib import Path

from hatch_pygen._optional import YAML_REQUIREMENT, reads_as_yaml
from hatch_pygen.config import FileModel, load_config
from hatch_pygen.errors import PygenError

__all__ = ["build_requirements"]


def build_requirements(root: Path, target: str) -> list[str]:
    """What a build of ``target`` (``wheel``, ``sdist``) of the project at ``root`` needs beyond hatch-pygen.

    An sdist reads no model file and fetches nothing, so it needs nothing more.

    Example::

        build_requirements(Path("."), "wheel")  # ["pyyaml>=6"] for a project with a YAML model file
    """
    if target != "wheel":
        return []
    try:
        config = load_config(root / "pyproject.toml")
    except PygenError:
        return []
    if any(isinstance(model, FileModel) and reads_as_yaml(model.path) for model in config.models):
        return [YAML_REQUIREMENT]
    return []
