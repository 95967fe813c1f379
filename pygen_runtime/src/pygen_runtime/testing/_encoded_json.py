"""The emulator's JSON encoding, and answers an endpoint encodes itself.

Every answer body is JSON written by :func:`encode_json`. An endpoint whose answer has a fixed
shape repeated many times (an apply's thousand ``{instanceType, space, externalId, version, ...}``
items) may write the text itself, byte for byte what :func:`encode_json` would write, and return
it as :class:`EncodedJson`; the emulator sends it as it is.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["EncodedJson", "encode_json", "encode_string"]

# The C encoder of a JSON string, quotes included, as ``json.dumps(..., ensure_ascii=False)`` writes it.
encode_string = json.encoder.encode_basestring


class EncodedJson(bytes):
    """An answer body already encoded as UTF-8 JSON text, exactly as :func:`encode_json` encodes."""


def encode_json(value: Any) -> str:
    """``value`` as the emulator writes JSON: compact, non-ASCII characters as they are."""
    # Bodies are trees of JSON values the emulator built, never cyclic: skip the cycle check.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, check_circular=False)
