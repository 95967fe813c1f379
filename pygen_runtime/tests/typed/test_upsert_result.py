"""What ``TypedClient.upsert`` returns and leaves behind: one small frozen ``UpsertedInstance`` per
written node and edge, a clear error for an answer that is not CDF's, the items handed to the
chunks and let go as they are sent, and the garbage collector as it was."""

from __future__ import annotations

import gc
import json
import time
from typing import Any

import httpx
import pytest
from pygen_runtime._api._instances import apply_json_chunks
from pygen_runtime.schema import EdgeId, NodeId, Space
from pygen_runtime.testing import Emulator
from pygen_runtime.typed import UpsertedInstance, UpsertResult
from reference_sdk import BladeWrite, MetmastWrite, WindTurbineClient, WindTurbineWrite
from typed_testbed import INSTANCE_SPACE, make_config

from pygen_runtime import CDFConflictError, CDFResponseError

APPLY = "/models/instances"


def test_each_written_instance_is_an_upserted_instance_with_cdf_s_answer(client: WindTurbineClient) -> None:
    result = client.upsert(
        WindTurbineWrite(external_id="wt-1", name="WT 1", metmast=[MetmastWrite(external_id="mast-1")])
    )

    assert isinstance(result, UpsertResult)
    assert all(isinstance(item, UpsertedInstance) for item in result.items)
    turbine, edge, mast = result.items
    assert (turbine.instance_type, turbine.space, turbine.external_id) == ("node", INSTANCE_SPACE, "wt-1")
    assert (turbine.version, turbine.was_modified) == (1, True)
    assert turbine.created_time == turbine.last_updated_time > 0
    assert turbine.as_id() == NodeId(space=INSTANCE_SPACE, external_id="wt-1")
    assert edge.as_id() == EdgeId(space=INSTANCE_SPACE, external_id=edge.external_id)
    assert result.nodes == [turbine, mast]
    assert result.edges == [edge]
    with pytest.raises(AttributeError):
        turbine.version = 2  # type: ignore[misc]


def test_writing_the_same_again_reports_it_unchanged(client: WindTurbineClient) -> None:
    client.upsert(WindTurbineWrite(external_id="wt-1", name="WT 1"))

    again = client.upsert(WindTurbineWrite(external_id="wt-1", name="WT 1"))

    [item] = again.items
    assert (item.version, item.was_modified) == (1, False)


class DropsVersionFromApplyAnswers(httpx.BaseTransport):
    """The emulator, except that an apply's answer lacks each item's ``version``: an answer
    that is not CDF's."""

    def __init__(self, emulator: Emulator) -> None:
        self._inner = emulator.transport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if request.method != "POST" or not request.url.path.endswith(APPLY):
            return response
        body = json.loads(response.read())
        for item in body["items"]:
            item.pop("version")
        return httpx.Response(response.status_code, json=body)


def test_an_apply_answer_without_versions_is_a_clear_error(emulator: Emulator) -> None:
    transport = DropsVersionFromApplyAnswers(emulator)
    with WindTurbineClient(
        make_config(emulator), instance_space=INSTANCE_SPACE, transport=transport
    ) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))

        with pytest.raises(CDFResponseError) as caught:
            client.upsert(BladeWrite(external_id="blade-1"))

    assert "items[0].version" in str(caught.value)


def no_results(body: Any) -> list[str]:
    return []


def test_the_chunks_take_the_items_over_and_let_each_go_when_it_is_taken() -> None:
    items: list[dict[str, Any]] = [
        {"instanceType": "node", "space": "s", "externalId": f"n-{n}"} for n in range(2500)
    ]

    chunks = apply_json_chunks(
        items,
        no_results,
        auto_create_direct_relations=True,
        auto_create_start_nodes=True,
        auto_create_end_nodes=True,
        skip_on_version_conflict=False,
        replace=False,
    )

    first = next(chunks)
    assert len(items) == 1500  # the first chunk's items are the chunk's alone now
    assert [item["externalId"] for item in first.inputs] == [f"n-{n}" for n in range(1000)]
    assert first.call.body is not None
    assert first.call.body["items"] is first.inputs
    assert [len(chunk.inputs) for chunk in chunks] == [1000, 500]
    assert items == []


def collector_state() -> tuple[bool, int]:
    """Whether the cyclic collector runs, and how many objects are frozen out of its sight.

    A page parsed on another thread (a listing's prefetch left by an earlier test) pauses the
    collector for a moment: wait, within a bound, for it to run again."""
    deadline = time.monotonic() + 5
    while not gc.isenabled() and time.monotonic() < deadline:
        time.sleep(0.01)
    return gc.isenabled(), gc.get_freeze_count()


def test_upsert_leaves_the_collector_as_it_found_it(client: WindTurbineClient) -> None:
    # The emulator's server command, run in this process by an earlier test, freezes what it
    # loaded: start from nothing frozen, so that the upsert's own freezing is what is checked.
    gc.unfreeze()
    assert collector_state() == (True, 0)

    client.upsert([WindTurbineWrite(external_id=f"wt-{n}", name=f"WT {n}") for n in range(1500)])
    assert collector_state() == (True, 0)

    stale = client.wind_turbine.retrieve("wt-1")
    assert stale is not None
    client.upsert(WindTurbineWrite(external_id="wt-1", name="changed"))
    with pytest.raises(CDFConflictError):
        client.upsert(stale.as_write())
    assert collector_state() == (True, 0)


def test_upsert_leaves_objects_another_part_of_the_program_froze_frozen(client: WindTurbineClient) -> None:
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        assert count > 1000

        client.upsert(WindTurbineWrite(external_id="wt-1", name="WT 1"))

        # Still frozen (a few may have been freed since): the upsert did not unfreeze them.
        assert gc.get_freeze_count() > count // 2
    finally:
        gc.unfreeze()
