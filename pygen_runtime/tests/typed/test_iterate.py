"""Listing many nodes: ``iterate`` yields every node exactly once with the next page prefetched,
survives throttling and server errors, resumes from a cursor; long ``in`` filters are split."""

from __future__ import annotations

import time
from typing import Any

import pytest
from pygen_runtime.schema import NodeId
from pygen_runtime.testing import Emulator, Fault, FaultPlan
from pygen_runtime.typed import MAX_IN_FILTER_VALUES
from reference_sdk import BladeWrite, WindTurbineClient, WindTurbineWrite
from typed_testbed import INSTANCE_SPACE, WIND_TURBINE_MODEL, RecordingTransport, make_config

from pygen_runtime import InvalidArgumentError

LIST = "/models/instances/list"
WIND_TURBINE = {"type": "view", "space": "sp_pygen_power", "externalId": "WindTurbine", "version": "1"}


def seed_turbines(emulator: Emulator, count: int) -> list[str]:
    """``count`` wind turbines loaded straight into the emulator; their external ids."""
    external_ids = [f"wt-{index:05d}" for index in range(count)]
    emulator.load_instances(
        [
            {
                "instanceType": "node",
                "space": INSTANCE_SPACE,
                "externalId": external_id,
                "sources": [
                    {
                        "source": WIND_TURBINE,
                        "properties": {"name": f"WT {index}", "capacity": float(index % 10)},
                    }
                ],
            }
            for index, external_id in enumerate(external_ids)
        ]
    )
    return external_ids


def wait_until(condition: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.005)
    return False


def test_iterate_yields_ten_thousand_nodes_each_exactly_once(
    emulator: Emulator, recorded_client: WindTurbineClient, recording: RecordingTransport
) -> None:
    expected = seed_turbines(emulator, 10_000)

    seen = [turbine.external_id for chunk in recorded_client.wind_turbine.iterate(1000) for turbine in chunk]

    assert len(seen) == 10_000
    assert sorted(seen) == expected
    # Ten full pages; CDF may answer one more, empty, page for the last cursor.
    assert len(recording.sent(LIST)) in (10, 11)
    assert all(request.body["limit"] == 1000 for request in recording.sent(LIST))


def test_iterate_requests_the_next_chunk_while_the_caller_holds_the_current_one(
    emulator: Emulator, recorded_client: WindTurbineClient, recording: RecordingTransport
) -> None:
    seed_turbines(emulator, 3000)
    chunks = recorded_client.wind_turbine.iterate(1000)

    first = next(chunks)
    prefetched = wait_until(lambda: len(recording.sent(LIST)) == 2)
    time.sleep(0.05)  # long enough for a third request, if the cursor ran ahead
    in_flight_after_first = len(recording.sent(LIST))
    rest = list(chunks)

    assert len(first) == 1000
    assert prefetched
    assert in_flight_after_first == 2
    assert [len(chunk) for chunk in rest] == [1000, 1000]


def test_iterate_stops_requests_when_the_caller_stops(
    emulator: Emulator, recorded_client: WindTurbineClient, recording: RecordingTransport
) -> None:
    seed_turbines(emulator, 5000)
    chunks = recorded_client.wind_turbine.iterate(1000)

    next(chunks)
    chunks.close()  # type: ignore[attr-defined]
    time.sleep(0.05)

    assert len(recording.sent(LIST)) <= 2


def test_iterate_survives_rate_limits_and_server_errors() -> None:
    # A seeded plan: the same requests meet the same faults on every run.
    emulator = Emulator(project="faulty", faults=FaultPlan(seed=7))
    emulator.load_model(WIND_TURBINE_MODEL)
    expected = seed_turbines(emulator, 10_000)
    throttled = emulator.faults.add(Fault.rate_limited(0, endpoint=LIST, probability=0.3, times=6))
    failing = emulator.faults.add(Fault.server_error(503, endpoint=LIST, probability=0.3, times=6))
    config = make_config(emulator, max_retries=12)

    with WindTurbineClient(config, instance_space=INSTANCE_SPACE, transport=emulator.transport()) as client:
        seen = [turbine.external_id for chunk in client.wind_turbine.iterate(1000) for turbine in chunk]

    assert sorted(seen) == expected
    assert emulator.faults.fired(throttled) > 0
    assert emulator.faults.fired(failing) > 0


def test_iterate_resumes_from_a_chunks_cursor(emulator: Emulator, client: WindTurbineClient) -> None:
    expected = seed_turbines(emulator, 2500)
    first_run = client.wind_turbine.iterate(1000)
    first = next(first_run)
    cursor = first.next_cursor
    first_run.close()  # type: ignore[attr-defined]

    assert cursor is not None
    resumed = [
        turbine.external_id for chunk in client.wind_turbine.iterate(1000, cursor=cursor) for turbine in chunk
    ]

    assert sorted([turbine.external_id for turbine in first] + resumed) == expected


def test_iterate_honours_limit_and_typed_filters(emulator: Emulator, client: WindTurbineClient) -> None:
    seed_turbines(emulator, 3000)

    chunks = list(client.wind_turbine.iterate(400, limit=1000, min_capacity=5.0))

    assert [len(chunk) for chunk in chunks] == [400, 400, 200]
    assert all(
        turbine.capacity is not None and turbine.capacity >= 5.0 for chunk in chunks for turbine in chunk
    )


def test_list_without_limit_reads_every_page(emulator: Emulator, client: WindTurbineClient) -> None:
    seed_turbines(emulator, 2100)

    assert len(client.wind_turbine.list(limit=None)) == 2100
    assert len(client.wind_turbine.list()) == 25


