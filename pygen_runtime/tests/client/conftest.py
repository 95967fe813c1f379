"""A scripted CDF over loopback HTTP for the client's tests.

``cdf`` serves answers written by each test (real CDF response shapes, from ``shared/cdf``
wherever one exists) on pytest-httpserver, records every request with its decoded body, counts
requests in flight, and at the end of the test checks every request to a data-modeling endpoint
against the official OpenAPI spec (``openapi_contract``).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import struct
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import openapi_contract
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pygen_runtime import AsyncCDFClient, CDFClient, ClientConfig, Token

PROJECT = "test-project"
API = f"/api/v1/projects/{PROJECT}"
TOKEN = "test-token-not-a-secret"
TOKEN_PATH = "/oauth2/token"


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str  # relative to the project, e.g. "/models/instances"
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    raw: bytes
    body: Any
    at: float  # time.monotonic() on arrival


Answer = Response | Callable[[Recorded], Response]


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer."""
    return Response(json.dumps(body), status=status, headers=headers, content_type="application/json")


def cdf_error(status: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """CDF's error body: ``{"error": {"code": ..., "message": ..., ...}}``."""
    return answer({"error": {"code": status, "message": message, **extra}}, status, headers)


def raw_answer(content: bytes, status: int = 200, content_type: str = "application/json") -> Response:
    return Response(content, status=status, content_type=content_type)


@dataclass
class ScriptedCDF:
    """Test files reach the helpers through this fixture (conftest modules are not importable
    under ``--import-mode=importlib``): ``cdf.answer``, ``cdf.error``, ``cdf.raw``, ``cdf.TOKEN``."""

    server: HTTPServer
    requests: list[Recorded] = field(default_factory=list)
    in_flight: dict[str, int] = field(default_factory=dict)
    max_in_flight: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    PROJECT = PROJECT
    API = API
    TOKEN = TOKEN
    TOKEN_PATH = TOKEN_PATH
    answer = staticmethod(answer)
    error = staticmethod(cdf_error)
    raw = staticmethod(raw_answer)

    @property
    def base_url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def config(self, **overrides: Any) -> ClientConfig:
        """A client configuration for this server, with waits short enough for tests."""
        settings: dict[str, Any] = {
            "base_url": self.base_url,
            "project": PROJECT,
            "credentials": Token(TOKEN),
            "client_name": "client-tests",
            "max_retries": 3,
            "retry_backoff_base": 0.001,
            "max_retry_wait": 0.05,
            "timeout": 5.0,
        }
        return ClientConfig(**{**settings, **overrides})

    @property
    def token_url(self) -> str:
        return self.server.url_for(TOKEN_PATH)

    def _record(self, request: Request) -> Recorded:
        raw = request.get_data()
        data = gzip.decompress(raw) if request.headers.get("Content-Encoding") == "gzip" else raw
        is_form = request.mimetype == "application/x-www-form-urlencoded"
        recorded = Recorded(
            method=request.method,
            path=request.path.removeprefix(API),
            query=dict(request.args),
            headers={key.lower(): value for key, value in request.headers.items()},
            raw=raw,
            body=dict(parse_qsl(data.decode())) if is_form else json.loads(data) if data else None,
            at=time.monotonic(),
        )
        with self._lock:
            self.requests.append(recorded)
        return recorded

    def on(self, method: str, path: str, *answers: Answer, delay: float = 0.0) -> None:
        """Answer ``method path`` (relative to the project; the token endpoint is TOKEN_PATH) with
        ``answers`` in turn, repeating the last one; ``delay`` seconds are spent in the handler,
        so requests overlap."""
        remaining = list(answers)
        lock = threading.Lock()

        def handle(request: Request) -> Response:
            recorded = self._record(request)
            with self._lock:
                self.in_flight[path] = self.in_flight.get(path, 0) + 1
                self.max_in_flight[path] = max(self.max_in_flight.get(path, 0), self.in_flight[path])
            try:
                if delay:
                    time.sleep(delay)
                with lock:
                    current = remaining.pop(0) if len(remaining) > 1 else remaining[0]
                return current if isinstance(current, Response) else current(recorded)
            finally:
                with self._lock:
                    self.in_flight[path] -= 1

        url = path if path == TOKEN_PATH else API + path
        self.server.expect_request(url, method=method).respond_with_handler(handle)

    def issue_tokens(self, expires_in: Any = 3600, delay: float = 0.0) -> None:
        """Run an OAuth token endpoint at ``token_url`` issuing token-1, token-2, ..."""
        issued = iter(range(1, 10_000))

        def issue(_: Recorded) -> Response:
            body: dict[str, Any] = {"access_token": f"token-{next(issued)}", "token_type": "Bearer"}
            if expires_in is not None:
                body["expires_in"] = expires_in
            return answer(body)

        self.on("POST", TOKEN_PATH, issue, delay=delay)

    def sent(self, path: str | None = None) -> list[Recorded]:
        with self._lock:
            return [item for item in self.requests if path is None or item.path == path]

    def check_against_spec(self) -> None:
        """Validate every request to a data-modeling endpoint against the official spec. The
        first request to each endpoint is checked whole; later ones (chunks of the same call, as
        a rule) with their item lists cut to 10, which keeps big tests fast."""
        checked: set[tuple[str, str]] = set()
        for item in self.sent():
            if not openapi_contract.is_specified(item.method, item.path):
                continue
            body = item.body
            if (item.method, item.path) in checked and isinstance(body, dict):
                body = {key: value[:10] if isinstance(value, list) else value for key, value in body.items()}
            checked.add((item.method, item.path))
            query = "&".join(f"{key}={value}" for key, value in item.query.items())
            openapi_contract.validate_request(item.method, item.path + (f"?{query}" if query else ""), body)


@pytest.fixture
def cdf(httpserver: HTTPServer) -> Iterator[ScriptedCDF]:
    scripted = ScriptedCDF(httpserver)
    yield scripted
    httpserver.check_assertions()
    scripted.check_against_spec()


@pytest.fixture
def client(cdf: ScriptedCDF) -> Iterator[CDFClient]:
    with CDFClient(cdf.config()) as sync_client:
        yield sync_client


Runner = Callable[..., Any]


@pytest.fixture(params=["sync", "async"])
def run(request: pytest.FixtureRequest, cdf: ScriptedCDF) -> Runner:
    """``run(lambda client: client.spaces.retrieve("s"), **config)`` runs the call with a
    ``CDFClient`` and again (in the async parametrisation) with an ``AsyncCDFClient``."""

    def run_call(call: Callable[[Any], Any], **overrides: Any) -> Any:
        config = cdf.config(**overrides)
        if request.param == "sync":
            with CDFClient(config) as sync_client:
                return call(sync_client)

        async def main() -> Any:
            async with AsyncCDFClient(config) as async_client:
                result = call(async_client)
                return await result if isinstance(result, Awaitable) else result

        return asyncio.run(main())

    run_call.mode = request.param  # type: ignore[attr-defined]
    return run_call


class ResettingServer:
    """A loopback TCP server that resets (TCP RST) the first ``resets`` connections once it has
    read the request, then answers later ones with ``body`` as JSON. For faults pytest-httpserver
    cannot produce."""

    def __init__(self, resets: int, body: Any) -> None:
        self.resets = resets
        self.body = json.dumps(body).encode()
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def _read_request(self, conn: socket.socket) -> None:
        data = b""
        deadline = time.monotonic() + 5
        while b"\r\n\r\n" not in data and time.monotonic() < deadline:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length and time.monotonic() < deadline:
            chunk = conn.recv(65536)
            if not chunk:
                return
            body += chunk

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                self.connections += 1
                self._read_request(conn)
                if self.connections <= self.resets:
                    # Linger 0: close() sends RST instead of FIN.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    continue
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + f"Content-Length: {len(self.body)}\r\n\r\n".encode()
                    + self.body
                )

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()


@pytest.fixture
def resetting_server() -> Iterator[Callable[[int, Any], ResettingServer]]:
    servers: list[ResettingServer] = []

    def make(resets: int, body: Any) -> ResettingServer:
        server = ResettingServer(resets, body)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()
