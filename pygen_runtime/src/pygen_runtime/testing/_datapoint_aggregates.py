"""Aggregates over granularity buckets, aligned as CDF aligns them.

CDF rounds the start down to a whole granularity *unit* in UTC (``2d`` starts at 00:00 of the
start's day, ``3h`` at the start of its hour) and then steps by the full granularity; the end is
rounded up so that the last bucket is whole. A bucket's timestamp is its start, and buckets with
no points are left out.

Emulated: ``count``, ``sum``, ``min``, ``max`` exactly as defined over the points in a bucket, and
``average`` as their arithmetic mean. CDF's ``average`` weighs values by time (interpolating
between points), which agrees with the mean only for evenly spaced points well inside a bucket;
tests that need CDF's exact averages need CDF. Month granularities and the other aggregates are
refused with a message saying so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pygen_runtime._api._datapoint_arguments import AGGREGATES
from pygen_runtime.testing._errors import EmulatorRequestError

if TYPE_CHECKING:
    from pygen_runtime.testing._datapoints import Series, TimeSeriesNode

__all__ = ["AggregateSpec", "aggregate_page", "parse_aggregate_query"]

EMULATED = ("average", "max", "min", "count", "sum")
# What CDF knows (the API reference lists the first group; the last two are in its answers).
KNOWN = (*AGGREGATES, "minDatapoint", "maxDatapoint")
_GRANULARITY = re.compile(r"^(\d*)(s|m|h|d|mo|second|minute|hour|day|month)$")
_UNIT_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_LONG = {"second": "s", "minute": "m", "hour": "h", "day": "d", "month": "mo"}


@dataclass(frozen=True)
class AggregateSpec:
    """Which aggregates, over buckets of ``size_ms`` aligned to whole ``unit_ms``."""

    names: tuple[str, ...]
    unit_ms: int
    size_ms: int


def parse_aggregate_query(aggregates: Any, granularity: Any, node: TimeSeriesNode) -> AggregateSpec:
    """The aggregate query of one item; 400 for what CDF refuses (and for what is not emulated)."""
    if not isinstance(aggregates, list) or not all(isinstance(name, str) for name in aggregates):
        raise EmulatorRequestError(
            f"aggregates must be a list of aggregate names, got {json.dumps(aggregates)}."
        )
    unknown = [name for name in aggregates if name not in KNOWN]
    if unknown:
        raise EmulatorRequestError(f"Unknown aggregate {unknown[0]!r}; CDF offers {', '.join(KNOWN)}.")
    if node.is_string:
        raise EmulatorRequestError(
            "Aggregates are not supported for string time series "
            f"({node.key[0]}:{node.key[1]} is a string time series)."
        )
    not_emulated = [name for name in aggregates if name not in EMULATED]
    if not_emulated:
        raise EmulatorRequestError(
            f"The emulator does not compute the {not_emulated[0]!r} aggregate; "
            f"it offers {', '.join(EMULATED)}."
        )
    if granularity is None:
        raise EmulatorRequestError("granularity is required when aggregates are given (e.g. '1h').")
    match = _GRANULARITY.match(granularity) if isinstance(granularity, str) else None
    multiple = int(match.group(1) or "1") if match else 0
    unit = _LONG.get(match.group(2), match.group(2)) if match else ""
    if match is None or not 1 <= multiple <= (120 if unit in ("s", "m") else 100_000):
        raise EmulatorRequestError(
            f"Invalid granularity {json.dumps(granularity)}: give a unit (s, m, h, d, mo) with an optional "
            "multiple, 1-120 for s and m, 1-100000 for h, d and mo."
        )
    if unit == "mo":
        raise EmulatorRequestError("The emulator does not compute month granularities; use s, m, h or d.")
    return AggregateSpec(tuple(dict.fromkeys(aggregates)), _UNIT_MS[unit], multiple * _UNIT_MS[unit])


def aggregate_page(
    series: Series, spec: AggregateSpec, start: int, end: int, limit: int, position: int | None
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to ``limit`` aggregate points from the bucket at ``position`` (or the first) on, and the
    start of the next non-empty bucket if there is one."""
    aligned = start - start % spec.unit_ms  # floor, also for times before 1970
    if end <= aligned:
        return [], None
    buckets = -(-(end - aligned) // spec.size_ms)
    stop = aligned + buckets * spec.size_ms
    first, last = series.between(aligned if position is None else max(aligned, position), stop)
    points: list[dict[str, Any]] = []
    index = first
    while index < last:
        bucket_start = aligned + (series.timestamps[index] - aligned) // spec.size_ms * spec.size_ms
        if len(points) == limit:
            return points, bucket_start
        bucket_end = bucket_start + spec.size_ms
        values = []
        while index < last and series.timestamps[index] < bucket_end:
            values.append(series.values[series.timestamps[index]])
            index += 1
        points.append(_aggregate(bucket_start, values, spec.names))
    return points, None


def _aggregate(timestamp: int, values: list[float], names: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"timestamp": timestamp}
    for name in names:
        if name == "count":
            out[name] = len(values)
        elif name == "sum":
            out[name] = sum(values)
        elif name == "min":
            out[name] = min(values)
        elif name == "max":
            out[name] = max(values)
        else:
            out[name] = sum(values) / len(values)
    return out
