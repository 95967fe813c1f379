"""The GraphQL schema CDF derives from a data model, built with graphql-core from the model's views.

Per view ``T`` (object type ``T``, its ``__typename`` the view's external id):

- fields ``space``, ``externalId``, ``createdTime``, ``lastUpdatedTime`` and one per property:
  scalars for stored values, ``T2`` for a direct relation to a view ``T2`` of the model, and a
  connection ``{items, pageInfo}`` for lists of direct relations, edges and multiple reverse
  direct relations (taking ``first``, ``after`` and ``filter``);
- root fields ``listT(filter, first, after, sort)``, ``searchT(query, fields, filter, first, sort)``
  (the words of ``query`` in the text properties ``fields``, or in all of them, as
  ``/instances/search`` matches them) and ``getTById(instance: {space, externalId})``, each
  answering a connection.

Filters (``_ListTFilter``) take per property ``eq``, ``in``, ``prefix`` (text), ``gt``, ``gte``,
``lt``, ``lte`` (ordered types) and ``isNull``; ``and``, ``or`` and ``not`` combine them, and a
direct relation takes a filter on the node it points to. They are translated into the DMS filters
the rest of the emulator evaluates (see :mod:`._graphql_resolve`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
)

from pygen_runtime.testing import _graphql_resolve as resolve
from pygen_runtime.testing._schema_shapes import property_kind
from pygen_runtime.testing._schema_store import SchemaStore

__all__ = ["build_schema"]

_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
_ORDERED = {"int32", "int64", "float32", "float64", "timestamp", "date"}


def _timestamp(value: Any) -> Any:
    # Instance timestamps are epoch milliseconds in the store; GraphQL shows them as ISO 8601.
    if isinstance(value, int) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(value / 1000, tz=timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return value


def _passthrough(value: Any) -> Any:
    return value


def _scalar(name: str, serialize: Callable[[Any], Any] = _passthrough) -> GraphQLScalarType:
    return GraphQLScalarType(name, serialize=serialize, parse_value=_passthrough)


TIMESTAMP = _scalar("Timestamp", _timestamp)
DATE = _scalar("Date")
INT64 = _scalar("Int64")
JSON_OBJECT = _scalar("JSONObject")
SORT_DIRECTION = GraphQLEnumType("SortDirection", {"ASC": "ascending", "DESC": "descending"})
PAGE_INFO = GraphQLObjectType(
    "PageInfo",
    {
        "hasNextPage": GraphQLField(GraphQLNonNull(GraphQLBoolean)),
        "hasPreviousPage": GraphQLField(GraphQLNonNull(GraphQLBoolean)),
        "startCursor": GraphQLField(GraphQLString),
        "endCursor": GraphQLField(GraphQLString),
    },
)
INSTANCE_REF = GraphQLInputObjectType(
    "_InstanceRef",
    {
        "space": GraphQLInputField(GraphQLNonNull(GraphQLString)),
        "externalId": GraphQLInputField(GraphQLNonNull(GraphQLString)),
    },
)
_SCALARS: dict[str, Any] = {
    "text": GraphQLString,
    "int32": GraphQLInt,
    "int64": INT64,
    "float32": GraphQLFloat,
    "float64": GraphQLFloat,
    "boolean": GraphQLBoolean,
    "timestamp": TIMESTAMP,
    "date": DATE,
    "json": JSON_OBJECT,
    "enum": GraphQLString,
    # CDF answers objects for these; the emulator gives their external ids.
    "timeseries": GraphQLString,
    "file": GraphQLString,
    "sequence": GraphQLString,
}


def _value_filter(name: str, scalar: Any, operators: tuple[str, ...]) -> GraphQLInputObjectType:
    fields = {"isNull": GraphQLInputField(GraphQLBoolean)}
    for operator in operators:
        kind = GraphQLList(GraphQLNonNull(scalar)) if operator == "in" else scalar
        fields[operator] = GraphQLInputField(kind)
    return GraphQLInputObjectType(name, fields)


_ORDER_OPERATORS = ("eq", "in", "gt", "gte", "lt", "lte")
_VALUE_FILTERS: dict[str, GraphQLInputObjectType] = {
    "text": _value_filter("_StringFilter", GraphQLString, ("eq", "in", "prefix")),
    "int32": _value_filter("_IntFilter", GraphQLInt, _ORDER_OPERATORS),
    "int64": _value_filter("_Int64Filter", INT64, _ORDER_OPERATORS),
    "float32": _value_filter("_FloatFilter", GraphQLFloat, _ORDER_OPERATORS),
    "boolean": _value_filter("_BooleanFilter", GraphQLBoolean, ("eq",)),
    "timestamp": _value_filter("_TimestampFilter", TIMESTAMP, _ORDER_OPERATORS),
    "date": _value_filter("_DateFilter", DATE, _ORDER_OPERATORS),
}
_VALUE_FILTERS["float64"] = _VALUE_FILTERS["float32"]
_VALUE_FILTERS["enum"] = _VALUE_FILTERS["text"]


def build_schema(schema: SchemaStore, model: dict[str, Any]) -> GraphQLSchema:
    """The GraphQL schema of ``model`` (a data model in the store's read shape)."""
    views = {
        view["externalId"]: view
        for view in schema.views_of_data_model(model)
        if _NAME.match(view["externalId"]) and not view["externalId"].startswith("_")
    }
    return _Builder(views).schema()


class _Builder:
    def __init__(self, views: dict[str, dict[str, Any]]) -> None:
        self.views = views
        self.objects: dict[str, GraphQLObjectType] = {}
        self.connections: dict[str, GraphQLObjectType] = {}
        self.filters: dict[str, GraphQLInputObjectType] = {}
        self.sorts: dict[str, GraphQLInputObjectType] = {}

    def schema(self) -> GraphQLSchema:
        root: dict[str, GraphQLField] = {}
        for name, view in self.views.items():
            key = resolve.view_key(view)
            root[f"list{name}"] = GraphQLField(
                GraphQLNonNull(self.connection(name)),
                args={
                    "filter": GraphQLArgument(self.filter(name)),
                    "first": GraphQLArgument(GraphQLInt),
                    "after": GraphQLArgument(GraphQLString),
                    "sort": GraphQLArgument(GraphQLList(GraphQLNonNull(self.sort(name)))),
                },
                resolve=resolve.list_resolver(key, view.get("usedFor") == "edge"),
            )
            root[f"search{name}"] = GraphQLField(
                GraphQLNonNull(self.connection(name)),
                args={
                    "query": GraphQLArgument(GraphQLString),
                    "fields": GraphQLArgument(GraphQLList(GraphQLNonNull(GraphQLString))),
                    "filter": GraphQLArgument(self.filter(name)),
                    "first": GraphQLArgument(GraphQLInt),
                    "sort": GraphQLArgument(GraphQLList(GraphQLNonNull(self.sort(name)))),
                },
                resolve=resolve.search_resolver(key, view.get("usedFor") == "edge"),
            )
            root[f"get{name}ById"] = GraphQLField(
                GraphQLNonNull(self.connection(name)),
                args={"instance": GraphQLArgument(GraphQLNonNull(INSTANCE_REF))},
                resolve=resolve.by_id_resolver(key, view.get("usedFor") == "edge"),
            )
        if not root:
            # GraphQL needs a query type with a field; a model without views gets a placeholder.
            root["_empty"] = GraphQLField(GraphQLString)
        return GraphQLSchema(query=GraphQLObjectType("Query", root))

    # -- output types --------------------------------------------------------------------------
    def object(self, name: str) -> GraphQLObjectType:
        if name not in self.objects:
            self.objects[name] = GraphQLObjectType(name, lambda: self._fields(name))
        return self.objects[name]

    def connection(self, name: str) -> GraphQLObjectType:
        if name not in self.connections:
            self.connections[name] = GraphQLObjectType(
                f"{name}Connection",
                lambda: {
                    "items": GraphQLField(GraphQLNonNull(GraphQLList(self.object(name)))),
                    "pageInfo": GraphQLField(GraphQLNonNull(PAGE_INFO)),
                },
            )
        return self.connections[name]

    def _nested_connection(self, target: str, resolver: Any) -> GraphQLField:
        return GraphQLField(
            self.connection(target),
            args={
                "filter": GraphQLArgument(self.filter(target)),
                "first": GraphQLArgument(GraphQLInt),
                "after": GraphQLArgument(GraphQLString),
            },
            resolve=resolver,
        )

    def _fields(self, name: str) -> dict[str, GraphQLField]:
        fields: dict[str, GraphQLField] = {
            "space": GraphQLField(GraphQLNonNull(GraphQLString)),
            "externalId": GraphQLField(GraphQLNonNull(GraphQLString)),
            "createdTime": GraphQLField(GraphQLNonNull(TIMESTAMP)),
            "lastUpdatedTime": GraphQLField(GraphQLNonNull(TIMESTAMP)),
        }
        view = self.views[name]
        for prop_name, prop in _named(view):
            field = self._property_field(view, prop_name, prop)
            if field is not None:
                fields[prop_name] = field
        return fields

    def _property_field(
        self, view: dict[str, Any], prop_name: str, prop: dict[str, Any]
    ) -> GraphQLField | None:
        kind = property_kind(prop)
        target = self._target(prop)
        if kind == "mapped":
            prop_type = prop.get("type", {})
            many = bool(prop_type.get("list"))
            if prop_type.get("type") == "direct":
                if target is None:
                    reference: GraphQLOutputType = JSON_OBJECT
                    return GraphQLField(GraphQLList(reference) if many else reference)
                if many:
                    return self._nested_connection(target, resolve.direct_list_resolver(self._key(target)))
                return GraphQLField(self.object(target), resolve=resolve.direct_resolver(self._key(target)))
            scalar = _SCALARS.get(str(prop_type.get("type")))
            if scalar is None:
                return None
            return GraphQLField(GraphQLList(scalar) if many else scalar)
        if target is None:
            return None
        if kind == "edge":
            edge_type = prop["type"]
            resolver = resolve.edge_resolver(
                self._key(target),
                (edge_type["space"], edge_type["externalId"]),
                prop.get("direction", "outwards"),
            )
            if prop.get("connectionType") == "single_edge_connection":
                return GraphQLField(self.object(target), resolve=resolve.first_item(resolver))
            return self._nested_connection(target, resolver)
        if kind == "reverse":
            through = prop["through"]
            source = through["source"]
            if source.get("type") != "view":
                return None
            resolver = resolve.reverse_resolver(
                self._key(target),
                resolve.view_key(source),
                through["identifier"],
                bool(prop.get("targetsList")),
            )
            if prop.get("connectionType") == "single_reverse_direct_relation":
                return GraphQLField(self.object(target), resolve=resolve.first_item(resolver))
            return self._nested_connection(target, resolver)
        return None

    def _target(self, prop: Mapping[str, Any]) -> str | None:
        source = prop.get("source") or (prop.get("type") or {}).get("source")
        if not isinstance(source, Mapping):
            return None
        name = source.get("externalId")
        return name if name in self.views else None

    def _key(self, name: str) -> tuple[str, str, str]:
        return resolve.view_key(self.views[name])

    # -- input types ---------------------------------------------------------------------------
    def filter(self, name: str) -> GraphQLInputObjectType:
        if name not in self.filters:
            self.filters[name] = GraphQLInputObjectType(
                f"_List{name}Filter", lambda: self._filter_fields(name)
            )
        return self.filters[name]

    def _filter_fields(self, name: str) -> dict[str, GraphQLInputField]:
        own = self.filter(name)
        fields: dict[str, GraphQLInputField] = {
            "space": GraphQLInputField(_VALUE_FILTERS["text"]),
            "externalId": GraphQLInputField(_VALUE_FILTERS["text"]),
            "createdTime": GraphQLInputField(_VALUE_FILTERS["timestamp"]),
            "lastUpdatedTime": GraphQLInputField(_VALUE_FILTERS["timestamp"]),
            "and": GraphQLInputField(GraphQLList(GraphQLNonNull(own))),
            "or": GraphQLInputField(GraphQLList(GraphQLNonNull(own))),
            "not": GraphQLInputField(own),
        }
        for prop_name, prop in _named(self.views[name]):
            prop_type = prop.get("type", {}) if property_kind(prop) == "mapped" else {}
            if prop_type.get("list"):
                continue
            if prop_type.get("type") == "direct":
                target = self._target(prop)
                if target is not None:
                    fields[prop_name] = GraphQLInputField(self.filter(target))
                continue
            value_filter = _VALUE_FILTERS.get(str(prop_type.get("type")))
            if value_filter is not None:
                fields[prop_name] = GraphQLInputField(value_filter)
        return fields

    def sort(self, name: str) -> GraphQLInputObjectType:
        if name not in self.sorts:
            fields = {
                field: GraphQLInputField(SORT_DIRECTION)
                for field in ("space", "externalId", "createdTime", "lastUpdatedTime")
            }
            for prop_name, prop in _named(self.views[name]):
                prop_type = prop.get("type", {}) if property_kind(prop) == "mapped" else {}
                if not prop_type.get("list") and prop_type.get("type") in (_ORDERED | {"text", "boolean"}):
                    fields[prop_name] = GraphQLInputField(SORT_DIRECTION)
            self.sorts[name] = GraphQLInputObjectType(f"_{name}Sort", fields)
        return self.sorts[name]


def _named(view: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    reserved = {"space", "externalId", "createdTime", "lastUpdatedTime", "and", "or", "not"}
    for name, prop in view.get("properties", {}).items():
        if _NAME.match(name) and not name.startswith("__") and name not in reserved:
            yield name, prop
