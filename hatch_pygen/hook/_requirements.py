"""The build requirements a particular build adds to ``build-system.requires``.

hatch-pygen's own requirements hold what every build needs: hatchling, platformdirs (pygen's
cache folder) and packaging. What only some builds need is asked for here, through hatchling's
``BuildHookInterface.dependencies()``, which build frontends read with PEP 517's
``get_requires_for_build_wheel`` and install before the build:

- the generator's libraries (hatch-pygen's ``generate`` extra: pydantic, jinja2, httpx,
  pygen-runtime) and pygen-runtime as the project pins it, when the wheel's SDK is not in the
  generated-output cache, and for an sdist (which checks the renderer and the runtime range);
- PyYAML, when a wheel that is generated reads a YAML model file.

So a warm build from ``pygen.lock`` asks for nothing: its isolated environment holds hatchling
and hatch-pygen alone, and pip makes (and byte-compiles) it in a fraction of the time the
generator's libraries take.

The checks are the ones the build itself makes, on the configuration alone: nothing here reads
a model or imports pydantic or jinja2. A project whose configuration does not load asks for
nothing; its build then reports the problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from hatch_pygen._optional import YAML_REQUIREMENT, generator_requirements, reads_as_yaml
from hatch_pygen.config import FileModel, load_config
from hatch_pygen.errors import PygenError
from hatch_pygen.hook._output_cache import output_key, read_output, runtime_pins

__all__ = ["build_requirements"]


def build_requirements(
    root: Path,
    target: str,
    *,
    language: str,
    dependencies: Sequence[str],
    environ: Mapping[str, str],
) -> list[str]:
    """What a build of ``target`` (``wheel``, ``sdist``) of the project at ``root`` needs beyond hatch-pygen.

    ``language`` is the hook's option, ``dependencies`` the project's ``[project].dependencies``
    (both are part of the output cache's key).

    Example::

        build_requirements(Path("."), "wheel", language="python", dependencies=[...], environ=os.environ)
        # [] when the SDK is in pygen's cache; else ["httpx>=0.27", "jinja2>=3.1", ...]
    """
    if target not in ("wheel", "sdist"):
        return []
    try:
        config = load_config(root / "pyproject.toml")
    except PygenError:
        return []
    # The runtime as the project pins it: the code declares the range of the runtime it is
    # generated with, so a build environment holding another MAJOR.MINOR than the project's
    # would generate code the project's own pin does not fit.
    generator = [*generator_requirements(), *(runtime_pins(dependencies) or [])]
    if target == "sdist":
        return generator
    key = output_key(config, language, environ, dependencies)
    package = config.package
    if key is not None and package is not None and read_output(key, package, environ) is not None:
        return []
    needed = list(generator)
    if any(isinstance(model, FileModel) and reads_as_yaml(model.path) for model in config.models):
        needed.append(YAML_REQUIREMENT)
    return needed
