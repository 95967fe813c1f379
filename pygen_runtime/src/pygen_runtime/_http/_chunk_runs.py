"""The bookkeeping of one split call, shared by both shells: which chunk goes next, what came
back, and what to say when a chunk fails.

Chunks are taken from their source one at a time, when a place to send one frees up, so a
source that builds each chunk's body as it is asked for (a generator) never has more bodies
alive than requests in flight. Once a chunk is answered nothing of it is kept but its result:
its call, body and inputs are let go, so that a call of many chunks does not hold every request
body until the last answer. Only the inputs of chunks that failed or were never sent are kept,
for the error that accounts for every item.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any, Generic, TypeVar

from pygen_runtime._api._calls import Call, Chunk, combine_chunk_results

__all__ = ["ChunkRun"]

T = TypeVar("T")


def _not_sent(body: Any) -> list[Any]:  # pragma: no cover - a spent chunk is never sent
    raise AssertionError("a spent chunk stands in for one already answered or never built")


# What stands in for a chunk once only its inputs matter (see ``ChunkRun.outcome``).
_SPENT: Call[list[Any]] = Call("POST", "", _not_sent)


class ChunkRun(Generic[T]):
    """One run of a split call's chunks. ``take()`` hands out the next chunk's index and call
    (None when there are no more, or after a failure); each is reported back with ``answered`` or
    ``failed``; ``outcome()`` gives the results in order, or raises the first failure, told what
    happened to every item.

    Safe to use from several threads: the sync shell's workers take chunks concurrently.
    """

    def __init__(self, chunks: Iterable[Chunk[T]]) -> None:
        self._source = iter(chunks)
        # Per chunk taken, in order: its inputs until it is answered, then an empty tuple.
        self._inputs: list[Sequence[Any]] = []
        self._results: list[list[T] | None] = []
        self._errors: dict[int, BaseException] = {}
        self._lock = threading.Lock()
        self._stopped = False

    def take(self) -> tuple[int, Call[list[T]]] | None:
        """The next chunk to send, or None: the source is used up, or a chunk failed (no further
        chunk is started after a failure). A source that raises stops the run with its error."""
        with self._lock:
            if self._stopped:
                return None
            index = len(self._inputs)
            try:
                chunk = next(self._source, None)
            except Exception as error:
                # Building this chunk failed (e.g. a body JSON cannot carry): nothing of it was sent.
                self._inputs.append(())
                self._results.append(None)
                self._errors[index] = error
                self._stopped = True
                return None
            if chunk is None:
                return None
            self._inputs.append(chunk.inputs)
            self._results.append(None)
            return index, chunk.call

    def answered(self, index: int, result: list[T]) -> None:
        with self._lock:
            self._results[index] = result
            self._inputs[index] = ()

    def failed(self, index: int, error: BaseException) -> None:
        with self._lock:
            self._errors[index] = error
            self._stopped = True

    def outcome(self) -> list[T]:
        """Every result in input order; or, after a failure, the first error, with what came back,
        what failed and what was not sent (the chunks left in the source included)."""
        with self._lock:
            if self._errors:
                self._take_the_rest()
            chunks: list[Chunk[T]] = [Chunk(_SPENT, inputs) for inputs in self._inputs]
            return combine_chunk_results(chunks, self._results, self._errors)

    def _take_the_rest(self) -> None:
        while True:
            try:
                chunk = next(self._source, None)
            except Exception:
                return  # the rest cannot be built: the first error is the one to raise anyway
            if chunk is None:
                return
            self._inputs.append(chunk.inputs)
            self._results.append(None)
