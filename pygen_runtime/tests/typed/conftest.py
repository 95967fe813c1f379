"""Fixtures for the typed layer's tests: the WindTurbine model in the in-process emulator, and
the hand-written reference SDK (``reference_sdk``) as a generated SDK would be."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdf_material import SHARED_CDF
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator

from pygen_runtime import ClientConfig, Token

# The reference SDK is imported as the top-level package ``reference_sdk``, as a generated SDK is.
sys.path.insert(0, str(Path(__file__).parent))

from reference_sdk import WindTurbineClient

WIND_TURBINE_MODEL = SHARED_CDF / "models" / "WindTurbine.yaml"
INSTANCE_SPACE = "windfarm-data"


@pytest.fixture
def emulator() -> Emulator:
    emulator = Emulator(project="typed-tests")
    emulator.load_model(WIND_TURBINE_MODEL)
    return emulator


def make_config(emulator: Emulator, **overrides: object) -> ClientConfig:
    settings: dict[str, object] = {"max_retries": 3, "retry_backoff_base": 0.0, **overrides}
    return ClientConfig(
        base_url=emulator.base_url,
        project=emulator.project,
        credentials=Token("test-token"),
        **settings,  # type: ignore[arg-type]
    )


@pytest.fixture
def client(emulator: Emulator) -> Iterator[WindTurbineClient]:
    """The reference SDK's client on the in-process emulator, with an instance space."""
    with WindTurbineClient(
        make_config(emulator), instance_space=INSTANCE_SPACE, transport=emulator.transport()
    ) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        yield client
