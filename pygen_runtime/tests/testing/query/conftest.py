"""Fixtures for the query-semantics tests: emulators holding the real Omni model and instances."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from pygen_runtime.testing import Emulator
from query_testbed import WRITE_FILES, Clock, checked_query, load_omni


@pytest.fixture(scope="session")
def written() -> dict[str, list[dict[str, Any]]]:
    """The write-format items of each Omni instance file, by file stem (``PrimitiveNullable.node``)."""
    return {path.name.removesuffix(".yaml"): yaml.safe_load(path.read_text()) for path in WRITE_FILES}


@pytest.fixture(scope="session")
def omni() -> Emulator:
    """A read-only emulator holding Omni; tests that write make their own."""
    return load_omni(Emulator(clock=Clock()))


@pytest.fixture
def query(omni: Emulator) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Query the shared Omni emulator, checking request and response against the API spec."""
    return lambda body: checked_query(omni, body)


@pytest.fixture
def fresh_omni() -> tuple[Emulator, Clock]:
    """An Omni emulator of its own, with a clock the test controls."""
    clock = Clock()
    return load_omni(Emulator(clock=clock)), clock
