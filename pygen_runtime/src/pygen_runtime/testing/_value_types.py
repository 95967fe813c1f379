"""Check written property values against their container property types, as CDF does.

A value that does not fit its type is refused with a 400 naming the instance, the property, what
was sent and what the type accepts. Accepted values are returned in the form CDF stores and reads
back: timestamps in UTC as ``YYYY-MM-DDTHH:MM:SS.mmm+00:00``, floats as floats, direct relations
as ``{"space", "externalId"}``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._limits import (
    DIRECT_RELATION_LIST_MAX,
    JSON_BYTES_MAX,
    LIST_VALUES_MAX,
    TEXT_BYTES_MAX,
)

__all__ = ["NOT_DECIDED", "ValueCheck", "check_value", "fast_value_check", "normalize_timestamp"]

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REFERENCE_TYPES = ("timeseries", "file", "sequence")


def _refuse(where: str, value: Any, expected: str) -> EmulatorRequestError:
    shown = json.dumps(value, default=str)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return EmulatorRequestError(f"{where}: {shown} is not a valid value; expected {expected}.")


def normalize_timestamp(value: str) -> str | None:
    """CDF's read form of a timestamp string, or None if it is not one CDF accepts."""
    match = _TIMESTAMP.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, millis, zone = match.groups()
    offset = timedelta(0)
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        if zone[0] == "-":
            offset = -offset
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((millis or "0").ljust(3, "0")) * 1000,
            tzinfo=timezone(offset),
        ).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "+00:00"


