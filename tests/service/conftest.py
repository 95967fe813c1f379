"""Fixtures for the generation service: the app in process, over ``httpx.ASGITransport``.

Every test runs without the machine's CDF or pygen settings and with a private model cache, so
what a test sees is what its own emulator and request say.
"""

from __future__ import annotations

import importlib
import io
import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from emulated_cdf import emulator_with, server_environ
from pygen_runtime.testing import EmulatorServer
from shared_cdf import model_file

from hatch_pygen.service import ServiceSettings, create_app

# Variables of the machine or the developer that would change where models come from.
_OUTSIDE_VARIABLES = re.compile(r"^(CDF_|PYGEN_)")
BASE_URL = "http://pygen-service.test"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CDF settings from outside, and a model cache of the test's own."""
    for name in list(os.environ):
        if _OUTSIDE_VARIABLES.match(name):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(tmp_path / "pygen-cache"))


def _client_of(settings: ServiceSettings) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, timeout=60)


@pytest.fixture
def client_of() -> Callable[[ServiceSettings], httpx.AsyncClient]:
    """Make an httpx client talking, in process, to a service made with the settings given."""
    return _client_of


@pytest.fixture
async def service() -> AsyncIterator[httpx.AsyncClient]:
    """A client of the service with default settings, in process."""
    async with _client_of(ServiceSettings()) as client:
        yield client


def _unzip(archive: bytes, into: Path) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        names = opened.namelist()
        opened.extractall(into)
    return names


@pytest.fixture
def unzip() -> Callable[[bytes, Path], list[str]]:
    """Extract a zip (a generated package or a wheel) into a folder; return its entry names."""
    return _unzip


@pytest.fixture
def import_from(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path, str], ModuleType]]:
    """Import a package from a folder; the package and its modules are forgotten afterwards."""
    imported: list[str] = []

    def load(folder: Path, package: str) -> ModuleType:
        monkeypatch.syspath_prepend(str(folder))
        importlib.invalidate_caches()
        imported.append(package)
        return importlib.import_module(package)

    yield load
    for name in [name for name in sys.modules for package in imported if name.split(".")[0] == package]:
        del sys.modules[name]


# -- the real server -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LiveService:
    """``pygen serve`` running in a subprocess on a loopback port, reading models from an emulator."""

    url: str
    process: subprocess.Popen[str]
    log: Path


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _wait_for_health(url: str, process: subprocess.Popen[str], log: Path) -> None:
    """Poll ``/v1/health`` until it answers; fail after ``STARTUP_SECONDS`` or if the server exits."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pygen serve exited with {process.returncode}:\n{log.read_text(encoding='utf-8')}")
        try:
            if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"pygen serve did not answer within {STARTUP_SECONDS} s:\n{log.read_text(encoding='utf-8')}")


STARTUP_SECONDS = 60


@pytest.fixture(scope="session")
def live_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """One ``pygen serve`` for the session, with the CDF_* variables of an emulator on loopback."""
    folder = tmp_path_factory.mktemp("live-service")
    emulator = emulator_with(model_file("WindTurbine"), model_file("Pumps"))
    with EmulatorServer(emulator) as cdf:
        environ = {name: value for name, value in os.environ.items() if not _OUTSIDE_VARIABLES.match(name)}
        environ.update(server_environ(cdf, emulator, PYGEN_CACHE_DIR=str(folder / "cache")))
        port = _free_loopback_port()
        log = folder / "serve.log"
        with log.open("w", encoding="utf-8") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "hatch_pygen.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                env=environ,
                cwd=folder,
            )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for_health(url, process, log)
            yield LiveService(url=url, process=process, log=log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@pytest.fixture
def service_url(live_service: LiveService) -> str:
    """The base URL of the session's ``pygen serve``."""
    return live_service.url


@pytest.fixture
def service_log(live_service: LiveService) -> Path:
    """What the session's ``pygen serve`` has printed so far."""
    return live_service.log
