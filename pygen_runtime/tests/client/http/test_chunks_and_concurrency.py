"""Calls larger than one request: split to CDF's limits, sent concurrently within the configured
limits (the server counts requests in flight), results in input order, failures accounted for."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from pygen_runtime.schema import EdgeId, NodeApply, NodeId, NodeOrEdgeData, Space, ViewId
from werkzeug import Response

from pygen_runtime import CDFBadRequestError, CDFClient

INSTANCES = "/models/instances"
PUMP = ViewId(space="plant", external_id="Pump", version="1")


def nodes(count: int, prefix: str = "pump") -> list[NodeApply]:
    return [
        NodeApply(
            space="plant",
            external_id=f"{prefix}-{n}",
            sources=[NodeOrEdgeData(source=PUMP, properties={"serial": n})],
        )
        for n in range(count)
    ]


def applied(recorded: Any) -> Response:
    """CDF's answer to an apply: every item, version 1, modified."""
    items = [
        {
            "instanceType": item["instanceType"],
            "space": item["space"],
            "externalId": item["externalId"],
            "version": 1,
            "wasModified": True,
            "createdTime": 1,
            "lastUpdatedTime": 1,
        }
        for item in recorded.body["items"]
    ]
    return Response(json.dumps({"items": items}), content_type="application/json")


def deleted(recorded: Any) -> Response:
    return Response(json.dumps({"items": recorded.body["items"]}), content_type="application/json")


def test_2500_items_are_applied_in_three_requests_and_returned_in_order(cdf: Any, run: Any) -> None:
    cdf.on("POST", INSTANCES, applied)
    items = nodes(2500)

    results = run(lambda client: client.instances.apply(items))

    sizes = sorted((len(request.body["items"]) for request in cdf.sent(INSTANCES)), reverse=True)
    assert sizes == [1000, 1000, 500]
    assert [result.external_id for result in results] == [item.external_id for item in items]
    first = cdf.sent(INSTANCES)[0].body
    assert first["autoCreateDirectRelations"] is True
    assert first["skipOnVersionConflict"] is False


def test_applies_never_exceed_the_concurrency_limit(cdf: Any, run: Any) -> None:
    # Long enough that all four requests of a wave overlap even on a busy machine (at 0.3 s a
    # loaded 2-core machine once built the fourth body only after the first answer came back).
    cdf.on("POST", INSTANCES, applied, delay=1.0)

    run(lambda client: client.instances.apply(nodes(6000)))

    assert len(cdf.sent(INSTANCES)) == 6
    assert cdf.max_in_flight[INSTANCES] == 4  # the default, CDF's project limit


def test_deletes_never_exceed_their_own_lower_limit(cdf: Any, run: Any) -> None:
    cdf.on("POST", f"{INSTANCES}/delete", deleted, delay=0.6)
    ids = [NodeId(space="plant", external_id=f"pump-{n}") for n in range(4000)]
    ids += [EdgeId(space="plant", external_id=f"link-{n}") for n in range(1000)]

    removed = run(lambda client: client.instances.delete(ids))

    assert len(cdf.sent(f"{INSTANCES}/delete")) == 5
    assert cdf.max_in_flight[f"{INSTANCES}/delete"] == 2
    assert removed == ids
    kinds = {
        item["instanceType"] for request in cdf.sent(f"{INSTANCES}/delete") for item in request.body["items"]
    }
    assert kinds == {"node", "edge"}


def test_a_configured_limit_of_one_sends_one_request_at_a_time(cdf: Any, run: Any) -> None:
    cdf.on("POST", INSTANCES, applied, delay=0.02)

    run(lambda client: client.instances.apply(nodes(3000)), max_concurrent_applies=1)

    assert cdf.max_in_flight[INSTANCES] == 1


def test_the_limit_holds_across_threads_sharing_a_client(cdf: Any) -> None:
    cdf.on("POST", INSTANCES, applied, delay=0.3)
    errors: list[BaseException] = []

    with CDFClient(cdf.config(max_concurrent_applies=3)) as client:

        def apply_some(prefix: str) -> None:
            try:
                client.instances.apply(nodes(2000, prefix))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=apply_some, args=(f"t{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert len(cdf.sent(INSTANCES)) == 8
    assert cdf.max_in_flight[INSTANCES] == 3


def test_a_failed_chunk_stops_the_rest_and_the_error_accounts_for_every_item(cdf: Any, run: Any) -> None:
    failure_sent = threading.Event()

    def second_chunk_fails(recorded: Any) -> Response:
        if recorded.body["items"][0]["externalId"] == "pump-1000":
            # Fail once all four chunks the limit allows are in flight, and before any succeeds.
            deadline = time.monotonic() + 5
            while len(cdf.sent(INSTANCES)) < 4 and time.monotonic() < deadline:
                time.sleep(0.005)
            failure_sent.set()
            return cdf.error(400, "Invalid value for property serial")
        failure_sent.wait(timeout=5)
        time.sleep(0.3)
        return applied(recorded)

    cdf.on("POST", INSTANCES, second_chunk_fails)
    items = nodes(5000)

    with pytest.raises(CDFBadRequestError) as caught:
        run(lambda client: client.instances.apply(items), max_concurrent_applies=4)

    error = caught.value
    assert [item.external_id for item in error.failed] == [item.external_id for item in items[1000:2000]]
    assert len(error.succeeded) == 3000
    assert {result.external_id for result in error.succeeded} == {
        item.external_id for item in items[:1000] + items[2000:4000]
    }
    assert error.skipped == items[4000:]
    assert len(cdf.sent(INSTANCES)) == 4
    assert "3000 results came back, 1000 items failed and 1000 were not sent" in str(error)


def test_reads_of_many_ids_are_chunked_too(cdf: Any, run: Any) -> None:
    def found(recorded: Any) -> Response:
        items = [
            {**item, "version": 1, "createdTime": 1, "lastUpdatedTime": 1, "properties": {}}
            for item in recorded.body["items"]
        ]
        return Response(json.dumps({"items": items}), content_type="application/json")

    cdf.on("POST", f"{INSTANCES}/byids", found, delay=0.02)
    ids = [NodeId(space="plant", external_id=f"pump-{n}") for n in range(2500)]

    result = run(lambda client: client.instances.retrieve(ids, sources=[PUMP]))

    assert [node.as_id() for node in result] == ids
    assert sorted(len(request.body["items"]) for request in cdf.sent()) == [500, 1000, 1000]
    assert all(request.body["sources"] == [{"source": PUMP.dump()}] for request in cdf.sent())


def test_schema_items_are_applied_100_at_a_time(cdf: Any, run: Any) -> None:
    def echo(recorded: Any) -> Response:
        items = [
            {**item, "isGlobal": False, "createdTime": 1, "lastUpdatedTime": 1}
            for item in recorded.body["items"]
        ]
        return Response(json.dumps({"items": items}), content_type="application/json")

    cdf.on("POST", "/models/spaces", echo)

    result = run(lambda client: client.spaces.apply([Space(space=f"s{n}") for n in range(250)]))

    assert sorted(len(request.body["items"]) for request in cdf.sent()) == [50, 100, 100]
    assert [space.space for space in result] == [f"s{n}" for n in range(250)]


def test_nothing_to_send_sends_nothing(cdf: Any, run: Any) -> None:
    assert run(lambda client: client.instances.apply([])) == []
    assert run(lambda client: client.spaces.delete([])) == []
    assert cdf.sent() == []
