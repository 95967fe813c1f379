"""Every exception pygen-runtime raises, in one hierarchy.

``PygenRuntimeError`` is the root. Below it:

- ``ConfigurationError``: the configuration (or the environment it came from) is unusable.
- ``InvalidArgumentError``: a call's arguments would make CDF refuse the request, so it was not
  sent.
- ``CDFError``: talking to CDF failed. It carries the request's method and path (never a header,
  so never a credential) and a line for every try that failed before it:

  - ``CDFAPIError``: CDF answered with an error status; one subclass per status family
    (``CDFBadRequestError``, ``CDFAuthenticationError``, ``CDFPermissionError``,
    ``CDFNotFoundError``, ``CDFConflictError``, ``CDFRateLimitError``, ``CDFServerError``).
  - ``CDFResponseError``: an answer that is not what CDF sends (a proxy's HTML page, an empty
    or cut-off body, JSON without the keys CDF always sends).
  - ``CDFConnectionError`` and its ``CDFTimeoutError``: no answer at all.
  - ``TokenRequestError``: the identity provider would not issue a token.

An error raised by a call that was split into chunks also says what happened to the other chunks:
``succeeded`` holds the results of the chunks that went through, ``failed`` the input items of
the chunk that failed and ``skipped`` the input items of chunks that were never sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

__all__ = [
    "CDFAPIError",
    "CDFAuthenticationError",
    "CDFBadRequestError",
    "CDFConflictError",
    "CDFConnectionError",
    "CDFError",
    "CDFNotFoundError",
    "CDFPermissionError",
    "CDFRateLimitError",
    "CDFResponseError",
    "CDFServerError",
    "CDFTimeoutError",
    "ConfigurationError",
    "InvalidArgumentError",
    "PygenRuntimeError",
    "TokenRequestError",
    "api_error_class",
]

# How many missing or duplicated items an error message spells out; the rest are counted.
_ITEMS_SHOWN = 5


class PygenRuntimeError(Exception):
    """The root of every exception raised by pygen-runtime."""


class ConfigurationError(PygenRuntimeError, ValueError):
    """The configuration cannot be used; ``problems`` lists every reason, each with its fix."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        if len(self.problems) == 1:
            text = f"Invalid CDF client configuration: {self.problems[0]}"
        else:
            listed = "\n".join(f"  - {problem}" for problem in self.problems)
            text = f"Invalid CDF client configuration ({len(self.problems)} problems):\n{listed}"
        super().__init__(text)


class InvalidArgumentError(PygenRuntimeError, ValueError):
    """A call's arguments break one of CDF's limits, so the request was not sent."""


class CDFError(PygenRuntimeError):
    """A request to CDF (or to the identity provider) failed.

    ``method`` and ``path`` name the request; ``attempts`` describes every failed try in order,
    so an error raised after retries says why each try failed.
    """

    def __init__(
        self,
        summary: str,
        *,
        method: str,
        path: str,
        attempts: Sequence[str] = (),
        hint: str | None = None,
    ) -> None:
        self.summary = summary
        self.method = method
        self.path = path
        self.attempts: tuple[str, ...] = tuple(attempts)
        self.hint = hint
        # Filled in when the failed request was one chunk of a larger call.
        self.succeeded: list[Any] = []
        self.failed: list[Any] = []
        self.skipped: list[Any] = []
        super().__init__(summary)

    def __str__(self) -> str:
        text = f"{self.method} {self.path}: {self.summary}"
        if len(self.attempts) > 1:
            tries = "; ".join(f"try {number}: {reason}" for number, reason in enumerate(self.attempts, 1))
            text += f"\nGave up after {len(self.attempts)} tries ({tries})."
        if self.hint:
            text += f"\n{self.hint}"
        if self.succeeded or self.failed or self.skipped:
            text += (
                f"\nThe call was sent in chunks: {len(self.succeeded)} results came back, "
                f"{len(self.failed)} items failed and {len(self.skipped)} were not sent "
                "(see the error's succeeded, failed and skipped attributes)."
            )
        return text

    def with_attempts(self, attempts: Sequence[str]) -> CDFError:
        """This error, recording the tries that failed before (and including) it."""
        self.attempts = tuple(attempts)
        return self


