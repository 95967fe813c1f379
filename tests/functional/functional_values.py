"""Comparing what an SDK read back with what a payload wrote, in plain Python: a payload gives
timestamps as ISO text without a zone (UTC), dates as ISO text and direct relations as
``{"space", "externalId"}``; the SDK gives ``datetime``, ``date`` and ``NodeId``."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timezone
from typing import Any

from pygen_runtime.schema import NodeId

__all__ = ["as_timestamp", "same_value", "snake_case"]


def as_timestamp(text: str) -> datetime:
    """A payload timestamp (UTC when it names no zone)."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def same_value(written: Any, read: Any) -> bool:
    """Whether ``read`` (from the SDK) is the value the payload ``written``."""
    if written is None or read is None:
        return written is None and read is None
    if isinstance(read, NodeId):
        return isinstance(written, dict) and (written["space"], written["externalId"]) == (
            read.space,
            read.external_id,
        )
    if isinstance(read, datetime):
        return isinstance(written, str) and as_timestamp(written) == read
    if isinstance(read, date):
        return isinstance(written, str) and date.fromisoformat(written) == read
    if isinstance(read, bool) or isinstance(written, bool):
        return read is written
    if isinstance(read, float) or isinstance(written, float):
        return isinstance(written, (int, float)) and math.isclose(written, read, rel_tol=1e-6)
    if isinstance(read, list):
        return (
            isinstance(written, list)
            and len(written) == len(read)
            and all(same_value(left, right) for left, right in zip(written, read, strict=True))
        )
    return bool(written == read)


def snake_case(view: str) -> str:
    """The client attribute of a view: ``PrimitiveNullable`` -> ``primitive_nullable``,
    ``CDFExternalReferences`` -> ``cdf_external_references``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", view).lower()
