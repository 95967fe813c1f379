"""Fixtures for the typed layer's tests: the WindTurbine model in the in-process emulator, and
the hand-written reference SDK (``reference_sdk``) as a generated SDK would be."""

from __future__ import annotations

import gzip
import json
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cdf_material import SHARED_CDF
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator

from pygen_runtime import ClientConfig, Token

# The reference SDK is imported as the top-level package ``reference_sdk``, as a generated SDK is.
sys.path.insert(0, str(Path(__file__).parent))

from reference_sdk import WindTurbineClient

WIND_TURBINE_MODEL = SHARED_CDF / "models" / "WindTurbine.yaml"
INSTANCE_SPACE = "windfarm-data"


@pytest.fixture
def emulator() -> Emulator:
    emulator = Emulator(project="typed-tests")
    emulator.load_model(WIND_TURBINE_MODEL)
    return emulator


def make_config(emulator: Emulator, **overrides: object) -> ClientConfig:
    settings: dict[str, object] = {"max_retries": 3, "retry_backoff_base": 0.0, **overrides}
    return ClientConfig(
        base_url=emulator.base_url,
        project=emulator.project,
        credentials=Token("test-token"),
        **settings,  # type: ignore[arg-type]
    )


@pytest.fixture
def client(emulator: Emulator) -> Iterator[WindTurbineClient]:
    """The reference SDK's client on the in-process emulator, with an instance space."""
    with WindTurbineClient(
        make_config(emulator), instance_space=INSTANCE_SPACE, transport=emulator.transport()
    ) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        yield client


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


@pytest.fixture
def recording(emulator: Emulator) -> RecordingTransport:
    return RecordingTransport(emulator)


@pytest.fixture
def recorded_client(emulator: Emulator, recording: RecordingTransport) -> Iterator[WindTurbineClient]:
    """The reference SDK's client, with every request it sends kept in ``recording``."""
    with WindTurbineClient(
        make_config(emulator), instance_space=INSTANCE_SPACE, transport=recording
    ) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        yield client
