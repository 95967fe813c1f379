"""Fixtures for the GraphQL tests: the WindTurbine model in the in-process emulator with a small
wind farm in it, and a client of the reference SDK on it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator

sys.path.insert(0, str(Path(__file__).parent))

from graphql_testbed import ModelClient, wind_farm
from typed_testbed import INSTANCE_SPACE, WIND_TURBINE_MODEL, make_config


@pytest.fixture
def emulator() -> Emulator:
    emulator = Emulator(project="graphql-tests")
    emulator.load_model(WIND_TURBINE_MODEL)
    return emulator


@pytest.fixture
def client(emulator: Emulator) -> Iterator[ModelClient]:
    """The client on the emulator, with the wind farm written."""
    with ModelClient(
        make_config(emulator), instance_space=INSTANCE_SPACE, transport=emulator.transport()
    ) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        client.upsert(wind_farm())
        yield client
