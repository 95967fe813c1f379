"""docs/python-sdk.md, "GraphQL": its python blocks run in order against the emulator with the
test wind farm, and a text block after a block that prints is what it printed."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from graphql_testbed import ModelClient
from pygen_runtime.errors import CDFError

DOC = Path(__file__).resolve().parents[3] / "docs" / "python-sdk.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def test_the_graphql_examples_run_and_print_what_the_page_shows(client: ModelClient) -> None:
    text = DOC.read_text("utf-8")
    start = text.index("\n## GraphQL\n")
    end = text.find("\n## ", start + 1)
    namespace: dict[str, object] = {"client": client, "CDFError": CDFError}
    printed = ""
    checked = 0
    for index, (language, code) in enumerate(BLOCK.findall(text[start : end if end != -1 else len(text)])):
        if language == "python":
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                exec(compile(code, f"{DOC.name} GraphQL block {index}", "exec"), namespace)
            printed = output.getvalue()
        elif language == "text":
            assert printed.splitlines() == code.splitlines(), f"block {index}"
            printed = ""
            checked += 1
    assert checked == 2
