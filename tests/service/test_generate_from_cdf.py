"""POST /v1/data-models/{space}/{externalId}/{version}/generate: a data model from CDF, as its SDK.

CDF is the runtime's emulator, reached through its in-process transport with the ``CDF_*``
variables a deployment would set.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from emulated_cdf import emulator_with, in_process_environ
from pygen_runtime.testing import Emulator
from shared_cdf import model_file

from hatch_pygen.service import ServiceSettings

WINDTURBINE_PATH = "/v1/data-models/sp_pygen_power/WindTurbine/1/generate"
ClientOf = Callable[[ServiceSettings], httpx.AsyncClient]


@pytest.fixture
def emulator() -> Emulator:
    return emulator_with(model_file("WindTurbine"), model_file("CogniteCore"))


def settings_for(emulator: Emulator, cache: Path, **variables: str) -> ServiceSettings:
    environ = {**in_process_environ(emulator), "PYGEN_CACHE_DIR": str(cache), **variables}
    return ServiceSettings(environ=environ, transport=emulator.transport())


def error_of(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert body["error"] == code
    assert "Traceback" not in answer.text
    return body


async def test_a_model_in_cdf_comes_back_as_a_package_that_imports(
    emulator: Emulator,
    tmp_path: Path,
    client_of: ClientOf,
    unzip: Callable[[bytes, Path], list[str]],
    import_from: Callable[[Path, str], ModuleType],
) -> None:
    async with client_of(settings_for(emulator, tmp_path / "cache")) as service:
        answer = await service.post(WINDTURBINE_PATH, params={"package": "wind_sdk"})

    assert answer.status_code == 200, answer.text
    assert "wind_sdk/__init__.py" in unzip(answer.content, tmp_path / "sdk")
    assert import_from(tmp_path / "sdk", "wind_sdk").WindTurbineClient.__name__ == "WindTurbineClient"


async def test_a_cognite_core_child_gets_its_parents_from_cdf(
    emulator: Emulator, tmp_path: Path, client_of: ClientOf
) -> None:
    async with client_of(settings_for(emulator, tmp_path / "cache")) as service:
        answer = await service.post(
            "/v1/data-models/cdf_cdm/CogniteCore/v1/generate", params={"format": "json"}
        )

    assert answer.status_code == 200, answer.text
    files = answer.json()["files"]
    assert answer.json()["package"] == "cognite_core_sdk"
    for path, text in files.items():
        if path.endswith(".py"):
            compile(text, path, "exec")


async def test_the_model_cache_spares_cdf_a_second_fetch(
    emulator: Emulator, tmp_path: Path, client_of: ClientOf
) -> None:
    settings = settings_for(emulator, tmp_path / "cache")
    async with client_of(settings) as service:
        first = await service.post(WINDTURBINE_PATH, params={"format": "json"})
    # A token CDF refuses: only the cache can answer now.
    refusing = settings_for(emulator, tmp_path / "cache", CDF_TOKEN="revoked")
    async with client_of(refusing) as service:
        second = await service.post(WINDTURBINE_PATH, params={"format": "json"})
        uncached = await service.post("/v1/data-models/cdf_cdm/CogniteCore/v1/generate")

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    error_of(uncached, 502, "cdf-unavailable")
    assert list((tmp_path / "cache").rglob("*.json"))


async def test_a_model_cdf_lacks_is_404(emulator: Emulator, tmp_path: Path, client_of: ClientOf) -> None:
    async with client_of(settings_for(emulator, tmp_path / "cache")) as service:
        answer = await service.post("/v1/data-models/sp_pygen_power/WindTurbine/9/generate")

    body = error_of(answer, 404, "data-model-not-found")
    assert body["message"] == (
        "not found in CDF project emulated-project at https://emulator.invalid: "
        "sp_pygen_power:WindTurbine/9; check space, externalId and version in the path"
    )


async def test_credentials_cdf_refuses_are_502_saying_so(
    emulator: Emulator, tmp_path: Path, client_of: ClientOf
) -> None:
    async with client_of(settings_for(emulator, tmp_path / "cache", CDF_TOKEN="not-a-token")) as service:
        answer = await service.post(WINDTURBINE_PATH)

    body = error_of(answer, 502, "cdf-unavailable")
    assert body["message"].startswith(
        "fetching data models from https://emulator.invalid (project emulated-project)"
    )
    assert "401" in body["message"]
    assert "not-a-token" not in answer.text


def closed_loopback_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_cdf_that_cannot_be_reached_is_502(tmp_path: Path, client_of: ClientOf) -> None:
    url = f"http://127.0.0.1:{closed_loopback_port()}"
    environ = {
        "CDF_URL": url,
        "CDF_PROJECT": "p",
        "CDF_TOKEN": "t",
        "CDF_MAX_RETRIES": "0",
        "PYGEN_CACHE_DIR": str(tmp_path / "cache"),
    }
    async with client_of(ServiceSettings(environ=environ)) as service:
        answer = await service.post(WINDTURBINE_PATH)

    body = error_of(answer, 502, "cdf-unavailable")
    assert body["message"].startswith(f"fetching data models from {url} (project p) failed: ")
    assert "could not connect" in body["message"]


async def test_a_service_without_cdf_settings_is_503_naming_the_variables(
    tmp_path: Path, client_of: ClientOf
) -> None:
    async with client_of(ServiceSettings(environ={"PYGEN_CACHE_DIR": str(tmp_path)})) as service:
        answer = await service.post(WINDTURBINE_PATH)

    body = error_of(answer, 503, "cdf-not-configured")
    assert body["message"] == (
        "this service is not configured to read data models from CDF: no CDF URL; set CDF_URL where the "
        "service runs; no CDF project; set CDF_PROJECT where the service runs"
    )


async def test_offline_and_uncached_is_503(emulator: Emulator, tmp_path: Path, client_of: ClientOf) -> None:
    async with client_of(settings_for(emulator, tmp_path / "cache", PYGEN_OFFLINE="1")) as service:
        answer = await service.post(WINDTURBINE_PATH)

    body = error_of(answer, 503, "offline")
    assert body["message"].startswith("PYGEN_OFFLINE forbids network calls")


async def test_the_server_directorys_lock_does_not_decide_the_model(
    emulator: Emulator,
    tmp_path: Path,
    client_of: ClientOf,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A pygen.lock that would fail to read, in the folder the service runs in.
    (tmp_path / "pygen.lock").write_text("not toml [", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    async with client_of(settings_for(emulator, tmp_path / "cache")) as service:
        answer = await service.post(WINDTURBINE_PATH, params={"format": "json"})

    assert answer.status_code == 200, answer.text


async def test_a_misconfigured_model_cache_is_503_naming_the_variable(
    emulator: Emulator, tmp_path: Path, client_of: ClientOf
) -> None:
    async with client_of(settings_for(emulator, tmp_path / "cache", PYGEN_CACHE_TTL="soon")) as service:
        answer = await service.post(WINDTURBINE_PATH)

    body = error_of(answer, 503, "cache-not-configured")
    assert body["message"] == (
        "this service's model cache is misconfigured: PYGEN_CACHE_TTL='soon' is not a number of seconds; "
        "e.g. PYGEN_CACHE_TTL=3600"
    )
