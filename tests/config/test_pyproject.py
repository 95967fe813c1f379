"""Finding pyproject.toml and reading [tool.pygen] from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hatch_pygen.config import CdfModel, find_pyproject, load_config
from hatch_pygen.errors import ConfigError

PYPROJECT = """
[project]
name = "demo"

[tool.pygen]
package = "demo_sdk"
models = [{ space = "power", external-id = "WindTurbine", version = "1" }]
"""


def test_the_nearest_pyproject_is_found_from_a_subfolder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    nested = tmp_path / "src" / "pkg"
    nested.mkdir(parents=True)
    assert find_pyproject(nested) == tmp_path / "pyproject.toml"
    monkeypatch.chdir(nested)
    config = load_config()
    assert config.project_root == tmp_path
    assert config.models == (CdfModel("power", "WindTurbine", "1"),)


def test_no_pyproject_anywhere_is_a_clear_error(tmp_path: Path) -> None:
    # The filesystem root may hold a pyproject.toml on some machines; a missing one is what we test.
    if any((folder / "pyproject.toml").exists() for folder in tmp_path.parents):
        pytest.fail("a parent of the temporary folder holds a pyproject.toml; this test needs a clean tree")
    with pytest.raises(ConfigError, match=r"no pyproject\.toml here or in a parent folder"):
        find_pyproject(tmp_path)


def test_a_pyproject_without_the_table_says_what_to_add(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"tool.pygen: missing from .*add a \[tool.pygen\] table"):
        load_config(tmp_path / "pyproject.toml")


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.pygen\n")
    with pytest.raises(ConfigError, match=r"is not valid TOML \(.*line 1"):
        load_config(tmp_path / "pyproject.toml")


def test_an_unreadable_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "nope" / "pyproject.toml")