def test_a_long_in_filter_is_split_into_requests_of_at_most_the_maximum(
    emulator: Emulator, recorded_client: WindTurbineClient, recording: RecordingTransport
) -> None:
    seed_turbines(emulator, 3000)
    wanted = [f"WT {index}" for index in range(0, 6000, 2)]  # 3000 names, 1500 of them exist

    found = recorded_client.wind_turbine.list(name=wanted, limit=None)

    assert len(found) == 1500
    assert sorted(turbine.name or "" for turbine in found) == sorted(
        f"WT {index}" for index in range(0, 3000, 2)
    )
    slices = {_in_values(request.body["filter"]) for request in recording.sent(LIST)}
    assert sorted(len(values) for values in slices) == [MAX_IN_FILTER_VALUES] * 3
    assert sorted(value for values in slices for value in values) == sorted(wanted)


def _in_values(filter: dict[str, Any]) -> tuple[str, ...]:
    [values] = [part["in"]["values"] for part in filter["and"] if "in" in part]
    return tuple(values)


def test_split_contains_any_returns_each_node_once(client: WindTurbineClient) -> None:
    blades = [f"blade-{index}" for index in range(2 * MAX_IN_FILTER_VALUES)]
    client.upsert(
        [
            # Its blades fall into both slices of the split filter.
            WindTurbineWrite(
                external_id="wt-a", blades=[(INSTANCE_SPACE, blades[0]), (INSTANCE_SPACE, blades[-1])]
            ),
            WindTurbineWrite(external_id="wt-b", blades=[BladeWrite(external_id=blades[5])]),
            WindTurbineWrite(external_id="wt-c", blades=[BladeWrite(external_id="other-blade")]),
        ]
    )

    found = client.wind_turbine.list(blades_contains_any=blades, limit=None)

    assert sorted(turbine.external_id for turbine in found) == ["wt-a", "wt-b"]


def test_split_filters_cannot_be_sorted_resumed_searched_or_aggregated(client: WindTurbineClient) -> None:
    many = [f"WT {index}" for index in range(MAX_IN_FILTER_VALUES + 1)]

    with pytest.raises(InvalidArgumentError, match="cannot be sorted together"):
        client.wind_turbine.list(name=many, sort_by="name")
    with pytest.raises(InvalidArgumentError, match="a cursor cannot resume"):
        client.wind_turbine.iterate(name=many, cursor="abc")
    with pytest.raises(InvalidArgumentError, match="search takes 'in' filters of at most"):
        client.wind_turbine.search("WT", name=many)
    with pytest.raises(InvalidArgumentError, match="aggregate takes 'in' filters of at most"):
        client.wind_turbine.aggregate("count", name=many)


def test_retrieve_connections_split_long_id_lists(emulator: Emulator, client: WindTurbineClient) -> None:
    external_ids = seed_turbines(emulator, MAX_IN_FILTER_VALUES + 10)
    client.upsert(BladeWrite(external_id="lonely-blade"))

    turbines = client.wind_turbine.list(limit=None, retrieve_connections="identifier")

    assert len(turbines) == len(external_ids)
    assert all(turbine.metmast == [] for turbine in turbines)


def test_iterate_fills_each_chunks_connections_before_handing_it_out(client: WindTurbineClient) -> None:
    client.upsert(
        [
            WindTurbineWrite(
                external_id=f"wt-{index}",
                blades=[BladeWrite(external_id=f"wt-{index}-blade-{blade}") for blade in range(2)],
            )
            for index in range(5)
        ]
    )
    full = list(client.wind_turbine.iterate(2, external_id_prefix="wt-", retrieve_connections="full"))
    skipped = list(client.wind_turbine.iterate(2))

    assert [len(chunk) for chunk in full] == [2, 2, 1]
    for chunk in full:
        for turbine in chunk:
            assert [type(blade).__name__ for blade in turbine.blades or []] == ["Blade", "Blade"]
            assert turbine.metmast == []
    assert all(
        isinstance(blade, NodeId) for chunk in skipped for turbine in chunk for blade in turbine.blades or []
    )
    assert all(turbine.metmast is None for chunk in skipped for turbine in chunk)
    with pytest.raises(InvalidArgumentError, match="retrieve_connections must be"):
        client.wind_turbine.iterate(retrieve_connections="all")  # type: ignore[arg-type]


def test_typed_listings_and_searches_ask_for_typing_so_their_pages_can_be_read_from_bytes(
    emulator: Emulator,
) -> None:
    # The fast page reader vouches for a page only when CDF's typing names no property the SDK
    # does not know (pygen_runtime.typed._page_reader); the nodes are the same either way.
    external_ids = seed_turbines(emulator, 25)
    recording = RecordingTransport(emulator)
    with WindTurbineClient(
        make_config(emulator), instance_space=INSTANCE_SPACE, transport=recording
    ) as client:
        pages = list(client.wind_turbine.iterate(chunk_size=10))
        listed = client.wind_turbine.list(limit=None)
        found = client.wind_turbine.search("WT", limit=1000)

    assert [[turbine.external_id for turbine in page] for page in pages] == [
        external_ids[0:10],
        external_ids[10:20],
        external_ids[20:25],
    ]
    assert [turbine.name for turbine in listed] == [f"WT {index}" for index in range(25)]
    assert {turbine.model_extra == {} for turbine in listed} == {True}
    assert [request.body.get("includeTyping") for request in recording.sent(LIST)] == [True] * 4
    assert sorted(turbine.external_id for turbine in found) == external_ids
    assert {turbine.model_extra == {} for turbine in found} == {True}
    assert [request.body.get("includeTyping") for request in recording.sent("/models/instances/search")] == [
        True
    ]
