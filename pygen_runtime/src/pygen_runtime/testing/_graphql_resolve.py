"""How the emulator's GraphQL fields find their values: root lists and gets go through the same
list endpoint code as ``POST /models/instances/list`` (so filters, sorting and cursors behave the
same), nested relations read the store directly.

Resolvers get the :class:`Project` as the GraphQL context, so a schema built once (and cached
until the data model changes) serves every request. An object's source value is a dict of the
GraphQL values of one instance in one view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._api_request import ApiRequest, decode_cursor, encode_cursor, require_int
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._filters import compile_filter
from pygen_runtime.testing._instance_reads import list_instances
from pygen_runtime.testing._instance_search import search_instances
from pygen_runtime.testing._project import Project
from pygen_runtime.testing._schema_store import SchemaStore
from pygen_runtime.testing._serialize import instances_to_json
from pygen_runtime.testing._store import StoredInstance

if TYPE_CHECKING:
    from typing import TypeAlias

    from graphql import GraphQLResolveInfo

    # The context of every request is the project it queries (generic only for type checkers).
    Info: TypeAlias = GraphQLResolveInfo[Project]

__all__ = [
    "by_id_resolver",
    "direct_list_resolver",
    "direct_resolver",
    "edge_resolver",
    "first_item",
    "list_resolver",
    "reverse_resolver",
    "search_resolver",
    "view_key",
]

ViewKey = tuple[str, str, str]
Resolver = Callable[..., Any]
PAGE_DEFAULT = 1000
PAGE_MAX = 1000
_INSTANCE_FIELDS = ("space", "externalId", "createdTime", "lastUpdatedTime")
_TIMESTAMP_FIELDS = ("createdTime", "lastUpdatedTime")


def view_key(view: Mapping[str, Any]) -> ViewKey:
    """``(space, externalId, version)`` of a view or view reference."""
    return (str(view["space"]), str(view["externalId"]), str(view["version"]))


def _source(key: ViewKey) -> dict[str, str]:
    return {"type": "view", "space": key[0], "externalId": key[1], "version": key[2]}


def _objects(items: Iterable[Mapping[str, Any]], key: ViewKey) -> list[dict[str, Any]]:
    """Instance JSON as GraphQL source values: the view's properties plus the instance fields."""
    space, label = key[0], f"{key[1]}/{key[2]}"
    out = []
    for item in items:
        values = dict(item.get("properties", {}).get(space, {}).get(label, {}))
        values.update({name: item[name] for name in _INSTANCE_FIELDS})
        out.append(values)
    return out


def _has_data(item: Mapping[str, Any], key: ViewKey) -> bool:
    return f"{key[1]}/{key[2]}" in item.get("properties", {}).get(key[0], {})


def _connection(items: list[dict[str, Any]], next_cursor: str | None, after: Any) -> dict[str, Any]:
    return {
        "items": items,
        "pageInfo": {
            "hasNextPage": next_cursor is not None,
            "hasPreviousPage": after is not None,
            "startCursor": None,
            "endCursor": next_cursor,
        },
    }


def _first(args: Mapping[str, Any]) -> int:
    value = args.get("first")
    return PAGE_DEFAULT if value is None else require_int(value, "first", low=1, high=PAGE_MAX)


# -- root fields ---------------------------------------------------------------------------------
def list_resolver(key: ViewKey, edges: bool) -> Resolver:
    instance_type = "edge" if edges else "node"

    def resolve(_: Any, info: Info, **args: Any) -> dict[str, Any]:
        project: Project = info.context
        body: dict[str, Any] = {
            "instanceType": instance_type,
            "sources": [{"source": _source(key)}],
            "limit": _first(args),
        }
        flt = dms_filter(args.get("filter"), key, instance_type, project.schema)
        if flt is not None:
            body["filter"] = flt
        if args.get("sort"):
            body["sort"] = _dms_sort(args["sort"], key, instance_type)
        if args.get("after") is not None:
            body["cursor"] = args["after"]
        answer = list_instances(project, ApiRequest("POST", "/models/instances/list", {}, body))
        return _connection(_objects(answer["items"], key), answer.get("nextCursor"), args.get("after"))

    return resolve


