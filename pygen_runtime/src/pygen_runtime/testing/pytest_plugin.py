"""A pytest plugin that gives tests a running CDF emulator: the ``cdf_emulator`` fixture.

Installed with pygen-runtime (entry point ``pygen_emulator``), so any project can write::

    @pytest.mark.cdf_emulator(models=["model.yaml"], instances=["nodes.yaml"])
    def test_my_code(cdf_emulator):
        client = httpx.Client(transport=cdf_emulator.transport(), base_url=cdf_emulator.api_url())
        ...
        # or, for code in another process: cdf_emulator.server.url, cdf_emulator.token

The fixture is function-scoped: every test starts from an empty (or freshly loaded) project.
The marker's keywords: ``models`` and ``instances`` (paths, relative to the test file's folder
or absolute), ``project``, ``require_auth``, and ``serve`` (start the loopback server; default
True).

This module imports nothing heavy at collection time, so projects that never use the fixture do
not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pygen_runtime.testing._emulator import Emulator
    from pygen_runtime.testing._server import EmulatorServer

__all__ = ["RunningEmulator", "cdf_emulator"]

_MARKER = "cdf_emulator"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker so ``--strict-markers`` accepts it."""
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(models=[...], instances=[...], project=..., require_auth=False, serve=True): "
        "configure the cdf_emulator fixture",
    )


@dataclass
class RunningEmulator:
    """What ``cdf_emulator`` yields: the emulator, its server (if serving) and a valid token."""

    emulator: Emulator
    server: EmulatorServer | None
    token: str

    @property
    def url(self) -> str:
        """The loopback base URL (``CDF_URL``); needs the server."""
        if self.server is None:
            raise RuntimeError(
                "This cdf_emulator runs in process only; mark the test with serve=True for a URL."
            )
        return self.server.url

    @property
    def project(self) -> str:
        """The emulated project's name."""
        return self.emulator.project

    def env(self) -> dict[str, str]:
        """The ``CDF_*`` environment variables that point a client at the loopback server."""
        return {
            "CDF_URL": self.url,
            "CDF_PROJECT": self.project,
            "CDF_TOKEN": self.token,
            "CDF_CLIENT_ID": self.emulator.credentials.client_id,
            "CDF_CLIENT_SECRET": self.emulator.credentials.client_secret,
            "CDF_TOKEN_URL": self.url + "/oauth2/token",
        }

    def __getattr__(self, name: str) -> Any:
        # Everything else (transport(), api_url(), load_model(), faults, ...) is the emulator's.
        return getattr(self.emulator, name)


def _resolve(path: str | Path, request: pytest.FixtureRequest) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else Path(request.path).parent / candidate


@pytest.fixture
def cdf_emulator(request: pytest.FixtureRequest) -> Iterator[RunningEmulator]:
    """A fresh CDF emulator for this test, configured by an optional ``cdf_emulator`` marker."""
    from pygen_runtime.testing._emulator import Emulator

    marker = request.node.get_closest_marker(_MARKER)
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    unknown = sorted(set(options) - {"models", "instances", "project", "require_auth", "serve"})
    if unknown:
        raise pytest.UsageError(
            f"cdf_emulator marker: unknown option(s) {', '.join(unknown)}; "
            "use models, instances, project, require_auth, serve."
        )
    emulator = Emulator(
        project=options.get("project", "emulated-project"),
        require_auth=bool(options.get("require_auth", False)),
    )
    for model in options.get("models", []):
        emulator.load_model(_resolve(model, request))
    for instances in options.get("instances", []):
        emulator.load_instances(_resolve(instances, request))
    server = emulator.serve() if options.get("serve", True) else None
    try:
        yield RunningEmulator(emulator, server, emulator.issue_token())
    finally:
        if server is not None:
            server.stop()
