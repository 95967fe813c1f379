"""Credentials: where the ``Authorization`` header of every CDF request comes from.

Three kinds cover every way of getting a token:

- ``Token``: a fixed access token (``CDF_TOKEN``), for scripts and tests.
- ``OAuthClientCredentials``: the OAuth 2.0 client-credentials grant against an identity provider
  (Entra ID, Auth0, Keycloak, the emulator's token endpoint). The token is cached and refreshed
  ahead of its expiry, one refresh at a time, under threads and under asyncio alike.
- ``TokenProvider``: a callable you supply (a device-code flow, a secrets manager, anything else).
  A plain callable given as ``ClientConfig(credentials=...)`` is wrapped in one.
- ``CogniteSdkCredentials``: a cognite-sdk credential provider (what ``CogniteClient.config.credentials``
  holds), asked for its ``Authorization`` header before every request; it refreshes its tokens itself.

Token requests go through the same HTTP client (and retry policy) as CDF requests, so an injected
transport such as the in-process emulator serves them too.
"""

from __future__ import annotations

import base64
import inspect
import json
import threading
import time
import weakref
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias
from urllib.parse import quote, urlsplit

from pygen_runtime.errors import ConfigurationError, TokenRequestError

if TYPE_CHECKING:
    import asyncio

    import httpx

__all__ = [
    "AsyncSend",
    "AuthorizationHeaderProvider",
    "CogniteSdkCredentials",
    "Credentials",
    "OAuthClientCredentials",
    "SyncSend",
    "Token",
    "TokenProvider",
]

SyncSend: TypeAlias = "Callable[[httpx.Request], httpx.Response]"
AsyncSend: TypeAlias = "Callable[[httpx.Request], Awaitable[httpx.Response]]"

# Refresh this many seconds before a token expires, so that no request carries a token that
# expires in flight.
DEFAULT_REFRESH_MARGIN = 60.0


class Credentials(ABC):
    """Supplies the ``Authorization`` header for CDF requests.

    ``send`` is the client's own way of sending a request (with its transport and retries); a
    credential that must fetch a token uses it instead of opening connections of its own.
    """

    @abstractmethod
    def authorization(self, send: SyncSend) -> str:
        """The value of the ``Authorization`` header, e.g. ``"Bearer eyJ..."``."""

    async def authorization_async(self, send: AsyncSend) -> str:
        """The header value, for the async client.

        The default calls ``authorization``, which suits credentials that send no requests. A
        credential that fetches tokens overrides this and uses the async ``send``.
        """
        return self.authorization(_no_sync_send)

    def invalidate(self, authorization: str) -> bool:
        """Forget ``authorization`` after CDF rejected it with 401.

        Returns whether asking again may give a different header, i.e. whether retrying the
        request once is worthwhile.
        """
        return False


def _no_sync_send(request: httpx.Request) -> httpx.Response:  # pragma: no cover - a subclass's mistake
    raise RuntimeError(
        "This credential sends requests from authorization(); override authorization_async() so that "
        "AsyncCDFClient can send them."
    )


def _bearer(token: str, origin: str) -> str:
    token = token.strip()
    scheme, _, rest = token.partition(" ")
    if scheme.lower() == "bearer":
        token = rest.strip()
    if not token:
        raise ConfigurationError([f"{origin} is empty: supply the access token itself."])
    if any(char.isspace() or ord(char) < 0x20 for char in token):
        # A token with whitespace or control characters would corrupt the HTTP header.
        raise ConfigurationError([f"{origin} contains whitespace or control characters; it is not a token."])
    return f"Bearer {token}"


class Token(Credentials):
    """A fixed access token. Its value never appears in a repr, a log or an error.

    >>> Token("eyJ0eXAi...")
    Token(<hidden>)
    """

    def __init__(self, access_token: str) -> None:
        if not isinstance(access_token, str):
            raise ConfigurationError(
                [f"Token expects the access token as a str, got {type(access_token).__name__}."]
            )
        self._header = _bearer(access_token, "the access token")

    def __repr__(self) -> str:
        return "Token(<hidden>)"

    def authorization(self, send: SyncSend) -> str:
        return self._header


