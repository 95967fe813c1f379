"""The errors that stop a pygen run.

Everything else the generator finds (an unsupported property type, a name collision, a cycle in
``implements``) is a :class:`hatch_pygen.problems.Problem` value and never an exception. What is
left here are the few situations with nothing sensible to generate: a broken configuration, a
model that cannot be read or fetched, a lock that does not match its snapshots, and a model set
from which every view had to be dropped. Each error carries the exit code the CLI uses for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "EXIT_OK",
    "EXIT_USAGE",
    "EXIT_VALIDATION",
    "ConfigError",
    "ConfigIssue",
    "LockError",
    "ModelNotFoundError",
    "NothingToGenerateError",
    "OfflineError",
    "PygenError",
    "SourceError",
]

EXIT_OK = 0
EXIT_VALIDATION = 1
EXIT_USAGE = 2


class PygenError(Exception):
    """Base of every error that ends a pygen run; its message is meant for the user as it is."""

    exit_code: int = EXIT_USAGE


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in the configuration, at a TOML path such as ``tool.pygen.models[1].version``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ConfigError(PygenError):
    """The configuration is broken; ``issues`` lists every problem found, not just the first."""

    def __init__(self, issues: Sequence[ConfigIssue], *, source: str = "pyproject.toml") -> None:
        self.issues = tuple(issues)
        self.source = source
        count = len(self.issues)
        head = f"{source}: {count} configuration problem{'s' if count != 1 else ''}"
        super().__init__("\n".join([head, *(f"  {issue}" for issue in self.issues)]))


class SourceError(PygenError):
    """A model could not be read from a file or fetched from CDF."""


class ModelNotFoundError(SourceError):
    """CDF answered, and does not hold one or more of the data models asked for.

    ``where`` names the CDF project (and URL) asked, ``missing`` the models' labels
    (``space:externalId/version``).
    """

    def __init__(self, message: str, *, where: str, missing: Sequence[str]) -> None:
        super().__init__(message)
        self.where = where
        self.missing = tuple(missing)


class OfflineError(SourceError):
    """A network call was needed while ``PYGEN_OFFLINE`` forbids it."""


class LockError(PygenError):
    """``pygen.lock`` and the snapshots it names do not agree with each other or with the config."""


class NothingToGenerateError(PygenError):
    """Validation dropped every view, so there is no SDK to generate."""

    exit_code = EXIT_VALIDATION