def _check_scalar(kind: str, prop_type: Mapping[str, Any], value: Any, where: str) -> Any:
    if kind == "text":
        if not isinstance(value, str):
            raise _refuse(where, value, "a string")
        limit = int(prop_type.get("maxTextSize") or TEXT_BYTES_MAX)
        if len(value.encode("utf-8")) > limit:
            raise EmulatorRequestError(f"{where}: the text is longer than {limit} bytes (UTF-8).")
        if "\x00" in value:
            raise EmulatorRequestError(f"{where}: text values cannot contain the NUL character.")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _refuse(where, value, "true or false")
        return value
    if kind in _INT_RANGES:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refuse(where, value, f"an integer ({kind})")
        low, high = _INT_RANGES[kind]
        if not low <= value <= high:
            raise EmulatorRequestError(f"{where}: {value} is outside the range of {kind} ({low} to {high}).")
        return value
    if kind in ("float32", "float64"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _refuse(where, value, f"a number ({kind})")
        return value if isinstance(value, float) else float(value)
    if kind == "timestamp":
        normalized = normalize_timestamp(value) if isinstance(value, str) else None
        if normalized is None:
            raise _refuse(where, value, "a timestamp string 'YYYY-MM-DDTHH:MM:SS[.millis][Z|±HH:MM]'")
        return normalized
    if kind == "date":
        if not isinstance(value, str) or not _DATE.match(value):
            raise _refuse(where, value, "a date string 'YYYY-MM-DD'")
        try:
            date.fromisoformat(value)
        except ValueError:
            raise _refuse(where, value, "an existing calendar date 'YYYY-MM-DD'") from None
        return value
    if kind == "json":
        if len(json.dumps(value).encode("utf-8")) > JSON_BYTES_MAX:
            raise EmulatorRequestError(f"{where}: the JSON value is larger than {JSON_BYTES_MAX} bytes.")
        return value
    if kind in _REFERENCE_TYPES:
        if not isinstance(value, str) or not value:
            raise _refuse(where, value, f"the external id of a {kind} (a non-empty string)")
        return value
    if kind == "direct":
        if (
            not isinstance(value, Mapping)
            or set(value) != {"space", "externalId"}
            or not isinstance(value["space"], str)
            or not isinstance(value["externalId"], str)
        ):
            raise _refuse(where, value, 'a node reference {"space": ..., "externalId": ...}')
        # Spaces repeat across millions of values; one shared string each keeps memory modest.
        return {"space": sys.intern(value["space"]), "externalId": value["externalId"]}
    if kind == "enum":
        values = prop_type.get("values") or {}
        if not isinstance(value, str) or value not in values:
            raise _refuse(where, value, "one of " + ", ".join(repr(name) for name in values))
        return value
    raise EmulatorRequestError(f"{where}: the property has type {kind!r}, which the emulator cannot store.")


def check_value(prop_type: Mapping[str, Any], value: Any, where: str) -> Any:
    """The stored form of ``value`` for a container property of type ``prop_type``.

    ``where`` names the instance and property for the error message. ``None`` passes through;
    whether the property may be null is the caller's concern.
    """
    if value is None:
        return None
    kind = str(prop_type.get("type"))
    if not prop_type.get("list", False):
        return _check_scalar(kind, prop_type, value, where)
    if not isinstance(value, list):
        raise _refuse(where, value, f"a list of {kind} values")
    default_max = DIRECT_RELATION_LIST_MAX if kind == "direct" else LIST_VALUES_MAX
    limit = int(prop_type.get("maxListSize") or default_max)
    if len(value) > limit:
        raise EmulatorRequestError(f"{where}: the list has {len(value)} values; at most {limit} are allowed.")
    if kind == "json":
        return _check_scalar(kind, prop_type, value, where)
    return [_check_scalar(kind, prop_type, item, f"{where}[{index}]") for index, item in enumerate(value)]


class _NotDecided:
    """The fast check could not tell; :func:`check_value` must decide (and word any error)."""

    def __repr__(self) -> str:
        return "NOT_DECIDED"


NOT_DECIDED: Any = _NotDecided()

ValueCheck = Callable[[Any], Any]
"""A value in, its stored form (exactly as :func:`check_value` gives it) or ``NOT_DECIDED`` out."""

# Timestamps written in bulk repeat (the same load or source time on thousands of nodes); their
# normal forms are remembered, up to a bound, so that each distinct string is parsed once.
_TIMESTAMPS_KEPT = 4096
_normal_timestamps: dict[str, str] = {}


def _fast_timestamp(value: Any) -> Any:
    if type(value) is not str:
        return NOT_DECIDED
    normal = _normal_timestamps.get(value)
    if normal is None:
        normal = normalize_timestamp(value)
        if normal is None:
            return NOT_DECIDED
        if len(_normal_timestamps) >= _TIMESTAMPS_KEPT:
            _normal_timestamps.clear()
        _normal_timestamps[value] = normal
    return normal


def _fast_scalar(kind: str, prop_type: Mapping[str, Any]) -> ValueCheck:
    """A check for one non-null scalar that decides the common valid cases cheaply."""
    if kind == "text":
        limit = int(prop_type.get("maxTextSize") or TEXT_BYTES_MAX)
        # A code point takes at most 4 bytes in UTF-8: shorter strings need no encoding to measure.
        unmeasured = limit // 4

        def text(value: Any) -> Any:
            if type(value) is not str or "\x00" in value:
                return NOT_DECIDED
            if len(value) > unmeasured and len(value.encode("utf-8")) > limit:
                return NOT_DECIDED
            return value

        return text
    if kind == "boolean":
        return lambda value: value if type(value) is bool else NOT_DECIDED
    if kind in _INT_RANGES:
        low, high = _INT_RANGES[kind]
        return lambda value: value if type(value) is int and low <= value <= high else NOT_DECIDED
    if kind in ("float32", "float64"):

        def number(value: Any) -> Any:
            if type(value) is float:
                return value
            if type(value) is int:
                return float(value)
            return NOT_DECIDED

        return number
    if kind == "timestamp":
        return _fast_timestamp
    if kind in _REFERENCE_TYPES:
        return lambda value: value if type(value) is str and value else NOT_DECIDED
    if kind == "direct":

        def direct(value: Any) -> Any:
            if type(value) is not dict or len(value) != 2:
                return NOT_DECIDED
            space = value.get("space")
            external_id = value.get("externalId")
            if type(space) is not str or type(external_id) is not str:
                return NOT_DECIDED
            return {"space": sys.intern(space), "externalId": external_id}

        return direct
    if kind == "enum":
        values = prop_type.get("values") or {}
        return lambda value: value if type(value) is str and value in values else NOT_DECIDED
    # Dates, JSON and unknown types are rare in bulk writes: check_value decides them.
    return lambda value: NOT_DECIDED


def fast_value_check(prop_type: Mapping[str, Any]) -> ValueCheck:
    """A check of values for ``prop_type`` built once per container property.

    For a value that is not null, it returns what :func:`check_value` would for the values it can
    decide without building an error location (well-typed values within their limits) and
    ``NOT_DECIDED`` for anything else, after which the caller runs :func:`check_value` itself,
    which words the error. Null needs no check: the caller stores it as null.
    """
    kind = str(prop_type.get("type"))
    scalar = _fast_scalar(kind, prop_type)
    if not prop_type.get("list", False):
        return scalar
    if kind == "json":
        return lambda value: NOT_DECIDED
    limit = int(
        prop_type.get("maxListSize") or (DIRECT_RELATION_LIST_MAX if kind == "direct" else LIST_VALUES_MAX)
    )

    def listed(value: Any) -> Any:
        if type(value) is not list or len(value) > limit:
            return NOT_DECIDED
        checked = [scalar(item) for item in value]
        return NOT_DECIDED if NOT_DECIDED in checked else checked

    if kind != "text":
        return listed
    # Joined, a list of short texts is checked in one go: every item is a string (join refuses
    # anything else), none holds NUL, and none is longer than the whole.
    unmeasured = int(prop_type.get("maxTextSize") or TEXT_BYTES_MAX) // 4

    def texts(value: Any) -> Any:
        if type(value) is not list or len(value) > limit:
            return NOT_DECIDED
        try:
            joined = "".join(value)
        except TypeError:
            return NOT_DECIDED
        if len(joined) > unmeasured or "\x00" in joined:
            return listed(value)
        return list(value)

    return texts
