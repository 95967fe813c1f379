"""Cursors of the query and sync endpoints: opaque strings that carry where a result set stopped.

A cursor is URL-safe base64 of a small JSON object. It names its result set and carries a
fingerprint of that set's definition, so a cursor handed to the wrong set or to a changed query is
refused with a clear error instead of silently paging something else. Clients must treat cursors
as opaque, as CDF's documentation says; only this module reads them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pygen_runtime.testing._errors import QueryError

__all__ = ["decode_cursor", "encode_cursor", "fingerprint"]

_VERSION = 1


def fingerprint(definition: Any) -> str:
    """A short digest of a result set's definition (its part of ``with``)."""
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(kind: str, name: str, definition_digest: str, state: Mapping[str, Any]) -> str:
    """The cursor string for result set ``name`` of a ``kind`` ("query" or "sync") request."""
    payload = {"v": _VERSION, "kind": kind, "set": name, "def": definition_digest, **state}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: Any, kind: str, name: str, definition_digest: str) -> dict[str, Any]:
    """The state stored in a cursor for result set ``name``; raises :class:`QueryError` if invalid."""
    where = f"cursors.{name}"
    if not isinstance(cursor, str) or not cursor:
        raise QueryError(f"{where}: a cursor is a non-empty string from a previous response's nextCursor")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict) or payload.get("v") != _VERSION or payload.get("kind") != kind:
        raise QueryError(
            f"{where}: not a {kind} cursor issued by this service; pass the nextCursor value of a "
            f"previous {kind} response unchanged"
        )
    if payload.get("set") != name:
        raise QueryError(
            f"{where}: this cursor belongs to result set {payload.get('set')!r}, not {name!r}; "
            "pass each result set its own cursor"
        )
    if payload.get("def") != definition_digest:
        raise QueryError(
            f"{where}: the cursor was issued for a different definition of {name!r}; a cursor "
            "continues only the request that produced it, so keep `with` unchanged while paging"
        )
    return payload
