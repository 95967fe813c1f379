"""Problems found in a model: values with a code, a severity, a location, a message and a hint.

Validation returns these instead of raising, so one odd view never stops a whole SDK: the part
with the problem is skipped or renamed, and the rest is generated. The CLI prints them; tests
compare them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = ["Location", "Problem", "Severity"]


class Severity(str, Enum):
    """How much a problem matters: an error fails ``pygen check``; a warning is reported only."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Location:
    """Where a problem is: a data model, a view and a property, as far as each applies."""

    model: str | None = None
    view: str | None = None
    property: str | None = None

    def __str__(self) -> str:
        parts = [
            f"model {self.model}" if self.model else "",
            f"view {self.view}" if self.view else "",
            f"property {self.property}" if self.property else "",
        ]
        return ", ".join(part for part in parts if part) or "project"


@dataclass(frozen=True)
class Problem:
    """One finding, e.g. ``Problem("implements-cycle", Severity.WARNING, Location(view=...), ...)``."""

    code: str
    severity: Severity
    location: Location
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.severity}[{self.code}] {self.location}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of this problem."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "location": {
                "model": self.location.model,
                "view": self.location.view,
                "property": self.location.property,
            },
            "message": self.message,
            "hint": self.hint,
        }
