"""Credentials at work over loopback HTTP: the OAuth token endpoint and CDF on one server, the
server counting token requests. Covers form and Basic client authentication, caching, refresh
ahead of expiry, one refresh at a time under threads and under asyncio, 401 renewal, and the
identity provider's failures."""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from pygen_runtime import (
    AsyncCDFClient,
    CDFAuthenticationError,
    CDFClient,
    ClientConfig,
    ConfigurationError,
    OAuthClientCredentials,
    TokenProvider,
    TokenRequestError,
)

BYIDS = "/models/spaces/byids"
SECRET = "s3cr3t/with+odd&chars"


class ManualClock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def oauth(cdf: Any, **overrides: Any) -> OAuthClientCredentials:
    settings: dict[str, Any] = {
        "token_url": cdf.token_url,
        "client_id": "pygen-tests",
        "client_secret": SECRET,
        "scopes": [f"{cdf.base_url}/.default"],
    }
    return OAuthClientCredentials(**{**settings, **overrides})


def no_spaces(cdf: Any) -> None:
    cdf.on("POST", BYIDS, cdf.answer({"items": []}))


def bearer_tokens(cdf: Any) -> list[str]:
    return [request.headers["authorization"] for request in cdf.sent(BYIDS)]


def test_client_credentials_are_posted_in_the_form_and_the_token_is_used(cdf: Any, run: Any) -> None:
    cdf.issue_tokens()
    no_spaces(cdf)

    run(lambda client: client.spaces.retrieve("s"), credentials=oauth(cdf, audience="https://cdf"))

    [token_request] = cdf.sent(cdf.TOKEN_PATH)
    assert token_request.body == {
        "grant_type": "client_credentials",
        "client_id": "pygen-tests",
        "client_secret": SECRET,
        "scope": f"{cdf.base_url}/.default",
        "audience": "https://cdf",
    }
    assert "authorization" not in token_request.headers
    assert "x-cdp-app" not in token_request.headers
    assert bearer_tokens(cdf) == ["Bearer token-1"]


def test_client_credentials_can_be_sent_as_http_basic(cdf: Any, run: Any) -> None:
    cdf.issue_tokens()
    no_spaces(cdf)

    run(lambda client: client.spaces.retrieve("s"), credentials=oauth(cdf, auth_method="client_secret_basic"))

    [token_request] = cdf.sent(cdf.TOKEN_PATH)
    expected = base64.b64encode(f"pygen-tests:{quote(SECRET, safe='')}".encode()).decode()
    assert token_request.headers["authorization"] == f"Basic {expected}"
    assert "client_secret" not in token_request.body
    assert "client_id" not in token_request.body


def test_the_token_is_cached_and_refreshed_ahead_of_its_expiry(cdf: Any) -> None:
    cdf.issue_tokens(expires_in=600)
    no_spaces(cdf)
    clock = ManualClock()
    credentials = oauth(cdf, refresh_margin=60, clock=clock)

    with CDFClient(cdf.config(credentials=credentials)) as client:
        client.spaces.retrieve("s")
        clock.now += 500
        client.spaces.retrieve("s")  # 100 s left: still fresh
        clock.now += 41
        client.spaces.retrieve("s")  # 59 s left: inside the margin, refreshed
        client.spaces.retrieve("s")

    assert len(cdf.sent(cdf.TOKEN_PATH)) == 2
    assert bearer_tokens(cdf) == ["Bearer token-1", "Bearer token-1", "Bearer token-2", "Bearer token-2"]


def test_a_short_lived_token_is_refreshed_halfway_not_at_once(cdf: Any) -> None:
    cdf.issue_tokens(expires_in=60)  # shorter than the default 60 s margin
    no_spaces(cdf)
    clock = ManualClock()

    with CDFClient(cdf.config(credentials=oauth(cdf, clock=clock))) as client:
        client.spaces.retrieve("s")
        clock.now += 29
        client.spaces.retrieve("s")
        clock.now += 2
        client.spaces.retrieve("s")

    assert bearer_tokens(cdf) == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]


def test_threads_share_one_token_request(cdf: Any) -> None:
    cdf.issue_tokens(delay=0.2)
    no_spaces(cdf)
    start = threading.Barrier(16)

    with CDFClient(cdf.config(credentials=oauth(cdf), max_concurrent_reads=16)) as client:

        def call() -> None:
            start.wait(timeout=5)
            client.spaces.retrieve("s")

        threads = [threading.Thread(target=call) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)

    assert len(cdf.sent(cdf.TOKEN_PATH)) == 1
    assert bearer_tokens(cdf) == ["Bearer token-1"] * 16


