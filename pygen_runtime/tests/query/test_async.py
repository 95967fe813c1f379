"""Queries with AsyncCDFClient: the same results as with CDFClient, and the event loop stays free."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.query import Query, QueryLimits, ResultItem
from pygen_runtime.schema import ViewId

from pygen_runtime import AsyncCDFClient, ClientConfig, Token

POWER = "sp_pygen_power"
WIND_TURBINE = ViewId(space=POWER, external_id="WindTurbine", version="1")
BLADE = ViewId(space=POWER, external_id="Blade", version="1")
SENSOR_POSITION = ViewId(space=POWER, external_id="SensorPosition", version="1")
METMAST = ViewId(space=POWER, external_id="Metmast", version="1")


def async_client(world: Any) -> AsyncCDFClient:
    emulator = world.emulator
    config = ClientConfig(
        base_url=emulator.base_url,
        project=emulator.project,
        credentials=Token(emulator.issue_token()),
        client_name="query-async-tests",
    )
    return AsyncCDFClient(config, transport=emulator.async_transport())


def shape(items: list[ResultItem]) -> dict[str, Any]:
    return {
        item.node.external_id: {name: shape(connected) for name, connected in item.connections.items()}
        for item in items
    }


def turbines_query() -> Any:
    turbines = Query.nodes(WIND_TURBINE, limit=None)
    blades = turbines.direct("blades", "blades", BLADE)
    blades.reverse("sensor_positions", through=SENSOR_POSITION, property="blade")
    turbines.edges("metmast", ("sp_pygen_power_enterprise", "Distance"), METMAST, max_distance=None)
    return turbines


@pytest.mark.parametrize("plan", ["query", "layered"])
async def test_async_results_equal_the_sync_ones(windturbine: Any, client_of: Any, plan: str) -> None:
    client, _ = client_of(windturbine)
    turbines = turbines_query()
    limits = QueryLimits(page_size=7)
    expected = turbines.execute(client, plan=plan, limits=limits).collect()  # type: ignore[arg-type]

    async with async_client(windturbine) as aclient:
        results = turbines.execute_async(aclient, plan=plan, limits=limits)  # type: ignore[arg-type]
        before = results.truncated
        found = await results.collect()

    assert shape(found) == shape(expected)
    assert len(found) == 20
    assert before == {step.path: False for step in turbines.walk()}
    assert results.requests["list" if plan == "layered" else "query"] >= 3
    assert found.truncated == expected.truncated


async def test_the_event_loop_stays_free_and_an_early_stop_is_clean(windturbine: Any) -> None:
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async with async_client(windturbine) as aclient:
        ticker = asyncio.create_task(ticking())
        results = turbines_query().execute_async(aclient, limits=QueryLimits(page_size=5))
        taken = []
        async for item in results:
            taken.append(item)
            if len(taken) == 6:
                break
        ticker.cancel()
        with pytest.raises(InvalidArgumentError, match="iterated already"):
            async for _ in results.pages():
                pass

    assert len(taken) == 6
    assert ticks > 0
    assert Query.nodes(WIND_TURBINE).execute_async(aclient).requests == {}


def test_a_read_asked_for_after_the_event_loop_closed_is_refused_without_a_stray_coroutine() -> None:
    # A program that stops iterating without closing the results can leave the query's worker
    # asking for a page after the loop is gone: that must raise, not leave a coroutine behind.
    import gc
    import warnings

    from pygen_runtime.query._async import _OnTheLoop

    loop = asyncio.new_event_loop()
    loop.close()
    on_the_loop = _OnTheLoop(api=None, loop=loop)  # type: ignore[arg-type]

    async def never_sent() -> int:
        return 1

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError, match="closed"):
            on_the_loop._wait(never_sent())
        gc.collect()

    assert [str(warning.message) for warning in caught if warning.category is RuntimeWarning] == []
