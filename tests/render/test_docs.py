"""docs/python-sdk.md, "A tour of a generated SDK": its excerpts are in the golden WindTurbine SDK,
and its python blocks run (in order, against the emulator on loopback) and print what the page
shows."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from golden_sdks import case_dir, import_sdk
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator
from shared_cdf import model_file

from pygen_runtime import CDFClient, ClientConfig, Token

DOC = Path(__file__).resolve().parents[2] / "docs" / "python-sdk.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
EXCERPT = re.compile(r"# (wind_turbine_sdk/\S+\.py)\n")


def _tour() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("\n## A tour of a generated SDK\n")
    end = text.find("\n## ", start + 1)
    return BLOCK.findall(text[start : end if end != -1 else len(text)])


@pytest.fixture
def golden_wind_turbine() -> None:
    import_sdk("WindTurbine")


def test_the_excerpts_are_what_the_renderer_writes() -> None:
    excerpts = [code for language, code in _tour() if language == "python" and EXCERPT.match(code)]
    assert len(excerpts) == 2
    for code in excerpts:
        found = EXCERPT.match(code)
        assert found is not None
        generated = (case_dir("WindTurbine") / found.group(1)).read_text(encoding="utf-8")
        assert code[found.end() :] in generated


@pytest.mark.usefixtures("golden_wind_turbine")
def test_the_examples_run_and_print_what_the_page_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    emulator = Emulator(project="docs")
    emulator.load_model(model_file("WindTurbine"))
    with emulator.serve() as server:
        config = ClientConfig(base_url=server.url, project=emulator.project, credentials=Token("t"))
        with CDFClient(config) as cdf:
            cdf.spaces.apply(Space(space="wind_instances"))
        for name, value in {"CDF_URL": server.url, "CDF_PROJECT": emulator.project, "CDF_TOKEN": "t"}.items():
            monkeypatch.setenv(name, value)
        namespace: dict[str, object] = {"__name__": "python_sdk_tour"}
        printed = ""
        checked = 0
        for index, (language, code) in enumerate(_tour()):
            if language == "python" and not EXCERPT.match(code):
                output = io.StringIO()
                with contextlib.redirect_stdout(output):
                    exec(compile(code, f"{DOC.name} tour block {index}", "exec"), namespace)
                printed = output.getvalue()
            elif language == "text" and printed:
                assert printed.splitlines() == code.splitlines(), f"block {index}"
                printed = ""
                checked += 1
        namespace["client"].close()  # type: ignore[attr-defined]
    assert checked == 3
