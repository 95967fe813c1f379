"""Assertions on emulator responses that show the body when they fail."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["error_of", "ok"]


def ok(response: httpx.Response) -> Any:
    """The JSON body of a 200 response."""
    assert response.status_code == 200, response.text
    return response.json()


def error_of(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    """The ``error`` object of a CDF-shaped error response with ``status``."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == status
    assert isinstance(error["message"], str)
    assert error["message"]
    return error
