"""When to retry and how long to wait: the one place that decides. Pure, clock and randomness
injected.

A request is retried on 429, 502, 503 and 504, on any answer that carries
``cdf-is-auto-retryable: true``, on connection failures and on timeouts. The wait honours
``Retry-After`` (seconds or an HTTP date); otherwise it is capped exponential backoff with full
jitter. Every failed try is recorded, so the final error can say why each one failed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Literal

import httpx

from pygen_runtime._http._responses import parse_error_body, status_text
from pygen_runtime.errors import CDFConnectionError, CDFTimeoutError

if TYPE_CHECKING:
    from pygen_runtime.config import ClientConfig

__all__ = [
    "AUTO_RETRYABLE_HEADER",
    "RETRYABLE_STATUSES",
    "Next",
    "RetryLoop",
    "RetryPolicy",
    "describe_transport_error",
    "parse_retry_after",
]

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
# CDF marks answers that are safe to retry, whatever their status, with this header.
AUTO_RETRYABLE_HEADER = "cdf-is-auto-retryable"

# httpx's transport errors that mean "no answer came back, try again".
_RETRYABLE_ERRORS: tuple[tuple[type[httpx.TransportError], str], ...] = (
    (httpx.ConnectTimeout, "timed out connecting"),
    (httpx.ReadTimeout, "timed out waiting for the answer"),
    (httpx.WriteTimeout, "timed out sending the request"),
    (httpx.PoolTimeout, "timed out waiting for a free connection"),
    (httpx.ConnectError, "could not connect"),
    (httpx.ReadError, "the connection broke while reading the answer"),
    (httpx.WriteError, "the connection broke while sending the request"),
    (httpx.RemoteProtocolError, "the server closed the connection without a valid answer"),
)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait according to a ``Retry-After`` value (seconds or an HTTP date).

    ``now`` is the wall-clock time (``time.time()``) a date is measured against. Returns None for
    a missing or unreadable value, and 0 for a date in the past.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:  # an HTTP date is always GMT, even if it does not say so
            return None
        seconds = moment.timestamp() - now
    if seconds != seconds:  # NaN
        return None
    return max(seconds, 0.0)


def describe_transport_error(error: httpx.TransportError) -> tuple[str, bool]:
    """A readable reason for a transport failure, and whether retrying may help."""
    detail = str(error) or error.__class__.__name__
    for kind, reason in _RETRYABLE_ERRORS:
        if isinstance(error, kind):
            return f"{reason} ({error.__class__.__name__}: {detail})", True
    return f"{error.__class__.__name__}: {detail}", False


@dataclass(frozen=True)
class RetryPolicy:
    """How many retries, and how long each wait is.

    ``uniform`` and ``wall_clock`` are ``random.uniform`` and ``time.time`` unless a test gives
    fixed ones.
    """

    max_retries: int
    backoff_base: float
    max_wait: float
    uniform: Callable[[float, float], float] = random.uniform
    wall_clock: Callable[[], float] = time.time

    @classmethod
    def from_config(cls, config: ClientConfig) -> RetryPolicy:
        return cls(
            max_retries=config.max_retries,
            backoff_base=config.retry_backoff_base,
            max_wait=config.max_retry_wait,
        )

    def should_retry(self, status: int, headers: Mapping[str, str]) -> bool:
        """Whether an answer with this status and these headers is worth another try."""
        if headers.get(AUTO_RETRYABLE_HEADER, "").strip().lower() == "true":
            return True
        return status in RETRYABLE_STATUSES

    def wait(self, retry: int, headers: Mapping[str, str] | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry).

        ``Retry-After`` wins when the answer has a readable one; either way the wait is at most
        ``max_wait``. Otherwise: a random wait between 0 and ``backoff_base * 2 ** (retry - 1)``.
        """
        if headers is not None:
            asked = parse_retry_after(headers.get("retry-after"), self.wall_clock())
            if asked is not None:
                return min(asked, self.max_wait)
        ceiling = min(self.max_wait, self.backoff_base * 2 ** min(retry - 1, 62))
        return self.uniform(0.0, ceiling)


@dataclass(frozen=True)
class Next:
    """What a shell does after a try: return the answer, retry after ``wait`` seconds, or fetch
    new credentials and try again at once."""

    action: Literal["done", "retry", "reauthenticate"]
    wait: float = 0.0
    reason: str = ""


@dataclass
class RetryLoop:
    """The retry state of one request. A shell reports each try's outcome and does what the
    returned ``Next`` says; this class never sleeps or sends."""

    policy: RetryPolicy
    method: str
    path: str
    attempts: list[str] = field(default_factory=list)
    retries: int = 0  # retries spent, out of policy.max_retries
    reauthenticated: bool = False

    @property
    def tries(self) -> int:
        """How many tries were made so far."""
        return len(self.attempts)

    def after_response(self, response: httpx.Response, *, may_reauthenticate: bool = False) -> Next:
        """Decide after an answer. Successful answers are final; so are errors not worth retrying
        and errors after the last retry (the shell then reads the answer into an exception)."""
        status = response.status_code
        if status < 400:
            return Next("done")
        reason = status_text(status)
        parsed = parse_error_body(response.content)
        if parsed is not None:
            reason += f": {parsed.message}"
        self.attempts.append(reason)
        if status == 401 and may_reauthenticate and not self.reauthenticated:
            self.reauthenticated = True
            return Next("reauthenticate", reason=reason)
        if not self.policy.should_retry(status, response.headers) or self.retries >= self.policy.max_retries:
            return Next("done", reason=reason)
        self.retries += 1
        return Next("retry", self.policy.wait(self.retries, response.headers), reason)

    def after_transport_error(self, error: httpx.TransportError) -> Next:
        """Decide after a try that got no answer; raises the final ``CDFConnectionError`` (or
        ``CDFTimeoutError``) when the failure is not worth retrying or retries are spent."""
        reason, retryable = describe_transport_error(error)
        self.attempts.append(reason)
        if not retryable or self.retries >= self.policy.max_retries:
            kind = CDFTimeoutError if isinstance(error, httpx.TimeoutException) else CDFConnectionError
            raise kind(
                f"no answer: {reason}",
                method=self.method,
                path=self.path,
                attempts=self.attempts,
                hint="Check the network, the CDF URL, and the timeout (ClientConfig.timeout, CDF_TIMEOUT).",
            ) from error
        self.retries += 1
        return Next("retry", self.policy.wait(self.retries), reason)

    def describe(self, step: Next) -> str:
        """A log line for a retry, e.g. ``POST /models/instances: 503 ...; retry 1 of 5 in 0.42 s``."""
        return (
            f"{self.method} {self.path}: {step.reason}; retry {self.retries} of {self.policy.max_retries} "
            f"in {step.wait:.3f} s"
        )
