"""An emulator that checks every JSON response it gives against the patched CDF spec.

Tests use it instead of :class:`~pygen_runtime.testing.Emulator`, so fidelity to the API contract
is verified for every response of every test, whichever way the request arrived (in-process
transport, loopback server, cognite-sdk). Violations are collected rather than raised inside
the server thread; the fixtures fail the test at teardown if there are any.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Mapping
from typing import Any

import openapi_contract
from pygen_runtime.testing import Emulator, EmulatorResponse

__all__ = ["SpecCheckedEmulator"]

_PROJECT_PREFIX = re.compile(r"^/api/v1/projects/[^/]+")


class SpecCheckedEmulator(Emulator):
    """:class:`Emulator` plus a check of each response body against the API spec."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec_violations: list[str] = []
        self.checked_responses = 0

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> EmulatorResponse:
        response = super().handle(method, target, headers, body)
        path = target.split("?", 1)[0]
        if (
            response.drop
            or not _PROJECT_PREFIX.match(path)
            or not openapi_contract.is_specified(method, path)
        ):
            return response
        payload = response.body
        if ("content-encoding", "gzip") in response.headers:
            payload = gzip.decompress(payload)
        try:
            openapi_contract.validate_response(method, path, response.status, json.loads(payload))
        except AssertionError as violation:
            self.spec_violations.append(str(violation))
        self.checked_responses += 1
        return response

    def assert_spec_compliant(self) -> None:
        """Fail with every violation seen so far."""
        assert not self.spec_violations, "responses that break the CDF API spec:\n" + "\n".join(
            self.spec_violations
        )
