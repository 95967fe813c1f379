"""Stored instances to the API's read shape, and the ``typing`` block that may accompany them.

Properties are returned per requested view: ``properties[space]["externalId/version"]`` holds the
view's mapped properties that have a value, read from the containers the view maps. A view appears
only when the instance has data in every container the view maps (CDF's ``hasData`` for a view);
connection properties (edges, reverse direct relations) are never part of an instance's values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pygen_runtime.testing._schema_store import SchemaStore
from pygen_runtime.testing._store import StoredInstance

__all__ = ["SourcePlan", "instance_to_json", "instances_to_json", "plan_sources", "typing_for", "view_key_of"]

ViewKeyLike = tuple[str, str, str]


def view_key_of(ref: Any) -> ViewKeyLike:
    """``(space, externalId, version)`` of a view reference dict."""
    return (str(ref["space"]), str(ref["externalId"]), str(ref["version"]))


@dataclass(frozen=True, slots=True)
class _ViewPlan:
    space: str
    label: str  # "externalId/version"
    containers: frozenset[tuple[str, str]]
    # (view property, container key, container property) for each mapped property
    reads: tuple[tuple[str, tuple[str, str], str], ...]


@dataclass(frozen=True, slots=True)
class SourcePlan:
    """How to read the requested views' properties from any instance (computed once per request)."""

    views: tuple[_ViewPlan, ...]

    def properties(self, inst: StoredInstance) -> dict[str, dict[str, dict[str, Any]]]:
        """The instance's ``properties`` object for these views."""
        result: dict[str, dict[str, dict[str, Any]]] = {}
        data = inst.data
        for view in self.views:
            if not view.containers or not view.containers.issubset(data.keys()):
                continue
            values: dict[str, Any] = {}
            for name, container, identifier in view.reads:
                value = data[container].get(identifier)
                if value is not None:
                    values[name] = value
            result.setdefault(view.space, {})[view.label] = values
        return result


def _plan(sources: tuple[ViewKeyLike, ...], schema: SchemaStore) -> SourcePlan:
    plans = []
    for space, external_id, version in sources:
        properties = schema.view_properties(space, external_id, version)
        if properties is None:
            continue
        reads = []
        for name, prop in properties.items():
            container = prop.get("container")
            if container is None:
                continue
            key = (container["space"], container["externalId"])
            reads.append((name, key, prop["containerPropertyIdentifier"]))
        plans.append(
            _ViewPlan(
                space=space,
                label=f"{external_id}/{version}",
                containers=frozenset(container for _, container, _ in reads),
                reads=tuple(reads),
            )
        )
    return SourcePlan(tuple(plans))


def plan_sources(sources: Sequence[ViewKeyLike] | None, schema: SchemaStore) -> SourcePlan:
    """The reading plan for these views, cached until the schema changes."""
    key = tuple((str(s), str(x), str(v)) for s, x, v in sources or ())
    return schema.cached(("source-plan", key), lambda: _plan(key, schema))


def instance_to_json(
    inst: StoredInstance,
    sources: Sequence[tuple[str, str, str]] | None,
    schema: SchemaStore,
    *,
    include_typing: bool = False,
) -> dict[str, Any]:
    """The instance in the API's read shape, with properties for the requested views.

    ``include_typing`` is accepted for symmetry with the endpoints' flag; the typing block belongs
    to the response rather than to each item, so callers add :func:`typing_for` themselves.
    """
    del include_typing
    return _to_json(inst, plan_sources(sources, schema))


def _to_json(inst: StoredInstance, plan: SourcePlan) -> dict[str, Any]:
    item: dict[str, Any] = {
        "instanceType": inst.instance_type,
        "space": inst.space,
        "externalId": inst.external_id,
        "version": inst.version,
        "createdTime": inst.created_time,
        "lastUpdatedTime": inst.last_updated_time,
    }
    if inst.deleted_time is not None:
        item["deletedTime"] = inst.deleted_time
    if inst.type is not None:
        item["type"] = {"space": inst.type[0], "externalId": inst.type[1]}
    if inst.instance_type == "edge":
        if inst.start_node is not None:
            item["startNode"] = {"space": inst.start_node[0], "externalId": inst.start_node[1]}
        if inst.end_node is not None:
            item["endNode"] = {"space": inst.end_node[0], "externalId": inst.end_node[1]}
    item["properties"] = plan.properties(inst)
    return item


def instances_to_json(
    instances: Sequence[StoredInstance], sources: Sequence[ViewKeyLike] | None, schema: SchemaStore
) -> list[dict[str, Any]]:
    """Many instances with one plan (what list endpoints use)."""
    plan = plan_sources(sources, schema)
    return [_to_json(inst, plan) for inst in instances]


_TYPING_KEYS = (
    "type",
    "nullable",
    "immutable",
    "autoIncrement",
    "defaultValue",
    "name",
    "description",
    "constraintState",
)


def typing_for(sources: Sequence[ViewKeyLike] | None, schema: SchemaStore) -> dict[str, Any]:
    """The response-level ``typing`` block: each requested view's mapped property definitions."""
    typing: dict[str, dict[str, Any]] = {}
    for space, external_id, version in sources or ():
        properties = schema.view_properties(space, external_id, version)
        if properties is None:
            continue
        typing.setdefault(space, {})[f"{external_id}/{version}"] = {
            name: {key: prop[key] for key in _TYPING_KEYS if key in prop}
            for name, prop in properties.items()
            if "container" in prop
        }
    return typing