class TokenProvider(Credentials):
    """Asks ``get_token`` for the access token before every request.

    ``get_token`` returns the token (without ``Bearer``); it should cache it, since it is called
    for every request. With the async client it may also be a coroutine function. After CDF
    rejects a token with 401 the request is retried once with whatever ``get_token`` returns next.

    >>> provider = TokenProvider(lambda: "eyJ0eXAi...")
    """

    def __init__(self, get_token: Callable[[], str | Awaitable[str]]) -> None:
        if not callable(get_token):
            raise ConfigurationError(
                [f"TokenProvider expects a callable returning the token, got {type(get_token).__name__}."]
            )
        self._get_token = get_token

    def __repr__(self) -> str:
        name = getattr(self._get_token, "__qualname__", type(self._get_token).__name__)
        return f"TokenProvider({name})"

    def _header_from(self, value: object) -> str:
        if not isinstance(value, str):
            kind = type(value).__name__
            raise ConfigurationError(
                [f"the token provider {self!r} returned {kind}; it must return the token as a str."]
            )
        return _bearer(value, f"the token returned by {self!r}")

    def authorization(self, send: SyncSend) -> str:
        value = self._get_token()
        if inspect.isawaitable(value):
            if inspect.iscoroutine(value):
                value.close()  # never awaited: close it so Python does not warn about it
            raise ConfigurationError(
                [f"the token provider {self!r} is asynchronous; use it with AsyncCDFClient, not CDFClient."]
            )
        return self._header_from(value)

    async def authorization_async(self, send: AsyncSend) -> str:
        value = self._get_token()
        if inspect.isawaitable(value):
            value = await value
        return self._header_from(value)

    def invalidate(self, authorization: str) -> bool:
        return True


class AuthorizationHeaderProvider(Protocol):
    """What cognite-sdk's credential providers (``Token``, ``OAuthClientCredentials``,
    ``OAuthDeviceCode``, ``OAuthInteractive``, ...) have in common: the header to send, as
    ``("Authorization", "Bearer ...")``, with the token refreshed by the provider when due."""

    def authorization_header(self) -> tuple[str, str]: ...


class CogniteSdkCredentials(Credentials):
    """A cognite-sdk credential provider, asked for the ``Authorization`` header before every
    request.

    The provider caches and refreshes its token itself (as it does for the ``CogniteClient`` it came
    from), so a client built on it keeps working across token expiry, and shares the provider's
    token with that ``CogniteClient``. cognite-sdk is not imported: any object with an
    ``authorization_header()`` method returning ``(header name, header value)`` will do.

    After CDF rejects a header with 401 the request is retried once with whatever the provider
    returns next. With ``AsyncCDFClient`` the provider (which may block while it fetches a token)
    is called in a worker thread, so it never stalls the event loop.

    >>> class Provider:
    ...     def authorization_header(self) -> tuple[str, str]:
    ...         return "Authorization", "Bearer eyJ0eXAi..."
    >>> CogniteSdkCredentials(Provider())
    CogniteSdkCredentials(Provider)
    """

    def __init__(self, provider: AuthorizationHeaderProvider) -> None:
        if not callable(getattr(provider, "authorization_header", None)):
            raise ConfigurationError(
                [
                    f"CogniteSdkCredentials expects a cognite-sdk credential provider (an object with an "
                    f"authorization_header() method, such as CogniteClient.config.credentials), got "
                    f"{type(provider).__name__}."
                ]
            )
        self.provider = provider

    def __repr__(self) -> str:
        return f"CogniteSdkCredentials({type(self.provider).__name__})"

    def authorization(self, send: SyncSend) -> str:
        header = self.provider.authorization_header()
        name, value = header if isinstance(header, tuple) and len(header) == 2 else (None, None)
        if not isinstance(name, str) or not isinstance(value, str):
            raise ConfigurationError(
                [
                    f"the credential provider {type(self.provider).__name__} returned "
                    f"{type(header).__name__} from authorization_header(); it must return a "
                    "(header name, header value) pair of str."
                ]
            )
        if name.strip().lower() != "authorization":
            # CDF takes OAuth tokens in the Authorization header only.
            raise ConfigurationError(
                [
                    f"the credential provider {type(self.provider).__name__} gives the header {name!r}; "
                    "CDF needs an OAuth token in the Authorization header (use a cognite-sdk Token or "
                    "OAuth credential provider)."
                ]
            )
        return _bearer(value, f"the Authorization header from {type(self.provider).__name__}")

    async def authorization_async(self, send: AsyncSend) -> str:
        # Imported here so that sync-only programs never load asyncio.
        import asyncio

        return await asyncio.to_thread(self.authorization, _no_sync_send)

    def invalidate(self, authorization: str) -> bool:
        return True


