"""``client.instances``: nodes and edges. Apply, delete, retrieve, list and iterate with cursors,
search, aggregate, histogram, query and sync.

CDF's limits are met here, before anything is sent: lists too long for one request are split
into chunks (1,000 instances per apply, delete or retrieve; 5 aggregates per aggregate request)
and limits that cannot be split (a search's 1,000 results, 10 sources, 5 sort keys, 5 group-by
properties, 50 result sets in a query) are refused with an ``InvalidArgumentError``.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pygen_runtime._api._aggregations import Aggregation, Avg, Count, Histogram, Max, Min, Sum
from pygen_runtime._api._calls import (
    Call,
    Chunk,
    Page,
    Pager,
    chunked,
    expect_object,
    items_of,
    require_limit,
)
from pygen_runtime._api._instance_pages import instance_page_content
from pygen_runtime._api._schema_calls import items_parser, page_parser
from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.schema import EdgeId, NodeId, ViewId
from pygen_runtime.schema._instances import (
    AggregatedHistogram,
    AggregateResult,
    AppliedInstance,
    Edge,
    EdgeApply,
    Instance,
    Node,
    NodeApply,
    QueryResult,
)

if TYPE_CHECKING:
    from pygen_runtime._http._async import AsyncHTTPClient
    from pygen_runtime._http._sync import SyncHTTPClient

__all__ = [
    "AGGREGATES_PER_REQUEST",
    "DEFAULT_LIST_LIMIT",
    "INSTANCES_PER_REQUEST",
    "AsyncInstancesAPI",
    "InstancesAPI",
    "merge_aggregate_results",
]

_PATH = "/models/instances"
# CDF's limits (shared/cdf/README.md, from the API spec).
INSTANCES_PER_REQUEST = 1000
LIST_PAGE_SIZE = 1000
SEARCH_LIMIT = 1000
AGGREGATE_LIMIT = 1000
AGGREGATES_PER_REQUEST = 5
GROUP_BY_LIMIT = 5
SOURCES_LIMIT = 10
SORT_LIMIT = 5
RESULT_SETS_LIMIT = 50
QUERY_RESULT_SET_LIMIT = 10_000
SYNC_RESULT_SET_LIMIT = 2000
# How many instances ``list`` returns unless told otherwise.
DEFAULT_LIST_LIMIT = 25

InstanceType = Literal["node", "edge"]
T = TypeVar("T")
ViewIds = ViewId | Sequence[ViewId]
Filter = Mapping[str, Any]
Sort = Sequence[Mapping[str, Any]]

_parse_applied = items_parser(AppliedInstance)
_parse_instances = items_parser(Instance)
_parse_instance_page = page_parser(Instance)
_parse_aggregates = items_parser(AggregateResult)


def _deleted_id(item: Mapping[str, Any]) -> NodeId | EdgeId:
    kind = EdgeId if item.get("instanceType") == "edge" else NodeId
    return kind.load(item)


_parse_deleted = items_parser(dict[str, Any], convert=_deleted_id)


def _parse_query_result(body: Any) -> QueryResult:
    expect_object(body)
    return QueryResult.model_validate(body)


def _check_instance_type(instance_type: str) -> None:
    if instance_type not in ("node", "edge"):
        raise InvalidArgumentError(f"instance_type must be 'node' or 'edge', got {instance_type!r}.")


def _sources(sources: ViewIds | None, what: str) -> list[dict[str, Any]] | None:
    if sources is None:
        return None
    views: list[ViewId] = items_of(sources, ViewId, what)
    if len(views) > SOURCES_LIMIT:
        raise InvalidArgumentError(
            f"{what}: CDF reads at most {SOURCES_LIMIT} views per request, got {len(views)}; "
            "ask for fewer views, or make several calls."
        )
    return [{"source": view.dump()} for view in views]


def _sort(sort: Sort | None, what: str) -> list[Mapping[str, Any]] | None:
    if sort is None:
        return None
    if isinstance(sort, Mapping):
        sort = [sort]
    if len(sort) > SORT_LIMIT:
        raise InvalidArgumentError(f"{what}: CDF sorts by at most {SORT_LIMIT} properties, got {len(sort)}.")
    return list(sort)


def _without_none(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}


def _instance_id_body(item: NodeId | EdgeId) -> dict[str, str]:
    return {"instanceType": "edge" if isinstance(item, EdgeId) else "node", **item.dump()}


def apply_chunks(
    items: NodeApply | EdgeApply | Sequence[NodeApply | EdgeApply],
    *,
    auto_create_direct_relations: bool,
    auto_create_start_nodes: bool,
    auto_create_end_nodes: bool,
    skip_on_version_conflict: bool,
    replace: bool,
) -> Iterator[Chunk[AppliedInstance]]:
    """The apply requests for ``items``, 1,000 instances each. The items are checked at once; each
    request's body is built when the chunk is taken to be sent, so that the bodies of a large
    apply are not all alive at once."""
    instances: list[NodeApply | EdgeApply] = items_of(items, (NodeApply, EdgeApply), "instances.apply")
    flags = _apply_flags(
        auto_create_direct_relations,
        auto_create_start_nodes,
        auto_create_end_nodes,
        skip_on_version_conflict,
        replace,
    )
    return (
        Chunk(
            Call(
                "POST",
                _PATH,
                _parse_applied,
                body={"items": [instance.dump() for instance in chunk], **flags},
                kind="apply",
            ),
            chunk,
        )
        for chunk in chunked(instances, INSTANCES_PER_REQUEST)
    )


def apply_json_chunks(
    items: list[dict[str, Any]],
    parse: Callable[[Any], list[T]],
    *,
    parse_content: Callable[[bytes], list[T] | None] | None = None,
    auto_create_direct_relations: bool,
    auto_create_start_nodes: bool,
    auto_create_end_nodes: bool,
    skip_on_version_conflict: bool,
    replace: bool,
) -> Iterator[Chunk[T]]:
    """``apply_chunks`` for items that are the endpoint's JSON already (as the typed SDK builds
    them), each answer read by ``parse`` (or first by ``parse_content``, from its bytes; see
    ``Call``). The request bodies share the items, so nothing is copied or held twice.

    The chunks take ``items`` over: each chunk's items are removed from the list when the chunk
    is taken to be sent, so that once it is answered nothing keeps them alive.
    """
    flags = _apply_flags(
        auto_create_direct_relations,
        auto_create_start_nodes,
        auto_create_end_nodes,
        skip_on_version_conflict,
        replace,
    )
    while items:
        chunk = items[:INSTANCES_PER_REQUEST]
        del items[:INSTANCES_PER_REQUEST]
        call = Call(
            "POST",
            _PATH,
            parse,
            body={"items": chunk, **flags},
            kind="apply",
            parse_content=parse_content,
            model_values=True,
        )
        yield Chunk(call, chunk)
        del chunk


def _apply_flags(
    auto_create_direct_relations: bool,
    auto_create_start_nodes: bool,
    auto_create_end_nodes: bool,
    skip_on_version_conflict: bool,
    replace: bool,
) -> dict[str, bool]:
    return {
        "autoCreateDirectRelations": auto_create_direct_relations,
        "autoCreateStartNodes": auto_create_start_nodes,
        "autoCreateEndNodes": auto_create_end_nodes,
        "skipOnVersionConflict": skip_on_version_conflict,
        "replace": replace,
    }


def delete_chunks(ids: NodeId | EdgeId | Sequence[NodeId | EdgeId]) -> list[Chunk[NodeId | EdgeId]]:
    items: list[NodeId | EdgeId] = items_of(ids, (NodeId, EdgeId), "instances.delete")
    return [
        Chunk(
            Call(
                "POST",
                f"{_PATH}/delete",
                _parse_deleted,
                body={"items": [_instance_id_body(item) for item in chunk]},
                kind="delete",
            ),
            chunk,
        )
        for chunk in chunked(items, INSTANCES_PER_REQUEST)
    ]


def retrieve_chunks(
    ids: NodeId | EdgeId | Sequence[NodeId | EdgeId], sources: ViewIds | None, include_typing: bool
) -> list[Chunk[Node | Edge]]:
    items: list[NodeId | EdgeId] = items_of(ids, (NodeId, EdgeId), "instances.retrieve")
    selected = _sources(sources, "instances.retrieve")
    return [
        Chunk(
            Call(
                "POST",
                f"{_PATH}/byids",
                _parse_instances,
                body=_without_none(
                    {
                        "items": [_instance_id_body(item) for item in chunk],
                        "sources": selected,
                        "includeTyping": include_typing or None,
                    }
                ),
            ),
            chunk,
        )
        for chunk in chunked(items, INSTANCES_PER_REQUEST)
    ]


def list_pager(
    *,
    instance_type: InstanceType,
    sources: ViewIds | None,
    filter: Filter | None,
    sort: Sort | None,
    include_typing: bool,
    limit: int | None,
    chunk_size: int = LIST_PAGE_SIZE,
    cursor: str | None = None,
) -> Pager[Node | Edge]:
    _check_instance_type(instance_type)
    require_limit(chunk_size, "chunk_size", LIST_PAGE_SIZE)
    base = _without_none(
        {
            "instanceType": instance_type,
            "sources": _sources(sources, "instances.list"),
            "filter": filter,
            "sort": _sort(sort, "instances.list"),
            "includeTyping": include_typing or None,
        }
    )

    def make_call(cursor: str | None, size: int) -> Call[Page[Node | Edge]]:
        body = {**base, "limit": size}
        if cursor is not None:
            body["cursor"] = cursor
        return Call("POST", f"{_PATH}/list", _parse_instance_page, body=body, parse_content=read_content)

    read_content = instance_page_content(instance_type)
    return Pager(make_call, limit=limit, page_size=chunk_size, cursor=cursor)


def search_call(
    view: ViewId,
    query: str | None,
    *,
    properties: Sequence[str] | None,
    instance_type: InstanceType,
    filter: Filter | None,
    sort: Sort | None,
    operator: Literal["AND", "OR"] | None,
    limit: int,
) -> Call[list[Node | Edge]]:
    items_of(view, ViewId, "instances.search")
    _check_instance_type(instance_type)
    # Search has no cursor: a limit above CDF's maximum could never be honoured.
    require_limit(limit, "limit", SEARCH_LIMIT)
    if operator is not None and operator not in ("AND", "OR"):
        raise InvalidArgumentError(f"operator must be 'AND' or 'OR', got {operator!r}.")
    body = _without_none(
        {
            "view": view.dump(),
            "query": query,
            "instanceType": instance_type,
            "properties": list(properties) if properties is not None else None,
            "filter": filter,
            "sort": _sort(sort, "instances.search"),
            "operator": operator,
            "limit": limit,
        }
    )
    return Call("POST", f"{_PATH}/search", _parse_instances, body=body)


def aggregate_chunks(
    view: ViewId,
    aggregates: Aggregation | Sequence[Aggregation],
    *,
    group_by: Sequence[str] | None,
    instance_type: InstanceType,
    filter: Filter | None,
    query: str | None,
    properties: Sequence[str] | None,
    limit: int,
) -> list[Chunk[AggregateResult]]:
    items_of(view, ViewId, "instances.aggregate")
    _check_instance_type(instance_type)
    wanted: list[Aggregation] = items_of(
        aggregates, (Count, Avg, Min, Max, Sum, Histogram), "instances.aggregate"
    )
    if not wanted:
        raise InvalidArgumentError("instances.aggregate needs at least one aggregate, e.g. Count().")
    if isinstance(group_by, str):
        group_by = [group_by]
    if group_by is not None and not 1 <= len(group_by) <= GROUP_BY_LIMIT:
        raise InvalidArgumentError(f"group_by takes 1 to {GROUP_BY_LIMIT} properties, got {len(group_by)}.")
    require_limit(limit, "limit", AGGREGATE_LIMIT)
    common = _without_none(
        {
            "view": view.dump(),
            "instanceType": instance_type,
            "groupBy": list(group_by) if group_by is not None else None,
            "filter": filter,
            "query": query,
            "properties": list(properties) if properties is not None else None,
            "limit": limit,
        }
    )
    # More aggregates than one request carries are split over several requests; the results are
    # merged per group afterwards.
    return [
        Chunk(
            Call(
                "POST",
                f"{_PATH}/aggregate",
                _parse_aggregates,
                body={**common, "aggregates": [aggregate.dump() for aggregate in chunk]},
            ),
            chunk,
        )
        for chunk in chunked(wanted, AGGREGATES_PER_REQUEST)
    ]


def merge_aggregate_results(results: Sequence[AggregateResult]) -> list[AggregateResult]:
    """One result per (instance type, group), with the aggregates of every request that
    computed some of them, in the order the groups first appear."""
    merged: dict[tuple[str, str], AggregateResult] = {}
    for result in results:
        key = (result.instance_type, json.dumps(result.group, sort_keys=True, default=str))
        if key in merged:
            merged[key].aggregates.extend(result.aggregates)
        else:
            merged[key] = result.model_copy(update={"aggregates": list(result.aggregates)})
    return list(merged.values())


def _histogram_of(results: Sequence[AggregateResult], property: str, interval: float) -> AggregatedHistogram:
    for result in results:
        for value in result.aggregates:
            if isinstance(value, AggregatedHistogram):
                return value
    return AggregatedHistogram(property=property, interval=interval, buckets=[])


def _check_query(query: Mapping[str, Any], endpoint: Literal["query", "sync"]) -> None:
    what = f"instances.{endpoint}"
    if not isinstance(query, Mapping):
        raise InvalidArgumentError(f"{what} expects the request body as a dict, got {type(query).__name__}.")
    for key in ("with", "select"):
        part = query.get(key)
        if not isinstance(part, Mapping) or not part:
            raise InvalidArgumentError(f"{what}: {key!r} must be a non-empty dict of result sets.")
        if len(part) > RESULT_SETS_LIMIT:
            raise InvalidArgumentError(
                f"{what}: CDF takes at most {RESULT_SETS_LIMIT} result sets in {key!r}, got {len(part)}."
            )
    maximum = QUERY_RESULT_SET_LIMIT if endpoint == "query" else SYNC_RESULT_SET_LIMIT
    for name, expression in query["with"].items():
        if isinstance(expression, Mapping) and expression.get("limit") is not None:
            require_limit(expression["limit"], f"{what}: with.{name}.limit", maximum)
    for name, selection in query["select"].items():
        sources = selection.get("sources") if isinstance(selection, Mapping) else None
        if isinstance(sources, list) and len(sources) > SOURCES_LIMIT:
            raise InvalidArgumentError(
                f"{what}: select.{name} reads {len(sources)} views; CDF takes at most {SOURCES_LIMIT}."
            )


def query_call(
    query: Mapping[str, Any],
    cursors: Mapping[str, str | None] | None,
    endpoint: Literal["query", "sync"],
) -> Call[QueryResult]:
    _check_query(query, endpoint)
    body = dict(query)
    if cursors is not None:
        body["cursors"] = {name: cursor for name, cursor in cursors.items() if cursor is not None}
    return Call("POST", f"{_PATH}/{endpoint}", _parse_query_result, body=body)


class InstancesAPI:
    """Nodes and edges: the data stored in views and containers."""

    def __init__(self, http: SyncHTTPClient) -> None:
        self._http = http

    def apply(
        self,
        items: NodeApply | EdgeApply | Sequence[NodeApply | EdgeApply],
        *,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
        skip_on_version_conflict: bool = False,
        replace: bool = False,
    ) -> list[AppliedInstance]:
        """Create or update nodes and edges: 1,000 per request, several requests at once (up to
        ``max_concurrent_applies``). ``replace`` overwrites every property of the given sources
        instead of only those given.

        >>> client.instances.apply(NodeApply(space="my-instances", external_id="pump-1", sources=[...]))
        ... # doctest: +SKIP
        """
        return self._http.run_chunks(
            apply_chunks(
                items,
                auto_create_direct_relations=auto_create_direct_relations,
                auto_create_start_nodes=auto_create_start_nodes,
                auto_create_end_nodes=auto_create_end_nodes,
                skip_on_version_conflict=skip_on_version_conflict,
                replace=replace,
            )
        )

    def delete(self, ids: NodeId | EdgeId | Sequence[NodeId | EdgeId]) -> list[NodeId | EdgeId]:
        """Delete nodes and edges (a node's edges go with it): 1,000 per request, up to
        ``max_concurrent_deletes`` at once. Returns the ids CDF deleted."""
        return self._http.run_chunks(delete_chunks(ids))

    def retrieve(
        self,
        ids: NodeId | EdgeId | Sequence[NodeId | EdgeId],
        *,
        sources: ViewIds | None = None,
        include_typing: bool = False,
    ) -> list[Node | Edge]:
        """The nodes and edges with these ids, with the properties of ``sources``; ids that do
        not exist are left out."""
        return self._http.run_chunks(retrieve_chunks(ids, sources, include_typing))

    def list(
        self,
        *,
        instance_type: InstanceType = "node",
        sources: ViewIds | None = None,
        filter: Filter | None = None,
        sort: Sort | None = None,
        limit: int | None = DEFAULT_LIST_LIMIT,
        include_typing: bool = False,
    ) -> list[Node | Edge]:
        """Nodes (or edges) matching ``filter``, up to ``limit`` (None for all of them)."""
        pager = list_pager(
            instance_type=instance_type,
            sources=sources,
            filter=filter,
            sort=sort,
            include_typing=include_typing,
            limit=limit,
        )
        return [item for page in self._http.pages(pager) for item in page.items]

    def iterate(
        self,
        *,
        chunk_size: int = LIST_PAGE_SIZE,
        instance_type: InstanceType = "node",
        sources: ViewIds | None = None,
        filter: Filter | None = None,
        sort: Sort | None = None,
        limit: int | None = None,
        include_typing: bool = False,
        cursor: str | None = None,
    ) -> Iterator[Page[Node | Edge]]:
        """Nodes (or edges) page by page, ``chunk_size`` at a time; each page is fetched when the
        previous one has been used, so memory stays at one page. A page's ``next_cursor`` can
        resume the listing later (pass it as ``cursor``).

        >>> for page in client.instances.iterate(chunk_size=1000, sources=[pump_view]):  # doctest: +SKIP
        ...     for node in page:
        ...         ...
        """
        pager = list_pager(
            instance_type=instance_type,
            sources=sources,
            filter=filter,
            sort=sort,
            include_typing=include_typing,
            limit=limit,
            chunk_size=chunk_size,
            cursor=cursor,
        )
        return self._http.pages(pager)

    def search(
        self,
        view: ViewId,
        query: str | None = None,
        *,
        properties: Sequence[str] | None = None,
        instance_type: InstanceType = "node",
        filter: Filter | None = None,
        sort: Sort | None = None,
        operator: Literal["AND", "OR"] | None = None,
        limit: int = SEARCH_LIMIT,
    ) -> builtins.list[Node | Edge]:
        """Free-text search in the text properties of ``view`` (or only in ``properties``).
        Search has no cursor, so ``limit`` is at most 1,000."""
        return self._http.run(
            search_call(
                view,
                query,
                properties=properties,
                instance_type=instance_type,
                filter=filter,
                sort=sort,
                operator=operator,
                limit=limit,
            )
        )

    def aggregate(
        self,
        view: ViewId,
        aggregates: Aggregation | Sequence[Aggregation],
        *,
        group_by: Sequence[str] | None = None,
        instance_type: InstanceType = "node",
        filter: Filter | None = None,
        query: str | None = None,
        properties: Sequence[str] | None = None,
        limit: int = 100,
    ) -> builtins.list[AggregateResult]:
        """Counts, averages, minima, maxima, sums and histograms over the instances of ``view``,
        per group of ``group_by`` values. More than 5 aggregates are computed over several
        requests and merged.

        >>> client.instances.aggregate(pump_view, [Count(), Avg("capacity")], group_by=["manufacturer"])
        ... # doctest: +SKIP
        """
        chunks = aggregate_chunks(
            view,
            aggregates,
            group_by=group_by,
            instance_type=instance_type,
            filter=filter,
            query=query,
            properties=properties,
            limit=limit,
        )
        return merge_aggregate_results(self._http.run_chunks(chunks))

    def histogram(
        self,
        view: ViewId,
        property: str,
        interval: float,
        *,
        instance_type: InstanceType = "node",
        filter: Filter | None = None,
        query: str | None = None,
        properties: Sequence[str] | None = None,
    ) -> AggregatedHistogram:
        """How many values of a numeric ``property`` fall in each bucket of width ``interval``."""
        results = self.aggregate(
            view,
            Histogram(property, interval),
            instance_type=instance_type,
            filter=filter,
            query=query,
            properties=properties,
        )
        return _histogram_of(results, property, interval)

    def query(
        self, query: Mapping[str, Any], *, cursors: Mapping[str, str | None] | None = None
    ) -> QueryResult:
        """Run a query (``{"with": ..., "select": ...}`` as CDF's API takes it); pass a result's
        ``next_cursor`` as ``cursors`` for the next page of each result set."""
        return self._http.run(query_call(query, cursors, "query"))

    def sync(
        self, query: Mapping[str, Any], *, cursors: Mapping[str, str | None] | None = None
    ) -> QueryResult:
        """Run a sync: like ``query``, but the cursors return what changed (including deletes)
        since the previous call."""
        return self._http.run(query_call(query, cursors, "sync"))


class AsyncInstancesAPI:
    """Nodes and edges, for ``AsyncCDFClient``; the same methods as ``InstancesAPI``, awaited."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        self._http = http

    async def apply(
        self,
        items: NodeApply | EdgeApply | Sequence[NodeApply | EdgeApply],
        *,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
        skip_on_version_conflict: bool = False,
        replace: bool = False,
    ) -> list[AppliedInstance]:
        """Create or update nodes and edges: 1,000 per request, up to ``max_concurrent_applies``
        at once."""
        return await self._http.run_chunks(
            apply_chunks(
                items,
                auto_create_direct_relations=auto_create_direct_relations,
                auto_create_start_nodes=auto_create_start_nodes,
                auto_create_end_nodes=auto_create_end_nodes,
                skip_on_version_conflict=skip_on_version_conflict,
                replace=replace,
            )
        )

    async def delete(self, ids: NodeId | EdgeId | Sequence[NodeId | EdgeId]) -> list[NodeId | EdgeId]:
        """Delete nodes and edges: 1,000 per request, up to ``max_concurrent_deletes`` at once."""
        return await self._http.run_chunks(delete_chunks(ids))

    async def retrieve(
        self,
        ids: NodeId | EdgeId | Sequence[NodeId | EdgeId],
        *,
        sources: ViewIds | None = None,
        include_typing: bool = False,
    ) -> list[Node | Edge]:
        """The nodes and edges with these ids; ids that do not exist are left out."""
        return await self._http.run_chunks(retrieve_chunks(ids, sources, include_typing))

    async def list(
        self,
        *,
        instance_type: InstanceType = "node",
        sources: ViewIds | None = None,
        filter: Filter | None = None,
        sort: Sort | None = None,
        limit: int | None = DEFAULT_LIST_LIMIT,
        include_typing: bool = False,
    ) -> list[Node | Edge]:
        """Nodes (or edges) matching ``filter``, up to ``limit`` (None for all of them)."""
        pager = list_pager(
            instance_type=instance_type,
            sources=sources,
            filter=filter,
            sort=sort,
            include_typing=include_typing,
            limit=limit,
        )
        return [item async for page in self._http.pages(pager) for item in page.items]

    def iterate(
        self,
        *,
        chunk_size: int = LIST_PAGE_SIZE,
        instance_type: InstanceType = "node",
        sources: ViewIds | None = None,
        filter: Filter | None = None,
        sort: Sort | None = None,
        limit: int | None = None,
        include_typing: bool = False,
        cursor: str | None = None,
    ) -> AsyncIterator[Page[Node | Edge]]:
        """Nodes (or edges) page by page (``async for page in ...``), ``chunk_size`` at a time."""
        pager = list_pager(
            instance_type=instance_type,
            sources=sources,
            filter=filter,
            sort=sort,
            include_typing=include_typing,
            limit=limit,
            chunk_size=chunk_size,
            cursor=cursor,
        )
        return self._http.pages(pager)

    async def search(
        self,
        view: ViewId,
        query: str | None = None,
        *,
        properties: Sequence[str] | None = None,
        instance_type: InstanceType = "node",
        filter: Filter | None = None,
        sort: Sort | None = None,
        operator: Literal["AND", "OR"] | None = None,
        limit: int = SEARCH_LIMIT,
    ) -> builtins.list[Node | Edge]:
        """Free-text search in the text properties of ``view``; ``limit`` is at most 1,000."""
        return await self._http.run(
            search_call(
                view,
                query,
                properties=properties,
                instance_type=instance_type,
                filter=filter,
                sort=sort,
                operator=operator,
                limit=limit,
            )
        )

    async def aggregate(
        self,
        view: ViewId,
        aggregates: Aggregation | Sequence[Aggregation],
        *,
        group_by: Sequence[str] | None = None,
        instance_type: InstanceType = "node",
        filter: Filter | None = None,
        query: str | None = None,
        properties: Sequence[str] | None = None,
        limit: int = 100,
    ) -> builtins.list[AggregateResult]:
        """Aggregates over the instances of ``view``, per group of ``group_by`` values."""
        chunks = aggregate_chunks(
            view,
            aggregates,
            group_by=group_by,
            instance_type=instance_type,
            filter=filter,
            query=query,
            properties=properties,
            limit=limit,
        )
        return merge_aggregate_results(await self._http.run_chunks(chunks))

    async def histogram(
        self,
        view: ViewId,
        property: str,
        interval: float,
        *,
        instance_type: InstanceType = "node",
        filter: Filter | None = None,
        query: str | None = None,
        properties: Sequence[str] | None = None,
    ) -> AggregatedHistogram:
        """How many values of a numeric ``property`` fall in each bucket of width ``interval``."""
        results = await self.aggregate(
            view,
            Histogram(property, interval),
            instance_type=instance_type,
            filter=filter,
            query=query,
            properties=properties,
        )
        return _histogram_of(results, property, interval)

    async def query(
        self, query: Mapping[str, Any], *, cursors: Mapping[str, str | None] | None = None
    ) -> QueryResult:
        """Run a query; pass a result's ``next_cursor`` as ``cursors`` for the next pages."""
        return await self._http.run(query_call(query, cursors, "query"))

    async def sync(
        self, query: Mapping[str, Any], *, cursors: Mapping[str, str | None] | None = None
    ) -> QueryResult:
        """Run a sync: the cursors return what changed since the previous call."""
        return await self._http.run(query_call(query, cursors, "sync"))
