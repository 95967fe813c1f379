"""What a benchmark run produces: measured rows per client, and targets checked against them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Row:
    """One client's figures in one benchmark (best of the repeats for times, worst for memory)."""

    client: str
    wall_seconds: float | None = None
    cpu_seconds: float | None = None
    peak_rss_mib: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Target:
    """A DESIGN.md target and how this run did against it (``met`` is None when not measured)."""

    what: str
    target: str
    shown: str
    met: bool | None
    note: str = ""


@dataclass
class Section:
    """One benchmark: what it did, the clients' rows, the targets it checks, what it skipped, and
    which clients failed (a failure is reported, and makes the run exit non-zero)."""

    name: str
    description: str
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def row(self, client: str) -> Row | None:
        """The row of ``client``, if it ran."""
        return next((row for row in self.rows if row.client == client), None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def ratio_target(
    what: str, target: str, numerator: float | None, denominator: float | None, minimum: float
) -> Target:
    """``numerator / denominator`` shown as ``12.3×`` and met when it is at least ``minimum``."""
    if numerator is None or denominator is None or denominator <= 0:
        return Target(what, target, "not measured", None)
    ratio = numerator / denominator
    return Target(what, target, f"{ratio:.1f}×", ratio >= minimum)


def share_target(
    what: str, target: str, numerator: float | None, denominator: float | None, minimum: float
) -> Target:
    """``numerator / denominator`` shown as a percentage and met when it is at least ``minimum``."""
    if numerator is None or denominator is None or denominator <= 0:
        return Target(what, target, "not measured", None)
    share = numerator / denominator
    return Target(what, target, f"{share:.0%}", share >= minimum)


def ceiling_target(what: str, target: str, value: float | None, ceiling: float, unit: str) -> Target:
    """``value`` shown with ``unit`` and met when it is at most ``ceiling``."""
    if value is None:
        return Target(what, target, "not measured", None)
    return Target(
        what, target, f"{value:,.2f} {unit}" if value < 10 else f"{value:,.0f} {unit}", value <= ceiling
    )
