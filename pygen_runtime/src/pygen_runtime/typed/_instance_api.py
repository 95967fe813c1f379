"""``NodeAPI`` and ``EdgeAPI``: the generic per-view APIs that generated APIs subclass.

A generated API sets its read and list classes and adds typed keyword filters to ``list``,
``iterate``, ``search``, ``aggregate`` and ``histogram``; everything else happens here::

    class PumpAPI(NodeAPI[Pump, PumpList]):
        _read_class = Pump
        _list_class = PumpList

        def list(self, *, name: str | None = None, filter: Filter | None = None, ...) -> PumpList:
            return super().list(filter=filters.and_(filters.equals(...), filter), ...)
"""

from __future__ import annotations

import builtins
import dataclasses
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, overload

from pydantic import TypeAdapter, ValidationError

from pygen_runtime._api._aggregations import Aggregation, Avg, Count, Histogram, Max, Min, Sum
from pygen_runtime._api._calls import (
    Call,
    Chunk,
    Page,
    Pager,
    UnexpectedResponseError,
    describe_validation_error,
    expect_cursor,
    expect_items,
    require_limit,
)
from pygen_runtime._api._instances import (
    AGGREGATE_LIMIT,
    DEFAULT_LIST_LIMIT,
    LIST_PAGE_SIZE,
    SEARCH_LIMIT,
    aggregate_chunks,
    list_pager,
    merge_aggregate_results,
    retrieve_chunks,
    search_call,
)
from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.query._limits import limit_or_all
from pygen_runtime.schema import EdgeId, NodeId, ViewId
from pygen_runtime.schema._instances import AggregatedHistogram, AggregateResult
from pygen_runtime.typed import filters as _filters
from pygen_runtime.typed._connections import Edges, ReverseDirectRelation
from pygen_runtime.typed._cursor import prefetching_pages
from pygen_runtime.typed._instances import EdgeRead, InstanceRead, NodeRead, NodeReference, as_node_id
from pygen_runtime.typed._lists import EdgeReadList, NodeReadList
from pygen_runtime.typed._page_reader import ContentReader, page_content_reader
from pygen_runtime.typed._parsing import parse_instances, typed_items_parser
from pygen_runtime.typed._split_filters import MAX_IN_FILTER_VALUES, split_filter
from pygen_runtime.typed.filters import Filter

if TYPE_CHECKING:
    from pygen_runtime.typed._client import TypedClient

__all__ = ["AggregateName", "EdgeAPI", "NodeAPI", "RetrieveConnections", "SortDirection"]

NodeReadT = TypeVar("NodeReadT", bound=NodeRead)
NodeListT = TypeVar("NodeListT", bound=NodeReadList[Any])
EdgeReadT = TypeVar("EdgeReadT", bound=EdgeRead)
EdgeListT = TypeVar("EdgeListT", bound=EdgeReadList[Any])
ReadT = TypeVar("ReadT", bound=InstanceRead)
ListT = TypeVar("ListT", bound=NodeReadList[Any] | EdgeReadList[Any])

AggregateName = Literal["count", "avg", "min", "max", "sum"]
SortDirection = Literal["ascending", "descending"]
RetrieveConnections = Literal["skip", "identifier", "full"]

_AGGREGATIONS: dict[str, type[Avg | Min | Max | Sum]] = {"avg": Avg, "min": Min, "max": Max, "sum": Sum}
_INSTANCE_SORT_FIELDS = {
    "external_id": "externalId",
    "externalId": "externalId",
    "space": "space",
    "created_time": "createdTime",
    "createdTime": "createdTime",
    "last_updated_time": "lastUpdatedTime",
    "lastUpdatedTime": "lastUpdatedTime",
}


# A property by Python name or identifier. ``Any`` so that generated APIs can narrow it to their
# view's ``Literal`` of field names (``WindTurbineFields``) and still override these methods.
PropertyName = Any
PropertyNames = Any


def _raw_page(body: Any) -> Page[Mapping[str, Any]]:
    return Page(items=expect_items(body), next_cursor=expect_cursor(body))


