"""From the IR to files on disk: the renderer for a language, and the package folder it fills."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from hatch_pygen.errors import PygenError
from hatch_pygen.ir import IR
from hatch_pygen.sdk import GENERATED_MARKER, find_renderer, render_ir_json, write_sdk


def test_the_ir_json_target_writes_the_ir_into_the_package_folder() -> None:
    ir = IR(package="acme.wind_sdk")
    assert find_renderer("ir-json")(ir) == {"acme/wind_sdk/ir.json": ir.to_json()}
    with pytest.raises(PygenError, match="no package name"):
        render_ir_json(IR())


def test_other_languages_come_from_hatch_pygen_render(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[IR, str]] = []

    def render(ir: IR, *, language: str) -> dict[str, str]:
        calls.append((ir, language))
        return {"pkg/__init__.py": ""}

    # Stands in for the renderer package of a later issue, to pin the contract it must meet.
    module: Any = types.ModuleType("hatch_pygen.render")
    module.render = render
    monkeypatch.setitem(sys.modules, "hatch_pygen.render", module)
    ir = IR(package="pkg")
    assert find_renderer("typescript")(ir) == {"pkg/__init__.py": ""}
    assert calls == [(ir, "typescript")]


def test_without_hatch_pygen_render_the_error_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes the import fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "hatch_pygen.render", None)
    with pytest.raises(PygenError, match="has no renderer for 'python' yet"):
        find_renderer("python")
    with pytest.raises(PygenError, match="use --language ir-json to write the IR"):
        find_renderer("typescript")


def test_files_outside_the_package_folder_are_refused(tmp_path: Path) -> None:
    for name in ("other/x.py", "pkg/../../escape.py", "/abs/pkg/x.py"):
        with pytest.raises(PygenError, match="outside the package folder pkg/"):
            write_sdk({name: ""}, tmp_path, "pkg")
    assert list(tmp_path.iterdir()) == []


def test_a_dotted_package_is_written_as_nested_folders(tmp_path: Path) -> None:
    folder = write_sdk({"acme/wind/__init__.py": "x = 1\n"}, tmp_path, "acme.wind")
    assert folder == tmp_path / "acme" / "wind"
    assert (folder / "__init__.py").read_text() == "x = 1\n"
    assert (folder / GENERATED_MARKER).is_file()
    assert sorted(p.name for p in (tmp_path / "acme").iterdir()) == ["wind"]


def test_a_file_where_the_folder_should_be_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "pkg").write_text("mine")
    with pytest.raises(PygenError, match="was not written by pygen"):
        write_sdk({"pkg/a.py": ""}, tmp_path, "pkg")
    assert (tmp_path / "pkg").read_text() == "mine"
