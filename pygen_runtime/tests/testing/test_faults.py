"""Injected faults: 429 with Retry-After, 5xx, latency, dropped connections; seeded and per endpoint."""

from __future__ import annotations

import time

import httpx
import pytest
from http_expectations import error_of, ok
from pygen_runtime.testing import Fault, FaultPlan
from spec_checked import SpecCheckedEmulator

LIST = "/models/instances/list"


def test_a_rate_limit_answers_429_with_retry_after(emulator: SpecCheckedEmulator, api: httpx.Client) -> None:
    fault = emulator.faults.add(Fault.rate_limited(retry_after=2.5, endpoint=LIST, times=1))

    first = api.post(LIST, json={})
    second = api.post(LIST, json={})

    error_of(first, status=429)
    assert first.headers["retry-after"] == "2.5"
    ok(second)
    assert emulator.faults.fired(fault) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_carry_cdfs_error_body(
    emulator: SpecCheckedEmulator, api: httpx.Client, status: int
) -> None:
    emulator.faults.add(Fault.server_error(status, endpoint="/models/spaces", method="GET"))

    assert "Injected fault" in error_of(api.get("/models/spaces"), status=status)["message"]
    ok(api.post("/models/spaces", json={"items": [{"space": "s"}]}))  # other method: untouched
    ok(api.post(LIST, json={}))  # other endpoint: untouched


def test_patterns_match_groups_of_endpoints(emulator: SpecCheckedEmulator, api: httpx.Client) -> None:
    emulator.faults.add(Fault.server_error(500, endpoint="/models/instances*"))
    error_of(api.post(LIST, json={}), status=500)
    error_of(
        api.post(
            "/models/instances/byids",
            json={"items": [{"instanceType": "node", "space": "s", "externalId": "x"}]},
        ),
        status=500,
    )
    ok(api.get("/models/spaces"))


def test_latency_delays_the_answer_without_changing_it(
    emulator: SpecCheckedEmulator, api: httpx.Client
) -> None:
    emulator.faults.add(Fault.latency(0.05, endpoint=LIST, times=1))

    started = time.perf_counter()
    ok(api.post(LIST, json={}))
    assert time.perf_counter() - started >= 0.05


def test_a_dropped_connection_raises_httpx_transport_error_in_process(
    emulator: SpecCheckedEmulator, api: httpx.Client
) -> None:
    emulator.faults.add(Fault.dropped_connection(endpoint="/models/spaces", times=1))

    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/models/spaces", json={"items": [{"space": "s"}]})
    assert emulator.state.schema.spaces == {}  # dropped before it took effect


def test_a_drop_after_processing_loses_only_the_answer(
    emulator: SpecCheckedEmulator, api: httpx.Client
) -> None:
    emulator.faults.add(Fault.dropped_connection(after_processing=True, endpoint="/models/spaces", times=1))

    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/models/spaces", json={"items": [{"space": "s"}]})
    assert list(emulator.state.schema.spaces) == ["s"]  # the write happened


def _outcomes(seed: int) -> list[int]:
    plan = FaultPlan(seed=seed)
    plan.add(Fault.server_error(503, probability=0.5))
    return [plan.decide("POST", LIST).status or 200 for _ in range(40)]


def test_probabilistic_faults_are_reproducible_from_the_seed() -> None:
    assert _outcomes(7) == _outcomes(7)
    assert _outcomes(7) != _outcomes(8)
    assert 5 < _outcomes(7).count(503) < 35


def test_the_first_failing_rule_wins_and_latency_adds_up() -> None:
    plan = FaultPlan()
    plan.add(Fault.latency(0.1))
    plan.add(Fault.rate_limited(1))
    plan.add(Fault.server_error(500))
    plan.add(Fault.latency(0.2))

    decision = plan.decide("GET", "/models/spaces")

    assert (decision.status, decision.retry_after, decision.drop) == (429, 1, False)
    assert decision.delay_seconds == pytest.approx(0.3)
    plan.clear()
    assert plan.decide("GET", "/models/spaces").status is None


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: Fault("explode"), "kind"),  # type: ignore[arg-type]
        (lambda: Fault.server_error(200), "4xx or 5xx"),
        (lambda: Fault.latency(-1), "negative"),
        (lambda: Fault.rate_limited(probability=1.5), "between 0 and 1"),
        (lambda: Fault.server_error(times=-1), "at least 0"),
    ],
)
def test_nonsensical_faults_are_refused_when_made(make: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        make()  # type: ignore[operator]
