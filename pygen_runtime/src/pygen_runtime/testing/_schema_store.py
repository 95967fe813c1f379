"""The schema of an emulated project: spaces, containers, views and data models.

Definitions are stored in the shapes :mod:`._schema_shapes` produces. Views keep their own
property definitions; the read shape CDF returns (each mapped property joined with its container
property's type and constraints, inherited properties merged in through ``implements``) is computed
here and cached until the schema next changes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

from pygen_runtime.testing._schema_shapes import property_kind

__all__ = ["ContainerKey", "DataModelKey", "SchemaStore", "ViewKey"]

T = TypeVar("T")
ContainerKey = tuple[str, str]
ViewKey = tuple[str, str, str]
DataModelKey = tuple[str, str, str]


class SchemaStore:
    """Spaces, containers, views (every version) and data models (every version) of one project."""

    def __init__(self) -> None:
        self.spaces: dict[str, dict[str, Any]] = {}
        self.containers: dict[ContainerKey, dict[str, Any]] = {}
        self.views: dict[ViewKey, dict[str, Any]] = {}
        self.data_models: dict[DataModelKey, dict[str, Any]] = {}
        self._read_views: dict[ViewKey, dict[str, Any]] = {}
        self._derived: dict[Hashable, Any] = {}
        self._generation = 0

    # -- changes ---------------------------------------------------------------------------
    def changed(self) -> None:
        """Forget every computed read shape; call after any change to the stored definitions."""
        self._read_views.clear()
        self._derived.clear()
        self._generation += 1

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, remembered under ``key`` until the schema next changes.

        Request handlers use it for plans derived from the schema (which container property a
        view property reads, and so on) so that a list of 1,000 items resolves them once.
        """
        if key in self._derived:
            return self._derived[key]  # type: ignore[no-any-return]
        value = build()
        self._derived[key] = value
        return value

    @property
    def generation(self) -> int:
        """A counter that moves on every schema change (lets callers cache derived data)."""
        return self._generation

    # -- lookups ---------------------------------------------------------------------------
    def container(self, space: str, external_id: str) -> dict[str, Any] | None:
        """The container in the read shape, or None."""
        return self.containers.get((space, external_id))

    def container_properties(self, space: str, external_id: str) -> dict[str, dict[str, Any]] | None:
        """The container's properties in the read shape, or None if there is no such container."""
        container = self.containers.get((space, external_id))
        return None if container is None else container["properties"]

    def latest_view_version(self, space: str, external_id: str) -> str | None:
        """The version of the view created last, as CDF picks it when none is given."""
        candidates = [
            (view["createdTime"], index, key[2])
            for index, (key, view) in enumerate(self.views.items())
            if key[0] == space and key[1] == external_id
        ]
        return max(candidates)[2] if candidates else None

    def view(
        self,
        space: str,
        external_id: str,
        version: str | None = None,
        *,
        include_inherited: bool = True,
    ) -> dict[str, Any] | None:
        """The view in CDF's read shape, inherited properties included; the latest if no version.

        With ``include_inherited=False`` only the view's own properties are listed, as
        ``includeInheritedProperties=false`` asks.
        """
        if version is None:
            version = self.latest_view_version(space, external_id)
            if version is None:
                return None
        key = (space, external_id, str(version))
        if key not in self.views:
            return None
        if not include_inherited:
            return self._read_view(key, inherited=False)
        cached = self._read_views.get(key)
        if cached is None:
            cached = self._read_views[key] = self._read_view(key, inherited=True)
        return cached

    def view_properties(
        self, space: str, external_id: str, version: str | None = None
    ) -> dict[str, dict[str, Any]] | None:
        """The view's properties (inherited ones included) in the read shape, or None."""
        view = self.view(space, external_id, version)
        return None if view is None else view["properties"]

    def own_view(self, space: str, external_id: str, version: str) -> dict[str, Any] | None:
        """The view as applied: its own properties only, in the create shape."""
        return self.views.get((space, external_id, version))

    def views_of_data_model(self, model: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The read shapes of the views a data model lists that exist."""
        for ref in model.get("views", []):
            view = self.view(ref["space"], ref["externalId"], ref["version"])
            if view is not None:
                yield view

    # -- read shape ------------------------------------------------------------------------
    def _inherited(self, key: ViewKey, seen: frozenset[ViewKey]) -> dict[str, dict[str, Any]]:
        """Own property definitions of the view and its ancestors, later ones overriding."""
        stored = self.views.get(key)
        if stored is None or key in seen:
            return {}
        merged: dict[str, dict[str, Any]] = {}
        for parent in stored.get("implements", []):
            parent_key = (parent["space"], parent["externalId"], parent["version"])
            merged.update(self._inherited(parent_key, seen | {key}))
        merged.update(stored["properties"])
        return merged

    def _read_property(self, own: dict[str, Any]) -> dict[str, Any]:
        kind = property_kind(own)
        if kind == "reverse":
            return {**own, "targetsList": self._through_is_list(own)}
        if kind != "mapped":
            return dict(own)
        container_ref = own["container"]
        container_props = self.container_properties(container_ref["space"], container_ref["externalId"]) or {}
        container_prop = container_props.get(own["containerPropertyIdentifier"], {})
        prop_type = dict(container_prop.get("type", {"type": "unknown"}))
        if prop_type.get("type") == "direct" and "source" in own:
            prop_type["source"] = own["source"]
        prop: dict[str, Any] = {
            "container": container_ref,
            "containerPropertyIdentifier": own["containerPropertyIdentifier"],
            "type": prop_type,
            "nullable": container_prop.get("nullable", True),
            "immutable": container_prop.get("immutable", False),
            "autoIncrement": container_prop.get("autoIncrement", False),
            "constraintState": container_prop.get("constraintState", {}),
        }
        if "defaultValue" in container_prop:
            prop["defaultValue"] = container_prop["defaultValue"]
        for key in ("name", "description"):
            if key in own:
                prop[key] = own[key]
            elif key in container_prop:
                prop[key] = container_prop[key]
        return prop

    def _through_is_list(self, reverse: dict[str, Any]) -> bool:
        through = reverse["through"]
        source = through["source"]
        if source["type"] == "view":
            own = self._inherited((source["space"], source["externalId"], source["version"]), frozenset())
            mapped = own.get(through["identifier"])
            if mapped is None or property_kind(mapped) != "mapped":
                return False
            container, identifier = mapped["container"], mapped["containerPropertyIdentifier"]
        else:
            container, identifier = source, through["identifier"]
        props = self.container_properties(container["space"], container["externalId"]) or {}
        return bool(props.get(identifier, {}).get("type", {}).get("list", False))

    def _read_view(self, key: ViewKey, *, inherited: bool) -> dict[str, Any]:
        stored = self.views[key]
        properties = {
            name: self._read_property(own) for name, own in self._inherited(key, frozenset()).items()
        }
        mapped_containers: dict[ContainerKey, dict[str, Any]] = {}
        for prop in properties.values():
            if "container" in prop:
                ref = prop["container"]
                mapped_containers.setdefault((ref["space"], ref["externalId"]), ref)
        read: dict[str, Any] = {
            "space": stored["space"],
            "externalId": stored["externalId"],
            "version": stored["version"],
        }
        for optional in ("name", "description", "filter"):
            if optional in stored:
                read[optional] = stored[optional]
        read["implements"] = list(stored.get("implements", []))
        read["writable"] = self._is_writable(properties, mapped_containers)
        read["queryable"] = bool(mapped_containers) or "filter" in stored
        read["usedFor"] = stored["usedFor"]
        read["isGlobal"] = stored["isGlobal"]
        read["properties"] = (
            properties
            if inherited
            else {name: prop for name, prop in properties.items() if name in stored["properties"]}
        )
        read["mappedContainers"] = list(mapped_containers.values())
        read["createdTime"] = stored["createdTime"]
        read["lastUpdatedTime"] = stored["lastUpdatedTime"]
        return read

    def _is_writable(
        self, properties: dict[str, dict[str, Any]], mapped_containers: dict[ContainerKey, dict[str, Any]]
    ) -> bool:
        """A view is writable when it maps a container and every required property of its containers."""
        if not mapped_containers:
            return False
        mapped = {
            (prop["container"]["space"], prop["container"]["externalId"], prop["containerPropertyIdentifier"])
            for prop in properties.values()
            if "container" in prop
        }
        for container_key in mapped_containers:
            for identifier, container_prop in (self.container_properties(*container_key) or {}).items():
                required = not container_prop.get("nullable", True) and "defaultValue" not in container_prop
                if (
                    required
                    and not container_prop.get("autoIncrement")
                    and (*container_key, identifier) not in mapped
                ):
                    return False
        return True
