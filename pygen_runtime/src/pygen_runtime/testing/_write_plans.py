"""What writing to one container involves, worked out once per schema rather than once per value.

An upsert of 100,000 nodes writes the same few containers over and over; the defaults to fill
in, the required, immutable and direct relation properties, and a value check for each property
depend only on the container's definition. They are kept in the schema store's cache, which a
schema change clears.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pygen_runtime.testing._schema_store import ContainerKey, SchemaStore
from pygen_runtime.testing._value_types import NOT_DECIDED, ValueCheck, fast_value_check

__all__ = ["ContainerWritePlan", "Fill", "container_write_plan"]


@dataclass(frozen=True, slots=True)
class Fill:
    """A property a fresh row gets when the write leaves it out: its default or the next number."""

    identifier: str
    prop: Mapping[str, Any]
    # The checked default when one value can be shared by every row (an immutable scalar);
    # ``NOT_DECIDED`` when each row needs its own check (auto-increment, lists, objects, errors).
    shared_default: Any
    has_default: bool


@dataclass(frozen=True, slots=True)
class ContainerWritePlan:
    """The write rules of one container's properties, in the container's property order."""

    properties: Mapping[str, Mapping[str, Any]]
    checks: Mapping[str, ValueCheck]
    fills: tuple[Fill, ...]
    required: tuple[str, ...]
    immutable: frozenset[str]
    # Direct relation properties and the container each one requires its target to have, if any.
    direct: Mapping[str, ContainerKey | None]


def _shared_default(prop: Mapping[str, Any], check: ValueCheck) -> Any:
    default = prop.get("defaultValue")
    if default is None:
        return NOT_DECIDED
    checked = check(default)
    return checked if isinstance(checked, (str, int, float, bool)) else NOT_DECIDED


def _build(properties: Mapping[str, Mapping[str, Any]]) -> ContainerWritePlan:
    checks: dict[str, ValueCheck] = {}
    fills: list[Fill] = []
    required: list[str] = []
    immutable: set[str] = set()
    direct: dict[str, ContainerKey | None] = {}
    for identifier, prop in properties.items():
        prop_type = prop.get("type", {})
        check = checks[identifier] = fast_value_check(prop_type)
        has_default = prop.get("defaultValue") is not None
        if has_default or prop.get("autoIncrement"):
            fills.append(Fill(identifier, prop, _shared_default(prop, check), has_default))
        if not prop.get("nullable", True):
            required.append(identifier)
        if prop.get("immutable"):
            immutable.add(identifier)
        if prop_type.get("type") == "direct":
            needed = prop_type.get("container")
            direct[identifier] = None if needed is None else (needed["space"], needed["externalId"])
    return ContainerWritePlan(
        properties=properties,
        checks=checks,
        fills=tuple(fills),
        required=tuple(required),
        immutable=frozenset(immutable),
        direct=direct,
    )


def container_write_plan(schema: SchemaStore, container: ContainerKey) -> ContainerWritePlan:
    """The plan for ``container``; one without properties if the container does not exist."""
    return schema.cached(
        ("container write plan", container),
        lambda: _build(schema.container_properties(*container) or {}),
    )
