"""What a query returns: connected items, fetched as the caller iterates the start's results.

Each :class:`ResultItem` holds a node as CDF returned it and, per traversal step below it, the
items it connects to (``item.connections["children"]``). A node reached from several parents of
one step is one item, shared (and fetched once); an item reached through an edge is a copy that
shares the node's connections and carries the ``edge``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.schema import Edge, Node, NodeId, ViewId

if TYPE_CHECKING:
    from pygen_runtime.client import CDFClient
    from pygen_runtime.query._plan import QueryPlan

__all__ = ["QueryResults", "ResultItem", "ResultList"]


@dataclass(eq=False)
class ResultItem:
    """One node of a step, with what the steps below it reached from it."""

    node: Node
    view: ViewId
    connections: dict[str, list[ResultItem]] = field(default_factory=dict)
    edge: Edge | None = None

    @property
    def id(self) -> NodeId:
        """The node's id."""
        return self.node.as_id()

    @property
    def properties(self) -> dict[str, Any]:
        """The node's values read through the step's view."""
        return self.node.properties_of(self.view)

    def __repr__(self) -> str:
        connected = ", ".join(f"{name}={len(items)}" for name, items in self.connections.items())
        via = f", edge={self.edge.external_id!r}" if self.edge is not None else ""
        connected = f", {connected}" if connected else ""
        return f"ResultItem({self.node.space}:{self.node.external_id}{via}{connected})"


class ResultList(list[ResultItem]):
    """The start's results, all fetched, with ``truncated``: the steps where a limit cut results."""

    def __init__(self, items: list[ResultItem], truncated: dict[str, bool]) -> None:
        super().__init__(items)
        self.truncated = truncated

    @property
    def is_complete(self) -> bool:
        """True when no limit cut any step's results."""
        return not any(self.truncated.values())


def _prefetched(pages: Iterator[list[ResultItem]]) -> Iterator[list[ResultItem]]:
    """``pages``, each next one computed in a worker thread while the caller holds the current
    one. One worker, so the page generator only ever runs in one thread at a time."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pygen-query")
    in_flight: Future[list[ResultItem] | None] = pool.submit(next, pages, None)
    try:
        while (page := in_flight.result()) is not None:
            in_flight = pool.submit(next, pages, None)
            yield page
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class QueryResults:
    """The results of a query, fetched page by page of the start as they are iterated.

    Every step of a page is complete before the page is handed out. With ``prefetch`` (the
    default), the next page and everything below it are fetched in a background thread while the
    caller works on the current one; at most one page is in flight, and it is finished and
    dropped if the caller stops early. ``truncated`` says, per step path, whether that step's
    ``limit`` left results out (known for the pages fetched so far); ``requests`` counts the
    requests sent, by endpoint. A result can be iterated once.
    """

    def __init__(self, client: CDFClient, plan: QueryPlan, *, prefetch: bool = True) -> None:
        from pygen_runtime.query._execute import Executor

        self.plan = plan
        self.prefetch = prefetch
        self._executor = Executor(client.instances, plan)
        self._started = False

    @property
    def truncated(self) -> dict[str, bool]:
        """Per step path: whether a limit cut that step's results."""
        return self._executor.truncated

    @property
    def requests(self) -> Counter[str]:
        """Requests sent so far, by endpoint (``list``, ``byids``, ``query``)."""
        return self._executor.requests

    def pages(self) -> Iterator[list[ResultItem]]:
        """The start's results a page at a time, each with its connections filled in."""
        if self._started:
            raise InvalidArgumentError("these query results were iterated already; execute the query again.")
        self._started = True
        pages = self._executor.pages()
        return _prefetched(pages) if self.prefetch else pages

    def __iter__(self) -> Iterator[ResultItem]:
        for page in self.pages():
            yield from page

    def collect(self) -> ResultList:
        """Every result, fetched now, with ``truncated``."""
        items = list(self)
        return ResultList(items, dict(self.truncated))
