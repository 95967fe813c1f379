"""The emulator: one CDF project behind CDF's URL layout, with auth and faults in front of it.

:class:`Emulator` turns raw HTTP requests (method, target, headers, body bytes) into responses;
the in-process httpx transports and the loopback server are thin shells around
:meth:`Emulator.handle`, so both behave identically.
"""

from __future__ import annotations

import gzip
import itertools
import json
import logging
import re
import secrets
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from pygen_runtime.testing._api_request import ApiRequest
from pygen_runtime.testing._auth import ClientCredentials, TokenIssuer
from pygen_runtime.testing._encoded_json import EncodedJson, encode_json
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._faults import FaultPlan
from pygen_runtime.testing._gc_pause import collector_paused
from pygen_runtime.testing._limits import CONCURRENCY
from pygen_runtime.testing._project import Clock, Project
from pygen_runtime.testing._router import Route, find_route, known_methods

if TYPE_CHECKING:
    from pygen_runtime.testing._server import EmulatorServer
    from pygen_runtime.testing._transport import AsyncEmulatorTransport, EmulatorTransport

__all__ = ["Emulator", "EmulatorResponse"]

_LOG = logging.getLogger("pygen_runtime.testing")
_PROJECT_PATH = re.compile(r"^/api/v1/projects/([^/]+)(/.*)?$")
_TOKEN_PATH = "/oauth2/token"
_COMPRESS_ABOVE_BYTES = 1024


