"""Fixtures for the generation service: the app in process, over ``httpx.ASGITransport``.

Every test runs without the machine's CDF or pygen settings and with a private model cache, so
what a test sees is what its own emulator and request say.
"""

from __future__ import annotations

import importlib
import io
import os
import re
import sys
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

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
