"""A loopback HTTP server around an :class:`Emulator`, for code running in another process.

Standard library only (``http.server.ThreadingHTTPServer``): pygen-runtime depends on nothing
else. It binds to 127.0.0.1 by default and speaks HTTP/1.1 with keep-alive.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pygen_runtime.testing._emulator import Emulator

__all__ = ["EmulatorServer"]

_LOG = logging.getLogger("pygen_runtime.testing.server")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the body then waits for
    # the client's delayed ACK (~40 ms per response on Linux loopback).
    disable_nagle_algorithm = True
    server: _Server

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        headers = {key.lower(): value for key, value in self.headers.items()}
        result = self.server.emulator.handle(self.command, self.path, headers, body)
        if result.delay_seconds:
            time.sleep(result.delay_seconds)
        if result.drop:
            self.close_connection = True
            return
        self.send_response(result.status)
        for key, value in result.headers:
            self.send_header(key, value)
        self.send_header("content-length", str(len(result.body)))
        self.end_headers()
        self.wfile.write(result.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: object) -> None:
        # Request lines go to logging at debug level, never to stderr: URLs are harmless, but a
        # test run's output should stay quiet.
        _LOG.debug(format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (its timeout, a cancelled test) is routine for a test server, not
        # worth the traceback socketserver prints; anything else still gets one.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            _LOG.debug("client %s went away: %r", client_address, error)
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class EmulatorServer:
    """Serves an emulator on ``http://host:port`` from a background thread.

    >>> with EmulatorServer(emulator) as server:  # doctest: +SKIP
    ...     httpx.get(server.url + "/api/v1/projects/emulated-project/models/spaces")
    """

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        self._httpd = _Server((host, port), emulator)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        """The port the server listens on (the picked one when started with port 0)."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """``http://host:port``: the base URL to configure a CDF client with."""
        return f"http://{self.host}:{self.port}"

    @property
    def token_url(self) -> str:
        """The OAuth2 token endpoint on this server."""
        return self.url + "/oauth2/token"

    def start(self) -> EmulatorServer:
        """Start serving in a daemon thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        with contextlib.suppress(OSError):
            self._httpd.server_close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
