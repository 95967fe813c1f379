"""docs/service.md shows what the service does: its curl examples run against ``pygen serve``.

Each ``bash`` block runs (with ``set -euo pipefail``) against the session's live service, in a
folder holding ``models/WindTurbine.yaml``; where a ``json`` block follows, it is the output,
with ``"..."`` standing for any value (as a dict key: any further keys; as a list's last item:
any further items).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from shared_cdf import model_file
from typer.testing import CliRunner

from hatch_pygen.cli import app

PAGE = Path(__file__).resolve().parents[2] / "docs" / "service.md"
DOCUMENTED_URL = "http://127.0.0.1:8000"
ANY = "..."
_BLOCK = re.compile(r"```(\w+)\n(.*?)```", flags=re.DOTALL)


def examples() -> list[tuple[str, str | None]]:
    """Each bash block of the page, with the json block right after it, if any."""
    blocks = _BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    found = []
    for index, (language, text) in enumerate(blocks):
        if language == "bash":
            following = blocks[index + 1] if index + 1 < len(blocks) else ("", "")
            found.append((text, following[1] if following[0] == "json" else None))
    return found


def matches(shown: Any, actual: Any) -> bool:
    """Whether ``actual`` is what the page shows, ``"..."`` standing for what it leaves out."""
    if shown == ANY:
        return True
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return False
        keys = set(shown) - {ANY}
        if ANY in shown and not keys <= set(actual):
            return False
        if ANY not in shown and keys != set(actual):
            return False
        return all(matches(shown[key], actual[key]) for key in keys)
    if isinstance(shown, list):
        if not isinstance(actual, list):
            return False
        if shown and shown[-1] == ANY:
            return len(actual) >= len(shown) - 1 and all(map(matches, shown[:-1], actual))
        return len(shown) == len(actual) and all(map(matches, shown, actual))
    return bool(shown == actual)


def test_the_matcher_can_tell_a_difference() -> None:
    assert matches({"a": ANY, ANY: ANY}, {"a": 1, "b": 2})
    assert not matches({"a": ANY}, {"a": 1, "b": 2})
    assert not matches({"a": 1}, {"a": 2})
    assert matches([1, ANY], [1, 2, 3])
    assert not matches([1, 2], [1, 2, 3])


def test_the_page_has_examples_with_outputs() -> None:
    found = examples()
    assert len(found) >= 7
    assert sum(output is not None for _, output in found) >= 5


@pytest.mark.parametrize(("index", "example"), list(enumerate(examples())))
def test_each_example_runs_and_prints_what_the_page_shows(
    index: int, example: tuple[str, str | None], service_url: str, tmp_path: Path
) -> None:
    script, output = example
    (tmp_path / "models").mkdir()
    shutil.copy(model_file("WindTurbine"), tmp_path / "models" / "WindTurbine.yaml")
    environ = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    done = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script.replace(DOCUMENTED_URL, service_url)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=environ,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    if output is not None:
        assert matches(json.loads(output), json.loads(done.stdout)), done.stdout
    for archive in tmp_path.glob("*.zip"):
        with zipfile.ZipFile(archive) as opened:
            assert "wind_sdk/__init__.py" in opened.namelist()
    for wheel in tmp_path.glob("*.whl"):
        assert wheel.name == "wind_sdk-1.0.0-py3-none-any.whl"
    if (tmp_path / "src").exists():
        assert (tmp_path / "src" / "wind_sdk" / "__init__.py").is_file()


def test_the_options_the_page_shows_are_the_commands() -> None:
    help_text = CliRunner().invoke(app, ["serve", "--help"]).stdout
    text = PAGE.read_text(encoding="utf-8")
    shown = set(re.findall(r"`(--[a-z-]+)", text)) | set(re.findall(r"pygen serve[^\n]*?(--[a-z-]+)", text))
    serve_options = {
        option for option in shown if option not in ("--data-binary", "--data", "--factory", "--workers")
    }
    assert serve_options == {"--host", "--port", "--max-body-bytes", "--max-concurrent-jobs"}
    for option in serve_options:
        assert option in help_text
