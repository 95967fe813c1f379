"""Reading TOML on every supported Python: ``tomllib`` from 3.11, the ``tomli`` backport before."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    # mypy checks this branch (it targets 3.10) but the 3.11+ dev environment has no tomli.
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

from hatch_pygen.errors import ConfigError, ConfigIssue


def read_toml(path: Path) -> dict[str, Any]:
    """Parse the TOML file at ``path``; a syntax error becomes a :class:`ConfigError` with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            [ConfigIssue(str(path), f"cannot be read ({error.strerror})")], source=path.name
        ) from None
    return parse_toml(text, source=str(path))


def parse_toml(text: str, *, source: str) -> dict[str, Any]:
    """Parse TOML text; ``source`` names it in the error message."""
    try:
        table: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([ConfigIssue(source, f"is not valid TOML ({error})")], source=source) from None
    return table
