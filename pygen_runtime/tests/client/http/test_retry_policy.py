"""The retry decisions themselves, without a server: a table of answers and errors in, actions
and waits out. Randomness and the clock are fixed so every wait is exact."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime

import httpx
import pytest
from pygen_runtime._http._retry import (
    RetryLoop,
    RetryPolicy,
    describe_transport_error,
    parse_retry_after,
)
from pygen_runtime.errors import CDFConnectionError, CDFTimeoutError

NOW = 1_800_000_000.0  # a fixed wall-clock time


def upper_bound(low: float, high: float) -> float:
    """A 'random' choice that always picks the top of the range, so the jitter's ceiling shows."""
    return high


def policy(**overrides: float) -> RetryPolicy:
    settings = {"max_retries": 3, "backoff_base": 0.5, "max_wait": 30.0}
    settings.update(overrides)
    return RetryPolicy(
        max_retries=int(settings["max_retries"]),
        backoff_base=settings["backoff_base"],
        max_wait=settings["max_wait"],
        uniform=upper_bound,
        wall_clock=lambda: NOW,
    )


def http_date(offset: float) -> str:
    return format_datetime(datetime.fromtimestamp(NOW + offset, timezone.utc), usegmt=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("3", 3.0, id="whole seconds"),
        pytest.param(" 1.5 ", 1.5, id="fractional seconds, padded"),
        pytest.param("0", 0.0, id="zero"),
        pytest.param("-4", 0.0, id="negative is now"),
        pytest.param(http_date(20), 20.0, id="HTTP date in the future"),
        pytest.param(http_date(-20), 0.0, id="HTTP date in the past"),
        pytest.param("Wed, 21 Oct 2015 07:28:00", None, id="date without a zone"),
        pytest.param("soon", None, id="garbage"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="absent"),
        pytest.param("nan", None, id="not a number"),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    ("status", "headers", "retry"),
    [
        (429, {}, True),
        (502, {}, True),
        (503, {}, True),
        (504, {}, True),
        (500, {}, False),
        (400, {}, False),
        (401, {}, False),
        (409, {}, False),
        (500, {"cdf-is-auto-retryable": "true"}, True),
        (409, {"cdf-is-auto-retryable": "True"}, True),
        (500, {"cdf-is-auto-retryable": "false"}, False),
    ],
)
def test_which_answers_are_retried(status: int, headers: dict[str, str], retry: bool) -> None:
    assert policy().should_retry(status, httpx.Headers(headers)) is retry


@pytest.mark.parametrize(
    ("retry", "expected"),
    [(1, 0.5), (2, 1.0), (3, 2.0), (6, 16.0), (7, 30.0), (200, 30.0)],
)
def test_backoff_doubles_from_the_base_up_to_the_cap(retry: int, expected: float) -> None:
    assert policy().wait(retry) == expected


def test_backoff_is_full_jitter_between_zero_and_the_ceiling() -> None:
    seen: list[tuple[float, float]] = []

    def record(low: float, high: float) -> float:
        seen.append((low, high))
        return (low + high) / 2

    jittery = RetryPolicy(max_retries=3, backoff_base=0.5, max_wait=30.0, uniform=record)

    assert jittery.wait(3) == 1.0
    assert seen == [(0.0, 2.0)]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("2", 2.0), ("120", 30.0), (http_date(5), 5.0), (http_date(3600), 30.0), ("later", 0.5)],
)
def test_retry_after_wins_over_backoff_and_is_capped(header: str, expected: float) -> None:
    assert policy().wait(1, httpx.Headers({"Retry-After": header})) == expected


def answer(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=body, headers=headers)


def test_a_success_ends_the_loop_without_recording_a_failure() -> None:
    loop = RetryLoop(policy(), "POST", "/x")

    assert loop.after_response(answer(200)).action == "done"
    assert loop.attempts == []


