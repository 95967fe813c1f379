"""The ``cdf_emulator`` fixture, registered through pygen-runtime's ``pytest11`` entry point."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import httpx
import pytest
from cdf_material import OMNI_MODEL, WRITE_DIR
from http_expectations import error_of, ok
from pygen_runtime.testing.pytest_plugin import RunningEmulator

RELATIVE_MODEL = Path("..") / ".." / ".." / ".." / "shared" / "cdf" / "models" / "Omni.yaml"


def test_the_plugin_is_an_installed_entry_point() -> None:
    plugins = {entry.name: entry.value for entry in entry_points(group="pytest11")}
    assert plugins["pygen_emulator"] == "pygen_runtime.testing.pytest_plugin"


def test_an_unmarked_test_gets_an_empty_served_emulator(cdf_emulator: RunningEmulator) -> None:
    assert cdf_emulator.project == "emulated-project"
    with httpx.Client(
        base_url=f"{cdf_emulator.url}/api/v1/projects/{cdf_emulator.project}", timeout=5
    ) as client:
        assert ok(client.get("/models/spaces")) == {"items": []}
    env = cdf_emulator.env()
    assert env["CDF_URL"] == cdf_emulator.url
    assert env["CDF_TOKEN_URL"] == cdf_emulator.url + "/oauth2/token"


@pytest.mark.cdf_emulator(
    models=[str(OMNI_MODEL)],
    instances=[str(WRITE_DIR / "PrimitiveNullable.node.yaml")],
    project="marked",
    require_auth=True,
    serve=False,
)
def test_the_marker_loads_content_and_configures_the_emulator(cdf_emulator: RunningEmulator) -> None:
    with httpx.Client(transport=cdf_emulator.transport(), base_url=cdf_emulator.api_url()) as client:
        error_of(client.post("/models/instances/list", json={}), status=401)
        items = ok(
            client.post(
                "/models/instances/list", json={}, headers={"Authorization": f"Bearer {cdf_emulator.token}"}
            )
        )["items"]
    assert len(items) == 5
    assert cdf_emulator.project == "marked"
    with pytest.raises(RuntimeError, match="in process only"):
        _ = cdf_emulator.url


@pytest.mark.cdf_emulator(models=[RELATIVE_MODEL])
def test_marker_paths_are_relative_to_the_test_file(cdf_emulator: RunningEmulator) -> None:
    assert ("sp_pygen_models", "Omni", "1") in cdf_emulator.state.schema.data_models


@pytest.mark.cdf_emulator(colour="blue")
def test_unknown_marker_options_are_a_usage_error(request: pytest.FixtureRequest) -> None:
    with pytest.raises(pytest.UsageError, match="unknown option"):
        request.getfixturevalue("cdf_emulator")
