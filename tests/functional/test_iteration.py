"""10,000 nodes written through each golden SDK and read back by ``iterate``: each exactly once,
also while the emulator answers listings with 429s and 503s, and when resumed from a cursor."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from functional_clients import emulator_for, golden_sdk, typed_client
from pygen_runtime.testing import Emulator, Fault

NODE_COUNT = 10_000
SPACE = "bulk-instances"


@dataclass(frozen=True)
class Case:
    """One SDK: how to write node ``number`` through it, the API to read them with, and which
    typed filter keeps a known part of them (with the plain-Python rule for that part)."""

    model: str
    package: str
    client: str
    api: str
    write: Callable[[ModuleType, int], Any]
    filters: dict[str, Any]
    kept: Callable[[int], bool]


CASES = [
    Case(
        "Omni",
        "omni_sdk",
        "OmniClient",
        "primitive_nullable",
        lambda sdk, n: sdk.PrimitiveNullableWrite(external_id=f"node-{n:05d}", int32=n, boolean=n % 3 == 0),
        {"boolean": True},
        lambda n: n % 3 == 0,
    ),
    Case(
        "CogniteCore",
        "cognite_core_sdk",
        "CogniteCoreClient",
        "cognite_asset",
        lambda sdk, n: sdk.CogniteAssetWrite(external_id=f"node-{n:05d}", name=f"asset {n % 7}"),
        {"name": "asset 3"},
        lambda n: n % 7 == 3,
    ),
    Case(
        "WindTurbine",
        "wind_turbine_sdk",
        "WindTurbineClient",
        "wind_turbine",
        lambda sdk, n: sdk.WindTurbineWrite(external_id=f"node-{n:05d}", capacity=float(n % 10)),
        {"min_capacity": 7.5},
        lambda n: n % 10 >= 7.5,
    ),
]


@dataclass
class Bulk:
    case: Case
    emulator: Emulator
    api: Any
    written: list[str]


@pytest.fixture(scope="module", params=CASES, ids=[case.model for case in CASES])
def bulk(request: pytest.FixtureRequest) -> Iterator[Bulk]:
    case: Case = request.param
    with golden_sdk(case.model, case.package) as sdk:
        emulator = emulator_for(case.model, f"bulk-{case.package}".replace("_", "-"))
        with typed_client(getattr(sdk, case.client), emulator, SPACE) as client:
            items = [case.write(sdk, number) for number in range(NODE_COUNT)]
            client.upsert(items)
            yield Bulk(case, emulator, getattr(client, case.api), [item.external_id for item in items])


def seen_in(chunks: Iterator[Any], chunk_size: int) -> Counter[str]:
    seen: Counter[str] = Counter()
    for chunk in chunks:
        assert 0 < len(chunk) <= chunk_size
        seen.update(item.external_id for item in chunk)
    return seen


def test_iterate_yields_every_node_exactly_once(bulk: Bulk) -> None:
    seen = seen_in(bulk.api.iterate(chunk_size=1000), 1000)
    assert sorted(seen) == sorted(bulk.written)
    assert set(seen.values()) == {1}


def test_iterate_with_a_typed_filter_yields_the_matching_nodes_once(bulk: Bulk) -> None:
    seen = seen_in(bulk.api.iterate(chunk_size=700, **bulk.case.filters), 700)
    expected = sorted(f"node-{number:05d}" for number in range(NODE_COUNT) if bulk.case.kept(number))
    assert sorted(seen) == expected
    assert set(seen.values()) == {1}


def test_iterate_resumed_from_a_cursor_continues_after_the_last_chunk(bulk: Bulk) -> None:
    first: Counter[str] = Counter()
    chunks = bulk.api.iterate(chunk_size=1000)
    cursor = None
    for _ in range(3):
        chunk = next(chunks)
        first.update(item.external_id for item in chunk)
        cursor = chunk.next_cursor
    assert cursor is not None
    rest = seen_in(bulk.api.iterate(chunk_size=1000, cursor=cursor), 1000)
    assert sorted(first + rest) == sorted(bulk.written)
    assert set((first + rest).values()) == {1}


def test_iterate_survives_injected_429s_and_503s_without_losing_or_repeating_a_node(bulk: Bulk) -> None:
    rate_limited = bulk.emulator.faults.add(
        Fault.rate_limited(0, endpoint="/models/instances/list", probability=0.2)
    )
    unavailable = bulk.emulator.faults.add(
        Fault.server_error(503, endpoint="/models/instances/list", probability=0.2)
    )
    try:
        seen = seen_in(bulk.api.iterate(chunk_size=500), 500)
    finally:
        fired = bulk.emulator.faults.fired(rate_limited), bulk.emulator.faults.fired(unavailable)
        bulk.emulator.faults.clear()
    assert sorted(seen) == sorted(bulk.written)
    assert set(seen.values()) == {1}
    assert min(fired) > 0, f"429s and 503s fired {fired}; the test needs both"


def test_list_without_limit_and_aggregate_count_see_every_node(bulk: Bulk) -> None:
    listed = bulk.api.list(limit=None)
    assert len(listed) == NODE_COUNT
    assert len({item.external_id for item in listed}) == NODE_COUNT
    assert bulk.api.aggregate("count")[0].value("count") == NODE_COUNT
