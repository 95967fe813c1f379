"""docs/query-builder.md runs: its python blocks in order, in one namespace, against the emulator;
a text block right after a block that prints is what it printed (up to a line of "...")."""

from __future__ import annotations

import contextlib
import io
import re
import sys
import types
from pathlib import Path

import pytest
from cdf_material import SHARED_CDF

DOC = Path(__file__).resolve().parents[3] / "docs" / "query-builder.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def test_every_example_runs_and_prints_what_the_page_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SHARED_CDF / "models")
    # The examples run as a module of their own, as a user's script does (pydantic resolves the
    # annotations of classes defined there through it).
    module = types.ModuleType("query_builder_doc")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace = module.__dict__
    printed = ""
    checked = 0
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    for index, (language, code) in enumerate(blocks):
        if language == "python" and index == 0:
            continue  # the overview, repeated with its setup further down
        if language == "python":
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                exec(compile(code, f"{DOC.name} block {index}", "exec"), namespace)
            printed = output.getvalue()
        elif language == "text" and printed:
            shown = code.splitlines()
            if "..." in [line.strip() for line in shown]:
                shown = shown[: [line.strip() for line in shown].index("...")]
            assert printed.splitlines()[: len(shown)] == shown, f"block {index}"
            printed = ""
            checked += 1
    assert checked == 2
    namespace["client"].close()
