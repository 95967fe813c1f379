"""Emulators loaded with the real Omni model and Omni's real instances, for query-semantics tests.

Expectations in those tests are computed from the same YAML files the emulator loaded (read with
plain Python), never typed in by hand. Requests and responses pass through the official API spec.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openapi_contract
from pygen_runtime.testing import Emulator
from pygen_runtime.testing._query import run_query
from pygen_runtime.testing._sync import run_sync

__all__ = [
    "CDF",
    "INSTANCE_SPACE",
    "MODELS",
    "OMNI_SPACE",
    "START_MS",
    "WRITE_FILES",
    "Clock",
    "checked_query",
    "checked_sync",
    "external_ids",
    "load_omni",
    "view_property",
    "view_ref",
]

CDF = Path(__file__).resolve().parents[3].parent / "shared" / "cdf"
MODELS = CDF / "models"
WRITE_FILES = sorted(
    path
    for path in (CDF / "instances" / "write").glob("*.yaml")
    if path.name.endswith((".node.yaml", ".edge.yaml"))
)
OMNI_SPACE = "sp_pygen_models"
INSTANCE_SPACE = "sp_omni_instances"
START_MS = 1_700_000_000_000


def view_ref(external_id: str, space: str = OMNI_SPACE, version: str = "1") -> dict[str, str]:
    """A view reference as requests carry it."""
    return {"type": "view", "space": space, "externalId": external_id, "version": version}


def view_property(external_id: str, name: str, space: str = OMNI_SPACE, version: str = "1") -> list[str]:
    """A filter property reference through a view."""
    return [space, f"{external_id}/{version}", name]


class Clock:
    """A clock the test moves by hand (epoch milliseconds)."""

    def __init__(self, now: int = START_MS) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def load_omni(emulator: Emulator) -> Emulator:
    """The Omni model and every node and edge file of Omni's write-format instances."""
    emulator.load_model(MODELS / "Omni.yaml")
    for path in WRITE_FILES:
        emulator.load_instances(path)
    return emulator


def checked_query(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Run a query, checking the request and the response against the official API spec."""
    openapi_contract.validate_request("POST", "/models/instances/query", body)
    response = run_query(body, emulator.state.store, emulator.state.schema)
    openapi_contract.validate_response("POST", "/models/instances/query", 200, response)
    return response


def checked_sync(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Run a sync at the emulator's clock, checking request and response against the API spec."""
    openapi_contract.validate_request("POST", "/models/instances/sync", body)
    response = run_sync(body, emulator.state.store, emulator.state.schema, emulator.state.now())
    openapi_contract.validate_response("POST", "/models/instances/sync", 200, response)
    return response


def external_ids(items: list[dict[str, Any]]) -> list[str]:
    """The external ids of response items, in order."""
    return [item["externalId"] for item in items]