def search_resolver(key: ViewKey, edges: bool) -> Resolver:
    instance_type = "edge" if edges else "node"

    def resolve(_: Any, info: Info, **args: Any) -> dict[str, Any]:
        project: Project = info.context
        body: dict[str, Any] = {"view": _source(key), "instanceType": instance_type, "limit": _first(args)}
        if args.get("query") is not None:
            body["query"] = args["query"]
        if args.get("fields"):
            body["properties"] = list(args["fields"])
        flt = dms_filter(args.get("filter"), key, instance_type, project.schema)
        if flt is not None:
            body["filter"] = flt
        if args.get("sort"):
            body["sort"] = _dms_sort(args["sort"], key, instance_type)
        answer = search_instances(project, ApiRequest("POST", "/models/instances/search", {}, body))
        return _connection(_objects(answer["items"], key), None, None)

    return resolve


def by_id_resolver(key: ViewKey, edges: bool) -> Resolver:
    instance_type = "edge" if edges else "node"

    def resolve(_: Any, info: Info, instance: Mapping[str, Any]) -> dict[str, Any]:
        project: Project = info.context
        found = project.store.get(instance_type, instance["space"], instance["externalId"])
        items = instances_to_json([found] if found is not None else [], [key], project.schema)
        return _connection(_objects([item for item in items if _has_data(item, key)], key), None, None)

    return resolve


# -- nested fields -------------------------------------------------------------------------------
def _nested_page(
    project: Project, nodes: Sequence[StoredInstance], key: ViewKey, args: Mapping[str, Any]
) -> dict[str, Any]:
    """One page of related nodes (those with data in the target view, matching ``filter``)."""
    flt = dms_filter(args.get("filter"), key, "node", project.schema)
    has_data = {"hasData": [_source(key)]}
    matches = compile_filter(
        has_data if flt is None else {"and": [has_data, flt]}, project.schema, store=project.store
    )
    kept = [node for node in nodes if matches(node)]
    after = args.get("after")
    offset = 0 if after is None else int(decode_cursor(after, "graphql").get("off", 0))
    end = offset + _first(args)
    next_cursor = encode_cursor("graphql", off=end) if end < len(kept) else None
    items = instances_to_json(kept[offset:end], [key], project.schema)
    return _connection(_objects(items, key), next_cursor, after)


def _nodes(project: Project, refs: Iterable[Any]) -> list[StoredInstance]:
    found = []
    for ref in refs:
        if isinstance(ref, Mapping):
            node = project.store.get("node", str(ref.get("space")), str(ref.get("externalId")))
            if node is not None:
                found.append(node)
    return found


def direct_resolver(target: ViewKey) -> Resolver:
    def resolve(source: Mapping[str, Any], info: Info) -> dict[str, Any] | None:
        project: Project = info.context
        nodes = _nodes(project, [source.get(info.field_name)])
        if not nodes:
            return None
        return _objects(instances_to_json(nodes, [target], project.schema), target)[0]

    return resolve


def direct_list_resolver(target: ViewKey) -> Resolver:
    def resolve(source: Mapping[str, Any], info: Info, **args: Any) -> dict[str, Any]:
        refs = source.get(info.field_name)
        nodes = _nodes(info.context, refs if isinstance(refs, list) else [])
        return _nested_page(info.context, nodes, target, args)

    return resolve


def edge_resolver(target: ViewKey, edge_type: tuple[str, str], direction: str) -> Resolver:
    def resolve(source: Mapping[str, Any], info: Info, **args: Any) -> dict[str, Any]:
        project: Project = info.context
        me = (source["space"], source["externalId"])
        others = []
        for edge in project.store.edges_at(*me):
            if edge.type != edge_type:
                continue
            if direction == "outwards" and edge.start_node == me and edge.end_node is not None:
                others.append(edge.end_node)
            elif direction == "inwards" and edge.end_node == me and edge.start_node is not None:
                others.append(edge.start_node)
        refs = [{"space": space, "externalId": external_id} for space, external_id in others]
        return _nested_page(project, _nodes(project, refs), target, args)

    return resolve


