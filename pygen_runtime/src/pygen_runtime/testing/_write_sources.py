"""Where the values of one write source (a view or a container) land, worked out once per schema.

An item's ``sources`` name a view or a container; each of its writable properties maps to one
container property with a value check. Both the general write path and the fast path for new
nodes resolve a source through :func:`resolve_source`, which the schema store caches until the
schema changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pygen_runtime.testing._schema_store import ContainerKey, SchemaStore
from pygen_runtime.testing._value_types import ValueCheck
from pygen_runtime.testing._write_plans import container_write_plan

__all__ = ["Field", "SourceKey", "Target", "WriteSource", "resolve_source", "source_key"]

SourceKey = tuple[str, ...]
"""``("view", space, externalId, version)`` or ``("container", space, externalId)``."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where one writable source property lands."""

    container: ContainerKey
    identifier: str
    prop: Mapping[str, Any]  # the container property definition
    check: ValueCheck  # decides the common valid values; check_value words the errors


Field = tuple[ContainerKey, str, ValueCheck, Mapping[str, Any]]
"""A target as a tuple (container, container property, value check, property type): quicker to
unpack per value than a target's attributes are to read."""


@dataclass(frozen=True, slots=True)
class WriteSource:
    """A view or container as a write source: its writable properties and the containers it fills."""

    label: str
    targets: dict[str, Target]
    containers: frozenset[ContainerKey]
    used_for: frozenset[str]
    fields: dict[str, Field]


def _source(
    label: str, targets: dict[str, Target], containers: frozenset[ContainerKey], used_for: str
) -> WriteSource:
    return WriteSource(
        label=label,
        targets=targets,
        containers=containers,
        used_for=frozenset({"node", "edge"} if used_for == "all" else {used_for}),
        fields={
            name: (target.container, target.identifier, target.check, target.prop["type"])
            for name, target in targets.items()
        },
    )


def _resolve(schema: SchemaStore, key: SourceKey) -> WriteSource | None:
    if key[0] == "container":
        container = schema.container(key[1], key[2])
        if container is None:
            return None
        ckey = (key[1], key[2])
        plan = container_write_plan(schema, ckey)
        targets = {
            name: Target(ckey, name, prop, plan.checks[name])
            for name, prop in container["properties"].items()
        }
        return _source(f"container {key[1]}:{key[2]}", targets, frozenset({ckey}), container["usedFor"])
    view = schema.view(key[1], key[2], key[3])
    if view is None:
        return None
    targets = {}
    for name, prop in view["properties"].items():
        if "container" not in prop:
            continue
        ckey = (prop["container"]["space"], prop["container"]["externalId"])
        plan = container_write_plan(schema, ckey)
        identifier = prop["containerPropertyIdentifier"]
        container_prop = plan.properties.get(identifier)
        if container_prop is not None:
            targets[name] = Target(ckey, identifier, container_prop, plan.checks[identifier])
    containers = frozenset(target.container for target in targets.values())
    return _source(f"view {key[1]}:{key[2]}/{key[3]}", targets, containers, view["usedFor"])


def source_key(ref: Mapping[str, Any]) -> SourceKey | None:
    """The key of a source reference; None if its ``type`` is neither view nor container."""
    kind = ref.get("type", "view" if "version" in ref else "container")
    if kind == "view":
        return ("view", str(ref.get("space")), str(ref.get("externalId")), str(ref.get("version")))
    if kind == "container":
        return ("container", str(ref.get("space")), str(ref.get("externalId")))
    return None


def resolve_source(schema: SchemaStore, key: SourceKey) -> WriteSource | None:
    """The write source named by ``key``, or None if that view or container does not exist."""
    return schema.cached(("write source", key), lambda: _resolve(schema, key))
