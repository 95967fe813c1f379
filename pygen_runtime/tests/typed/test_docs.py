"""docs/python-sdk.md runs: the python blocks of "The generic API", in order, against the emulator
on loopback (``from_env`` reads its address), and a text block after a block that prints is what
it printed."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator
from typed_testbed import INSTANCE_SPACE, WIND_TURBINE_MODEL

from pygen_runtime import CDFClient, ClientConfig, Token

DOC = Path(__file__).resolve().parents[3] / "docs" / "python-sdk.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_the_generic_api_examples_run_and_print_what_the_page_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    emulator = Emulator(project="docs")
    emulator.load_model(WIND_TURBINE_MODEL)
    with emulator.serve() as server:
        config = ClientConfig(base_url=server.url, project=emulator.project, credentials=Token("t"))
        with CDFClient(config) as cdf:
            cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        for name, value in {"CDF_URL": server.url, "CDF_PROJECT": emulator.project, "CDF_TOKEN": "t"}.items():
            monkeypatch.setenv(name, value)
        namespace: dict[str, object] = {"__name__": "python_sdk_doc"}
        printed = ""
        checked = 0
        for index, (language, code) in enumerate(
            BLOCK.findall(section(DOC.read_text("utf-8"), "The generic API"))
        ):
            if language == "python":
                output = io.StringIO()
                with contextlib.redirect_stdout(output):
                    exec(compile(code, f"{DOC.name} block {index}", "exec"), namespace)
                printed = output.getvalue()
            elif language == "text" and printed:
                assert printed.splitlines() == code.splitlines(), f"block {index}"
                printed = ""
                checked += 1
        namespace["client"].close()  # type: ignore[attr-defined]

    assert checked == 1
