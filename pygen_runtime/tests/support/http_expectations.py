"""Assertions on emulator responses that show the body when they fail.

Both also check the response against the CDF spec when it answers a specified API operation, so
tests that talk to an emulator they did not build themselves (the CLI's, the pytest fixture's)
still verify the contract.
"""

from __future__ import annotations

from typing import Any

import httpx
import openapi_contract

__all__ = ["error_of", "ok"]


def _check_contract(response: httpx.Response) -> None:
    method, path = response.request.method, response.request.url.path
    if path.startswith("/api/v1/projects/") and openapi_contract.is_specified(method, path):
        openapi_contract.validate_response(method, path, response.status_code, response.json())


def ok(response: httpx.Response) -> Any:
    """The JSON body of a 200 response."""
    assert response.status_code == 200, response.text
    _check_contract(response)
    return response.json()


def error_of(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    """The ``error`` object of a CDF-shaped error response with ``status``."""
    assert response.status_code == status, response.text
    _check_contract(response)
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == status
    assert isinstance(error["message"], str)
    assert error["message"]
    return error