def test_while_one_thread_refreshes_the_others_use_the_still_valid_token(cdf: Any) -> None:
    cdf.issue_tokens(expires_in=600, delay=0.3)
    no_spaces(cdf)
    clock = ManualClock()
    credentials = oauth(cdf, clock=clock)

    with CDFClient(cdf.config(credentials=credentials, max_concurrent_reads=8)) as client:
        client.spaces.retrieve("s")
        clock.now += 560  # inside the refresh margin, 40 s before expiry
        start = threading.Barrier(8)

        def call() -> None:
            start.wait(timeout=5)
            client.spaces.retrieve("s")

        threads = [threading.Thread(target=call) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)

    assert len(cdf.sent(cdf.TOKEN_PATH)) == 2
    tokens = bearer_tokens(cdf)
    assert tokens.count("Bearer token-2") >= 1
    assert tokens.count("Bearer token-1") >= 2  # the first call, and threads that did not wait


async def test_asyncio_tasks_share_one_token_request(cdf: Any) -> None:
    cdf.issue_tokens(delay=0.2)
    no_spaces(cdf)

    async with AsyncCDFClient(cdf.config(credentials=oauth(cdf), max_concurrent_reads=16)) as client:
        await asyncio.gather(*(client.spaces.retrieve("s") for _ in range(16)))

    assert len(cdf.sent(cdf.TOKEN_PATH)) == 1
    assert bearer_tokens(cdf) == ["Bearer token-1"] * 16


async def test_the_async_client_reuses_a_cached_token(cdf: Any) -> None:
    cdf.issue_tokens()
    no_spaces(cdf)

    async with AsyncCDFClient(cdf.config(credentials=oauth(cdf))) as client:
        await client.spaces.retrieve("s")
        await client.spaces.retrieve("s")

    assert len(cdf.sent(cdf.TOKEN_PATH)) == 1
    assert bearer_tokens(cdf) == ["Bearer token-1", "Bearer token-1"]


async def test_asyncio_tasks_keep_using_the_valid_token_during_a_refresh(cdf: Any) -> None:
    cdf.issue_tokens(expires_in=600, delay=0.3)
    no_spaces(cdf)
    clock = ManualClock()

    async with AsyncCDFClient(cdf.config(credentials=oauth(cdf, clock=clock))) as client:
        await client.spaces.retrieve("s")
        clock.now += 560
        await asyncio.gather(*(client.spaces.retrieve("s") for _ in range(6)))

    assert len(cdf.sent(cdf.TOKEN_PATH)) == 2
    assert bearer_tokens(cdf).count("Bearer token-1") >= 2


def test_a_401_fetches_a_new_token_and_tries_once_more(cdf: Any, run: Any) -> None:
    cdf.issue_tokens()
    cdf.on("POST", BYIDS, cdf.error(401, "Token expired"), cdf.answer({"items": []}))

    assert run(lambda client: client.spaces.retrieve("s"), credentials=oauth(cdf)) == []

    assert len(cdf.sent(cdf.TOKEN_PATH)) == 2
    assert bearer_tokens(cdf) == ["Bearer token-1", "Bearer token-2"]


def test_a_second_401_is_final(cdf: Any, run: Any) -> None:
    cdf.issue_tokens()
    cdf.on("POST", BYIDS, cdf.error(401, "Token audience is not this cluster"))

    with pytest.raises(CDFAuthenticationError) as caught:
        run(lambda client: client.spaces.retrieve("s"), credentials=oauth(cdf))

    assert caught.value.attempts == (
        "401 Unauthorized: Token audience is not this cluster",
        "401 Unauthorized: Token audience is not this cluster",
    )
    assert len(cdf.sent(BYIDS)) == 2
    assert "token-" not in str(caught.value)


def test_a_refusing_identity_provider_gives_its_reason_but_never_the_secret(cdf: Any, run: Any) -> None:
    cdf.on(
        "POST",
        cdf.TOKEN_PATH,
        cdf.answer(
            {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret."}, 401
        ),
    )

    with pytest.raises(TokenRequestError) as caught:
        run(lambda client: client.spaces.retrieve("s"), credentials=oauth(cdf))

    text = str(caught.value)
    assert "refused the token request with 401: invalid_client: AADSTS7000215: Invalid client secret." in text
    assert "CDF_CLIENT_SECRET" in text
    assert caught.value.path == cdf.token_url
    assert SECRET not in text
    assert quote(SECRET, safe="") not in text
    assert cdf.sent(BYIDS) == []


def test_an_unavailable_identity_provider_is_retried(cdf: Any, run: Any) -> None:
    cdf.on(
        "POST",
        cdf.TOKEN_PATH,
        cdf.error(503, "maintenance"),
        cdf.answer({"access_token": "token-after-retry", "expires_in": "3599"}),
    )
    no_spaces(cdf)

    run(lambda client: client.spaces.retrieve("s"), credentials=oauth(cdf))

    token_requests = cdf.sent(cdf.TOKEN_PATH)
    assert [request.headers["x-pygen-retry-count"] for request in token_requests] == ["0", "1"]
    assert bearer_tokens(cdf) == ["Bearer token-after-retry"]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param(
            (b"<html>Sign in</html>", 200, "text/html"),
            "not with a JSON token response (20 bytes of text/html)",
            id="an HTML page",
        ),
        pytest.param((b"", 200, "application/json"), "(an empty body)", id="an empty body"),
        pytest.param(
            (b'{"token_type": "Bearer", "expires_in": 3600}', 200, "application/json"),
            "without an access_token (keys: expires_in, token_type)",
            id="no access_token",
        ),
        pytest.param(
            (b'{"access_token": "abc", "expires_in": "soon"}', 200, "application/json"),
            "expires_in is not a number of seconds: 'soon'",
            id="a lifetime that is not a number",
        ),
        pytest.param((b"[]", 500, "application/json"), "refused the token request with 500", id="a bare 500"),
    ],
)
def test_an_answer_that_is_not_a_token_gives_a_clear_error(
    cdf: Any, client: Any, answer: tuple[bytes, int, str], expected: str
) -> None:
    cdf.on("POST", cdf.TOKEN_PATH, cdf.raw(*answer))

    with (
        CDFClient(cdf.config(credentials=oauth(cdf))) as oauth_client,
        pytest.raises(TokenRequestError) as caught,
    ):
        oauth_client.spaces.retrieve("s")

    assert expected in str(caught.value)


