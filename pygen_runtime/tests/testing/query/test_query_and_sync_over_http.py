"""The query and sync endpoints over HTTP (the emulator's in-process transport), errors included."""

from __future__ import annotations

from typing import Any

import httpx
import openapi_contract
import pytest
from pygen_runtime.testing import Emulator


def post(emulator: Emulator, path: str, body: dict[str, Any]) -> httpx.Response:
    with httpx.Client(transport=emulator.transport()) as client:
        return client.post(emulator.api_url(path), json=body)


@pytest.mark.parametrize("path", ["/models/instances/query", "/models/instances/sync"])
def test_answers_with_the_documented_body(omni: Emulator, path: str) -> None:
    body = {"with": {"a": {"nodes": {}, "limit": 5}}, "select": {"a": {}}}
    response = post(omni, path, body)
    assert response.status_code == 200
    openapi_contract.validate_response("POST", path, 200, response.json())
    assert len(response.json()["items"]["a"]) == 5


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (
            "/models/instances/query",
            {"with": {"a": {"nodes": {}, "limit": 10_001}}, "select": {"a": {}}},
            "10000",
        ),
        (
            "/models/instances/sync",
            {"with": {"a": {"nodes": {}, "limit": 2001}}, "select": {"a": {}}},
            "2000",
        ),
        (
            "/models/instances/query",
            {"with": {"a": {"nodes": {"filter": {"nope": {}}}}}, "select": {"a": {}}},
            "nope",
        ),
    ],
)
def test_a_bad_request_gets_cdfs_error_body(
    omni: Emulator, path: str, body: dict[str, Any], message: str
) -> None:
    response = post(omni, path, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 400
    assert message in error["message"]
    openapi_contract.validate_response("POST", path, 400, response.json())
