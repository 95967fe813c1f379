"""What ``instances.aggregate`` can compute: count, average, minimum, maximum, sum, histogram."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pygen_runtime.errors import InvalidArgumentError

__all__ = ["Aggregation", "Avg", "Count", "Histogram", "Max", "Min", "Sum"]


@dataclass(frozen=True)
class _OfProperty:
    property: str
    _name = ""

    def __post_init__(self) -> None:
        if not isinstance(self.property, str) or not self.property:
            raise InvalidArgumentError(
                f"{type(self).__name__} needs the identifier of a view property, got {self.property!r}."
            )

    def dump(self) -> dict[str, Any]:
        return {self._name: {"property": self.property}}


@dataclass(frozen=True)
class Count:
    """How many instances (with a value for ``property``, when given)."""

    property: str | None = None

    def dump(self) -> dict[str, Any]:
        return {"count": {} if self.property is None else {"property": self.property}}


@dataclass(frozen=True)
class Avg(_OfProperty):
    """The average of a numeric property."""

    _name = "avg"


@dataclass(frozen=True)
class Min(_OfProperty):
    """The smallest value of a numeric property."""

    _name = "min"


@dataclass(frozen=True)
class Max(_OfProperty):
    """The largest value of a numeric property."""

    _name = "max"


@dataclass(frozen=True)
class Sum(_OfProperty):
    """The sum of a numeric property."""

    _name = "sum"


@dataclass(frozen=True)
class Histogram(_OfProperty):
    """How many values of a numeric property fall in each bucket of width ``interval``."""

    interval: float = 1.0
    _name = "histogram"

    def __post_init__(self) -> None:
        super().__post_init__()
        if (
            isinstance(self.interval, bool)
            or not isinstance(self.interval, (int, float))
            or self.interval <= 0
        ):
            raise InvalidArgumentError(f"Histogram interval must be a number > 0, got {self.interval!r}.")

    def dump(self) -> dict[str, Any]:
        return {"histogram": {"property": self.property, "interval": self.interval}}


Aggregation = Count | Avg | Min | Max | Sum | Histogram
