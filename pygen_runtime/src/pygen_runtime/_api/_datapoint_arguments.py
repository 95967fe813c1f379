"""The arguments of ``client.datapoints``, checked and put as CDF takes them: times, granularities,
aggregate names and the points to insert, each refused with a message naming what is wrong before
anything is sent."""

from __future__ import annotations

import numbers
import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from pygen_runtime.errors import InvalidArgumentError

__all__ = [
    "AGGREGATES",
    "MAX_ABS_NUMERIC",
    "MAX_TIMESTAMP",
    "MIN_TIMESTAMP",
    "aggregate_names",
    "check_granularity",
    "points_json",
    "time_argument",
]

# The aggregates the API reference lists for POST /timeseries/data/list.
AGGREGATES = (
    "average",
    "max",
    "min",
    "count",
    "sum",
    "interpolation",
    "stepInterpolation",
    "totalVariation",
    "continuousVariance",
    "discreteVariance",
    "countGood",
    "countUncertain",
    "countBad",
    "durationGood",
    "durationUncertain",
    "durationBad",
)
# Timestamps CDF stores: 1900-01-01 to 2099-12-31 (epoch ms).
MIN_TIMESTAMP = -2_208_988_800_000
MAX_TIMESTAMP = 4_102_444_799_999
# Numeric values CDF stores (for points with a good status, the only kind written here).
MAX_ABS_NUMERIC = 1e100

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MILLISECOND = timedelta(milliseconds=1)
_RELATIVE = re.compile(r"^\d+(w|d|h|m|s)-ago$")
_GRANULARITY = re.compile(r"^(\d*)(s|m|h|d|mo|second|minute|hour|day|month)$")
_LONG_UNITS = {"second": "s", "minute": "m", "hour": "h", "day": "d", "month": "mo"}


def time_argument(value: Any, name: str) -> int | str:
    """A time as CDF takes it: epoch ms (from an int or an aware datetime; a naive datetime is read
    as UTC), or one of CDF's relative strings (``"now"``, ``"2d-ago"``; units w, d, h, m, s)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        # Whole-millisecond arithmetic: ``timestamp() * 1000`` goes through a float and lands
        # one millisecond off for many datetimes (most before 1970).
        return (moment - _EPOCH) // _MILLISECOND
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)  # also NumPy's integers, which JSON would not take as they are
    if isinstance(value, str) and (value == "now" or _RELATIVE.match(value)):
        return value
    raise InvalidArgumentError(
        f"{name} must be epoch milliseconds (int), a datetime, 'now' or '<N><unit>-ago' with unit "
        f"w, d, h, m or s (e.g. '2d-ago'); got {value!r}."
    )


def check_granularity(value: Any) -> str:
    """``value`` if CDF accepts it as a granularity (``"1h"``, ``"15m"``, ``"day"``...)."""
    match = _GRANULARITY.match(value) if isinstance(value, str) else None
    if match is not None:
        multiple = int(match.group(1) or "1")
        unit = _LONG_UNITS.get(match.group(2), match.group(2))
        top = 120 if unit in ("s", "m") else 100_000
        if 1 <= multiple <= top:
            return str(value)
    raise InvalidArgumentError(
        "granularity must be a unit (s, m, h, d, mo, or second, minute, hour, day, month) with an "
        "optional multiple before it: 1-120 for seconds and minutes, 1-100000 for hours, days and "
        f"months (e.g. '1h', '15m', '2d'); got {value!r}."
    )


def aggregate_names(value: Any) -> list[str] | None:
    if value is None:
        return None
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, Sequence) or not names:
        raise InvalidArgumentError(f"aggregates must be a non-empty list of aggregate names; got {value!r}.")
    for name in names:
        if name not in AGGREGATES:
            raise InvalidArgumentError(
                f"Unknown aggregate {name!r}; datapoints.retrieve reads {', '.join(AGGREGATES)} "
                "(CDF's camelCase names)."
            )
    if len(set(names)) != len(names):
        raise InvalidArgumentError(f"aggregates lists a name twice: {list(names)!r}.")
    return list(names)


def points_json(points: Any) -> list[dict[str, Any]]:
    if isinstance(points, (str, bytes)) or not hasattr(points, "__iter__"):
        raise InvalidArgumentError(
            f"datapoints.insert expects a list of (timestamp, value) pairs or {{'timestamp', 'value'}} "
            f"objects; got {type(points).__name__}."
        )
    out = []
    for index, point in enumerate(points):
        if isinstance(point, dict):
            timestamp, value = point.get("timestamp"), point.get("value")
        elif isinstance(point, (tuple, list)) and len(point) == 2:
            timestamp, value = point
        else:
            raise InvalidArgumentError(
                f"datapoints.insert: point {index} is {point!r}; give (timestamp, value) or "
                "{'timestamp': ..., 'value': ...}."
            )
        stamp = time_argument(timestamp, f"datapoints.insert: the timestamp of point {index}")
        if not isinstance(stamp, int) or not MIN_TIMESTAMP <= stamp <= MAX_TIMESTAMP:
            raise InvalidArgumentError(
                f"datapoints.insert: point {index} has timestamp {timestamp!r}; CDF stores points from "
                "1900-01-01 to 2099-12-31 and needs absolute times (epoch ms or a datetime)."
            )
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
            raise InvalidArgumentError(
                f"datapoints.insert: point {index} has value {value!r}; give a number or a string."
            )
        if isinstance(value, numbers.Real):
            # Plain int or float: NumPy's scalars (from a DataFrame, say) are not JSON as they are.
            value = int(value) if isinstance(value, numbers.Integral) else float(value)
        if not isinstance(value, str) and not -MAX_ABS_NUMERIC <= value <= MAX_ABS_NUMERIC:
            # Also catches NaN and the infinities, which compare false.
            raise InvalidArgumentError(
                f"datapoints.insert: point {index} has value {value!r}; CDF stores numbers from -1e100 "
                "to 1e100 (no NaN or infinity)."
            )
        out.append({"timestamp": stamp, "value": value})
    return out
