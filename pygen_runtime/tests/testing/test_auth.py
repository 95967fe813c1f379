"""The token endpoint (client credentials, form body or HTTP Basic) and Bearer enforcement."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from http_expectations import error_of, ok
from manual_clock import ManualClock
from pygen_runtime.testing import ClientCredentials
from spec_checked import SpecCheckedEmulator


@pytest.fixture
def secured(clock: ManualClock) -> Iterator[SpecCheckedEmulator]:
    emu = SpecCheckedEmulator(
        project="p",
        clock=clock,
        require_auth=True,
        client_id="me",
        client_secret="s3cret",
        token_ttl_seconds=60,
    )
    yield emu
    emu.assert_spec_compliant()


@pytest.fixture
def http(secured: SpecCheckedEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=secured.transport(), base_url=secured.base_url) as client:
        yield client


def spaces_url(emu: SpecCheckedEmulator) -> str:
    return f"/api/v1/projects/{emu.project}/models/spaces"


def test_client_credentials_in_the_form_body_buy_a_working_token(
    secured: SpecCheckedEmulator, http: httpx.Client
) -> None:
    grant = ok(
        http.post(
            "/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "me",
                "client_secret": "s3cret",
                "scope": "x",
            },
        )
    )

    assert grant["token_type"] == "Bearer"
    assert grant["expires_in"] == 60
    headers = {"Authorization": f"Bearer {grant['access_token']}"}
    assert ok(http.get(spaces_url(secured), headers=headers)) == {"items": []}


def test_http_basic_credentials_work_too(secured: SpecCheckedEmulator, http: httpx.Client) -> None:
    grant = ok(http.post("/oauth2/token", data={"grant_type": "client_credentials"}, auth=("me", "s3cret")))
    assert ok(
        http.get(spaces_url(secured), headers={"Authorization": f"Bearer {grant['access_token']}"})
    ) == {"items": []}


@pytest.mark.parametrize(
    ("form", "headers", "status", "error"),
    [
        (
            {"grant_type": "password", "client_id": "me", "client_secret": "s3cret"},
            {},
            400,
            "unsupported_grant_type",
        ),
        ({"grant_type": "client_credentials"}, {}, 401, "invalid_client"),
        (
            {"grant_type": "client_credentials", "client_id": "me", "client_secret": "guess-123"},
            {},
            401,
            "invalid_client",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "you", "client_secret": "s3cret"},
            {},
            401,
            "invalid_client",
        ),
        ({"grant_type": "client_credentials"}, {"Authorization": "Basic !!!"}, 401, "invalid_client"),
    ],
)
def test_bad_grants_get_oauth2_errors_that_never_echo_the_secret(
    http: httpx.Client, form: dict[str, str], headers: dict[str, str], status: int, error: str
) -> None:
    response = http.post("/oauth2/token", data=form, headers=headers)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert "s3cret" not in response.text
    assert "guess-123" not in response.text


def test_the_token_endpoint_wants_a_post_with_a_form(http: httpx.Client) -> None:
    assert http.get("/oauth2/token").status_code == 405
    response = http.post("/oauth2/token", content=b"\xff\xfe")
    assert response.json()["error"] == "invalid_request"


def test_without_a_valid_token_api_calls_get_cdfs_401(
    secured: SpecCheckedEmulator, http: httpx.Client
) -> None:
    for headers in ({}, {"Authorization": "Bearer forged"}, {"Authorization": "Basic bWU6czNjcmV0"}):
        error = error_of(http.get(spaces_url(secured), headers=headers), status=401)
        assert "Bearer" in error["message"]
        assert "forged" not in error["message"]


def test_tokens_expire_on_the_emulators_clock(
    secured: SpecCheckedEmulator, http: httpx.Client, clock: ManualClock
) -> None:
    headers = {"Authorization": f"Bearer {secured.issue_token()}"}
    short = {"Authorization": f"Bearer {secured.issue_token(ttl_seconds=1)}"}
    clock.advance(1000)
    error_of(http.get(spaces_url(secured), headers=short), status=401)
    ok(http.get(spaces_url(secured), headers=headers))
    clock.advance(59_000)
    error_of(http.get(spaces_url(secured), headers=headers), status=401)


def test_credentials_do_not_show_their_secret_in_repr() -> None:
    credentials = ClientCredentials("me", "s3cret")
    assert "s3cret" not in repr(credentials)
    assert base64.b64encode(b"me:s3cret")  # the Basic form used above, for reference
