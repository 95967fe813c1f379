"""A throwaway SDK project folder (pyproject.toml with [tool.pygen]) for CLI tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli_w


def write_project(root: Path, table: dict[str, Any]) -> Path:
    """Write ``root/pyproject.toml`` with ``table`` as ``[tool.pygen]``; returns the file."""
    root.mkdir(parents=True, exist_ok=True)
    document = {"project": {"name": "demo-sdk", "version": "0.1.0"}, "tool": {"pygen": table}}
    path = root / "pyproject.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path