class _InstanceAPI(Generic[ReadT, ListT]):
    _read_class: ClassVar[type[InstanceRead]]
    _list_class: ClassVar[type[Any]]
    _instance_type: ClassVar[Literal["node", "edge"]] = "node"

    def __init__(self, client: TypedClient) -> None:
        self._client = client

    @property
    def _http(self) -> Any:
        return self._client.cdf._http

    def _base_filter(self) -> Filter | None:
        return None

    def _wire_property(self, name: str, what: str) -> list[str]:
        """A property (Python name or wire identifier) as a reference in this API's view."""
        cls = self._read_class
        wire_names = cls._property_wire_names
        if name in wire_names:
            return _filters.property_reference(cls.view_id(), wire_names[name])
        if name in wire_names.values():
            return _filters.property_reference(cls.view_id(), name)
        if name in _INSTANCE_SORT_FIELDS:
            return [self._instance_type, _INSTANCE_SORT_FIELDS[name]]
        known = ", ".join(sorted(wire_names)) or "none"
        raise InvalidArgumentError(
            f"{what}: {cls.__name__} has no property {name!r}; its properties are {known}."
        )

    def _property_name(self, name: str, what: str) -> str:
        reference = self._wire_property(name, what)
        if reference[0] in ("node", "edge"):
            raise InvalidArgumentError(f"{what}: {name!r} is not a property of the view.")
        return reference[2]

    def _sort(
        self, sort_by: str | Sequence[str] | None, direction: SortDirection, sort: Sequence[Filter] | None
    ) -> list[Filter] | None:
        if direction not in ("ascending", "descending"):
            raise InvalidArgumentError(f"direction must be 'ascending' or 'descending', got {direction!r}.")
        specs: list[Filter] = list(sort or [])
        names = [sort_by] if isinstance(sort_by, str) else list(sort_by or [])
        specs.extend(
            {"property": self._wire_property(name, "sort_by"), "direction": direction} for name in names
        )
        return specs or None

    def _view(self) -> ViewId | None:
        """The view this API reads through; None for an edge API of edges without properties."""
        view = getattr(self._read_class, "_view_id", None)
        return view if isinstance(view, ViewId) else None

    def _view_to(self, what: str) -> ViewId:
        """The view ``what`` (search, aggregate) needs, or a clear error for an API without one."""
        view = self._view()
        if view is None:
            raise InvalidArgumentError(
                f"{type(self).__name__} lists edges that have no properties, so there is nothing to {what}; "
                "use list() or iterate() (filtered by start_node and end_node)."
            )
        return view

    def _combined_filter(self, filter: Filter | None) -> Filter | None:
        view = self._view()
        return _filters.and_(None if view is None else _filters.has_data(view), self._base_filter(), filter)

    def _pager(
        self,
        filter: Filter | None,
        sort: list[Filter] | None,
        limit: int | None,
        chunk_size: int,
        cursor: str | None,
    ) -> Pager[Any]:
        cls = self._read_class
        view = self._view()
        if view is None:  # edges without properties: nothing to read but the edges themselves
            plain = list_pager(
                instance_type=self._instance_type,
                sources=None,
                filter=filter,
                sort=sort,
                include_typing=False,
                limit=limit,
                chunk_size=chunk_size,
                cursor=cursor,
            )
            return _parsing_with(plain, _plain_edge_page)
        read_content = page_content_reader(cls)
        pager = list_pager(
            instance_type=self._instance_type,
            sources=view,
            filter=filter,
            sort=sort,
            # The fast reader checks CDF's typing for properties the SDK does not know.
            include_typing=read_content is not None,
            limit=limit,
            chunk_size=chunk_size,
            cursor=cursor,
        )
        return _parsing_with(pager, _typed_page_parser(cls), read_content)

    def _pages(
        self,
        filter: Filter | None,
        sort: list[Filter] | None,
        limit: int | None,
        chunk_size: int,
        cursor: str | None,
    ) -> Iterator[ListT]:
        parts = split_filter(self._combined_filter(filter), MAX_IN_FILTER_VALUES)
        if len(parts) > 1 and sort:
            raise InvalidArgumentError(
                f"an 'in' filter with more than {MAX_IN_FILTER_VALUES} values is sent as several requests, "
                "whose results cannot be sorted together; sort the results yourself, or filter on fewer "
                "values."
            )
        if len(parts) > 1 and cursor is not None:
            raise InvalidArgumentError(
                f"a cursor cannot resume a listing whose 'in' filter holds more than {MAX_IN_FILTER_VALUES} "
                "values (it is sent as several listings); iterate again without the cursor."
            )
        require_limit(chunk_size, "chunk_size", LIST_PAGE_SIZE)
        limit = limit_or_all(limit)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise InvalidArgumentError(
                f"limit must be a whole number >= 0, or None (or -1) for everything; got {limit!r}."
            )
        return self._page_stream(parts, sort, limit, chunk_size, cursor)

    def _page_stream(
        self,
        parts: builtins.list[Filter | None],
        sort: builtins.list[Filter] | None,
        limit: int | None,
        chunk_size: int,
        cursor: str | None,
    ) -> Iterator[ListT]:
        remaining = limit
        seen: set[tuple[str, str]] = set()
        for part in parts:
            pager = self._pager(part, sort, remaining, chunk_size, cursor)
            for page in prefetching_pages(self._http, pager):
                items = page.items
                if len(parts) > 1:
                    # containsAny slices may match the same instance twice.
                    items = [item for item in items if (item.space, item.external_id) not in seen]
                    seen.update((item.space, item.external_id) for item in items)
                if remaining is not None:
                    items = items[:remaining]
                    remaining -= len(items)
                if items:  # the page after a last full page may be empty
                    yield self._list_class(self._most_specific(items), next_cursor=page.next_cursor)
                if remaining == 0:
                    return

    def _list(
        self,
        filter: Filter | None,
        sort_by: str | Sequence[str] | None,
        direction: SortDirection,
        sort: Sequence[Filter] | None,
        limit: int | None,
    ) -> ListT:
        items: builtins.list[Any] = []
        for page in self._pages(filter, self._sort(sort_by, direction, sort), limit, LIST_PAGE_SIZE, None):
            items.extend(page)
        result: ListT = self._list_class(items)
        return result

    def iterate(
        self,
        chunk_size: int = LIST_PAGE_SIZE,
        *,
        filter: Filter | None = None,
        sort_by: PropertyNames | None = None,
        direction: SortDirection = "ascending",
        sort: Sequence[Filter] | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Iterator[ListT]:
        """Instances of this view in chunks of ``chunk_size`` (at most 1,000); the next chunk is
        fetched while you work on the current one, so memory stays at two chunks. A chunk's
        ``next_cursor`` resumes the iteration later (pass it as ``cursor``)."""
        return self._pages(filter, self._sort(sort_by, direction, sort), limit, chunk_size, cursor)

    def search(
        self,
        query: str | None = None,
        properties: PropertyNames | None = None,
        *,
        filter: Filter | None = None,
        sort_by: PropertyNames | None = None,
        direction: SortDirection = "ascending",
        sort: Sequence[Filter] | None = None,
        operator: Literal["AND", "OR"] | None = None,
        limit: int | None = 25,
    ) -> ListT:
        """Free-text search for ``query`` in the text properties (or only in ``properties``);
        at most 1,000 results, since search has no cursor (``limit=None`` or ``-1``: that many)."""
        cls = self._read_class
        names = [properties] if isinstance(properties, str) else properties
        wire = None if names is None else [self._property_name(name, "properties") for name in names]
        combined = _filters.and_(self._base_filter(), filter)
        parts = split_filter(combined, MAX_IN_FILTER_VALUES)
        if len(parts) > 1:
            raise InvalidArgumentError(
                f"search takes 'in' filters of at most {MAX_IN_FILTER_VALUES} values (search has no cursor "
                "to combine several requests); filter on fewer values."
            )
        call = search_call(
            self._view_to("search"),
            query,
            properties=wire,
            instance_type=self._instance_type,
            filter=combined,
            sort=self._sort(sort_by, direction, sort),
            operator=operator,
            limit=_at_most(limit, SEARCH_LIMIT),
        )
        items = self._http.run(_searching_typed(call, cls))
        return self._list_class(self._most_specific(items))  # type: ignore[no-any-return]

    def aggregate(
        self,
        aggregate: AggregateName | Aggregation | Sequence[AggregateName | Aggregation],
        property: PropertyNames | None = None,
        *,
        group_by: PropertyNames | None = None,
        query: str | None = None,
        search_properties: PropertyNames | None = None,
        search_property: PropertyNames | None = None,
        filter: Filter | None = None,
        limit: int | None = 100,
    ) -> Sequence[AggregateResult]:
        """``"count"``, ``"avg"``, ``"min"``, ``"max"`` or ``"sum"`` of ``property`` (or of each of
        several properties; or several aggregates, or ``Count``/``Avg``/... objects), over all
        matching instances or per ``group_by`` group. One result per group (one in all without
        ``group_by``); read it with ``result.value("avg", "capacity")``. ``search_property`` is
        pygen v1's name of ``search_properties``."""
        wanted = self._aggregations(aggregate, property)
        groups = [group_by] if isinstance(group_by, str) else group_by
        searched = _one_of(search_properties, search_property, "search_properties", "search_property")
        names = [searched] if isinstance(searched, str) else searched
        # An error about a searched property names the argument the caller used.
        searched_as = "search_property" if search_property is not None else "search_properties"
        combined = _filters.and_(self._base_filter(), filter)
        if len(split_filter(combined, MAX_IN_FILTER_VALUES)) > 1:
            raise InvalidArgumentError(
                f"aggregate takes 'in' filters of at most {MAX_IN_FILTER_VALUES} values (aggregates over "
                "several requests cannot be combined in general); filter on fewer values."
            )
        chunks: builtins.list[Chunk[AggregateResult]] = aggregate_chunks(
            self._view_to("aggregate"),
            wanted,
            group_by=None if groups is None else [self._property_name(name, "group_by") for name in groups],
            instance_type=self._instance_type,
            filter=combined,
            query=query,
            properties=None if names is None else [self._property_name(n, searched_as) for n in names],
            limit=_at_most(limit, AGGREGATE_LIMIT),
        )
        return merge_aggregate_results(self._http.run_chunks(chunks))

    def _aggregations(
        self,
        aggregate: AggregateName | Aggregation | Sequence[AggregateName | Aggregation],
        property: str | Sequence[str] | None,
    ) -> builtins.list[Aggregation]:
        if property is not None and not isinstance(property, str):
            # Several properties: each aggregate of each of them, as pygen v1 takes them (an
            # aggregate object given outright is asked for once).
            names = builtins.list(property)
            if not names:
                return self._aggregations(aggregate, None)
            found = [wanted for one in names for wanted in self._aggregations(aggregate, one)]
            return builtins.list(dict.fromkeys(found))
        given: builtins.list[AggregateName | Aggregation] = (
            [aggregate]
            if isinstance(aggregate, (str, Count, Avg, Min, Max, Sum, Histogram))
            else list(aggregate)
        )
        wanted: builtins.list[Aggregation] = []
        for item in given:
            if not isinstance(item, str):
                wanted.append(item)
            elif item == "count":
                wanted.append(Count(None if property is None else self._property_name(property, "property")))
            elif item in _AGGREGATIONS:
                if property is None:
                    raise InvalidArgumentError(
                        f"aggregate {item!r} needs a property, e.g. aggregate({item!r}, 'capacity')."
                    )
                wanted.append(_AGGREGATIONS[item](self._property_name(property, "property")))
            else:
                raise InvalidArgumentError(
                    "aggregate must be 'count', 'avg', 'min', 'max' or 'sum' (or Count(), Avg(...), ...), "
                    f"got {item!r}."
                )
        return wanted

    def histogram(
        self,
        property: PropertyName,
        interval: float,
        *,
        query: str | None = None,
        search_properties: PropertyNames | None = None,
        search_property: PropertyNames | None = None,
        filter: Filter | None = None,
    ) -> AggregatedHistogram:
        """How many values of the numeric ``property`` fall in each bucket of width ``interval``
        (``search_property`` is pygen v1's name of ``search_properties``)."""
        self._view_to("aggregate")
        wire = self._property_name(property, "property")
        results = self.aggregate(
            Histogram(wire, interval),
            query=query,
            search_properties=_one_of(
                search_properties, search_property, "search_properties", "search_property"
            ),
            filter=filter,
        )
        for result in results:
            for value in result.aggregates:
                if isinstance(value, AggregatedHistogram):
                    return value
        return AggregatedHistogram(property=wire, interval=interval, buckets=[])

    def _retrieve_in_order(
        self, ids: Sequence[NodeId | EdgeId], parse: Callable[[Any], Any] | None = None
    ) -> builtins.list[Any]:
        """The instances of ``ids`` that have data in this view (or that ``parse`` keeps), in the
        order asked."""
        cls = self._read_class
        view = None if parse is not None else cls.view_id()
        chunks = [
            Chunk(
                dataclasses.replace(chunk.call, parse=parse or typed_items_parser(cls, only_with_data=True)),
                chunk.inputs,
            )
            for chunk in retrieve_chunks(ids, view, False)
        ]
        found = {(item.space, item.external_id): item for item in self._http.run_chunks(chunks)}
        return [found[key] for key in ((id_.space, id_.external_id) for id_ in ids) if key in found]

    def _most_specific(self, items: builtins.list[Any]) -> builtins.list[Any]:
        """``items`` as the classes of the child views they have data in; only node APIs of
        views that others implement have any."""
        return items

    def _connection_targets(self) -> dict[str, type[NodeRead]]:
        """The read class of the nodes at the other end of each connection and direct relation
        field; generated APIs override this so that ``retrieve_connections="full"`` can fill those
        fields with typed nodes."""
        return {}

    def _full_targets(self) -> dict[str, type[NodeRead]]:
        targets = self._connection_targets()
        if not targets:
            raise InvalidArgumentError(
                f"{type(self).__name__} has no connections to fill with typed nodes; "
                "use retrieve_connections='identifier' for ids."
            )
        return targets

    def _fill_connections(self, items: builtins.list[Any], retrieve_connections: RetrieveConnections) -> None:
        _check_retrieve_connections(retrieve_connections)
        if retrieve_connections == "skip" or not items:
            return
        if retrieve_connections == "full":
            targets = self._full_targets()
            from pygen_runtime.query import fill_connections

            fill_connections(self._client.cdf, items, targets)
            return
        for name, connection in self._read_class._connection_fields.items():
            if isinstance(connection, Edges):
                self._fill_edges(items, name, connection)
            else:
                self._fill_reverse(items, name, connection)

    def _raw_listing(
        self, instance_type: Literal["node", "edge"], filter: Filter, sources: Any
    ) -> Iterator[Any]:
        for part in split_filter(filter, MAX_IN_FILTER_VALUES):
            pager = list_pager(
                instance_type=instance_type,
                sources=sources,
                filter=part,
                sort=None,
                include_typing=False,
                limit=None,
            )
            for page in prefetching_pages(self._http, _parsing_with(pager, _raw_page)):
                yield from page.items

    def _fill_edges(self, items: builtins.list[Any], name: str, connection: Edges) -> None:
        ids = [item.as_id().dump(include_type=False) for item in items]
        own_end, other_end = (
            ("startNode", "endNode") if connection.direction == "outwards" else ("endNode", "startNode")
        )
        found: dict[tuple[str, str], builtins.list[NodeId]] = {}
        edge_filter = _filters.and_(
            _filters.edge_type(connection.type), {"in": {"property": ["edge", own_end], "values": ids}}
        )
        assert edge_filter is not None
        for edge in self._raw_listing("edge", edge_filter, None):
            mine, other = edge[own_end], edge[other_end]
            found.setdefault((mine["space"], mine["externalId"]), []).append(NodeId.load(other))
        for item in items:
            setattr(item, name, found.get((item.space, item.external_id), []))

    def _fill_reverse(self, items: builtins.list[Any], name: str, connection: ReverseDirectRelation) -> None:
        ids = [item.as_id().dump(include_type=False) for item in items]
        view = connection.through_view
        reference = _filters.property_reference(view, connection.through_property)
        operator = "containsAny" if connection.list_relation else "in"
        found: dict[tuple[str, str], builtins.list[NodeId]] = {}
        for node in self._raw_listing("node", {operator: {"property": reference, "values": ids}}, view):
            values = (
                node.get("properties", {}).get(view.space, {}).get(f"{view.external_id}/{view.version}", {})
            )
            targets = values.get(connection.through_property)
            for target in targets if isinstance(targets, list) else [targets]:
                if isinstance(target, Mapping):
                    key = (str(target.get("space")), str(target.get("externalId")))
                    found.setdefault(key, []).append(
                        NodeId(space=node["space"], external_id=node["externalId"])
                    )
        for item in items:
            sources = found.get((item.space, item.external_id), [])
            setattr(item, name, sources if connection.multiple else (sources[0] if sources else None))


def _check_retrieve_connections(retrieve_connections: Any) -> None:
    if retrieve_connections not in ("skip", "identifier", "full"):
        raise InvalidArgumentError(
            f"retrieve_connections must be 'skip', 'identifier' or 'full', got {retrieve_connections!r}."
        )


def _one_of(given: Any, alias: Any, name: str, alias_name: str) -> Any:
    """The value of a parameter that also goes by ``alias_name`` (pygen v1's name for it)."""
    if alias is None:
        return given
    if given is not None:
        raise InvalidArgumentError(f"give {name} or {alias_name} (the same, by its pygen v1 name), not both.")
    return alias


def _at_most(limit: int | None, most: int) -> int:
    """``limit`` of a call without a cursor (search, aggregate), where "everything" (None, ``-1``)
    means as many as one request returns."""
    limit = limit_or_all(limit)
    return most if limit is None else limit


@functools.cache
def _plain_edges_adapter() -> TypeAdapter[builtins.list[EdgeRead]]:
    return TypeAdapter(builtins.list[EdgeRead])


def _plain_edges(raw_items: Sequence[Any]) -> builtins.list[EdgeRead]:
    """CDF's JSON of edges as ``EdgeRead`` objects: the edges alone, without properties."""
    flat = []
    for index, raw in enumerate(raw_items):
        if not isinstance(raw, Mapping):
            raise UnexpectedResponseError(f"items[{index}] should be an object, got {type(raw).__name__}")
        edge = {
            "space": raw.get("space"),
            "external_id": raw.get("externalId"),
            "version": raw.get("version"),
            "created_time": raw.get("createdTime"),
            "last_updated_time": raw.get("lastUpdatedTime"),
            "type": raw.get("type"),
            "start_node": raw.get("startNode"),
            "end_node": raw.get("endNode"),
        }
        if "deletedTime" in raw:
            edge["deleted_time"] = raw["deletedTime"]
        flat.append(edge)
    try:
        return _plain_edges_adapter().validate_python(flat)
    except ValidationError as error:
        raise UnexpectedResponseError(describe_validation_error(error, "items")) from None


def _plain_edge_page(body: Any) -> Page[EdgeRead]:
    page = _raw_page(body)
    return Page(items=_plain_edges(page.items), next_cursor=page.next_cursor)


def _plain_edges_of(type_: NodeId | None) -> Callable[[Any], builtins.list[EdgeRead]]:
    """A parser of a by-ids answer keeping the edges of type ``type_`` (any type when None): a
    by-ids request answers with whatever instance has the id."""
    edge_type = None if type_ is None else type_.dump(include_type=False)

    def parse(body: Any) -> builtins.list[EdgeRead]:
        edges = [
            item
            for item in expect_items(body, "items")
            if isinstance(item, Mapping)
            and item.get("instanceType") == "edge"
            and (edge_type is None or item.get("type") == edge_type)
        ]
        return _plain_edges(edges)

    return parse


def _raw_items(body: Any) -> Any:
    """A by-ids answer's instances as CDF's JSON (what is not an object is skipped)."""
    return [item for item in expect_items(body, "items") if isinstance(item, Mapping)]


def _parsing_with(
    pager: Pager[Any], parse: Callable[[Any], Page[Any]], parse_content: ContentReader | None = None
) -> Pager[Any]:
    """``pager`` with its answers read by ``parse`` (and ``parse_content`` first, from the bytes)
    instead of into untyped instances."""
    make_call = pager.make_call

    def make_typed_call(cursor: str | None, size: int) -> Call[Page[Any]]:
        return dataclasses.replace(make_call(cursor, size), parse=parse, parse_content=parse_content)

    pager.make_call = make_typed_call
    return pager


def _searching_typed(call: Call[Any], cls: type[InstanceRead]) -> Call[Any]:
    """A search ``call`` whose answer is read into instances of ``cls``: from its bytes, with
    CDF's typing asked for, when ``cls`` can be read so (see ``_page_reader``)."""
    read_page = page_content_reader(cls)
    if read_page is None:
        return dataclasses.replace(call, parse=typed_items_parser(cls))

    def read_items(content: bytes) -> builtins.list[Any] | None:
        page = read_page(content)
        return None if page is None else page.items

    body = {**(call.body or {}), "includeTyping": True}
    return dataclasses.replace(call, body=body, parse=typed_items_parser(cls), parse_content=read_items)


def _typed_page_parser(cls: type[InstanceRead]) -> Any:
    def parse(body: Any) -> Page[Any]:
        page = _raw_page(body)
        return Page(items=parse_instances(cls, page.items), next_cursor=page.next_cursor)

    return parse


# Views asked for in one by-ids request when looking for a node's most specific class.
CHILD_VIEWS_PER_REQUEST = 10


class NodeAPI(_InstanceAPI[NodeReadT, NodeListT]):
    """The nodes of one view. Generated APIs set ``_read_class`` and ``_list_class``, and, for a
    view other views implement, ``_child_classes()``."""

    _read_class: ClassVar[type[NodeRead]]
    _instance_type: ClassVar[Literal["node", "edge"]] = "node"

    def _child_classes(self) -> Sequence[type[NodeRead]]:
        """The read classes of the views implementing this one, most derived first; generated
        APIs of interface views override this."""
        return ()

    def _most_specific(self, items: builtins.list[Any]) -> builtins.list[Any]:
        # A node read through an interface view comes back as the class of the first child view
        # it has data in. That costs one by-ids request per 1,000 nodes (and per 10 child views)
        # asking for the child views' properties; views without children cost nothing.
        children = self._child_classes()
        if not children or not items:
            return items
        ids = [item.as_id() for item in items]
        best: dict[tuple[str, str], tuple[int, Mapping[str, Any]]] = {}
        for start in range(0, len(children), CHILD_VIEWS_PER_REQUEST):
            group = children[start : start + CHILD_VIEWS_PER_REQUEST]
            chunks = [
                Chunk(dataclasses.replace(chunk.call, parse=_raw_items), chunk.inputs)
                for chunk in retrieve_chunks(ids, [child.view_id() for child in group], False)
            ]
            for raw in self._http.run_chunks(chunks):
                by_space = raw.get("properties") or {}
                for rank, child in enumerate(group, start):
                    view = child.view_id()
                    key = (str(raw.get("space")), str(raw.get("externalId")))
                    if f"{view.external_id}/{view.version}" in (by_space.get(view.space) or {}):
                        if key not in best or best[key][0] > rank:
                            best[key] = (rank, raw)
                        break
        out = []
        for item in items:
            found = best.get((item.space, item.external_id))
            out.append(item if found is None else parse_instances(children[found[0]], [found[1]])[0])
        return out

    def list(
        self,
        *,
        filter: Filter | None = None,
        sort_by: PropertyNames | None = None,
        direction: SortDirection = "ascending",
        sort: Sequence[Filter] | None = None,
        limit: int | None = DEFAULT_LIST_LIMIT,
        retrieve_connections: RetrieveConnections = "skip",
    ) -> NodeListT:
        """Nodes of this view matching ``filter`` (a CDF filter), up to ``limit`` (None, or -1, for
        all of them, fetched page by page). ``retrieve_connections="identifier"`` fills edge and
        reverse-relation fields with the ids of the connected nodes; ``"full"`` fills them, and
        the direct relations, with the connected nodes themselves (one level deep)."""
        result = self._list(filter, sort_by, direction, sort, limit)
        self._fill_connections(result, retrieve_connections)
        return result

    def iterate(
        self,
        chunk_size: int = LIST_PAGE_SIZE,
        *,
        filter: Filter | None = None,
        sort_by: PropertyNames | None = None,
        direction: SortDirection = "ascending",
        sort: Sequence[Filter] | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        retrieve_connections: RetrieveConnections = "skip",
    ) -> Iterator[NodeListT]:
        """Nodes of this view in chunks of ``chunk_size`` (at most 1,000); the next chunk is
        fetched while you work on the current one, so memory stays at two chunks. A chunk's
        ``next_cursor`` resumes the iteration later (pass it as ``cursor``).
        ``retrieve_connections`` fills each chunk's connections as ``list`` fills a page, before
        the chunk is handed out."""
        _check_retrieve_connections(retrieve_connections)
        if retrieve_connections == "full":
            self._full_targets()  # refused before anything is fetched
        chunks = super().iterate(
            chunk_size,
            filter=filter,
            sort_by=sort_by,
            direction=direction,
            sort=sort,
            limit=limit,
            cursor=cursor,
        )
        if retrieve_connections == "skip":
            return chunks
        return self._filled(chunks, retrieve_connections)

    def _filled(
        self, chunks: Iterator[NodeListT], retrieve_connections: RetrieveConnections
    ) -> Iterator[NodeListT]:
        for chunk in chunks:
            self._fill_connections(chunk, retrieve_connections)
            yield chunk

    @overload
    def retrieve(
        self,
        external_id: NodeReference,
        space: str | None = None,
        *,
        retrieve_connections: RetrieveConnections = "skip",
    ) -> NodeReadT | None: ...

    @overload
    def retrieve(
        self,
        external_id: builtins.list[NodeReference],
        space: str | None = None,
        *,
        retrieve_connections: RetrieveConnections = "skip",
    ) -> NodeListT: ...

    def retrieve(
        self,
        external_id: NodeReference | builtins.list[NodeReference],
        space: str | None = None,
        *,
        retrieve_connections: RetrieveConnections = "skip",
    ) -> NodeReadT | NodeListT | None:
        """One node (None if it does not exist) or several (those that exist, in the order asked),
        by external id (in ``space``, by default the client's instance space), ``(space, external_id)``
        pair or ``NodeId``. ``retrieve_connections="identifier"`` fills edge and reverse-relation
        fields with the ids of the connected nodes."""
        default_space = space or self._client.instance_space
        many = isinstance(external_id, builtins.list)
        given = external_id if isinstance(external_id, builtins.list) else [external_id]
        ids = [as_node_id(item, default_space, "retrieve") for item in given]
        items = self._list_class(self._most_specific(self._retrieve_in_order(ids)))
        self._fill_connections(items, retrieve_connections)
        if many:
            return items  # type: ignore[no-any-return]
        return items[0] if items else None


class EdgeAPI(_InstanceAPI[EdgeReadT, EdgeListT]):
    """The edges of one view, or of one edge connection (``edge_type`` set): generated edge APIs
    add start/end node and edge property filters."""

    _read_class: ClassVar[type[EdgeRead]]
    _instance_type: ClassVar[Literal["node", "edge"]] = "edge"
    # The edge type of a connection's API; None for an edge view's API (edges of any type).
    _edge_type: ClassVar[NodeId | None] = None

    def _base_filter(self) -> Filter | None:
        return _filters.edge_type(self._edge_type)

    def list(
        self,
        *,
        filter: Filter | None = None,
        sort_by: PropertyNames | None = None,
        direction: SortDirection = "ascending",
        sort: Sequence[Filter] | None = None,
        limit: int | None = DEFAULT_LIST_LIMIT,
    ) -> EdgeListT:
        """Edges of this view (and edge type) matching ``filter``, up to ``limit`` (None, or -1, for
        all)."""
        return self._list(filter, sort_by, direction, sort, limit)

    @overload
    def retrieve(
        self, external_id: str | tuple[str, str] | EdgeId, space: str | None = None
    ) -> EdgeReadT | None: ...

    @overload
    def retrieve(
        self, external_id: builtins.list[str | tuple[str, str] | EdgeId], space: str | None = None
    ) -> EdgeListT: ...

    def retrieve(
        self,
        external_id: str | tuple[str, str] | EdgeId | builtins.list[str | tuple[str, str] | EdgeId],
        space: str | None = None,
    ) -> EdgeReadT | EdgeListT | None:
        """One edge (None if it does not exist) or several, by external id, pair or ``EdgeId``."""
        default_space = space or self._client.instance_space
        many = isinstance(external_id, builtins.list)
        given = external_id if isinstance(external_id, builtins.list) else [external_id]
        ids = [_edge_id(item, default_space) for item in given]
        # Edges without properties have no view to read through: the edges of this type.
        parse = _plain_edges_of(self._edge_type) if self._view() is None else None
        items = self._list_class(self._retrieve_in_order(ids, parse))
        if many:
            return items  # type: ignore[no-any-return]
        return items[0] if items else None


def _edge_id(value: Any, default_space: str | None) -> EdgeId:
    if isinstance(value, EdgeId):
        return value
    node = as_node_id(value, default_space, "retrieve")
    return EdgeId(space=node.space, external_id=node.external_id)
