"""The exception hierarchy: which class an answer becomes, and what the message says."""

from __future__ import annotations

import pytest
from pygen_runtime.errors import api_error_class

from pygen_runtime import (
    CDFAPIError,
    CDFAuthenticationError,
    CDFBadRequestError,
    CDFConflictError,
    CDFError,
    CDFNotFoundError,
    CDFPermissionError,
    CDFRateLimitError,
    CDFServerError,
    ConfigurationError,
    InvalidArgumentError,
    PygenRuntimeError,
)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, CDFBadRequestError),
        (401, CDFAuthenticationError),
        (403, CDFPermissionError),
        (404, CDFNotFoundError),
        (409, CDFConflictError),
        (422, CDFBadRequestError),
        (429, CDFRateLimitError),
        (500, CDFServerError),
        (503, CDFServerError),
        (418, CDFAPIError),
    ],
)
def test_each_status_has_its_class(status: int, cls: type[CDFAPIError]) -> None:
    assert api_error_class(status) is cls


def test_every_error_is_a_pygen_runtime_error_and_user_mistakes_are_value_errors() -> None:
    for cls in (ConfigurationError, InvalidArgumentError, CDFError, CDFAPIError, CDFServerError):
        assert issubclass(cls, PygenRuntimeError)
    assert issubclass(ConfigurationError, ValueError)
    assert issubclass(InvalidArgumentError, ValueError)


def test_an_api_error_reads_as_one_account_of_what_happened() -> None:
    error = CDFConflictError(
        method="POST",
        path="/api/v1/projects/p/models/instances",
        status=409,
        message="Version conflict",
        code=409,
        duplicated=[{"space": "s", "externalId": "x"}],
        request_id="rid",
        attempts=["409 Conflict: Version conflict"],
        hint="Read the instance again.",
    )

    assert str(error) == (
        "POST /api/v1/projects/p/models/instances: CDF answered 409: Version conflict (request id rid); "
        'duplicated: {"externalId": "x", "space": "s"}\nRead the instance again.'
    )


def test_several_configuration_problems_are_listed_one_per_line() -> None:
    error = ConfigurationError(["first problem.", "second problem."])

    assert str(error) == (
        "Invalid CDF client configuration (2 problems):\n  - first problem.\n  - second problem."
    )


def test_with_attempts_records_the_tries() -> None:
    error = CDFError("no answer", method="GET", path="/x").with_attempts(["one", "two"])

    assert error.attempts == ("one", "two")
    assert "Gave up after 2 tries (try 1: one; try 2: two)." in str(error)
