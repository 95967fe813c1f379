"""A cursor over a listing that fetches the next page while the caller works on the current one.

At most two pages exist at once: the one the caller holds and the one in flight. If the caller
stops early (breaks out of the loop, or the generator is closed), the page in flight is awaited
and dropped, so no request outlives the iteration.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from pygen_runtime._api._calls import Page, Pager

if TYPE_CHECKING:
    from pygen_runtime._http._sync import SyncHTTPClient

__all__ = ["prefetching_pages"]

T = TypeVar("T")


def prefetching_pages(http: SyncHTTPClient, pager: Pager[T]) -> Iterator[Page[T]]:
    """The pages of ``pager``, each next one requested before the current one is handed out."""
    call = pager.next_call()
    if call is None:
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pygen-prefetch")
    in_flight: Future[Page[T]] | None = pool.submit(http.run, call)
    try:
        while in_flight is not None:
            page = pager.accept(in_flight.result())
            following = pager.next_call()
            in_flight = pool.submit(http.run, following) if following is not None else None
            yield page
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
