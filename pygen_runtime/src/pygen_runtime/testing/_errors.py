"""The errors the emulator answers requests with, in CDF's shape.

CDF answers every failed request with ``{"error": {"code", "message", "missing"?, "duplicated"?}}``.
Engine code raises :class:`EmulatorRequestError` (or a subclass) anywhere below the HTTP layer; the
router turns it into that body with the error's status.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["ConflictError", "EmulatorRequestError", "FilterError", "QueryError"]


class EmulatorRequestError(Exception):
    """A request CDF would refuse; ``status`` is the HTTP status code to answer with.

    ``missing`` lists the identifiers (as CDF's JSON objects) that a request referenced but that do
    not exist; ``duplicated`` lists those a request named more than once.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        missing: Sequence[dict[str, Any]] | None = None,
        duplicated: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.missing = list(missing) if missing else None
        self.duplicated = list(duplicated) if duplicated else None

    def to_body(self) -> dict[str, Any]:
        """The response body CDF sends for this error."""
        error: dict[str, Any] = {"code": self.status, "message": self.message}
        if self.missing:
            error["missing"] = self.missing
        if self.duplicated:
            error["duplicated"] = self.duplicated
        return {"error": error}


class ConflictError(EmulatorRequestError):
    """A write that conflicts with the stored state (CDF answers 409)."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("status", 409)
        super().__init__(message, **kwargs)


class FilterError(EmulatorRequestError):
    """A filter that is malformed or refers to something that does not exist (CDF answers 400)."""


class QueryError(EmulatorRequestError):
    """A query or sync request CDF would refuse (CDF answers 400)."""
