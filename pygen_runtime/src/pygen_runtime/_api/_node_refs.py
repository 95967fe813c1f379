"""Identifiers of time series and file nodes as the datapoints and files APIs take them.

Those APIs address a node by ``instanceId`` (``{"space", "externalId"}``). Callers may hold a
``NodeId``, a typed SDK's read or write object, a ``(space, external_id)`` tuple or the JSON
object itself; all become ``(space, external_id)`` here, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pygen_runtime.errors import InvalidArgumentError

__all__ = ["NodeKey", "instance_id_json", "node_key", "node_keys"]

NodeKey = tuple[str, str]


def _is_single(value: Any) -> bool:
    if isinstance(value, Mapping):
        return True
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, str) for part in value):
        return True
    return isinstance(getattr(value, "space", None), str) and isinstance(
        getattr(value, "external_id", None), str
    )


def node_key(value: Any, what: str) -> NodeKey:
    """``(space, external_id)`` of one node reference, or an ``InvalidArgumentError`` naming it."""
    if isinstance(value, Mapping):
        space, external_id = value.get("space"), value.get("externalId", value.get("external_id"))
    elif isinstance(value, tuple) and len(value) == 2:
        space, external_id = value
    else:
        space, external_id = getattr(value, "space", None), getattr(value, "external_id", None)
    if not isinstance(space, str) or not isinstance(external_id, str) or not space or not external_id:
        raise InvalidArgumentError(
            f"{what} expects a node: a NodeId, a read or write object of the node, a (space, external_id) "
            f"tuple or {{'space': ..., 'externalId': ...}}; got {type(value).__name__} {value!r}."
        )
    return (space, external_id)


def node_keys(value: Any, what: str) -> list[NodeKey]:
    """One node reference or a sequence of them, as ``(space, external_id)`` pairs."""
    if _is_single(value):
        return [node_key(value, what)]
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return [node_key(value, what)]  # raises, naming what was given
    keys = [node_key(item, f"{what} (item {index})") for index, item in enumerate(value)]
    if not keys:
        raise InvalidArgumentError(f"{what} needs at least one node.")
    return keys


def instance_id_json(key: NodeKey) -> dict[str, str]:
    """The ``instanceId`` object CDF takes for ``key``."""
    return {"space": key[0], "externalId": key[1]}
