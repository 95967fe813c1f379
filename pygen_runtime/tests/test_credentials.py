"""Credentials on their own: what they accept, what they refuse, what their token request looks
like, and that no secret shows in a repr. (Token fetching over HTTP is tested with the client,
in client/test_authentication.py.)"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from pygen_runtime.credentials import parse_token_response

from pygen_runtime import ConfigurationError, OAuthClientCredentials, Token, TokenProvider, TokenRequestError


def never_called(request: object) -> object:  # pragma: no cover - a fixed token sends nothing
    raise AssertionError("a fixed token does not send requests")


@pytest.mark.parametrize("given", ["abc.def", "Bearer abc.def", "  bearer   abc.def  "])
def test_a_token_becomes_a_bearer_header(given: str) -> None:
    assert Token(given).authorization(never_called) == "Bearer abc.def"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", "the access token is empty"),
        ("Bearer ", "the access token is empty"),
        ("abc\r\nX-Injected: 1", "contains whitespace or control characters"),
        (None, "Token expects the access token as a str, got NoneType"),
    ],
)
def test_a_token_that_is_not_one_is_refused(given: object, expected: str) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        Token(given)  # type: ignore[arg-type]


def test_a_fixed_token_cannot_be_renewed() -> None:
    assert Token("abc").invalidate("Bearer abc") is False


def test_a_token_provider_needs_a_callable() -> None:
    with pytest.raises(
        ConfigurationError, match="TokenProvider expects a callable returning the token, got str"
    ):
        TokenProvider("abc")  # type: ignore[arg-type]


def test_a_token_provider_is_named_by_its_function() -> None:
    def from_vault() -> str:  # pragma: no cover - only named
        return "abc"

    assert repr(TokenProvider(from_vault)) == (
        "TokenProvider(test_a_token_provider_is_named_by_its_function.<locals>.from_vault)"
    )


def test_oauth_credentials_list_every_problem() -> None:
    with pytest.raises(ConfigurationError) as caught:
        OAuthClientCredentials(
            token_url="login.example/token",
            client_id=" ",
            client_secret="",
            auth_method="private_key_jwt",  # type: ignore[arg-type]
            refresh_margin=-1,
        )

    problems = caught.value.problems
    assert len(problems) == 5
    assert problems[0].startswith("token_url 'login.example/token' is not an http(s) URL")
    assert problems[1].startswith("client_id is empty")
    assert problems[2].startswith("client_secret is empty")
    assert problems[3].startswith("auth_method 'private_key_jwt' is not supported")
    assert problems[4].startswith("refresh_margin must be a number of seconds >= 0")


def test_the_token_request_is_a_form_post_with_only_what_was_given() -> None:
    credentials = OAuthClientCredentials(
        token_url="https://idp.example/token?tenant=t", client_id="app", client_secret="hush", scopes="a b"
    )

    request = credentials.token_request()

    assert (request.method, str(request.url)) == ("POST", "https://idp.example/token?tenant=t")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(request.content.decode())) == {
        "grant_type": "client_credentials",
        "client_id": "app",
        "client_secret": "hush",
        "scope": "a b",
    }


def test_oauth_credentials_hide_the_secret() -> None:
    credentials = OAuthClientCredentials(
        token_url="https://idp.example/token", client_id="app", client_secret="hush"
    )

    assert "hush" not in repr(credentials)
    assert "hush" not in str(vars(credentials).get("client_secret", ""))


@pytest.mark.parametrize(
    ("body", "lifetime"),
    [
        (b'{"access_token": "abc", "expires_in": 3599}', 3599.0),
        (b'{"access_token": "abc", "expires_in": "3599"}', 3599.0),
        (b'{"access_token": "abc", "expires_in": -5}', 0.0),
        (b'{"access_token": "abc"}', None),
    ],
)
def test_a_token_response_gives_the_token_and_its_lifetime(body: bytes, lifetime: float | None) -> None:
    assert parse_token_response(
        status=200, content=body, content_type="application/json", token_url="https://idp.example/token"
    ) == ("abc", lifetime)


def test_a_refusal_names_the_token_endpoint_without_its_query() -> None:
    with pytest.raises(TokenRequestError) as caught:
        parse_token_response(
            status=400,
            content=b'{"error": "invalid_scope"}',
            content_type="application/json",
            token_url="https://idp.example/token?code=xyz",
        )

    assert caught.value.path == "https://idp.example/token"
    assert str(caught.value).startswith(
        "POST https://idp.example/token: the identity provider refused the token request with 400: "
        "invalid_scope"
    )
