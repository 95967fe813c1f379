"""The "GraphQL" sections of docs/python-sdk.md (against the emulator with the test wind farm) and
docs/emulator.md: their python blocks run in order, and a text block after a block that prints is
what it printed."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from cdf_material import SHARED_CDF
from graphql_testbed import ModelClient
from pygen_runtime.errors import CDFError

DOC = Path(__file__).resolve().parents[3] / "docs" / "python-sdk.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def run_section(page: Path, heading: str, namespace: dict[str, object]) -> int:
    """Run the python blocks of ``heading`` in ``page`` in order; check that each text block is
    what the block before it printed. Returns how many text blocks were checked."""
    text = page.read_text("utf-8")
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    printed = ""
    checked = 0
    for index, (language, code) in enumerate(BLOCK.findall(text[start : end if end != -1 else len(text)])):
        if language == "python":
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                exec(compile(code, f"{page.name} {heading} block {index}", "exec"), namespace)
            printed = output.getvalue()
        elif language == "text":
            assert printed.splitlines() == code.splitlines(), f"{page.name} block {index}"
            printed = ""
            checked += 1
    return checked


def test_the_sdk_pages_graphql_examples_print_what_the_page_shows(client: ModelClient) -> None:
    assert run_section(DOC, "GraphQL", {"client": client, "CDFError": CDFError}) == 2


def test_the_emulator_pages_graphql_example_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = DOC.parent / "emulator.md"
    monkeypatch.chdir(SHARED_CDF.parents[1])  # the example loads shared/cdf/models/...
    assert run_section(page, "GraphQL", {}) == 1
