"""``pygen serve`` for real: uvicorn on a loopback port, spoken to over HTTP."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import httpx
from shared_cdf import model_file

from hatch_pygen._version import __version__


def test_the_server_answers_health_over_http(service_url: str) -> None:
    answer = httpx.get(f"{service_url}/v1/health", timeout=30)

    assert answer.status_code == 200
    assert answer.json()["version"] == __version__
    assert "server" not in answer.headers  # no server banner


def test_the_server_generates_a_posted_model(service_url: str) -> None:
    answer = httpx.post(
        f"{service_url}/v1/generate",
        content=model_file("WindTurbine").read_bytes(),
        headers={"content-type": "application/yaml"},
        params={"package": "wind_sdk"},
        timeout=120,
    )

    assert answer.status_code == 200, answer.text
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        for name in archive.namelist():
            if name.endswith(".py"):
                compile(archive.read(name), name, "exec")
        assert "wind_sdk/__init__.py" in archive.namelist()


def test_the_server_generates_a_model_from_the_cdf_it_is_configured_for(service_url: str) -> None:
    answer = httpx.post(
        f"{service_url}/v1/data-models/sp_pygen_power/WindTurbine/1/generate",
        params={"format": "json"},
        timeout=120,
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["package"] == "wind_turbine_sdk"


def test_the_servers_errors_are_json_without_a_traceback(service_url: str, service_log: Path) -> None:
    answer = httpx.post(f"{service_url}/v1/generate", content=b"views: [", timeout=30)

    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid-model-document"
    assert "Traceback" not in service_log.read_text(encoding="utf-8")
