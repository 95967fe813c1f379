"""``ClientConfig``: everything a CDF client needs to know, checked as a whole.

Build one directly, from the environment with ``ClientConfig.from_env()``, or from a cognite-sdk
``CogniteClient`` with ``ClientConfig.from_cognite_client(client)``. Every problem is reported at
once, each naming the field (or environment variable) and how to fix it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from pygen_runtime.credentials import (
    AuthorizationHeaderProvider,
    CogniteSdkCredentials,
    Credentials,
    OAuthClientCredentials,
    Token,
    TokenProvider,
)
from pygen_runtime.errors import ConfigurationError

__all__ = [
    "DEFAULT_CDF_VERSION",
    "ClientConfig",
    "CogniteClientLike",
    "CogniteConfigLike",
    "is_cognite_client",
]

# The API version the official spec this package is built against describes.
DEFAULT_CDF_VERSION = "20230101"

_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_PROJECT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ENTRA_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"


def _url_problem(value: object, label: str, allow_insecure_http: bool) -> str | None:
    example = "e.g. https://westeurope-1.cognitedata.com"
    if not isinstance(value, str) or not value.strip():
        return f"{label} is empty: give the URL of your CDF cluster, {example}."
    parts = urlsplit(value.strip())
    try:
        parts.port  # noqa: B018 - reading it checks it
    except ValueError:
        return f"{label} {value!r} has an invalid port: {example}."
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value.strip()):
        return f"{label} {value!r} is not an http(s) URL: {example}."
    if parts.query or parts.fragment:
        return f"{label} {value!r} has a query or fragment: give the cluster URL only, {example}."
    if "/api/v1/projects" in parts.path:
        return f"{label} {value!r} includes the API path: give the cluster URL only, {example}."
    # Plain http is safe only where the token cannot leave the machine: the loopback interface,
    # or a host under ".invalid", which never resolves (RFC 6761) and so is only reachable
    # through an injected transport such as the in-process emulator.
    host = parts.hostname or ""
    private = host in _LOOPBACK_HOSTS or host == "invalid" or host.endswith(".invalid")
    if parts.scheme == "http" and not private and not allow_insecure_http:
        return (
            f"{label} {value!r} uses plain http, which would send the token unencrypted: use https, "
            "or set allow_insecure_http=True for a trusted test server."
        )
    return None


def _count_problem(value: object, label: str, minimum: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        return f"{label} must be a whole number >= {minimum}, got {value!r}."
    return None


def _seconds_problem(value: object, label: str, *, allow_zero: bool) -> str | None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value < 0
        or (value == 0 and not allow_zero)
    ):
        bound = ">= 0" if allow_zero else "> 0"
        return f"{label} must be a number of seconds {bound}, got {value!r}."
    return None


def _header_problem(value: object, label: str) -> str | None:
    if not isinstance(value, str) or not value.strip() or any(ord(char) < 0x20 for char in value):
        return f"{label} must be a non-empty single-line string, got {value!r}."
    return None


class CogniteConfigLike(Protocol):
    """The part of cognite-sdk's ``ClientConfig`` a ``ClientConfig`` is made from (cognite-sdk is
    not imported; any object of this shape will do)."""

    @property
    def project(self) -> str: ...

    @property
    def base_url(self) -> str: ...

    @property
    def credentials(self) -> AuthorizationHeaderProvider: ...


class CogniteClientLike(Protocol):
    """A cognite-sdk ``CogniteClient`` (or ``AsyncCogniteClient``), as far as a ``ClientConfig``
    made from it needs: its ``config``."""

    @property
    def config(self) -> CogniteConfigLike: ...


def is_cognite_client(value: object) -> bool:
    """Whether ``value`` looks like a cognite-sdk ``CogniteClient``: it has ``.config.project``,
    ``.config.base_url`` and ``.config.credentials``."""
    return _is_cognite_config(getattr(value, "config", None))


def _is_cognite_config(value: object) -> bool:
    return value is not None and all(hasattr(value, name) for name in ("project", "base_url", "credentials"))


@dataclass(frozen=True, kw_only=True)
class ClientConfig:
    """How to reach a CDF project, and how hard to try.

    >>> from pygen_runtime import ClientConfig, Token
    >>> config = ClientConfig(
    ...     base_url="https://westeurope-1.cognitedata.com",
    ...     project="my-project",
    ...     credentials=Token("eyJ0eXAi..."),
    ...     client_name="wind-dashboard",
    ... )

    Attributes:
        base_url: the cluster URL, without ``/api/v1/...``.
        project: the CDF project name.
        credentials: a ``Credentials`` (``Token``, ``OAuthClientCredentials``, ``TokenProvider``) or
            a callable returning an access token.
        client_name: sent as ``x-cdp-app``, so CDF's logs show which application called.
        timeout: seconds to wait to connect, to send, and for each read of an answer.
        max_retries: how many times a failed request is retried (so it is tried up to
            ``max_retries + 1`` times).
        max_retry_wait: the longest single wait between tries, also capping ``Retry-After``.
        retry_backoff_base: the first backoff's upper bound; it doubles with every retry.
        max_concurrent_applies / max_concurrent_deletes / max_concurrent_reads: how many requests
            of each kind one client sends at once (CDF's project defaults are 4, 2 and 8; above
            them CDF answers 429).
        max_connections: the size of the connection pool.
        http2: use HTTP/2 (needs ``pip install pygen-runtime[http2]``).
        compress_requests: gzip request bodies larger than a kilobyte.
        cdf_version: the ``cdf-version`` header (the API version, e.g. ``"20230101"``, or
            ``"beta"``/``"alpha"`` to opt into preview features).
        extra_headers: more headers for every CDF request (not ``Authorization``).
        allow_insecure_http: allow ``http://`` to hosts other than the loopback interface.
    """

    base_url: str
    project: str
    credentials: Credentials | Callable[[], Any]
    client_name: str = "pygen-runtime"
    timeout: float = 30.0
    max_retries: int = 5
    max_retry_wait: float = 30.0
    retry_backoff_base: float = 0.5
    max_concurrent_applies: int = 4
    max_concurrent_deletes: int = 2
    max_concurrent_reads: int = 8
    max_connections: int = 20
    http2: bool = False
    compress_requests: bool = True
    cdf_version: str = DEFAULT_CDF_VERSION
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    allow_insecure_http: bool = False

    def __post_init__(self) -> None:
        problems = [
            _url_problem(self.base_url, "base_url", self.allow_insecure_http),
            None
            if isinstance(self.project, str) and _PROJECT.match(self.project)
            else f"project {self.project!r} is not a CDF project name (letters, digits, '-', '_' and '.').",
            None
            if isinstance(self.credentials, Credentials) or callable(self.credentials)
            else (
                "credentials must be a Token, OAuthClientCredentials, TokenProvider or a callable returning "
                f"a token, got {type(self.credentials).__name__}."
            ),
            _header_problem(self.client_name, "client_name"),
            _seconds_problem(self.timeout, "timeout", allow_zero=False),
            _count_problem(self.max_retries, "max_retries", 0),
            _seconds_problem(self.max_retry_wait, "max_retry_wait", allow_zero=True),
            _seconds_problem(self.retry_backoff_base, "retry_backoff_base", allow_zero=True),
            _count_problem(self.max_concurrent_applies, "max_concurrent_applies", 1),
            _count_problem(self.max_concurrent_deletes, "max_concurrent_deletes", 1),
            _count_problem(self.max_concurrent_reads, "max_concurrent_reads", 1),
            _count_problem(self.max_connections, "max_connections", 1),
            _header_problem(self.cdf_version, "cdf_version"),
        ]
        for name, value in dict(self.extra_headers).items():
            if not isinstance(name, str) or name.lower() == "authorization":
                problems.append(
                    f"extra_headers may not set {name!r}: the Authorization header comes from credentials."
                )
            else:
                problems.append(_header_problem(value, f"extra_headers[{name!r}]"))
        found = [problem for problem in problems if problem]
        if found:
            raise ConfigurationError(found)
        object.__setattr__(self, "base_url", self.base_url.strip().rstrip("/"))
        if not isinstance(self.credentials, Credentials):
            object.__setattr__(self, "credentials", TokenProvider(self.credentials))

    @property
    def auth(self) -> Credentials:
        """The credentials, as a ``Credentials`` (a callable given to the constructor is wrapped)."""
        assert isinstance(self.credentials, Credentials)
        return self.credentials

    @property
    def project_url(self) -> str:
        """The URL every API path of this project hangs off."""
        return f"{self.base_url}/api/v1/projects/{self.project}"

    @classmethod
    def for_entra_id(
        cls,
        *,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        cluster: str,
        project: str,
        **settings: Any,
    ) -> ClientConfig:
        """A configuration for a project on ``https://<cluster>.cognitedata.com`` signed in to
        through Microsoft Entra ID (Azure AD) with an app registration's client credentials.

        The token comes from the tenant's v2.0 endpoint with the scope ``<cluster URL>/.default``;
        ``settings`` are the other fields (``client_name``, ``timeout``, ...).

        >>> config = ClientConfig.for_entra_id(
        ...     tenant_id="my-tenant", client_id="app", client_secret="s3cret",
        ...     cluster="westeurope-1", project="wind",
        ... )
        >>> config.project_url
        'https://westeurope-1.cognitedata.com/api/v1/projects/wind'
        """
        base_url = f"https://{cluster}.cognitedata.com"
        credentials = OAuthClientCredentials(
            token_url=_ENTRA_TOKEN_URL.format(tenant=tenant_id),
            client_id=client_id,
            client_secret=client_secret,
            scopes=[f"{base_url}/.default"],
        )
        return cls(base_url=base_url, project=project, credentials=credentials, **settings)

    @classmethod
    def from_cognite_client(
        cls, client: CogniteClientLike | CogniteConfigLike, **overrides: Any
    ) -> ClientConfig:
        """A configuration for the project an existing cognite-sdk ``CogniteClient`` talks to
        (its ``config`` may be given instead); keyword arguments override what is taken from it.

        Taken over: ``project``, ``base_url``, ``client_name``, ``timeout``, ``api_subversion`` (as
        ``cdf_version``), ``headers`` (as ``extra_headers``, less ``Authorization``), and the
        credentials: the client's credential provider is wrapped in ``CogniteSdkCredentials``, so
        every request asks it for the current token and its token refresh keeps working. Retry
        and concurrency settings are this package's own (see the fields). cognite-sdk is not
        imported; the client is recognised by its shape.

        >>> from cognite.client import ClientConfig as CogniteConfig, CogniteClient  # doctest: +SKIP
        >>> from cognite.client.credentials import Token as CogniteToken  # doctest: +SKIP
        >>> cognite_client = CogniteClient(
        ...     CogniteConfig(
        ...         client_name="wind-dashboard", project="my-project",
        ...         base_url="https://westeurope-1.cognitedata.com", credentials=CogniteToken("eyJ0eXAi..."),
        ...     )
        ... )  # doctest: +SKIP
        >>> ClientConfig.from_cognite_client(cognite_client).project_url  # doctest: +SKIP
        'https://westeurope-1.cognitedata.com/api/v1/projects/my-project'
        """
        # Duck-typed: cognite-sdk is not a dependency, so its classes cannot be checked for.
        config: Any = client if _is_cognite_config(client) else getattr(client, "config", None)
        if not _is_cognite_config(config):
            raise ConfigurationError(
                [
                    "from_cognite_client expects a cognite-sdk CogniteClient (or its ClientConfig): an "
                    "object with .config.project, .config.base_url and .config.credentials; got "
                    f"{type(client).__name__}."
                ]
            )
        values: dict[str, Any] = {
            "project": config.project,
            "base_url": config.base_url,
        }
        if "credentials" not in overrides:
            values["credentials"] = CogniteSdkCredentials(config.credentials)
        client_name = getattr(config, "client_name", None)
        if isinstance(client_name, str) and client_name.strip():
            values["client_name"] = client_name
        timeout = getattr(config, "timeout", None)
        if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0:
            values["timeout"] = float(timeout)
        api_subversion = getattr(config, "api_subversion", None)
        if isinstance(api_subversion, str) and api_subversion.strip():
            values["cdf_version"] = api_subversion
        headers = getattr(config, "headers", None)
        if isinstance(headers, Mapping):
            values["extra_headers"] = {
                name: value
                for name, value in headers.items()
                if not (isinstance(name, str) and name.lower() == "authorization")
            }
        return cls(**{**values, **overrides})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ClientConfig:
        """A configuration from ``CDF_*`` environment variables; keyword arguments override them.

        Reads ``CDF_URL`` (or ``CDF_CLUSTER``, giving ``https://<cluster>.cognitedata.com``),
        ``CDF_PROJECT``, and the credentials: either ``CDF_TOKEN``, or ``CDF_CLIENT_ID`` +
        ``CDF_CLIENT_SECRET`` + ``CDF_TOKEN_URL`` (or ``CDF_TENANT_ID`` for Entra ID) with the
        optional ``CDF_SCOPES`` (space- or comma-separated; default ``<CDF_URL>/.default``) and
        ``CDF_AUDIENCE``. Optional: ``CDF_CLIENT_NAME``, ``CDF_TIMEOUT``, ``CDF_MAX_RETRIES``.

        Every missing or malformed variable is named in one ``ConfigurationError``.

        >>> config = ClientConfig.from_env(
        ...     {"CDF_URL": "https://api.cognitedata.com", "CDF_PROJECT": "demo", "CDF_TOKEN": "abc"}
        ... )
        >>> config.project_url
        'https://api.cognitedata.com/api/v1/projects/demo'
        """
        env = {key: value.strip() for key, value in (os.environ if environ is None else environ).items()}
        env = {key: value for key, value in env.items() if value}
        problems: list[str] = []
        values: dict[str, Any] = {}

        if "base_url" not in overrides:
            url = env.get("CDF_URL")
            if url is None and "CDF_CLUSTER" in env:
                url = f"https://{env['CDF_CLUSTER']}.cognitedata.com"
            if url is None:
                problems.append(
                    "CDF_URL is not set: export CDF_URL=https://<cluster>.cognitedata.com "
                    "(or CDF_CLUSTER=<cluster>)."
                )
            else:
                label = "CDF_URL" if "CDF_URL" in env else "CDF_CLUSTER"
                problem = _url_problem(url, label, bool(overrides.get("allow_insecure_http", False)))
                if problem:
                    problems.append(problem)
                values["base_url"] = url
        if "project" not in overrides:
            if "CDF_PROJECT" in env:
                values["project"] = env["CDF_PROJECT"]
            else:
                problems.append("CDF_PROJECT is not set: export CDF_PROJECT=<your CDF project name>.")
        if "credentials" not in overrides:
            base_url = overrides.get("base_url", values.get("base_url"))
            credentials = _credentials_from_env(env, base_url, problems)
            if credentials is not None:
                values["credentials"] = credentials
        if "client_name" not in overrides and "CDF_CLIENT_NAME" in env:
            values["client_name"] = env["CDF_CLIENT_NAME"]
        if "timeout" not in overrides and "CDF_TIMEOUT" in env:
            try:
                values["timeout"] = float(env["CDF_TIMEOUT"])
            except ValueError:
                problems.append(
                    f"CDF_TIMEOUT={env['CDF_TIMEOUT']!r} is not a number of seconds: e.g. CDF_TIMEOUT=30."
                )
        if "max_retries" not in overrides and "CDF_MAX_RETRIES" in env:
            try:
                values["max_retries"] = int(env["CDF_MAX_RETRIES"])
            except ValueError:
                problems.append(
                    f"CDF_MAX_RETRIES={env['CDF_MAX_RETRIES']!r} is not a whole number: "
                    "e.g. CDF_MAX_RETRIES=5."
                )
        if problems:
            raise ConfigurationError(problems)
        return cls(**{**values, **overrides})


def _credentials_from_env(
    env: Mapping[str, str], base_url: str | None, problems: list[str]
) -> Credentials | None:
    client_vars = [name for name in ("CDF_CLIENT_ID", "CDF_CLIENT_SECRET") if name in env]
    if "CDF_TOKEN" in env:
        if client_vars:
            problems.append(
                f"both CDF_TOKEN and {' and '.join(client_vars)} are set: unset one, so that it is clear "
                "which credentials to use."
            )
            return None
        try:
            return Token(env["CDF_TOKEN"])
        except ConfigurationError:
            problems.append("CDF_TOKEN is not a usable token (it contains whitespace or control characters).")
            return None
    if not client_vars:
        problems.append(
            "no credentials: set CDF_TOKEN, or CDF_CLIENT_ID, CDF_CLIENT_SECRET and CDF_TOKEN_URL "
            "(or CDF_TENANT_ID) for OAuth client credentials."
        )
        return None
    missing = [name for name in ("CDF_CLIENT_ID", "CDF_CLIENT_SECRET") if name not in env]
    token_url = env.get("CDF_TOKEN_URL")
    if token_url is None and "CDF_TENANT_ID" in env:
        token_url = _ENTRA_TOKEN_URL.format(tenant=env["CDF_TENANT_ID"])
    if token_url is None:
        missing.append("CDF_TOKEN_URL (or CDF_TENANT_ID)")
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        problems.append(f"OAuth client credentials need {', '.join(missing)}, which {verb} not set.")
        return None
    assert token_url is not None
    parts = urlsplit(token_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(
            f"CDF_TOKEN_URL {token_url!r} is not an http(s) URL: give the identity provider's token endpoint."
        )
        return None
    scopes = env.get("CDF_SCOPES")
    if scopes is not None:
        scope_list = [scope for scope in re.split(r"[\s,]+", scopes) if scope]
    elif base_url:
        scope_list = [f"{base_url.rstrip('/')}/.default"]
    else:
        scope_list = []
    return OAuthClientCredentials(
        token_url=token_url,
        client_id=env["CDF_CLIENT_ID"],
        client_secret=env["CDF_CLIENT_SECRET"],
        scopes=scope_list,
        audience=env.get("CDF_AUDIENCE"),
    )