class CDFAPIError(CDFError):
    """CDF answered with an error status.

    ``status`` is the HTTP status; ``code``, ``message``, ``missing`` and ``duplicated`` come from
    CDF's error body (``missing`` and ``duplicated`` list the offending items); ``request_id`` is
    the ``x-request-id`` CDF support asks for.
    """

    def __init__(
        self,
        *,
        method: str,
        path: str,
        status: int,
        message: str,
        code: int | None = None,
        missing: Sequence[Any] = (),
        duplicated: Sequence[Any] = (),
        request_id: str | None = None,
        attempts: Sequence[str] = (),
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.missing: list[Any] = list(missing)
        self.duplicated: list[Any] = list(duplicated)
        self.request_id = request_id
        summary = f"CDF answered {status}: {message}"
        details = []
        if code is not None and code != status:
            details.append(f"code {code}")
        if request_id:
            details.append(f"request id {request_id}")
        if details:
            summary += f" ({', '.join(details)})"
        for label, items in (("missing", self.missing), ("duplicated", self.duplicated)):
            if items:
                summary += f"; {label}: {_describe_items(items)}"
        super().__init__(summary, method=method, path=path, attempts=attempts, hint=hint)


class CDFBadRequestError(CDFAPIError):
    """400 or 422: CDF refused the request as written."""


class CDFAuthenticationError(CDFAPIError):
    """401: CDF did not accept the credentials."""


class CDFPermissionError(CDFAPIError):
    """403: the credentials are valid but lack the access the request needs."""


class CDFNotFoundError(CDFAPIError):
    """404: the project or the endpoint does not exist at this URL."""


class CDFConflictError(CDFAPIError):
    """409: the request conflicts with what CDF holds (a version conflict, for one)."""


class CDFRateLimitError(CDFAPIError):
    """429: CDF asked the client to slow down, and retrying did not help."""


class CDFServerError(CDFAPIError):
    """5xx: CDF (or a gateway in front of it) failed."""


class CDFResponseError(CDFError):
    """CDF's answer is not what CDF sends: not JSON, empty, cut off or missing expected keys."""

    def __init__(
        self,
        summary: str,
        *,
        method: str,
        path: str,
        status: int,
        request_id: str | None = None,
        attempts: Sequence[str] = (),
    ) -> None:
        self.status = status
        self.request_id = request_id
        if request_id:
            summary += f" (request id {request_id})"
        super().__init__(summary, method=method, path=path, attempts=attempts)


class CDFConnectionError(CDFError):
    """No answer came back: the connection failed, was reset, or timed out."""


class CDFTimeoutError(CDFConnectionError):
    """No answer came back within the configured timeout."""


class TokenRequestError(CDFError):
    """The identity provider did not issue a token."""


_STATUS_CLASSES: dict[int, type[CDFAPIError]] = {
    400: CDFBadRequestError,
    401: CDFAuthenticationError,
    403: CDFPermissionError,
    404: CDFNotFoundError,
    409: CDFConflictError,
    422: CDFBadRequestError,
    429: CDFRateLimitError,
}


def api_error_class(status: int) -> type[CDFAPIError]:
    """The ``CDFAPIError`` subclass for an HTTP error status."""
    if status in _STATUS_CLASSES:
        return _STATUS_CLASSES[status]
    return CDFServerError if status >= 500 else CDFAPIError


def _describe_items(items: Sequence[Any]) -> str:
    shown = ", ".join(json.dumps(item, sort_keys=True, default=str) for item in items[:_ITEMS_SHOWN])
    if len(items) > _ITEMS_SHOWN:
        shown += f" and {len(items) - _ITEMS_SHOWN} more"
    return shown
