"""CDF's rules for identifiers: spaces, schema external ids, versions, property names, instance ids."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pygen_runtime.testing._errors import EmulatorRequestError

__all__ = [
    "check_instance_external_id",
    "check_property_identifier",
    "check_schema_external_id",
    "check_space",
    "check_version",
    "instance_id_key",
]

_SPACE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_-]{0,41}[a-zA-Z0-9]?$")
_RESERVED_SPACES = frozenset({"space", "cdf", "dms", "pg3", "shared", "system", "node", "edge"})
_SCHEMA_EXTERNAL_ID = re.compile(r"^[a-zA-Z]([a-zA-Z0-9_]{0,253}[a-zA-Z0-9])?$")
_VERSION = re.compile(r"^[a-zA-Z0-9]([.a-zA-Z0-9_-]{0,41}[a-zA-Z0-9])?$")
_RESERVED_PROPERTIES = frozenset(
    {
        "space",
        "externalId",
        "createdTime",
        "lastUpdatedTime",
        "deletedTime",
        "edge_id",
        "node_id",
        "project_id",
        "property_group",
        "seq",
        "tg_table_name",
        "extensions",
    }
)


def check_space(value: Any, where: str, *, creating: bool = False) -> str:
    """A space identifier; ``creating`` also refuses the names CDF reserves."""
    if not isinstance(value, str) or not _SPACE.match(value):
        raise EmulatorRequestError(
            f"{where}: {json.dumps(value)} is not a valid space: 1-43 characters, starting with a letter, "
            "then letters, digits, '_' or '-'."
        )
    if creating and value in _RESERVED_SPACES:
        raise EmulatorRequestError(f"{where}: the space name {value!r} is reserved by CDF; choose another.")
    return value


def check_schema_external_id(value: Any, where: str) -> str:
    """The external id of a container, view or data model."""
    if not isinstance(value, str) or not _SCHEMA_EXTERNAL_ID.match(value):
        raise EmulatorRequestError(
            f"{where}: {json.dumps(value)} is not a valid external id: 1-255 characters, starting with a "
            "letter, then letters, digits or '_'."
        )
    return value


def check_version(value: Any, where: str) -> str:
    """A view or data model version."""
    if not isinstance(value, str) or not _VERSION.match(value):
        raise EmulatorRequestError(
            f"{where}: {json.dumps(value)} is not a valid version: 1-43 letters, digits, '.', '_' or '-'."
        )
    return value


def check_property_identifier(value: Any, where: str) -> str:
    """A container or view property identifier."""
    if not isinstance(value, str) or not _SCHEMA_EXTERNAL_ID.match(value):
        raise EmulatorRequestError(
            f"{where}: {json.dumps(value)} is not a valid property identifier: starting with a letter, "
            "then letters, digits or '_'."
        )
    if value in _RESERVED_PROPERTIES:
        raise EmulatorRequestError(f"{where}: {value!r} is a reserved property identifier; choose another.")
    return value


def check_instance_external_id(value: Any, where: str) -> str:
    """A node or edge external id: 1-256 characters, no NUL."""
    if not isinstance(value, str) or not 1 <= len(value) <= 256 or "\x00" in value:
        raise EmulatorRequestError(
            f"{where}: {json.dumps(value)} is not a valid instance external id: 1-256 characters, no NUL."
        )
    return value


def instance_id_key(item: Mapping[str, Any], where: str, addressed: str) -> tuple[str, str]:
    """``(space, externalId)`` of an item's ``instanceId``; the data point and file endpoints
    address ``addressed`` ("time series", "files") by instance id only."""
    instance_id = item.get("instanceId")
    if (
        not isinstance(instance_id, Mapping)
        or not isinstance(instance_id.get("space"), str)
        or not isinstance(instance_id.get("externalId"), str)
    ):
        raise EmulatorRequestError(
            f'{where} needs \'instanceId\': {{"space": ..., "externalId": ...}} (this emulator addresses '
            f"{addressed} by instance id only)."
        )
    return (instance_id["space"], instance_id["externalId"])