def reverse_resolver(target: ViewKey, through: ViewKey, identifier: str, through_list: bool) -> Resolver:
    reference = [through[0], f"{through[1]}/{through[2]}", identifier]

    def resolve(source: Mapping[str, Any], info: Info, **args: Any) -> dict[str, Any]:
        project: Project = info.context
        me = {"space": source["space"], "externalId": source["externalId"]}
        pointing = (
            {"containsAny": {"property": reference, "values": [me]}}
            if through_list
            else {"equals": {"property": reference, "value": me}}
        )
        matches = compile_filter(pointing, project.schema, store=project.store)
        nodes = [inst for inst in project.store.live() if inst.instance_type == "node" and matches(inst)]
        return _nested_page(project, nodes, target, args)

    return resolve


def first_item(resolver: Resolver) -> Resolver:
    """A resolver answering the first item of ``resolver``'s connection (single edges and single
    reverse direct relations)."""

    def resolve(source: Mapping[str, Any], info: Info) -> Any:
        items = resolver(source, info, first=1)["items"]
        return items[0] if items else None

    return resolve


# -- filters and sorting -------------------------------------------------------------------------
def _reference(field: str, key: ViewKey, instance_type: str) -> list[str]:
    if field in _INSTANCE_FIELDS:
        return [instance_type, field]
    return [key[0], f"{key[1]}/{key[2]}", field]


def _dms_sort(sort: Sequence[Mapping[str, Any]], key: ViewKey, instance_type: str) -> list[dict[str, Any]]:
    return [
        {"property": _reference(field, key, instance_type), "direction": direction}
        for entry in sort
        for field, direction in entry.items()
        if direction is not None
    ]


def _epoch_ms(value: Any) -> Any:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise EmulatorRequestError(f"{value!r} is not an ISO 8601 timestamp.") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return int(moment.timestamp() * 1000)
    return value


def _conditions(
    reference: list[str], condition: Mapping[str, Any], convert: Callable[[Any], Any]
) -> list[Any]:
    parts: list[Any] = []
    bounds: dict[str, Any] = {}
    for operator, value in condition.items():
        if value is None:
            continue
        if operator == "eq":
            parts.append({"equals": {"property": reference, "value": convert(value)}})
        elif operator == "in":
            parts.append({"in": {"property": reference, "values": [convert(item) for item in value]}})
        elif operator == "prefix":
            parts.append({"prefix": {"property": reference, "value": value}})
        elif operator == "isNull":
            exists = {"exists": {"property": reference}}
            parts.append({"not": exists} if value else exists)
        else:  # gt, gte, lt, lte: the schema allows no other operator
            bounds[operator] = convert(value)
    if bounds:
        parts.append({"range": {"property": reference, **bounds}})
    return parts


def dms_filter(
    flt: Mapping[str, Any] | None, key: ViewKey, instance_type: str, schema: SchemaStore
) -> dict[str, Any] | None:
    """A GraphQL filter on the view ``key`` as a DMS filter (None when it filters nothing)."""
    if not flt:
        return None
    parts: list[Any] = []
    for field, condition in flt.items():
        if condition is None:
            continue
        if field in ("and", "or"):
            subs = [dms_filter(sub, key, instance_type, schema) or {"matchAll": {}} for sub in condition]
            parts.append({field: subs})
        elif field == "not":
            parts.append({"not": dms_filter(condition, key, instance_type, schema) or {"matchAll": {}}})
        elif field in _INSTANCE_FIELDS:
            convert = _epoch_ms if field in _TIMESTAMP_FIELDS else _same
            parts.extend(_conditions(_reference(field, key, instance_type), condition, convert))
        else:
            prop = (schema.view_properties(*key) or {}).get(field, {})
            prop_type = prop.get("type", {})
            if prop_type.get("type") == "direct":
                target = view_key(prop_type["source"])
                nested = dms_filter(condition, target, "node", schema) or {"matchAll": {}}
                parts.append({"nested": {"scope": _reference(field, key, instance_type), "filter": nested}})
            else:
                parts.extend(_conditions(_reference(field, key, instance_type), condition, _same))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"and": parts}


def _same(value: Any) -> Any:
    return value
