"""docs/datapoints-and-files.md: its python blocks run in order against the emulator, and each
text block is what the block before it printed."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from cdf_material import SHARED_CDF

PAGE = Path(__file__).resolve().parents[3] / "docs" / "datapoints-and-files.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def test_the_pages_examples_print_what_the_page_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SHARED_CDF.parents[1])  # the page loads shared/cdf/models/CogniteCore.yaml
    namespace: dict[str, object] = {}
    printed, ran, checked = "", 0, 0
    for index, (language, code) in enumerate(BLOCK.findall(PAGE.read_text("utf-8"))):
        if language == "python":
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                exec(compile(code, f"{PAGE.name} block {index}", "exec"), namespace)
            printed = output.getvalue()
            ran += 1
        elif language == "text":
            assert printed.splitlines() == code.splitlines(), f"{PAGE.name} block {index}"
            printed = ""
            checked += 1
    assert (ran, checked) == (7, 6)
    namespace["client"].close()  # type: ignore[attr-defined]
