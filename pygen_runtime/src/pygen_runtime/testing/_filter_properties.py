"""Property references: from a request's ``["space", "View/1", "name"]`` to a value reader.

Filters and sorts name a property in one of three ways (the API's ``DMSFilterProperty``):

- ``["node", "externalId"]`` or ``["edge", "startNode"]``: an instance's own fields. A ``node``
  reference reads nothing on an edge and an ``edge`` reference reads nothing on a node, so such a
  filter matches only instances of its own type.
- ``[space, "externalId/version", property]``: a property of a view, read from the container
  property that the view maps (with inherited properties), so a value written through one view is
  visible through every view that maps the same container property.
- ``[space, containerExternalId, property]``: a container property.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._filter_values import (
    ValueKind,
    canonical_stored,
    canonical_stored_list,
    kind_of_type,
)

if TYPE_CHECKING:
    from pygen_runtime.testing._schema_store import SchemaStore
    from pygen_runtime.testing._store import StoredInstance

__all__ = ["PropertyAccess", "PropertyReferenceError", "resolve_property"]


class PropertyReferenceError(ValueError):
    """A property reference that names nothing; the caller turns it into the API's 400 error."""


@dataclass(frozen=True, slots=True)
class PropertyAccess:
    """How to read one referenced property from a stored instance."""

    reference: tuple[str, ...]
    kind: ValueKind
    is_list: bool
    read: Callable[[StoredInstance], Any]
    # (space, externalId) of the container holding the value; None for an instance's own fields.
    container: tuple[str, str] | None = None

    @property
    def label(self) -> str:
        """The reference as JSON, the way the request spelled it (for error messages)."""
        return json.dumps(list(self.reference))

    def canonical(self, instance: StoredInstance) -> Any:
        """The canonical value (a list of canonical values for list properties), or ``None``."""
        raw = self.read(instance)
        if self.is_list:
            return canonical_stored_list(self.kind, raw)
        return canonical_stored(self.kind, raw)


def _own_fields() -> dict[str, tuple[ValueKind, Callable[[StoredInstance], Any]]]:
    return {
        "externalId": ("text", lambda inst: inst.external_id),
        "space": ("text", lambda inst: inst.space),
        "instanceType": ("text", lambda inst: inst.instance_type),
        "version": ("number", lambda inst: inst.version),
        "createdTime": ("timestamp", lambda inst: inst.created_time),
        "lastUpdatedTime": ("timestamp", lambda inst: inst.last_updated_time),
        "deletedTime": ("timestamp", lambda inst: inst.deleted_time),
        "type": ("direct", lambda inst: inst.type),
    }


_NODE_FIELDS = _own_fields()
_EDGE_FIELDS = {
    **_own_fields(),
    "startNode": ("direct", lambda inst: inst.start_node),
    "endNode": ("direct", lambda inst: inst.end_node),
}


def _own_field(reference: tuple[str, ...]) -> PropertyAccess:
    instance_type, name = reference
    fields = _NODE_FIELDS if instance_type == "node" else _EDGE_FIELDS
    if name not in fields:
        raise PropertyReferenceError(
            f"{json.dumps(list(reference))} is not a property of a {instance_type}; "
            f"use one of {', '.join(sorted(fields))}"
        )
    kind, getter = fields[name]

    def read(inst: StoredInstance) -> Any:
        return getter(inst) if inst.instance_type == instance_type else None

    return PropertyAccess(reference, kind, False, read)


def _stored_property(
    reference: tuple[str, ...],
    container: tuple[str, str],
    identifier: str,
    property_type: Mapping[str, Any] | None,
) -> PropertyAccess:
    def read(inst: StoredInstance) -> Any:
        values = inst.data.get(container)
        return None if values is None else values.get(identifier)

    is_list = bool(property_type and property_type.get("list"))
    return PropertyAccess(reference, kind_of_type(property_type), is_list, read, container)


def _view_property(reference: tuple[str, ...], schema: SchemaStore) -> PropertyAccess:
    space, view_and_version, name = reference
    view_external_id, _, version = view_and_version.partition("/")
    properties = schema.view_properties(space, view_external_id, version)
    label = json.dumps(list(reference))
    if properties is None:
        raise PropertyReferenceError(
            f"{label} refers to the view {space}:{view_external_id}(version={version}), which does "
            "not exist; apply the view first or correct the reference"
        )
    definition = properties.get(name)
    if definition is None:
        raise PropertyReferenceError(
            f"{label}: the view {space}:{view_external_id}(version={version}) has no property "
            f"{name!r}; its properties are {', '.join(sorted(properties)) or '(none)'}"
        )
    container = definition.get("container")
    if not isinstance(container, Mapping):
        raise PropertyReferenceError(
            f"{label} is a connection (an edge or a reverse direct relation), not a stored "
            "property; filter on the edges or on the direct relation at the other end instead"
        )
    container_id = (str(container.get("space")), str(container.get("externalId")))
    identifier = str(definition.get("containerPropertyIdentifier", name))
    property_type = definition.get("type")
    if not isinstance(property_type, Mapping):
        container_properties = schema.container_properties(*container_id) or {}
        property_type = (container_properties.get(identifier) or {}).get("type")
    return _stored_property(reference, container_id, identifier, property_type)


def _container_property(reference: tuple[str, ...], schema: SchemaStore) -> PropertyAccess:
    space, external_id, identifier = reference
    properties = schema.container_properties(space, external_id)
    label = json.dumps(list(reference))
    if properties is None:
        raise PropertyReferenceError(
            f"{label} refers to the container {space}:{external_id}, which does not exist; "
            "reference a view as [space, 'externalId/version', property] or apply the container"
        )
    definition = properties.get(identifier)
    if definition is None:
        raise PropertyReferenceError(
            f"{label}: the container {space}:{external_id} has no property {identifier!r}; "
            f"its properties are {', '.join(sorted(properties)) or '(none)'}"
        )
    return _stored_property(reference, (space, external_id), identifier, definition.get("type"))


def resolve_property(reference: Any, schema: SchemaStore) -> PropertyAccess:
    """Resolve a property reference from a request, or raise ``PropertyReferenceError``.

    >>> resolve_property(["node", "externalId"], schema).read(instance)  # doctest: +SKIP
    'pump-1'
    """
    if (
        not isinstance(reference, Sequence)
        or isinstance(reference, str)
        or not all(isinstance(part, str) for part in reference)
    ):
        raise PropertyReferenceError(
            f"a property reference must be a list of strings, got {json.dumps(reference, default=str)}"
        )
    parts = tuple(reference)
    if len(parts) == 2 and parts[0] in ("node", "edge"):
        return _own_field(parts)
    if len(parts) == 3:
        if "/" in parts[1]:
            return _view_property(parts, schema)
        return _container_property(parts, schema)
    raise PropertyReferenceError(
        f"{json.dumps(list(parts))} is not a property reference; use ['node', field], "
        "['edge', field], [space, 'viewExternalId/version', property] or "
        "[space, containerExternalId, property]"
    )
