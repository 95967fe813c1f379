"""The request pipeline: URL layout, bodies (gzip, JSON), unknown routes, concurrency budgets, bugs."""

from __future__ import annotations

import gzip
import json
import threading
import time
from typing import Any

import httpx
import pytest
from http_expectations import error_of, ok
from pygen_runtime.testing import _router
from spec_checked import SpecCheckedEmulator

import pygen_runtime
from pygen_runtime import testing


def test_importing_the_runtime_does_not_import_the_emulator() -> None:
    assert "Emulator" not in vars(pygen_runtime)
    assert testing.Emulator.__name__ == "Emulator"
    assert "Emulator" in dir(testing)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        testing.Nope  # noqa: B018


def test_gzip_request_bodies_are_accepted_and_large_answers_are_gzipped(
    emulator: SpecCheckedEmulator, api: httpx.Client
) -> None:
    items = [{"space": f"space{i:03d}", "description": "x" * 40} for i in range(60)]
    body = gzip.compress(json.dumps({"items": items}).encode())

    response = api.post(
        "/models/spaces",
        content=body,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )

    assert len(ok(response)["items"]) == 60
    assert response.headers["content-encoding"] == "gzip"  # httpx decoded it for us
    raw = emulator.handle(
        "GET", emulator.api_url("/models/spaces?limit=1000").removeprefix(emulator.base_url), {}, b""
    )
    assert ("content-encoding", "gzip") not in raw.headers  # only when the client accepts it


@pytest.mark.parametrize(
    ("headers", "content", "fragment"),
    [
        ({"Content-Encoding": "gzip"}, b"not gzip", "not valid gzip"),
        ({"Content-Encoding": "br"}, b"{}", "not supported"),
        ({}, b"{not json", "not valid JSON"),
        ({}, b"[1, 2]", "needs a JSON object"),
        ({}, b"", "needs a JSON object"),
    ],
)
def test_unreadable_bodies_get_cdfs_400(
    api: httpx.Client, headers: dict[str, str], content: bytes, fragment: str
) -> None:
    assert fragment in error_of(api.post("/models/spaces", content=content, headers=headers))["message"]


def test_unknown_paths_methods_and_projects_are_answered_in_cdfs_shape(emulator: SpecCheckedEmulator) -> None:
    with httpx.Client(transport=emulator.transport(), base_url=emulator.base_url) as client:
        assert "under /api/v1/projects/test-project/" in error_of(client.get("/elsewhere"), 404)["message"]
        assert (
            "Unknown project 'other'"
            in error_of(client.get("/api/v1/projects/other/models/spaces"), 404)["message"]
        )
        assert (
            "No such endpoint /models/things"
            in error_of(client.get(emulator.api_url("/models/things")), 404)["message"]
        )
        assert "use GET, POST" in error_of(client.delete(emulator.api_url("/models/spaces")), 405)["message"]


def test_more_concurrent_requests_than_cdf_allows_get_429(emulator: SpecCheckedEmulator) -> None:
    """Four applies may be in flight at once; a fifth is refused while they wait."""
    ok_codes: list[int] = []

    def apply(index: int) -> None:
        with httpx.Client(transport=emulator.transport(), base_url=emulator.api_url()) as client:
            ok_codes.append(client.post("/models/instances", json={"items": []}).status_code)

    with emulator.state.lock:  # hold the project so requests pile up in flight
        workers = [threading.Thread(target=apply, args=(index,)) for index in range(4)]
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 5
        while emulator._in_flight["apply"] < 4 and time.monotonic() < deadline:
            time.sleep(0.005)
        with httpx.Client(transport=emulator.transport(), base_url=emulator.api_url()) as client:
            refused = client.post("/models/instances", json={"items": []})
            other_budget = client.get("/models/spaces")  # schema reads have no budget and wait their turn
    for worker in workers:
        worker.join(timeout=5)

    assert "4 at once" in error_of(refused, status=429)["message"]
    assert refused.headers["retry-after"] == "1"
    assert other_budget.status_code == 200
    assert ok_codes == [200, 200, 200, 200]


def test_concurrency_limits_can_be_switched_off() -> None:
    emulator = SpecCheckedEmulator(concurrency_limits=False)
    emulator._in_flight["apply"] = 100
    with httpx.Client(transport=emulator.transport(), base_url=emulator.api_url()) as client:
        ok(client.post("/models/instances", json={"items": []}))


def test_an_emulator_bug_still_answers_like_a_server(
    emulator: SpecCheckedEmulator, api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one mock here: a bug cannot be provoked on purpose, so a route is made to fail."""

    def broken(project: Any, request: Any) -> dict[str, Any]:
        raise RuntimeError("boom with a detail that stays in the log")

    monkeypatch.setitem(_router._ROUTES, ("GET", "/models/spaces"), _router.Route(broken))
    error = error_of(api.get("/models/spaces"), status=500)
    assert "RuntimeError" in error["message"]
    assert "boom" not in error["message"]


def test_every_response_has_a_request_id(api: httpx.Client) -> None:
    first, second = api.get("/models/spaces"), api.get("/models/spaces")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
