"""Fixtures for the typed layer's tests: the WindTurbine model in the in-process emulator, and
the hand-written reference SDK (``reference_sdk``) as a generated SDK would be."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator

sys.path.insert(0, str(Path(__file__).parent))

from reference_sdk import WindTurbineClient
from typed_testbed import INSTANCE_SPACE, WIND_TURBINE_MODEL, RecordingTransport, make_config


@pytest.fixture
def emulator() -> Emulator:
    emulator = Emulator(project="typed-tests")
    emulator.load_model(WIND_TURBINE_MODEL)
    return emulator


@pytest.fixture
def client(emulator: Emulator) -> Iterator[WindTurbineClient]:
    """The reference SDK's client on the in-process emulator, with an instance space."""
    config = make_config(emulator)
    with WindTurbineClient(config, instance_space=INSTANCE_SPACE, transport=emulator.transport()) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        yield client


@pytest.fixture
def recording(emulator: Emulator) -> RecordingTransport:
    return RecordingTransport(emulator)


@pytest.fixture
def recorded_client(emulator: Emulator, recording: RecordingTransport) -> Iterator[WindTurbineClient]:
    """The reference SDK's client, with every request it sends kept in ``recording``."""
    config = make_config(emulator)
    with WindTurbineClient(config, instance_space=INSTANCE_SPACE, transport=recording) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        yield client
