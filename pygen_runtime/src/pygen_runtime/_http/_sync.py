"""The synchronous shell: sends what the sans-IO core builds, sleeps when it says wait.

One ``httpx.Client`` (so one connection pool) per CDF client. Chunks of a split call run on a
small thread pool, and a semaphore per kind of request (reads, applies, deletes) keeps the whole
client, across threads, within the configured concurrency limits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sized
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

import httpx

from pygen_runtime._api._calls import Call, Chunk, Page, Pager
from pygen_runtime._http._chunk_runs import ChunkRun
from pygen_runtime._http._pool import client_settings, http2_missing
from pygen_runtime._http._requests import TryBuilder, prepare_call, retry_counting, url_for_messages
from pygen_runtime._http._responses import read_result
from pygen_runtime._http._retry import RetryLoop, RetryPolicy

if TYPE_CHECKING:
    from pygen_runtime.config import ClientConfig

__all__ = ["SyncHTTPClient"]

T = TypeVar("T")

logger = logging.getLogger("pygen_runtime.http")


class SyncHTTPClient:
    """Runs ``Call``s, chunked calls and paged listings against CDF, with retries and auth."""

    def __init__(
        self,
        config: ClientConfig,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.policy = RetryPolicy.from_config(config)
        try:
            self._client = httpx.Client(
                transport=transport, **client_settings(config, injected_transport=transport is not None)
            )
        except ImportError:
            raise http2_missing() from None
        self._slots = {
            "read": threading.BoundedSemaphore(config.max_concurrent_reads),
            "apply": threading.BoundedSemaphore(config.max_concurrent_applies),
            "delete": threading.BoundedSemaphore(config.max_concurrent_deletes),
        }
        self._limits = {
            "read": config.max_concurrent_reads,
            "apply": config.max_concurrent_applies,
            "delete": config.max_concurrent_deletes,
        }

    def close(self) -> None:
        self._client.close()

    def _send(
        self, method: str, path: str, build: TryBuilder, *, authenticated: bool
    ) -> tuple[httpx.Response, list[str]]:
        loop = RetryLoop(self.policy, method, path)
        credentials = self.config.auth
        while True:
            authorization = credentials.authorization(self.send_unauthenticated) if authenticated else None
            request = build(authorization, loop.tries)
            try:
                response = self._client.send(request)
            except httpx.TransportError as error:
                step = loop.after_transport_error(error)
            else:
                may_reauthenticate = (
                    authorization is not None
                    and response.status_code == 401
                    and not loop.reauthenticated
                    and credentials.invalidate(authorization)
                )
                step = loop.after_response(response, may_reauthenticate=may_reauthenticate)
                if step.action == "done":
                    return response, loop.attempts
                if step.action == "reauthenticate":
                    logger.info("%s %s: %s; retrying with fresh credentials", method, path, step.reason)
                    continue
            logger.info(loop.describe(step))
            time.sleep(step.wait)

    def send_unauthenticated(self, request: httpx.Request) -> httpx.Response:
        """Send a credential's own request (a token request) with the retry policy but without
        CDF's headers or credentials. Returns the final answer, whatever its status."""
        response, _ = self._send(
            request.method, url_for_messages(request), retry_counting(request), authenticated=False
        )
        return response

    def run(self, call: Call[T]) -> T:
        """Send ``call`` (retrying as the policy says) and return its typed result."""
        prepared = prepare_call(call, self.config)
        with self._slots[call.kind]:
            response, attempts = self._send(
                prepared.method, prepared.path, prepared.builder(self._client), authenticated=True
            )
        return read_result(
            call, response, path=prepared.path, project_url=self.config.project_url, attempts=attempts
        )

    def run_chunks(self, chunks: Iterable[Chunk[T]]) -> list[T]:
        """Run the chunks of a split call, at most the kind's limit at once, results in order.

        Chunks are taken from ``chunks`` as places to send them free up (a generator may build
        each body when it is asked for), and let go once answered. After a chunk fails no further
        chunk is started; the error says which items went through, which failed and which were
        not sent.
        """
        run = ChunkRun(chunks)
        first = run.take()
        if first is None:
            return run.outcome()
        workers = self._limits[first[1].kind]
        if isinstance(chunks, Sized):
            workers = min(workers, len(chunks))  # no idle threads for a call of few chunks
        second = run.take() if workers > 1 else None
        # What each worker starts with; a worker takes its start out, so that nothing but the
        # worker holds a chunk while it is sent.
        starts: list[tuple[int, Call[list[T]]] | None] = (
            [first] if second is None else [first, second, *[None] * (workers - 2)]
        )
        del first, second

        def work(position: int) -> None:
            taken, starts[position] = starts[position], None
            if taken is None:
                taken = run.take()
            while taken is not None:
                index, call = taken
                del taken
                try:
                    result = self.run(call)
                except Exception as error:
                    run.failed(index, error)
                else:
                    run.answered(index, result)
                del call  # let go of this chunk's body before waiting for the next chunk
                taken = run.take()

        if len(starts) == 1:
            work(0)  # one request at a time: no thread needed
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pygen-chunk") as pool:
                list(pool.map(work, range(workers)))
        return run.outcome()

    def pages(self, pager: Pager[T]) -> Iterator[Page[T]]:
        """The pages of a listing, fetched one at a time as the caller asks for them."""
        while (call := pager.next_call()) is not None:
            yield pager.accept(self.run(call))
