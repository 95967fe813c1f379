"""The service's errors: an HTTP status, a stable code, one line for a person, and the details.

Every failure a caller can cause or meet (a malformed request, a model with errors, a CDF that
cannot be reached) is a :class:`ServiceError` with the body :class:`ErrorBody` describes, so a
client branches on ``error`` and shows ``message``; nothing a caller does yields a 500 or a
traceback. :func:`from_pygen_error` maps the generator's own errors to statuses in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from hatch_pygen.errors import ConfigError, ModelNotFoundError, OfflineError, PygenError, SourceError
from hatch_pygen.problems import Problem

__all__ = ["ServiceError", "from_pygen_error", "problem_body"]


class ServiceError(Exception):
    """An error answered with ``status`` and the JSON body :meth:`body` gives."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        problems: Sequence[Problem] = (),
        fields: Sequence[dict[str, str]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = tuple(problems)
        self.fields = tuple(fields)
        self.headers = headers

    def body(self) -> dict[str, Any]:
        """The JSON body: ``error`` (a code), ``message``, ``problems`` and ``fields``."""
        return {
            "error": self.code,
            "message": self.message,
            "problems": [problem_body(problem) for problem in self.problems],
            "fields": list(self.fields),
        }


def problem_body(problem: Problem) -> dict[str, Any]:
    """A validation problem as JSON, with ``text``: the line ``pygen check`` prints for it."""
    return {**problem.as_dict(), "text": str(problem)}


def from_pygen_error(error: PygenError) -> ServiceError:
    """The HTTP answer to an error the generator raised."""
    if isinstance(error, ConfigError):
        # Only the server's CDF settings reach the generator as configuration: the request's own
        # fields are checked before it runs.
        # The source words its hints for [tool.pygen]; an operator sets the variables instead.
        issues = "; ".join(
            re.sub(r"set \S+ in the table or export (\w+)", r"set \1 where the service runs", issue.message)
            for issue in error.issues
        )
        return ServiceError(
            503,
            "cdf-not-configured",
            f"this service is not configured to read data models from CDF: {issues}",
        )
    if isinstance(error, OfflineError):
        return ServiceError(503, "offline", str(error))
    if isinstance(error, ModelNotFoundError):
        # The source's hint points at [tool.pygen]; here the id came from the request's path.
        return ServiceError(
            404,
            "data-model-not-found",
            f"not found in {error.where}: {', '.join(error.missing)}; "
            "check space, externalId and version in the path",
        )
    if isinstance(error, SourceError):
        # Every other SourceError from CDF is a failed conversation with it.
        return ServiceError(502, "cdf-unavailable", str(error))
    return ServiceError(422, "cannot-generate", str(error))