def test_retries_are_counted_until_the_policy_is_spent() -> None:
    loop = RetryLoop(policy(max_retries=2), "POST", "/x")

    steps = [loop.after_response(answer(503)) for _ in range(3)]

    assert [step.action for step in steps] == ["retry", "retry", "done"]
    assert [step.wait for step in steps[:2]] == [0.5, 1.0]
    assert loop.attempts == ["503 Service Unavailable"] * 3
    assert loop.tries == 3


def test_cdf_error_messages_go_into_the_reasons() -> None:
    loop = RetryLoop(policy(), "POST", "/x")

    loop.after_response(answer(429, b'{"error": {"code": 429, "message": "Too many concurrent requests"}}'))

    assert loop.attempts == ["429 Too Many Requests: Too many concurrent requests"]


def test_a_first_401_may_reauthenticate_once_and_does_not_spend_a_retry() -> None:
    loop = RetryLoop(policy(max_retries=0), "GET", "/x")

    first = loop.after_response(answer(401), may_reauthenticate=True)
    second = loop.after_response(answer(401), may_reauthenticate=True)

    assert (first.action, second.action) == ("reauthenticate", "done")
    assert loop.retries == 0
    assert loop.attempts == ["401 Unauthorized", "401 Unauthorized"]


def test_a_401_without_fresh_credentials_to_try_is_final() -> None:
    loop = RetryLoop(policy(), "GET", "/x")

    assert loop.after_response(answer(401), may_reauthenticate=False).action == "done"


@pytest.mark.parametrize(
    ("error", "reason", "retryable"),
    [
        (httpx.ConnectError("refused"), "could not connect", True),
        (httpx.ConnectTimeout("slow"), "timed out connecting", True),
        (httpx.ReadTimeout("slow"), "timed out waiting for the answer", True),
        (httpx.WriteTimeout("slow"), "timed out sending the request", True),
        (httpx.PoolTimeout("busy"), "timed out waiting for a free connection", True),
        (httpx.ReadError("reset"), "the connection broke while reading the answer", True),
        (httpx.WriteError("reset"), "the connection broke while sending the request", True),
        (httpx.RemoteProtocolError("gone"), "the server closed the connection without a valid answer", True),
        (httpx.UnsupportedProtocol("ftp"), "UnsupportedProtocol", False),
        (httpx.ProxyError("denied"), "ProxyError", False),
    ],
)
def test_transport_errors_get_a_reason_and_a_verdict(
    error: httpx.TransportError, reason: str, retryable: bool
) -> None:
    described, verdict = describe_transport_error(error)

    assert described.startswith(reason)
    assert verdict is retryable


def test_transport_errors_are_retried_then_raised_with_every_reason() -> None:
    loop = RetryLoop(policy(max_retries=1), "POST", "/models/instances")

    assert loop.after_transport_error(httpx.ReadError("reset by peer")).action == "retry"
    with pytest.raises(CDFConnectionError) as caught:
        loop.after_transport_error(httpx.ConnectError("refused"))

    assert caught.value.attempts == (
        "the connection broke while reading the answer (ReadError: reset by peer)",
        "could not connect (ConnectError: refused)",
    )
    assert not isinstance(caught.value, CDFTimeoutError)


def test_a_final_timeout_raises_the_timeout_error() -> None:
    loop = RetryLoop(policy(max_retries=0), "POST", "/x")

    with pytest.raises(CDFTimeoutError):
        loop.after_transport_error(httpx.ReadTimeout("slow"))


def test_errors_not_worth_retrying_are_raised_at_once() -> None:
    loop = RetryLoop(policy(max_retries=5), "POST", "/x")

    with pytest.raises(CDFConnectionError):
        loop.after_transport_error(httpx.UnsupportedProtocol("ftp://"))
    assert loop.retries == 0


def test_the_log_line_names_the_request_the_reason_and_the_wait() -> None:
    loop = RetryLoop(policy(), "POST", "/models/instances")

    step = loop.after_response(answer(503))

    assert loop.describe(step) == "POST /models/instances: 503 Service Unavailable; retry 1 of 3 in 0.500 s"
