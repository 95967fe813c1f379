"""``[tool.pygen]``: the configuration of an SDK project, parsed and checked as a whole.

``load_config()`` finds and reads ``pyproject.toml``; ``parse_config()`` checks a table you
already hold. Both raise :class:`~hatch_pygen.errors.ConfigError` with every problem at once.
"""

from hatch_pygen.config._model import (
    GENERATED_MARKER,
    LOCK_FILE_NAME,
    SNAPSHOT_DIR_NAME,
    CdfModel,
    CdfSettings,
    ConfigNote,
    EnvReference,
    FileModel,
    ModelSource,
    PygenConfig,
    ViewSelector,
)
from hatch_pygen.config._parse import parse_config
from hatch_pygen.config._pyproject import find_pyproject, load_config

__all__ = [
    "GENERATED_MARKER",
    "LOCK_FILE_NAME",
    "SNAPSHOT_DIR_NAME",
    "CdfModel",
    "CdfSettings",
    "ConfigNote",
    "EnvReference",
    "FileModel",
    "ModelSource",
    "PygenConfig",
    "ViewSelector",
    "find_pyproject",
    "load_config",
    "parse_config",
]
