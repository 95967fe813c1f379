"""Instance writes pause the cyclic garbage collector and always restore it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import httpx
import pytest
from pygen_runtime.testing import Emulator
from pygen_runtime.testing._gc_pause import collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_nested_pauses_turn_the_collector_back_on_when_the_outermost_ends() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_back_on_after_a_block_that_raises() -> None:
    with pytest.raises(ValueError, match="boom"), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_overlapping_pauses_in_threads_share_one_pause() -> None:
    inside = threading.Barrier(2, timeout=10)
    first_left = threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            inside.wait()
        first_left.set()

    def second() -> None:
        with collector_paused():
            inside.wait()
            first_left.wait(timeout=10)
            seen.append(gc.isenabled())  # the first is out, this one still writes

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_write_requests_leave_the_collector_on_whether_they_succeed_or_fail() -> None:
    emulator = Emulator(project="p")
    emulator.load_model({"spaces": [{"space": "s"}]})
    node = {"instanceType": "node", "space": "s", "externalId": "n1"}
    with httpx.Client(transport=emulator.transport(), base_url=emulator.api_url()) as client:
        assert client.post("/models/instances", json={"items": [node]}).status_code == 200
        assert gc.isenabled()
        assert (
            client.post("/models/instances", json={"items": [{**node, "space": "nope"}]}).status_code == 400
        )
        assert gc.isenabled()
    assert emulator.load_instances([{**node, "externalId": "n2"}]) == 1
    assert gc.isenabled()
