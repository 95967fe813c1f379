"""Timeouts (HTTP 408, or no answer in time) halve the page size and the request is sent again;
other errors and timeouts at the smallest page size reach the caller."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
import pytest
from pygen_runtime.errors import CDFAPIError
from pygen_runtime.query import Query, QueryLimits
from pygen_runtime.schema import ViewId
from pygen_runtime.testing import Fault

from pygen_runtime import CDFClient, ClientConfig, Token

POWER = "sp_pygen_power"
WIND_TURBINE = ViewId(space=POWER, external_id="WindTurbine", version="1")
BLADE = ViewId(space=POWER, external_id="Blade", version="1")
SENSOR_POSITION = ViewId(space=POWER, external_id="SensorPosition", version="1")


def turbines_with_sensors() -> Any:
    turbines = Query.nodes(WIND_TURBINE, limit=None)
    turbines.direct("blades", "blades", BLADE).reverse(
        "sensor_positions", through=SENSOR_POSITION, property="blade"
    )
    return turbines


def test_a_408_halves_the_page_size_and_the_answer_is_complete(
    fresh_windturbine: Any, client_of: Any
) -> None:
    fresh_windturbine.emulator.faults.add(Fault.server_error(408, endpoint="/models/instances/list", times=2))
    client, transport = client_of(fresh_windturbine)

    results = turbines_with_sensors().execute(client, limits=QueryLimits(page_size=100)).collect()

    assert len(results) == 20
    assert (
        sum(len(blade.connections["sensor_positions"]) for t in results for blade in t.connections["blades"])
        == 120
    )
    sizes = [body["limit"] for body in transport.bodies_of("list")]
    # Two refusals at 100 and 50, then the turbines at 25 a page and the sensors at 25 a page.
    assert sizes[:3] == [100, 50, 25]
    assert set(sizes[3:]) == {25}
    assert results.is_complete


def test_a_408_at_the_smallest_page_size_is_raised(fresh_windturbine: Any, client_of: Any) -> None:
    fresh_windturbine.emulator.faults.add(Fault.server_error(408, endpoint="/models/instances/list"))
    client, transport = client_of(fresh_windturbine)

    with pytest.raises(CDFAPIError) as caught:
        turbines_with_sensors().execute(client, limits=QueryLimits(page_size=40, min_page_size=10)).collect()

    assert caught.value.status == 408
    assert [body["limit"] for body in transport.bodies_of("list")] == [40, 20, 10]


def test_other_errors_are_not_retried_by_the_query(fresh_windturbine: Any, client_of: Any) -> None:
    fresh_windturbine.emulator.faults.add(
        Fault.server_error(400, endpoint="/models/instances/byids", times=1)
    )
    client, transport = client_of(fresh_windturbine)

    with pytest.raises(CDFAPIError) as caught:
        turbines_with_sensors().execute(client).collect()

    assert caught.value.status == 400
    assert transport.counts["byids"] == 1


class AnswerTooLate(httpx.BaseTransport):
    """The emulator's transport behind a network that lets the first ``times`` query requests
    time out (what httpx raises when no answer comes within the timeout)."""

    def __init__(self, inner: httpx.BaseTransport, times: int) -> None:
        self.inner = inner
        self.times = times
        self.limits: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/query"):
            body = json.loads(
                gzip.decompress(request.read()) if request.headers.get("content-encoding") else request.read()
            )
            self.limits.append(body["with"]["s0"]["limit"])
            if self.times:
                self.times -= 1
                raise httpx.ReadTimeout("no answer within the timeout", request=request)
        return self.inner.handle_request(request)


def test_no_answer_in_time_halves_the_page_size_too(fresh_windturbine: Any) -> None:
    emulator = fresh_windturbine.emulator
    turbines = Query.nodes(WIND_TURBINE, limit=20)
    turbines.direct("blades", "blades", BLADE)
    network = AnswerTooLate(emulator.transport(), times=2)
    config = ClientConfig(
        base_url=emulator.base_url,
        project=emulator.project,
        credentials=Token(emulator.issue_token()),
        client_name="query-tests",
        max_retries=0,
    )

    with CDFClient(config, transport=network) as client:
        results = turbines.execute(client, limits=QueryLimits(page_size=32))
        items = list(results)

    assert len(items) == 20
    assert all(len(item.connections["blades"]) == 3 for item in items)
    # The 20 turbines (and one more, to see whether the limit cuts) at once, then 16, time out;
    # then the page size is 8, below the smallest page size (10), so the turbines come 10 a page.
    assert network.limits == [21, 16, 10, 10]
    assert results.requests["query"] == 4