@dataclass(frozen=True)
class _CachedToken:
    header: str
    refresh_at: float | None  # on the credential's clock; None when the provider gave no lifetime
    expires_at: float | None

    def fresh(self, now: float) -> bool:
        return self.refresh_at is None or now < self.refresh_at

    def usable(self, now: float) -> bool:
        return self.expires_at is None or now < self.expires_at


class OAuthClientCredentials(Credentials):
    """The OAuth 2.0 client-credentials grant.

    The client id and secret are posted in the form body (``auth_method="client_secret_post"``,
    the default) or sent as HTTP Basic (``"client_secret_basic"``). ``scopes`` (for Entra ID
    usually ``["https://<cluster>.cognitedata.com/.default"]``) and ``audience`` (for Auth0) are
    sent when given.

    The token is cached and refreshed ``refresh_margin`` seconds before it expires (or halfway
    through its lifetime, if that comes later). While one thread or task refreshes, the others
    wait for its token, or keep using the current one while it is still valid, so there is only
    ever one token request in flight per credential and event loop.

    >>> OAuthClientCredentials(
    ...     token_url="https://idp.example/token",
    ...     client_id="app-1",
    ...     client_secret="never printed",
    ...     scopes=["https://westeurope-1.cognitedata.com/.default"],
    ... )
    OAuthClientCredentials(token_url='https://idp.example/token', client_id='app-1', client_secret=<hidden>)
    """

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scopes: Sequence[str] | str = (),
        audience: str | None = None,
        auth_method: Literal["client_secret_post", "client_secret_basic"] = "client_secret_post",
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        problems = []
        parts = urlsplit(token_url) if isinstance(token_url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(
                f"token_url {token_url!r} is not an http(s) URL: give the identity provider's token "
                "endpoint, e.g. https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token."
            )
        if not isinstance(client_id, str) or not client_id.strip():
            problems.append("client_id is empty: give the id of the app registration (service principal).")
        if not isinstance(client_secret, str) or not client_secret:
            problems.append("client_secret is empty: give the app registration's client secret.")
        if auth_method not in ("client_secret_post", "client_secret_basic"):
            problems.append(
                f"auth_method {auth_method!r} is not supported: use 'client_secret_post' or "
                "'client_secret_basic'."
            )
        if not isinstance(refresh_margin, (int, float)) or refresh_margin < 0:
            problems.append(f"refresh_margin must be a number of seconds >= 0, got {refresh_margin!r}.")
        if problems:
            raise ConfigurationError(problems)
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scopes: tuple[str, ...] = tuple(scopes.split()) if isinstance(scopes, str) else tuple(scopes)
        self.audience = audience
        self.auth_method = auth_method
        self.refresh_margin = float(refresh_margin)
        self._clock = clock
        self._cached: _CachedToken | None = None
        self._lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._async_locks_guard = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"OAuthClientCredentials(token_url={self.token_url!r}, client_id={self.client_id!r}, "
            "client_secret=<hidden>)"
        )

    def token_request(self) -> httpx.Request:
        """The token request this credential sends (built without sending it)."""
        import httpx

        form = {"grant_type": "client_credentials"}
        headers = {"Accept": "application/json"}
        if self.auth_method == "client_secret_basic":
            # RFC 6749 section 2.3.1: form-encode the id and secret before joining them.
            pair = f"{quote(self.client_id, safe='')}:{quote(self._client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form["client_id"] = self.client_id
            form["client_secret"] = self._client_secret
        if self.scopes:
            form["scope"] = " ".join(self.scopes)
        if self.audience:
            form["audience"] = self.audience
        return httpx.Request("POST", self.token_url, data=form, headers=headers)

    def _token_from(self, response: httpx.Response, requested_at: float) -> _CachedToken:
        access_token, lifetime = parse_token_response(
            status=response.status_code,
            content=response.content,
            content_type=response.headers.get("content-type", ""),
            token_url=self.token_url,
        )
        header = _bearer(access_token, f"the access token from {self.token_url}")
        if lifetime is None:
            return _CachedToken(header=header, refresh_at=None, expires_at=None)
        refresh_after = max(lifetime - self.refresh_margin, lifetime / 2)
        return _CachedToken(
            header=header, refresh_at=requested_at + refresh_after, expires_at=requested_at + lifetime
        )

    def authorization(self, send: SyncSend) -> str:
        cached = self._cached
        if cached is not None and cached.fresh(self._clock()):
            return cached.header
        still_usable = cached is not None and cached.usable(self._clock())
        # While another thread refreshes, a token that has not expired yet is good enough.
        if not self._lock.acquire(blocking=not still_usable):
            assert cached is not None
            return cached.header
        try:
            cached = self._cached
            if cached is not None and cached.fresh(self._clock()):
                return cached.header
            requested_at = self._clock()
            fresh = self._token_from(send(self.token_request()), requested_at)
            self._cached = fresh
            return fresh.header
        finally:
            self._lock.release()

    def _async_lock(self) -> asyncio.Lock:
        # Imported here so that sync-only programs never load asyncio.
        import asyncio

        loop = asyncio.get_running_loop()
        with self._async_locks_guard:
            lock = self._async_locks.get(loop)
            if lock is None:
                lock = self._async_locks[loop] = asyncio.Lock()
            return lock

    async def authorization_async(self, send: AsyncSend) -> str:
        cached = self._cached
        if cached is not None and cached.fresh(self._clock()):
            return cached.header
        lock = self._async_lock()
        if lock.locked() and cached is not None and cached.usable(self._clock()):
            return cached.header
        async with lock:
            cached = self._cached
            if cached is not None and cached.fresh(self._clock()):
                return cached.header
            requested_at = self._clock()
            fresh = self._token_from(await send(self.token_request()), requested_at)
            self._cached = fresh
            return fresh.header

    def invalidate(self, authorization: str) -> bool:
        cached = self._cached
        if cached is not None and cached.header == authorization:
            self._cached = None
        return True


