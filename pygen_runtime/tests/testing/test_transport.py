"""The async in-process transport behaves like the sync one, without blocking the event loop."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from http_expectations import ok
from pygen_runtime.testing import Fault
from spec_checked import SpecCheckedEmulator


async def test_async_clients_are_served_and_latency_is_awaited(emulator: SpecCheckedEmulator) -> None:
    emulator.faults.add(Fault.latency(0.1, endpoint="/models/spaces", method="GET"))
    async with httpx.AsyncClient(transport=emulator.async_transport(), base_url=emulator.api_url()) as client:
        ok(await client.post("/models/spaces", json={"items": [{"space": "s"}]}))
        started = time.perf_counter()
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            for _ in range(5):
                await asyncio.sleep(0.01)
                ticks += 1

        response, _ = await asyncio.gather(client.get("/models/spaces"), tick())
        assert time.perf_counter() - started >= 0.1
    assert ticks == 5  # the loop kept running during the injected latency
    assert [space["space"] for space in ok(response)["items"]] == ["s"]


async def test_async_dropped_connections_raise_the_transport_error(emulator: SpecCheckedEmulator) -> None:
    emulator.faults.add(Fault.dropped_connection(times=1))
    async with httpx.AsyncClient(transport=emulator.async_transport(), base_url=emulator.api_url()) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/models/spaces")
        ok(await client.get("/models/spaces"))