def test_a_token_without_a_lifetime_is_kept_until_cdf_rejects_it(cdf: Any) -> None:
    cdf.issue_tokens(expires_in=None)
    cdf.on(
        "POST",
        BYIDS,
        cdf.answer({"items": []}),
        cdf.answer({"items": []}),
        cdf.error(401, "expired"),
        cdf.answer({"items": []}),
    )
    clock = ManualClock()

    with CDFClient(cdf.config(credentials=oauth(cdf, clock=clock))) as client:
        client.spaces.retrieve("s")
        clock.now += 10**6
        client.spaces.retrieve("s")
        client.spaces.retrieve("s")

    assert bearer_tokens(cdf) == ["Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-2"]


def test_the_environment_configures_oauth_against_the_token_endpoint(cdf: Any) -> None:
    cdf.issue_tokens()
    no_spaces(cdf)
    env = {
        "CDF_URL": cdf.base_url,
        "CDF_PROJECT": cdf.PROJECT,
        "CDF_CLIENT_ID": "pygen-tests",
        "CDF_CLIENT_SECRET": SECRET,
        "CDF_TOKEN_URL": cdf.token_url,
    }

    with CDFClient(ClientConfig.from_env(env)) as client:
        client.spaces.retrieve("s")

    [token_request] = cdf.sent(cdf.TOKEN_PATH)
    assert token_request.body["scope"] == f"{cdf.base_url}/.default"
    assert bearer_tokens(cdf) == ["Bearer token-1"]


def test_a_token_provider_is_asked_before_every_request(cdf: Any, run: Any) -> None:
    no_spaces(cdf)
    handed_out: list[str] = []

    def get_token() -> str:
        handed_out.append(f"provided-{len(handed_out) + 1}")
        return handed_out[-1]

    for _ in range(2):
        run(lambda client: client.spaces.retrieve("s"), credentials=get_token)

    assert bearer_tokens(cdf) == ["Bearer provided-1", "Bearer provided-2"]


def test_a_token_provider_gets_a_second_chance_after_a_401(cdf: Any, run: Any) -> None:
    cdf.on("POST", BYIDS, cdf.error(401, "expired"), cdf.answer({"items": []}))
    tokens = iter(["stale", "fresh"])

    run(lambda client: client.spaces.retrieve("s"), credentials=TokenProvider(lambda: next(tokens)))

    assert bearer_tokens(cdf) == ["Bearer stale", "Bearer fresh"]


async def test_an_async_token_provider_is_awaited_by_the_async_client(cdf: Any) -> None:
    no_spaces(cdf)

    async def get_token() -> str:
        await asyncio.sleep(0)
        return "from-a-coroutine"

    async with AsyncCDFClient(cdf.config(credentials=TokenProvider(get_token))) as client:
        await client.spaces.retrieve("s")

    assert bearer_tokens(cdf) == ["Bearer from-a-coroutine"]


def test_an_async_token_provider_with_the_sync_client_is_a_clear_error(cdf: Any) -> None:
    async def get_token() -> str:  # pragma: no cover - never awaited
        return "never"

    with (
        CDFClient(cdf.config(credentials=TokenProvider(get_token))) as client,
        pytest.raises(ConfigurationError, match="is asynchronous; use it with AsyncCDFClient"),
    ):
        client.spaces.retrieve("s")


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        pytest.param(lambda: None, "returned NoneType; it must return the token as a str", id="None"),
        pytest.param(lambda: "   ", "is empty", id="blank"),
        pytest.param(lambda: "abc\ndef", "whitespace or control characters", id="two lines"),
    ],
)
def test_a_token_provider_returning_no_token_is_a_clear_error(
    cdf: Any, provider: Callable[[], Any], expected: str
) -> None:
    with CDFClient(cdf.config(credentials=provider)) as client, pytest.raises(ConfigurationError) as caught:
        client.spaces.retrieve("s")

    assert expected in str(caught.value)
    assert cdf.sent() == []
