"""Fixtures for the emulator's tests: spec-checked emulators and in-process clients."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from cdf_material import OMNI_MODEL, WRITE_INSTANCE_FILES
from manual_clock import ManualClock
from spec_checked import SpecCheckedEmulator


@pytest.fixture
def clock() -> ManualClock:
    """The emulator's clock, moved by the test."""
    return ManualClock()


@pytest.fixture
def emulator(clock: ManualClock) -> Iterator[SpecCheckedEmulator]:
    """An empty emulator whose every response is checked against the CDF spec."""
    emu = SpecCheckedEmulator(project="test-project", clock=clock)
    yield emu
    emu.assert_spec_compliant()


@pytest.fixture
def api(emulator: SpecCheckedEmulator) -> Iterator[httpx.Client]:
    """An httpx client on the emulator's project API, in process."""
    with httpx.Client(transport=emulator.transport(), base_url=emulator.api_url()) as client:
        yield client


@pytest.fixture
def omni(emulator: SpecCheckedEmulator) -> SpecCheckedEmulator:
    """The emulator holding Omni's model and its real write-format nodes and edges."""
    emulator.load_model(OMNI_MODEL)
    for path in WRITE_INSTANCE_FILES:
        emulator.load_instances(path)
    return emulator
