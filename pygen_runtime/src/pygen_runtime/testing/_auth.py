"""The emulator's OAuth2 side: a client-credentials token endpoint and Bearer token checks.

``POST /oauth2/token`` takes ``grant_type=client_credentials`` with the client id and secret in
the form body or in an HTTP Basic header, and answers ``{"access_token", "token_type",
"expires_in"}``. Tokens are random, expire after ``token_ttl_seconds`` of the emulator's clock,
and are never echoed in an error message.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

__all__ = ["ClientCredentials", "TokenIssuer"]


@dataclass(frozen=True)
class ClientCredentials:
    """The one OAuth2 client the emulator accepts."""

    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, client_secret='***')"


def _oauth_error(status: int, error: str, description: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": error, "error_description": description}


class TokenIssuer:
    """Issues and checks Bearer tokens against the emulator's clock (epoch milliseconds)."""

    def __init__(self, credentials: ClientCredentials, ttl_seconds: int, clock: Callable[[], int]) -> None:
        self.credentials = credentials
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._expiry: dict[str, int] = {}
        self._lock = threading.Lock()

    def issue(self, ttl_seconds: int | None = None) -> str:
        """A new token valid for ``ttl_seconds`` (the issuer's default if None)."""
        token = secrets.token_urlsafe(32)
        lifetime = self.ttl_seconds if ttl_seconds is None else ttl_seconds
        with self._lock:
            self._expiry[token] = self._clock() + lifetime * 1000
        return token

    def is_valid(self, authorization: str | None) -> bool:
        """Whether an ``Authorization`` header carries a live token this issuer gave out."""
        if not authorization or not authorization.startswith("Bearer "):
            return False
        token = authorization[len("Bearer ") :].strip()
        with self._lock:
            expiry = self._expiry.get(token)
        return expiry is not None and self._clock() < expiry

    def _client_from(
        self, form: Mapping[str, list[str]], authorization: str | None
    ) -> tuple[str, str] | None:
        if authorization and authorization.startswith("Basic "):
            try:
                decoded = base64.b64decode(authorization[len("Basic ") :].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return None
            client_id, _, client_secret = decoded.partition(":")
            return client_id, client_secret
        client_id = (form.get("client_id") or [""])[-1]
        client_secret = (form.get("client_secret") or [""])[-1]
        if not client_id:
            return None
        return client_id, client_secret

    def token_response(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        """Status and JSON body for a request to the token endpoint."""
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return _oauth_error(
                400, "invalid_request", "The body must be a UTF-8 form (application/x-www-form-urlencoded)."
            )
        grant_type = (form.get("grant_type") or [""])[-1]
        if grant_type != "client_credentials":
            return _oauth_error(
                400,
                "unsupported_grant_type",
                "Only grant_type=client_credentials is supported by the emulator.",
            )
        client = self._client_from(form, headers.get("authorization"))
        if client is None:
            return _oauth_error(
                401,
                "invalid_client",
                "Send client_id and client_secret in the form body or as HTTP Basic auth.",
            )
        expected = self.credentials
        id_ok = hmac.compare_digest(client[0].encode(), expected.client_id.encode())
        secret_ok = hmac.compare_digest(client[1].encode(), expected.client_secret.encode())
        if not (id_ok and secret_ok):
            return _oauth_error(401, "invalid_client", "Unknown client id or wrong client secret.")
        token = self.issue()
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.ttl_seconds}
