"""Retries over real loopback HTTP, with the sync and the async client alike.

The server answers with scripted failures; the tests check how many requests arrived, what the
client waited in between, and what the final error says about every try.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import pytest
from pygen_runtime.schema import Space

from pygen_runtime import (
    CDFAPIError,
    CDFConnectionError,
    CDFRateLimitError,
    CDFServerError,
    CDFTimeoutError,
)

SPACE = {"space": "pumps", "isGlobal": False, "createdTime": 1, "lastUpdatedTime": 2}
OK = {"items": [SPACE]}
BYIDS = "/models/spaces/byids"


def retrieve(client: Any) -> Any:
    return client.spaces.retrieve("pumps")


def waits_logged(caplog: pytest.LogCaptureFixture) -> list[float]:
    return [
        float(match.group(1))
        for record in caplog.records
        if record.name == "pygen_runtime.http"
        and (match := re.search(r"in ([\d.]+) s$", record.getMessage()))
    ]


@pytest.mark.parametrize(
    ("failures", "reason"),
    [
        pytest.param([(429, {})], "429 Too Many Requests", id="429"),
        pytest.param([(503, {})], "503 Service Unavailable", id="503 then success"),
        pytest.param([(502, {}), (504, {})], "504 Gateway Timeout", id="502 and 504 then success"),
        pytest.param(
            [(500, {"cdf-is-auto-retryable": "true"})],
            "500 Internal Server Error",
            id="500 marked auto-retryable",
        ),
    ],
)
def test_retryable_answers_are_retried_until_one_succeeds(
    cdf: Any,
    run: Any,
    caplog: pytest.LogCaptureFixture,
    failures: list[tuple[int, dict[str, str]]],
    reason: str,
) -> None:
    caplog.set_level(logging.INFO, logger="pygen_runtime.http")
    failing = [cdf.error(status, "try again", headers) for status, headers in failures]
    cdf.on("POST", BYIDS, *failing, cdf.answer(OK))

    assert run(retrieve) == [Space.load(SPACE)]

    sent = cdf.sent(BYIDS)
    assert len(sent) == len(failures) + 1
    assert [item.headers["x-pygen-retry-count"] for item in sent] == [str(n) for n in range(len(sent))]
    assert reason in caplog.text
    assert len(waits_logged(caplog)) == len(failures)


def test_retry_after_in_seconds_is_honoured(cdf: Any, run: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pygen_runtime.http")
    cdf.on("POST", BYIDS, cdf.error(429, "slow down", {"Retry-After": "0.04"}), cdf.answer(OK))

    run(retrieve, max_retry_wait=5.0, retry_backoff_base=0.001)

    assert waits_logged(caplog) == [0.04]
    first, second = cdf.sent(BYIDS)
    assert second.at - first.at >= 0.04


def test_retry_after_as_an_http_date_is_honoured_and_capped(
    cdf: Any, run: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pygen_runtime.http")
    in_ten_seconds = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=10), usegmt=True)
    cdf.on("POST", BYIDS, cdf.error(429, "slow down", {"Retry-After": in_ten_seconds}), cdf.answer(OK))

    run(retrieve, max_retry_wait=0.06, retry_backoff_base=0.001)

    # The date asks for ~10 s; the configured cap wins. Backoff alone could not reach 0.06 s.
    assert waits_logged(caplog) == [0.06]
    first, second = cdf.sent(BYIDS)
    assert second.at - first.at >= 0.06


def test_retries_exhausted_names_every_try_and_its_reason(cdf: Any, run: Any) -> None:
    cdf.on(
        "POST",
        BYIDS,
        cdf.error(503, "node draining"),
        cdf.error(429, "too many requests in flight"),
        cdf.error(502, "upstream gone"),
        cdf.error(503, "still draining", headers={"x-request-id": "req-42"}),
    )

    with pytest.raises(CDFServerError) as caught:
        run(retrieve, max_retries=3)

    error = caught.value
    assert len(cdf.sent(BYIDS)) == 4
    assert error.status == 503
    assert error.request_id == "req-42"
    assert error.attempts == (
        "503 Service Unavailable: node draining",
        "429 Too Many Requests: too many requests in flight",
        "502 Bad Gateway: upstream gone",
        "503 Service Unavailable: still draining",
    )
    text = str(error)
    assert "Gave up after 4 tries" in text
    for number, reason in enumerate(error.attempts, 1):
        assert f"try {number}: {reason}" in text
    assert f"POST /api/v1/projects/{cdf.PROJECT}/models/spaces/byids" in text


def test_the_last_answer_decides_the_error_class(cdf: Any, run: Any) -> None:
    cdf.on("POST", BYIDS, cdf.error(429, "slow down"))

    with pytest.raises(CDFRateLimitError) as caught:
        run(retrieve, max_retries=1)

    assert caught.value.status == 429
    assert len(caught.value.attempts) == 2


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        pytest.param(400, {}, id="400"),
        pytest.param(500, {}, id="500 without the auto-retryable mark"),
        pytest.param(500, {"cdf-is-auto-retryable": "false"}, id="500 marked not retryable"),
        pytest.param(409, {}, id="409"),
    ],
)
def test_answers_not_worth_retrying_fail_at_once(
    cdf: Any, run: Any, status: int, headers: dict[str, str]
) -> None:
    cdf.on("POST", BYIDS, cdf.error(status, "no", headers), cdf.answer(OK))

    with pytest.raises(CDFAPIError) as caught:
        run(retrieve)

    assert caught.value.status == status
    assert len(cdf.sent(BYIDS)) == 1
    assert "Gave up" not in str(caught.value)


def test_max_retries_zero_tries_once(cdf: Any, run: Any) -> None:
    cdf.on("POST", BYIDS, cdf.error(503, "busy"), cdf.answer(OK))

    with pytest.raises(CDFServerError):
        run(retrieve, max_retries=0)

    assert len(cdf.sent(BYIDS)) == 1


def test_a_reset_connection_is_retried(resetting_server: Any, run: Any) -> None:
    server = resetting_server(1, OK)

    assert run(retrieve, base_url=server.base_url) == [Space.load(SPACE)]

    assert server.connections == 2


def test_connections_reset_every_time_give_a_connection_error_listing_each_try(
    resetting_server: Any, run: Any
) -> None:
    server = resetting_server(10, OK)

    with pytest.raises(CDFConnectionError) as caught:
        run(retrieve, base_url=server.base_url, max_retries=2)

    assert server.connections == 3
    assert len(caught.value.attempts) == 3
    assert all("connection" in reason for reason in caught.value.attempts)
    assert "Gave up after 3 tries" in str(caught.value)


def test_a_read_timeout_is_retried(cdf: Any, run: Any) -> None:
    slow = {"first": True}

    def slow_first_time(_: Any) -> Any:
        if slow.pop("first", False):
            time.sleep(1.2)
        return cdf.answer(OK)

    cdf.on("POST", BYIDS, slow_first_time)

    assert run(retrieve, timeout=0.5) == [Space.load(SPACE)]

    assert len(cdf.sent(BYIDS)) == 2


def test_read_timeouts_every_time_give_a_timeout_error(cdf: Any, run: Any) -> None:
    def always_slow(_: Any) -> Any:
        time.sleep(0.6)
        return cdf.answer(OK)

    cdf.on("POST", BYIDS, always_slow)

    with pytest.raises(CDFTimeoutError) as caught:
        run(retrieve, timeout=0.2, max_retries=1)

    assert caught.value.attempts[0].startswith("timed out waiting for the answer")
    assert len(caught.value.attempts) == 2


def test_a_refused_connection_is_retried_then_reported(run: Any) -> None:
    # A port nobody listens on: bind one, note it, close it.
    import socket

    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]

    with pytest.raises(CDFConnectionError) as caught:
        run(retrieve, base_url=f"http://127.0.0.1:{port}", max_retries=1)

    assert [reason.split(" (")[0] for reason in caught.value.attempts] == ["could not connect"] * 2
    assert "Check the network" in str(caught.value)
