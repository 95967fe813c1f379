"""The ``select`` part of query and sync requests: which result sets to return, with which views'
properties, and the ``typing`` block that describes those properties.

Only result sets named in ``select`` are returned. An item carries, per selected view it has data
in, the listed properties (``"*"``, or leaving ``properties`` out, for all of them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._errors import QueryError
from pygen_runtime.testing._filter_values import describe_json
from pygen_runtime.testing._limits import SOURCES_MAX
from pygen_runtime.testing._serialize import instances_to_json, typing_for
from pygen_runtime.testing._sorting import InstanceOrder, compile_sort

if TYPE_CHECKING:
    from pygen_runtime.testing._schema_store import SchemaStore
    from pygen_runtime.testing._store import StoredInstance

__all__ = ["Selection", "parse_select"]

ViewKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Selection:
    """What to return for one result set."""

    views: tuple[ViewKey, ...]
    # For each view, the property names to keep; None keeps all ("*").
    properties: tuple[frozenset[str] | None, ...]
    order: InstanceOrder
    limit: int | None

    def render_all(self, instances: Sequence[StoredInstance], schema: SchemaStore) -> list[dict[str, Any]]:
        """The instances in the API's read shape with the selected properties (views planned once)."""
        return [self._keep_selected(item) for item in instances_to_json(instances, self.views, schema)]

    def _keep_selected(self, item: dict[str, Any]) -> dict[str, Any]:
        if all(keep is None for keep in self.properties):
            return item
        values = item.get("properties", {})
        for (space, external_id, version), keep in zip(self.views, self.properties, strict=True):
            if keep is None:
                continue
            view_values = values.get(space, {}).get(f"{external_id}/{version}")
            if view_values is not None:
                for name in [name for name in view_values if name not in keep]:
                    del view_values[name]
        return item

    def typing(self, schema: SchemaStore) -> dict[str, Any]:
        """The ``typing`` block for this result set's selected properties."""
        typing = typing_for(self.views, schema)
        for (space, external_id, version), keep in zip(self.views, self.properties, strict=True):
            definitions = typing.get(space, {}).get(f"{external_id}/{version}")
            if keep is not None and definitions is not None:
                for name in [name for name in definitions if name not in keep]:
                    del definitions[name]
        return typing


def _source(entry: Any, schema: SchemaStore, where: str) -> tuple[ViewKey, frozenset[str] | None]:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("source"), Mapping):
        raise QueryError(
            f"{where}: expected {{source: a view reference, properties: [...]}}, got {describe_json(entry)}"
        )
    unknown = sorted(set(entry) - {"source", "properties", "targetUnits"})
    if unknown:
        raise QueryError(f"{where}: unknown field(s) {', '.join(unknown)}; use source and properties")
    if entry.get("targetUnits"):
        raise QueryError(
            f"{where}.targetUnits: unit conversion is not supported by the emulator; read values in "
            "their stored units"
        )
    source = entry["source"]
    space, external_id, version = (source.get(key) for key in ("space", "externalId", "version"))
    if (
        not all(isinstance(part, str) for part in (space, external_id, version))
        or source.get("type", "view") != "view"
    ):
        raise QueryError(
            f"{where}.source: expected {{type: 'view', space, externalId, version}}, "
            f"got {describe_json(source)}"
        )
    view_properties = schema.view_properties(space, external_id, version)
    if view_properties is None:
        raise QueryError(
            f"{where}.source: the view {space}:{external_id}(version={version}) does not exist",
            missing=[{"type": "view", "space": space, "externalId": external_id, "version": version}],
        )
    names = entry.get("properties")
    if names is None:
        # The API marks `properties` required, but cognite-sdk leaves it out when not given;
        # reading that as every property serves those clients.
        return (space, external_id, version), None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise QueryError(
            f"{where}.properties: expected a list of property names or ['*'], got {describe_json(names)}"
        )
    if "*" in names:
        return (space, external_id, version), None
    unknown_names = sorted(set(names) - set(view_properties))
    if unknown_names:
        raise QueryError(
            f"{where}.properties: the view {space}:{external_id}(version={version}) has no "
            f"propert{'y' if len(unknown_names) == 1 else 'ies'} {', '.join(unknown_names)}"
        )
    return (space, external_id, version), frozenset(names)


def parse_select(
    select: Any, result_sets: Sequence[str], schema: SchemaStore, *, endpoint: str
) -> dict[str, Selection]:
    """The request's ``select``, checked against its result sets and the schema."""
    if not isinstance(select, Mapping) or not select:
        raise QueryError("select: expected an object naming at least one result set of `with`")
    allowed = {"sources", "sort", "limit"} if endpoint == "query" else {"sources"}
    selections: dict[str, Selection] = {}
    for name, entry in select.items():
        where = f"select.{name}"
        if name not in result_sets:
            raise QueryError(f"{where}: {name!r} is not a result set in `with`")
        if not isinstance(entry, Mapping):
            raise QueryError(f"{where}: expected an object, got {describe_json(entry)}")
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise QueryError(
                f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )
        sources = entry.get("sources")
        sources = [] if sources is None else sources
        if not isinstance(sources, list):
            raise QueryError(f"{where}.sources: expected a list, got {describe_json(sources)}")
        if len(sources) > SOURCES_MAX:
            raise QueryError(
                f"{where}.sources: at most {SOURCES_MAX} views per result set, got {len(sources)}"
            )
        parsed = [_source(item, schema, f"{where}.sources[{index}]") for index, item in enumerate(sources)]
        limit = entry.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise QueryError(f"{where}.limit: expected a positive integer, got {describe_json(limit)}")
        selections[name] = Selection(
            views=tuple(view for view, _ in parsed),
            properties=tuple(keep for _, keep in parsed),
            order=compile_sort(entry.get("sort"), schema, location=f"{where}.sort"),
            limit=limit,
        )
    return selections
