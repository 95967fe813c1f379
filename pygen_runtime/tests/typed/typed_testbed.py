"""What the typed layer's tests share: the WindTurbine model file, the instance space, a client
configuration for the emulator, and a transport that remembers what the client sent.

Importing it puts this folder on ``sys.path``, so that the hand-written reference SDK is imported
as the top-level package ``reference_sdk``, as a generated SDK is."""

from __future__ import annotations

import gzip
import json
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cdf_material import SHARED_CDF
from pygen_runtime.testing import Emulator

from pygen_runtime import ClientConfig, Token

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

__all__ = ["INSTANCE_SPACE", "WIND_TURBINE_MODEL", "RecordingTransport", "SentRequest", "make_config"]

WIND_TURBINE_MODEL = SHARED_CDF / "models" / "WindTurbine.yaml"
INSTANCE_SPACE = "windfarm-data"


def make_config(emulator: Emulator, **overrides: object) -> ClientConfig:
    """A configuration for ``emulator`` that retries at once (tests need no backoff)."""
    settings: dict[str, object] = {"max_retries": 3, "retry_backoff_base": 0.0, **overrides}
    return ClientConfig(
        base_url=emulator.base_url,
        project=emulator.project,
        credentials=Token("test-token"),
        **settings,  # type: ignore[arg-type]
    )


@dataclass
class SentRequest:
    """One request the client sent: path below the project, decoded JSON body, when it left."""

    path: str
    body: Any
    at: float


class RecordingTransport(httpx.BaseTransport):
    """The emulator's in-process transport, remembering every request the client sends."""

    def __init__(self, emulator: Emulator) -> None:
        self._inner = emulator.transport()
        self._prefix = f"/api/v1/projects/{emulator.project}"
        self._lock = threading.Lock()
        self.requests: list[SentRequest] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raw = request.read()
        if request.headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append(
                SentRequest(request.url.path.removeprefix(self._prefix), body, time.monotonic())
            )
        return self._inner.handle_request(request)

    def sent(self, path: str) -> list[SentRequest]:
        with self._lock:
            return [request for request in self.requests if request.path == path]
