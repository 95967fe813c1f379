"""Finding the project's ``pyproject.toml`` and reading its ``[tool.pygen]`` table."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hatch_pygen.config._legacy import V1_TOP_LEVEL_KEYS
from hatch_pygen.config._model import PygenConfig
from hatch_pygen.config._parse import parse_config
from hatch_pygen.config._toml import read_toml
from hatch_pygen.errors import ConfigError, ConfigIssue

PYPROJECT = "pyproject.toml"


def find_pyproject(start: Path | None = None) -> Path:
    """The nearest ``pyproject.toml`` in ``start`` (default: the current folder) or a parent folder."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PYPROJECT
        if candidate.is_file():
            return candidate
    raise ConfigError(
        [ConfigIssue(str(here), f"no {PYPROJECT} here or in a parent folder; run pygen inside your project")],
        source=PYPROJECT,
    )


def load_config(pyproject: Path | None = None, overrides: Mapping[str, Any] | None = None) -> PygenConfig:
    """Read and check ``[tool.pygen]`` from ``pyproject`` (default: the nearest ``pyproject.toml``).

    ``overrides`` (current key spelling, e.g. ``{"package": "x"}``) replace the table's values,
    whichever spelling the table uses, before the table is checked. Raises
    :class:`~hatch_pygen.errors.ConfigError` listing every problem in the table.

    Example::

        config = load_config(Path("pyproject.toml"))
        print([str(model) for model in config.models])
    """
    path = find_pyproject() if pyproject is None else pyproject.resolve()
    document = read_toml(path)
    tool = document.get("tool")
    table = tool.get("pygen") if isinstance(tool, dict) else None
    if table is None:
        raise ConfigError(
            [
                ConfigIssue(
                    "tool.pygen",
                    f"missing from {path}; add a [tool.pygen] table (see docs/configuration.md)",
                )
            ],
            source=path.name,
        )
    if overrides:
        replaced = {v1 for v1, new in V1_TOP_LEVEL_KEYS.items() if new in overrides}
        table = {key: value for key, value in table.items() if key not in replaced} | dict(overrides)
    return parse_config(table, project_root=path.parent, source=str(path))
