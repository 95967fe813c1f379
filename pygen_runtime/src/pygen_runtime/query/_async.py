"""Queries with ``AsyncCDFClient``: ``async for`` over the same results, from the same planner and
executor.

The executor's logic runs in one worker thread; each request it sends is a coroutine of the async
client, run on the caller's event loop (which stays free while it awaits the worker), and the
worker waits for its answer. So the event loop never blocks, and there is one executor for both
clients.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.query._execute import Executor
from pygen_runtime.query._results import ResultItem, ResultList
from pygen_runtime.schema import Edge, Node, NodeId, QueryResult, ViewId

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from pygen_runtime._api._calls import Page
    from pygen_runtime._api._instances import AsyncInstancesAPI
    from pygen_runtime.client import AsyncCDFClient
    from pygen_runtime.query._plan import QueryPlan

__all__ = ["AsyncQueryResults"]

T = TypeVar("T")


class _OnTheLoop:
    """The executor's reads, answered by the async client on the caller's event loop (called from
    the executor's worker thread)."""

    def __init__(self, api: AsyncInstancesAPI, loop: asyncio.AbstractEventLoop) -> None:
        self._api = api
        self._loop = loop

    def _wait(self, coroutine: Coroutine[Any, Any, T]) -> T:
        try:
            future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        except RuntimeError:
            # The loop is closed: its program stopped iterating without closing the results. The
            # request is not sent; closing it says so to Python, which would otherwise warn that
            # it was never awaited.
            coroutine.close()
            raise
        return future.result()

    def iterate(
        self,
        *,
        chunk_size: int,
        instance_type: Literal["node", "edge"],
        sources: list[ViewId] | None,
        filter: Mapping[str, Any] | None,
        sort: list[Mapping[str, Any]] | None,
        limit: int | None,
        cursor: str | None,
    ) -> Iterator[Page[Node | Edge]]:
        async def first_page() -> Page[Node | Edge]:
            pages = self._api.iterate(
                chunk_size=chunk_size,
                instance_type=instance_type,
                sources=sources,
                filter=filter,
                sort=sort,
                limit=limit,
                cursor=cursor,
            )
            try:
                return await anext(pages)
            finally:
                close = getattr(pages, "aclose", None)
                if close is not None:
                    await close()

        # The executor reads one page per call.
        return iter([self._wait(first_page())])

    def retrieve(self, ids: list[NodeId], *, sources: list[ViewId] | None) -> list[Node | Edge]:
        return self._wait(self._api.retrieve(ids, sources=sources))

    def query(self, query: Mapping[str, Any], *, cursors: Mapping[str, str | None] | None) -> QueryResult:
        return self._wait(self._api.query(query, cursors=cursors))


class AsyncQueryResults:
    """The results of a query run with ``AsyncCDFClient``: ``async for item in results``, or
    ``pages()``, or ``await results.collect()``. Like ``QueryResults``, the next page is fetched
    while the caller works on the current one, and a result can be iterated once."""

    def __init__(self, client: AsyncCDFClient, plan: QueryPlan) -> None:
        self.plan = plan
        self._api = client.instances
        self._executor: Executor | None = None
        self._started = False

    @property
    def truncated(self) -> dict[str, bool]:
        """Per step path: whether a limit cut that step's results (for the pages fetched so far)."""
        if self._executor is None:
            return {step.path: False for step in self.plan.root.walk()}
        return self._executor.truncated

    @property
    def requests(self) -> Counter[str]:
        """Requests sent so far, by endpoint."""
        return Counter() if self._executor is None else self._executor.requests

    async def pages(self) -> AsyncIterator[list[ResultItem]]:
        """The start's results a page at a time, each with its connections filled in."""
        if self._started:
            raise InvalidArgumentError("these query results were iterated already; execute the query again.")
        self._started = True
        loop = asyncio.get_running_loop()
        self._executor = Executor(_OnTheLoop(self._api, loop), self.plan)
        pages = self._executor.pages()
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pygen-query")
        in_flight = loop.run_in_executor(worker, next, pages, None)
        try:
            while (page := await in_flight) is not None:
                in_flight = loop.run_in_executor(worker, next, pages, None)
                yield page
        finally:
            # A caller that stops early: the page in flight still needs the loop to finish.
            if not in_flight.done():
                await asyncio.wait([in_flight])
            worker.shutdown(wait=False)

    async def __aiter__(self) -> AsyncIterator[ResultItem]:
        async for page in self.pages():
            for item in page:
                yield item

    async def collect(self) -> ResultList:
        """Every result, fetched now, with ``truncated``."""
        items = [item async for item in self]
        return ResultList(items, dict(self.truncated))