@dataclass
class EmulatorResponse:
    """What to send back: status, headers, body; or to wait first, or to drop the connection."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    delay_seconds: float = 0.0
    drop: bool = False


def _json_response(status: int, body: Any, extra_headers: Iterable[tuple[str, str]] = ()) -> EmulatorResponse:
    payload = bytes(body) if isinstance(body, EncodedJson) else encode_json(body).encode("utf-8")
    headers = [("content-type", "application/json"), *extra_headers]
    return EmulatorResponse(status=status, headers=headers, body=payload)


def _error(status: int, message: str, extra_headers: Iterable[tuple[str, str]] = ()) -> EmulatorResponse:
    return _json_response(status, {"error": {"code": status, "message": message}}, extra_headers)


class Emulator:
    """An in-memory CDF data-modeling service for one project.

    >>> emulator = Emulator(project="my-project")
    >>> emulator.load_model("WindTurbine.yaml")  # doctest: +SKIP
    >>> client = httpx.Client(transport=emulator.transport(), base_url=emulator.base_url)  # doctest: +SKIP

    ``require_auth`` makes every API request need ``Authorization: Bearer <token>`` with a token
    from :meth:`issue_token` or from ``POST /oauth2/token`` with :attr:`credentials`. ``faults``
    (a :class:`FaultPlan`) makes chosen requests fail. ``clock`` (epoch milliseconds) drives
    ``createdTime``, token expiry and sync cursor expiry; tests can pass a controllable one.
    ``concurrency_limits`` answers 429 when more applies, deletes or queries are in flight at once
    than CDF allows a project by default.
    """

    base_url = "http://emulator.invalid"

    def __init__(
        self,
        project: str = "emulated-project",
        *,
        clock: Clock | None = None,
        require_auth: bool = False,
        client_id: str = "pygen-emulator",
        client_secret: str | None = None,
        token_ttl_seconds: int = 3600,
        faults: FaultPlan | None = None,
        concurrency_limits: bool = True,
        compress_responses: bool = True,
    ) -> None:
        self.state = Project(project, clock)
        self.require_auth = require_auth
        self.credentials = ClientCredentials(client_id, client_secret or secrets.token_urlsafe(24))
        self.tokens = TokenIssuer(self.credentials, token_ttl_seconds, self.state.now)
        self.faults = faults if faults is not None else FaultPlan()
        self.concurrency_limits = concurrency_limits
        self.compress_responses = compress_responses
        self._in_flight: Counter[str] = Counter()
        self._in_flight_lock = threading.Lock()
        self._request_ids = itertools.count(1)
        # Where file content links point (see testing/_files.py); None: the host asked.
        self.content_url: str | None = None

    # -- identity ------------------------------------------------------------------------
    @property
    def project(self) -> str:
        """The name of the emulated project."""
        return self.state.name

    @property
    def token_url(self) -> str:
        """The token endpoint for in-process use (the server has its own, on its URL)."""
        return self.base_url + _TOKEN_PATH

    def api_url(self, path: str = "") -> str:
        """The in-process URL of an API path, e.g. ``api_url("/models/spaces")``."""
        return f"{self.base_url}/api/v1/projects/{self.project}{path}"

    def issue_token(self, ttl_seconds: int | None = None) -> str:
        """A Bearer token accepted until ``ttl_seconds`` pass on the emulator's clock."""
        return self.tokens.issue(ttl_seconds)

    # -- content ---------------------------------------------------------------------------
    def load_model(self, source: str | Path | Mapping[str, Any] | list[Any]) -> None:
        """Load schema from a model file (YAML or JSON) or an already parsed document.

        Accepts a data model with inline views (cognite-sdk dump or API shape), a list of them, or
        ``{"spaces": [...], "containers": [...], "views": [...], "dataModels": [...]}``. Missing
        spaces are created; containers missing from the document are inferred from the views.
        """
        from pygen_runtime.testing._model_files import load_schema

        with self.state.lock:
            load_schema(self.state, source)

    def load_instances(self, source: str | Path | Mapping[str, Any] | list[Any]) -> int:
        """Load nodes and edges (read or write format; file or parsed document); returns how many."""
        from pygen_runtime.testing._model_files import load_instances

        with self.state.lock:
            return load_instances(self.state, source)

    # -- running ---------------------------------------------------------------------------
    def transport(self) -> EmulatorTransport:
        """An httpx transport serving this emulator in process (``httpx.Client(transport=...)``)."""
        from pygen_runtime.testing._transport import EmulatorTransport

        return EmulatorTransport(self)

    def async_transport(self) -> AsyncEmulatorTransport:
        """The same for ``httpx.AsyncClient``."""
        from pygen_runtime.testing._transport import AsyncEmulatorTransport

        return AsyncEmulatorTransport(self)

    def serve(self, port: int = 0, host: str = "127.0.0.1") -> EmulatorServer:
        """Start a loopback HTTP server for this emulator (``port=0`` picks a free port)."""
        from pygen_runtime.testing._server import EmulatorServer

        server = EmulatorServer(self, host=host, port=port)
        server.start()
        return server

    # -- requests --------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> EmulatorResponse:
        """Answer one HTTP request. ``headers`` keys must be lower-case."""
        parts = urlsplit(target)
        path = parts.path
        match = _PROJECT_PATH.match(path)
        fault_path = (match.group(2) or "/") if match else path
        decision = self.faults.decide(method, fault_path)
        if decision.drop and not decision.drop_after_processing:
            return EmulatorResponse(status=0, delay_seconds=decision.delay_seconds, drop=True)
        if decision.status is not None:
            extra = []
            if decision.retry_after is not None:
                extra.append(("retry-after", f"{decision.retry_after:g}"))
            response = _error(decision.status, f"Injected fault: HTTP {decision.status}.", extra)
        else:
            response = self._dispatch(method.upper(), path, match, parts.query, headers, body)
        response.headers.append(("x-request-id", f"emulator-{next(self._request_ids)}"))
        response.delay_seconds = decision.delay_seconds
        response.drop = decision.drop
        compress = self.compress_responses and len(response.body) > _COMPRESS_ABOVE_BYTES
        if compress and "gzip" in headers.get("accept-encoding", ""):
            response.body = gzip.compress(response.body, compresslevel=1)
            response.headers.append(("content-encoding", "gzip"))
        return response

    def _dispatch(
        self,
        method: str,
        path: str,
        match: re.Match[str] | None,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> EmulatorResponse:
        if path == _TOKEN_PATH:
            if method != "POST":
                return _error(405, f"{_TOKEN_PATH} accepts POST only.")
            status, token_body = self.tokens.token_response(body, headers)
            return _json_response(status, token_body)
        if path.startswith("/_emulator/files/"):
            from pygen_runtime.testing._files import serve_content

            return serve_content(self, method, path, headers, body)
        if match is None:
            return _error(
                404, f"No such endpoint {path}; the API lives under /api/v1/projects/{self.project}/."
            )
        if match.group(1) != self.project:
            return _error(404, f"Unknown project {match.group(1)!r}; this emulator serves {self.project!r}.")
        if self.require_auth and not self.tokens.is_valid(headers.get("authorization")):
            return _error(
                401,
                "Unauthorized: send 'Authorization: Bearer <token>' with a valid, unexpired token "
                f"(client credentials grant at {_TOKEN_PATH}).",
            )
        api_path = match.group(2) or "/"
        if api_path.startswith("/files/"):
            from pygen_runtime.testing._files import remember_link_base

            remember_link_base(self.state, self.content_url, headers.get("host"))
        route = find_route(method, api_path)
        if route is None:
            allowed = known_methods(api_path)
            if allowed:
                return _error(405, f"{method} is not allowed on {api_path}; use {', '.join(allowed)}.")
            return _error(404, f"No such endpoint {api_path} in the emulated data-modeling API.")
        if route.budget == "apply":
            # An instance write: its parsed items live until it ends (see _gc_pause).
            with collector_paused():
                return self._parse_and_run(route, method, api_path, query, headers, body)
        return self._parse_and_run(route, method, api_path, query, headers, body)

    def _parse_and_run(
        self, route: Route, method: str, api_path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> EmulatorResponse:
        try:
            request = ApiRequest(
                method, api_path, parse_qs(query, keep_blank_values=True), _parse_body(headers, body)
            )
        except EmulatorRequestError as error:
            return _json_response(error.status, error.to_body())
        if route.budget is None or not self.concurrency_limits:
            return self._run(route.handler, request)
        with self._in_flight_lock:
            if self._in_flight[route.budget] >= CONCURRENCY[route.budget]:
                return _error(
                    429,
                    f"Too many concurrent {route.budget} requests: CDF allows "
                    f"{CONCURRENCY[route.budget]} at once per project.",
                    [("retry-after", "1")],
                )
            self._in_flight[route.budget] += 1
        try:
            return self._run(route.handler, request)
        finally:
            with self._in_flight_lock:
                self._in_flight[route.budget] -= 1

    def _run(self, handler: Any, request: ApiRequest) -> EmulatorResponse:
        try:
            with self.state.lock:
                result = handler(self.state, request)
        except EmulatorRequestError as error:
            return _json_response(error.status, error.to_body())
        except Exception as error:  # a bug in the emulator must still answer like a server
            _LOG.exception("Emulator failed on %s %s", request.method, request.path)
            return _error(500, f"Internal error in the emulator ({type(error).__name__}); this is a bug.")
        return _json_response(200, result)


def _parse_body(headers: Mapping[str, str], body: bytes) -> Any:
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding == "gzip" and body:
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError, zlib.error):
            raise EmulatorRequestError(
                "The body says Content-Encoding: gzip but is not valid gzip."
            ) from None
    elif encoding not in ("", "identity"):
        raise EmulatorRequestError(
            f"Content-Encoding {encoding!r} is not supported; send gzip or plain JSON."
        )
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise EmulatorRequestError(f"The body is not valid JSON: {error}.") from None
