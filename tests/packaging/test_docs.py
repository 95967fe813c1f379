"""The build docs show what the code does: their examples are checked against real builds."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hatch_pygen.config._toml import parse_toml

REPOSITORY = Path(__file__).resolve().parents[2]
DOCS = REPOSITORY / "docs"
EXAMPLE = REPOSITORY / "example-project"


def code_blocks(page: str, language: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_the_quickstart_pyproject_is_the_example_projects() -> None:
    shown = parse_toml(code_blocks("quickstart.md", "toml")[0], source="quickstart.md")
    example = parse_toml((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"), source="pyproject.toml")
    example["project"].pop("description")
    assert shown == example


def test_every_toml_example_of_the_build_hook_page_parses() -> None:
    blocks = code_blocks("build-hook.md", "toml")
    assert blocks
    for block in blocks:
        assert "pygen" in parse_toml(block, source="build-hook.md")["tool"]


def test_the_provenance_and_progress_shown_are_what_the_example_projects_build_gives(
    tmp_path: Path, hatchling_build: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "example"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("build", "dist"))
    wheel = hatchling_build(project)
    with zipfile.ZipFile(wheel) as archive:
        built: dict[str, Any] = json.loads(archive.read("windturbine_sdk/pygen-provenance.json"))
    [shown] = [json.loads(block) for block in code_blocks("build-hook.md", "json")]
    assert shown == built
    [progress] = code_blocks("quickstart.md", "text")
    assert progress.strip() in capsys.readouterr().err.splitlines()
