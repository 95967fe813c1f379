"""How the emulator compares property values: one canonical form per kind of property.

CDF compares values by the property's type, not by their JSON spelling: two timestamps are equal
when they name the same instant whatever their offsets, a direct relation is its
``(space, externalId)`` pair, and a boolean is never equal to a number. Filters and sorting both
turn stored values and request values into the canonical form below before comparing them, so the
two always agree.

| kind        | property types                              | canonical form                        |
| ----------- | ------------------------------------------- | ------------------------------------- |
| `text`      | text, enum, timeseries, file, sequence      | `str`                                 |
| `number`    | int32, int64, float32, float64              | `int` or `float` (never `bool`)       |
| `boolean`   | boolean                                     | `bool`                                |
| `timestamp` | timestamp; `createdTime`, `lastUpdatedTime` | epoch milliseconds as `int`           |
| `date`      | date                                        | the `YYYY-MM-DD` string               |
| `direct`    | direct; `type`, `startNode`, `endNode`      | `(space, externalId)`                 |
| `json`      | json and any type the emulator does not know | the value, compared by its JSON text |
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

__all__ = [
    "ORDERED_KINDS",
    "ValueKind",
    "canonical_stored",
    "canonical_stored_list",
    "coerce_request_value",
    "describe_json",
    "kind_of_type",
    "parse_timestamp_ms",
]

ValueKind = Literal["text", "number", "boolean", "timestamp", "date", "direct", "json"]

# Kinds whose values have an order, so range, overlaps and sort make sense on them.
ORDERED_KINDS: frozenset[str] = frozenset({"text", "number", "boolean", "timestamp", "date"})

_KIND_BY_TYPE: dict[str, ValueKind] = {
    "text": "text",
    "enum": "text",
    "timeseries": "text",
    "file": "text",
    "sequence": "text",
    "int32": "number",
    "int64": "number",
    "float32": "number",
    "float64": "number",
    "boolean": "boolean",
    "timestamp": "timestamp",
    "date": "date",
    "direct": "direct",
    "json": "json",
}

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def kind_of_type(property_type: Mapping[str, Any] | None) -> ValueKind:
    """The comparison kind of a property type in the API's read shape (``{"type": "int64", ...}``).

    Model dumps sometimes leave out ``type`` for text properties and keep only ``collation``;
    those are text. Any other unknown type compares as JSON: equality only.
    """
    if not property_type:
        return "json"
    name = property_type.get("type")
    if name is None and "collation" in property_type:
        return "text"
    return _KIND_BY_TYPE.get(str(name), "json")


def parse_timestamp_ms(text: str) -> int | None:
    """Epoch milliseconds of an ISO 8601 timestamp (``YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]``).

    A timestamp without an offset is UTC, as CDF reads it. Digits beyond milliseconds are
    truncated because CDF stores millisecond precision. Returns ``None`` when ``text`` is not a
    timestamp.
    """
    match = _TIMESTAMP.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    tz = timezone.utc
    if offset and offset not in ("Z", "z"):
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        tz = timezone(-delta if offset[0] == "-" else delta)
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=tz)
    except ValueError:
        return None
    millis = int((fraction or "0").ljust(3, "0")[:3])
    return (moment - _EPOCH) // timedelta(milliseconds=1) + millis


def _is_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def canonical_stored(kind: ValueKind, raw: Any) -> Any:
    """The canonical form of one stored (scalar) value, or ``None`` for null.

    The store holds values as the API carries them; a value that does not fit its kind (which
    the apply endpoint should have refused) becomes ``None`` so it matches nothing instead of
    failing the whole request.
    """
    if raw is None:
        return None
    if kind == "text":
        return raw if isinstance(raw, str) else None
    if kind == "number":
        return raw if isinstance(raw, (int, float)) and not isinstance(raw, bool) else None
    if kind == "boolean":
        return raw if isinstance(raw, bool) else None
    if kind == "timestamp":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        return parse_timestamp_ms(raw) if isinstance(raw, str) else None
    if kind == "date":
        return raw if isinstance(raw, str) and _is_date(raw) else None
    if kind == "direct":
        return _direct_pair(raw)
    return _canonical_json(raw)


def canonical_stored_list(kind: ValueKind, raw: Any) -> list[Any] | None:
    """The canonical form of a stored list value, or ``None`` when the list is null or not a list.

    Elements that do not fit the kind are dropped rather than failing the request.
    """
    if not isinstance(raw, list):
        return None
    items = (canonical_stored(kind, item) for item in raw)
    return [item for item in items if item is not None]


def _direct_pair(raw: Any) -> tuple[str, str] | None:
    if isinstance(raw, tuple) and len(raw) == 2:
        return (str(raw[0]), str(raw[1]))
    if isinstance(raw, Mapping):
        space, external_id = raw.get("space"), raw.get("externalId")
        if isinstance(space, str) and isinstance(external_id, str):
            return (space, external_id)
    return None


def describe_json(value: Any) -> str:
    """A short JSON rendering of a request value for error messages."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def coerce_request_value(kind: ValueKind, value: Any, where: str) -> Any:
    """The canonical form of a value given in a request, or a ``ValueError`` saying what is wrong.

    ``where`` names the place in the request (for example ``equals on ["sp", "Pump/1", "name"]``);
    the caller turns the ``ValueError`` into the API's 400 error.
    """
    if value is None:
        raise ValueError(f"{where}: the value is null; use `exists` inside `not` to match missing values")
    expectations: dict[ValueKind, str] = {
        "text": "a string",
        "number": "a number",
        "boolean": "true or false",
        "timestamp": "an ISO 8601 timestamp string such as 2024-01-31T12:00:00.000Z, or epoch milliseconds",
        "date": "a date string such as 2024-01-31",
        "direct": 'a direct relation reference {"space": ..., "externalId": ...}',
    }
    if kind == "json":
        return _canonical_json(value)
    if kind == "timestamp" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if kind == "direct":
        pair = _direct_pair(value) if isinstance(value, Mapping) else None
        if pair is not None and set(value) <= {"space", "externalId"}:
            return pair
    else:
        canonical = canonical_stored(kind, value)
        if canonical is not None:
            return canonical
    raise ValueError(f"{where}: expected {expectations[kind]}, got {describe_json(value)}")
