"""What a split call keeps while it runs: chunks are taken from their source only as places to
send them free up, an answered chunk's body is let go before the next chunk is sent, and a
failure still accounts for the items of every chunk (answered, failed, never taken)."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from pygen_runtime._api._calls import Call, Chunk
from werkzeug import Response

from pygen_runtime import CDFBadRequestError, InvalidArgumentError

INSTANCES = "/models/instances"


class Body(dict[str, Any]):
    """A request body that a weak reference can follow (a plain dict cannot be)."""


def node_items(chunk: int, size: int = 3) -> list[dict[str, Any]]:
    return [
        {"instanceType": "node", "space": "plant", "externalId": f"pump-{chunk}-{n}"} for n in range(size)
    ]


def external_ids(body: Any) -> list[str]:
    return [item["externalId"] for item in body["items"]]


def applied(recorded: Any) -> Response:
    items = [
        {**item, "version": 1, "wasModified": True, "createdTime": 1, "lastUpdatedTime": 1}
        for item in recorded.body["items"]
    ]
    return Response(json.dumps({"items": items}), content_type="application/json")


def run_chunks(client: Any, chunks: Iterator[Chunk[str]]) -> Any:
    """The shell's ``run_chunks`` (awaitable for the async client)."""
    return client.instances._http.run_chunks(chunks)


class ChunkSource:
    """Apply chunks built one at a time, as a generator of chunks would build them; each body is
    watched through a weak reference, and the source records how many bodies were built."""

    def __init__(self, count: int, *, broken_at: int | None = None) -> None:
        self.count = count
        self.broken_at = broken_at
        self.bodies: list[weakref.ref[Body]] = []

    def __iter__(self) -> Iterator[Chunk[str]]:
        for index in range(self.count):
            if index == self.broken_at:
                raise InvalidArgumentError(f"chunk {index} cannot be built")
            items = node_items(index)
            body = Body(items=items, autoCreateDirectRelations=True)
            self.bodies.append(weakref.ref(body))
            yield Chunk(Call("POST", INSTANCES, external_ids, body=body, kind="apply"), items)

    def alive(self) -> list[bool]:
        gc.collect()
        return [body() is not None for body in self.bodies]


def test_an_answered_chunk_is_let_go_before_the_next_is_sent(cdf: Any, run: Any) -> None:
    source = ChunkSource(4)
    seen: list[tuple[int, list[bool]]] = []

    def record(recorded: Any) -> Response:
        # What the client still holds when each request arrives: built bodies, and which live.
        seen.append((len(source.bodies), source.alive()))
        return applied(recorded)

    cdf.on("POST", INSTANCES, record)

    results = run(lambda client: run_chunks(client, iter(source)), max_concurrent_applies=1)

    assert results == [f"pump-{chunk}-{n}" for chunk in range(4) for n in range(3)]
    # One request at a time: each body is built when its chunk is taken, and the earlier ones
    # are gone by then (the body in flight is alive).
    assert seen == [
        (1, [True]),
        (2, [False, True]),
        (3, [False, False, True]),
        (4, [False, False, False, True]),
    ]
    assert source.alive() == [False] * 4


def test_no_more_bodies_are_alive_than_requests_may_be_in_flight(cdf: Any, run: Any) -> None:
    source = ChunkSource(6)
    alive_when_sent: list[int] = []

    def record(recorded: Any) -> Response:
        alive_when_sent.append(sum(source.alive()))
        return applied(recorded)

    cdf.on("POST", INSTANCES, record, delay=0.05)

    results = run(lambda client: run_chunks(client, iter(source)), max_concurrent_applies=2)

    assert len(results) == 18
    assert cdf.max_in_flight[INSTANCES] == 2
    # Each of the two workers holds at most the chunk it is sending (or has just taken).
    assert len(alive_when_sent) == 6
    assert max(alive_when_sent) <= 2, alive_when_sent


def test_a_failure_accounts_for_answered_failed_and_never_taken_chunks(cdf: Any, run: Any) -> None:
    def second_fails(recorded: Any) -> Response:
        if external_ids(recorded.body)[0] == "pump-1-0":
            refused: Response = cdf.error(400, "Invalid value for property serial")
            return refused
        return applied(recorded)

    cdf.on("POST", INSTANCES, second_fails)
    source = ChunkSource(4)

    with pytest.raises(CDFBadRequestError) as caught:
        run(lambda client: run_chunks(client, iter(source)), max_concurrent_applies=1)

    error = caught.value
    assert error.succeeded == external_ids({"items": node_items(0)})
    assert error.failed == node_items(1)
    # The chunks never taken are built afterwards, for their items only, and never sent.
    assert error.skipped == node_items(2) + node_items(3)
    assert len(cdf.sent(INSTANCES)) == 2


def test_a_chunk_that_cannot_be_built_after_a_failure_leaves_the_failure_to_tell(cdf: Any, run: Any) -> None:
    def first_fails(recorded: Any) -> Response:
        refused: Response = cdf.error(400, "Invalid value for property serial")
        return refused

    cdf.on("POST", INSTANCES, first_fails)
    source = ChunkSource(4, broken_at=2)

    with pytest.raises(CDFBadRequestError) as caught:
        run(lambda client: run_chunks(client, iter(source)), max_concurrent_applies=1)

    # Chunk 1 was never sent and is accounted for; chunk 2 could not be built, so neither it
    # nor what came after can be named.
    assert caught.value.failed == node_items(0)
    assert caught.value.skipped == node_items(1)


def test_a_chunk_that_cannot_be_built_stops_the_call_with_its_error(cdf: Any, run: Any) -> None:
    cdf.on("POST", INSTANCES, applied)
    source = ChunkSource(4, broken_at=2)

    with pytest.raises(InvalidArgumentError, match="chunk 2 cannot be built"):
        run(lambda client: run_chunks(client, iter(source)), max_concurrent_applies=1)

    assert [external_ids(request.body)[0] for request in cdf.sent(INSTANCES)] == ["pump-0-0", "pump-1-0"]


def test_an_empty_source_sends_nothing(cdf: Any, run: Any) -> None:
    assert run(lambda client: run_chunks(client, iter(ChunkSource(0)))) == []
    assert cdf.sent() == []
