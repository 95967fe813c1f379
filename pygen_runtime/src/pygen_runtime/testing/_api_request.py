"""One parsed API request, with the checks every endpoint shares (limits, flags, item lists).

Every check raises :class:`EmulatorRequestError` with a message that names the offending field and
what CDF accepts there, so a caller's mistake never surfaces as a ``KeyError``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pygen_runtime.testing._errors import EmulatorRequestError

__all__ = ["ApiRequest", "decode_cursor", "encode_cursor", "require_bool", "require_int"]


def encode_cursor(kind: str, **state: Any) -> str:
    """An opaque cursor string carrying ``state`` for the endpoint ``kind``."""
    raw = json.dumps({"k": kind, **state}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: Any, kind: str) -> dict[str, Any]:
    """The state inside a cursor from :func:`encode_cursor`; 400 if it is not one for ``kind``."""
    if not isinstance(cursor, str) or not cursor:
        raise EmulatorRequestError(f"cursor must be a non-empty string, got {json.dumps(cursor)}.")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        state = None
    if not isinstance(state, dict) or state.get("k") != kind:
        raise EmulatorRequestError(
            "Invalid cursor: pass the nextCursor value from a previous response of the same endpoint."
        )
    return state


def require_bool(value: Any, name: str) -> bool:
    """``value`` if it is a JSON boolean (or the query-string spelling of one)."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise EmulatorRequestError(f"{name} must be true or false, got {json.dumps(value)}.")


def require_int(value: Any, name: str, *, low: int, high: int) -> int:
    """``value`` as an integer within ``low``..``high``."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise EmulatorRequestError(f"{name} must be an integer, got {json.dumps(value)}.")
    if not low <= value <= high:
        raise EmulatorRequestError(f"{name} must be between {low} and {high}, got {value}.")
    return value


@dataclass
class ApiRequest:
    """A request to an endpoint under ``/api/v1/projects/{project}``."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    body: Any = None

    def json_body(self) -> Mapping[str, Any]:
        """The body, which must be a JSON object."""
        if not isinstance(self.body, Mapping):
            raise EmulatorRequestError(
                f"{self.method} {self.path} needs a JSON object as its body, "
                f"got {json.dumps(self.body)[:80]}."
            )
        return self.body

    def param(self, name: str) -> str | None:
        """The last value of a query parameter, or None."""
        values = self.query.get(name)
        return values[-1] if values else None

    def query_flag(self, name: str, default: bool) -> bool:
        """A boolean query parameter."""
        value = self.param(name)
        return default if value is None else require_bool(value, f"query parameter {name}")

    def query_limit(self, default: int, maximum: int) -> int:
        """The ``limit`` query parameter, defaulted and bounded as CDF bounds it."""
        value = self.param("limit")
        return default if value is None else require_int(value, "limit", low=1, high=maximum)

    def flag(self, name: str, default: bool) -> bool:
        """A boolean field of the JSON body."""
        value = self.json_body().get(name)
        return default if value is None else require_bool(value, name)

    def limit(self, default: int, maximum: int, name: str = "limit") -> int:
        """The body's ``limit`` (or another integer limit field), defaulted and bounded."""
        value = self.json_body().get(name)
        return default if value is None else require_int(value, name, low=1, high=maximum)

    def items(self, maximum: int, *, key: str = "items", allow_empty: bool = False) -> list[Any]:
        """The body's item list, at most ``maximum`` long."""
        items = self.json_body().get(key)
        if items is None and allow_empty:
            return []
        if not isinstance(items, list):
            raise EmulatorRequestError(f"The body needs '{key}': a list of at most {maximum} objects.")
        if not items and not allow_empty:
            raise EmulatorRequestError(f"'{key}' must hold at least one item.")
        if len(items) > maximum:
            raise EmulatorRequestError(
                f"'{key}' holds {len(items)} items; CDF accepts at most {maximum} per request. "
                "Split the request into chunks."
            )
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise EmulatorRequestError(
                    f"{key}[{index}] must be a JSON object, got {json.dumps(item)[:80]}."
                )
        return items