def parse_token_response(
    *, status: int, content: bytes, content_type: str, token_url: str
) -> tuple[str, float | None]:
    """The access token and its lifetime in seconds (None if not given) from a token response.

    Raises ``TokenRequestError`` with the provider's ``error`` and ``error_description`` when it
    refused, and a clear message when the answer is not a token response at all.
    """
    where = _without_query(token_url)
    body: Any
    try:
        body = json.loads(content) if content else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = None
    if status >= 400:
        reason = f"the identity provider refused the token request with {status}"
        if isinstance(body, Mapping) and body.get("error"):
            reason += f": {body['error']}"
            if body.get("error_description"):
                reason += f": {str(body['error_description']).strip()}"
        raise TokenRequestError(
            reason,
            method="POST",
            path=where,
            hint="Check the client id, the client secret, the token URL and the scopes (CDF_CLIENT_ID, "
            "CDF_CLIENT_SECRET, CDF_TOKEN_URL, CDF_SCOPES).",
        )
    if not isinstance(body, Mapping):
        raise TokenRequestError(
            f"the identity provider answered {status} but not with a JSON token response "
            f"({_describe_body(content, content_type)}); is CDF_TOKEN_URL the token endpoint?",
            method="POST",
            path=where,
        )
    access_token = body.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        keys = ", ".join(sorted(str(key) for key in body)) or "none"
        raise TokenRequestError(
            f"the identity provider answered {status} without an access_token (keys: {keys}).",
            method="POST",
            path=where,
        )
    lifetime = body.get("expires_in")
    if lifetime is None:
        return access_token, None
    try:
        seconds = float(lifetime)
    except (TypeError, ValueError):
        raise TokenRequestError(
            f"the identity provider's expires_in is not a number of seconds: {lifetime!r}.",
            method="POST",
            path=where,
        ) from None
    return access_token, max(seconds, 0.0)


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _describe_body(content: bytes, content_type: str) -> str:
    # Only the shape: a body that is not JSON may still hold a token (form-encoded responses do),
    # and a token never goes into an error message.
    if not content:
        return "an empty body"
    return f"{len(content)} bytes of {content_type or 'unlabelled content'}"
