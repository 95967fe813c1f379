"""httpx transports that serve an :class:`Emulator` in process, without sockets."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from pygen_runtime.testing._emulator import Emulator, EmulatorResponse

__all__ = ["AsyncEmulatorTransport", "EmulatorTransport"]


def _target(request: httpx.Request) -> str:
    url = request.url
    return url.raw_path.decode("ascii")


def _headers(request: httpx.Request) -> dict[str, str]:
    return {key.lower(): value for key, value in request.headers.items()}


def _to_httpx(result: EmulatorResponse, request: httpx.Request) -> httpx.Response:
    if result.drop:
        # What httpx raises when a server closes the connection without answering.
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    return httpx.Response(result.status, headers=result.headers, content=result.body, request=request)


class EmulatorTransport(httpx.BaseTransport):
    """Sync transport: ``httpx.Client(transport=EmulatorTransport(emulator))``."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer the request from the emulator (sleeping for injected latency)."""
        body = request.read()
        result = self.emulator.handle(request.method, _target(request), _headers(request), body)
        if result.delay_seconds:
            time.sleep(result.delay_seconds)
        return _to_httpx(result, request)


class AsyncEmulatorTransport(httpx.AsyncBaseTransport):
    """Async transport: ``httpx.AsyncClient(transport=AsyncEmulatorTransport(emulator))``."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer the request from the emulator (awaiting injected latency, not blocking the loop)."""
        body = await request.aread()
        result = self.emulator.handle(request.method, _target(request), _headers(request), body)
        if result.delay_seconds:
            await asyncio.sleep(result.delay_seconds)
        return _to_httpx(result, request)
