"""Fixtures of the datapoints and files tests (the project itself is in ``datapoints_testbed``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from datapoints_testbed import config_for, make_emulator
from pygen_runtime.testing import Emulator

from pygen_runtime import AsyncCDFClient, CDFClient


@pytest.fixture
def emulator() -> Emulator:
    return make_emulator()


@pytest.fixture(params=["in-process", "loopback"])
def client(request: pytest.FixtureRequest, emulator: Emulator) -> Iterator[CDFClient]:
    """A sync client over the in-process transport, then over a loopback server."""
    if request.param == "in-process":
        with CDFClient(config_for(emulator), transport=emulator.transport()) as client:
            yield client
        return
    with emulator.serve() as server, CDFClient(config_for(emulator, server.url)) as client:
        yield client


@pytest.fixture
async def async_client(emulator: Emulator) -> AsyncIterator[AsyncCDFClient]:
    async with AsyncCDFClient(config_for(emulator), transport=emulator.async_transport()) as client:
        yield client
