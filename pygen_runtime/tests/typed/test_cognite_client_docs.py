"""The documented ways to build clients from a cognite-sdk ``CogniteClient`` run as shown: the
"Client" part of docs/python-sdk.md (with the reference SDK standing in for ``wind_turbine_sdk``)
and "From a cognite-sdk ``CogniteClient``" of docs/runtime-client.md, each with a real
``CogniteClient`` signed in through the emulator's token endpoint on loopback, and printing what
the page shows."""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

import pytest
import reference_sdk
from cognite.client import ClientConfig as CogniteConfig
from cognite.client import CogniteClient
from cognite.client.credentials import OAuthClientCredentials as CogniteOAuthClientCredentials
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator, EmulatorServer
from reference_sdk import WindTurbineClient, WindTurbineWrite
from typed_testbed import WIND_TURBINE_MODEL

DOCS = Path(__file__).resolve().parents[3] / "docs"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def subsection(page: str, heading: str) -> list[tuple[str, str]]:
    text = (DOCS / page).read_text(encoding="utf-8")
    start = text.index(f"\n### {heading}\n")
    ends = [end for end in (text.find("\n## ", start + 1), text.find("\n### ", start + 1)) if end != -1]
    return BLOCK.findall(text[start : min(ends, default=len(text))])


def signed_in_cognite_client(server: EmulatorServer) -> CogniteClient:
    credentials = CogniteOAuthClientCredentials(
        token_url=server.token_url,
        client_id=server.emulator.credentials.client_id,
        client_secret=server.emulator.credentials.client_secret,
        scopes=[f"{server.url}/.default"],
    )
    config = CogniteConfig(
        client_name="wind-dashboard",
        project=server.emulator.project,
        base_url=server.url,
        credentials=credentials,
    )
    return CogniteClient(config)


def run_blocks(blocks: list[tuple[str, str]], namespace: dict[str, object], page: str) -> int:
    """Run the python blocks in order; check each text block against what the block before printed."""
    printed = ""
    checked = 0
    for index, (language, code) in enumerate(blocks):
        if language == "python":
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                exec(compile(code, f"{page} block {index}", "exec"), namespace)
            printed = output.getvalue()
        elif language == "text":
            assert printed.splitlines() == code.splitlines(), f"{page} block {index}"
            printed = ""
            checked += 1
    return checked


def test_the_python_sdk_page_builds_a_generated_client_from_a_cognite_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "wind_turbine_sdk", reference_sdk)
    emulator = Emulator(project="docs", require_auth=True)
    emulator.load_model(WIND_TURBINE_MODEL)
    with emulator.serve() as server:
        cognite_client = signed_in_cognite_client(server)
        with WindTurbineClient(cognite_client, instance_space="wind-data") as setup:
            setup.cdf.spaces.apply(Space(space="wind-data"))
            setup.upsert(WindTurbineWrite(external_id="wt-1", name="WT 1"))
        namespace: dict[str, object] = {"__name__": "python_sdk_doc", "cognite_client": cognite_client}

        checked = run_blocks(subsection("python-sdk.md", "Client"), namespace, "python-sdk.md")
        client = namespace["client"]
        assert isinstance(client, WindTurbineClient)
        client.close()

    assert checked == 1
    assert client.instance_space == "wind-data"


def test_the_runtime_client_page_builds_clients_from_a_cognite_client() -> None:
    emulator = Emulator(project="docs", require_auth=True)
    with emulator.serve() as server:
        cognite_client = signed_in_cognite_client(server)
        namespace: dict[str, object] = {"__name__": "runtime_client_doc", "cognite_client": cognite_client}
        with WindTurbineClient(cognite_client) as setup:
            setup.cdf.spaces.apply(Space(space="wind-data"))

        checked = run_blocks(
            subsection("runtime-client.md", "From a cognite-sdk `CogniteClient`"),
            namespace,
            "runtime-client.md",
        )

    assert checked == 1
