"""Generation runs off the event loop, a bounded number at once, with a bounded queue."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable

import anyio
import httpx
import pytest
from shared_cdf import model_file

from hatch_pygen.service import ServiceSettings, create_app
from hatch_pygen.service._errors import ServiceError
from hatch_pygen.service._jobs import JobRunner

# Every wait below is bounded: a job that never starts fails the test instead of hanging it.
WAIT = 10.0


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    with anyio.move_on_after(WAIT):
        while not condition():
            await anyio.sleep(0.005)
        return
    pytest.fail(f"waited {WAIT} s for {what}")


async def test_no_more_than_the_limit_run_at_once() -> None:
    runner = JobRunner(max_concurrent=2, max_waiting=10)
    running = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()

    def job() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        release.wait(WAIT)
        with lock:
            running -= 1

    async with anyio.create_task_group() as jobs:
        for _ in range(5):
            jobs.start_soon(runner.run, job)
        # Both jobs inside their threads (not merely holding a slot), three more queued.
        await wait_until(lambda: running == 2 and runner.waiting == 3, "two running, three waiting")
        await anyio.sleep(0.05)  # room for a third job to start, were the limit not kept
        release.set()

    assert most == 2
    assert runner.running == runner.waiting == 0


async def test_a_full_queue_turns_a_caller_away_with_503_and_retry_after() -> None:
    runner = JobRunner(max_concurrent=1, max_waiting=0)
    release = threading.Event()

    async with anyio.create_task_group() as jobs:
        jobs.start_soon(runner.run, lambda: release.wait(WAIT))
        await wait_until(lambda: runner.running == 1, "the first job running")
        with pytest.raises(ServiceError) as refused:
            await runner.run(lambda: None)
        release.set()

    assert refused.value.status == 503
    assert refused.value.code == "busy"
    assert refused.value.headers == {"Retry-After": "5"}
    assert (
        refused.value.message
        == "the service is generating 1 SDK(s) with 0 more waiting; try again in 5 seconds"
    )


async def test_the_event_loop_answers_while_a_job_runs() -> None:
    runner = JobRunner(max_concurrent=1, max_waiting=0)
    release = threading.Event()
    started = threading.Event()

    def long_job() -> str:
        started.set()
        release.wait(WAIT)
        return "done"

    results: list[str] = []

    async def run_long_job() -> None:
        results.append(await runner.run(long_job))

    async with anyio.create_task_group() as jobs:
        jobs.start_soon(run_long_job)
        await wait_until(started.is_set, "the job started")
        await anyio.sleep(0)  # the loop is free: this line runs while the job holds its thread
        assert results == []
        release.set()

    assert results == ["done"]


async def test_a_busy_service_answers_503_through_http() -> None:
    app = create_app(ServiceSettings(max_concurrent_jobs=1, max_waiting_jobs=0))
    release = threading.Event()
    runner: JobRunner = app.state.jobs
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://service") as client,
        anyio.create_task_group() as jobs,
    ):
        jobs.start_soon(runner.run, lambda: release.wait(WAIT))
        await wait_until(lambda: runner.running == 1, "the slot taken")
        health = await client.get("/v1/health")
        busy = await client.post("/v1/generate", content=b"space: s")
        release.set()

    assert health.status_code == 200
    assert busy.status_code == 503, busy.text
    assert busy.headers["retry-after"] == "5"
    assert busy.json()["error"] == "busy"


async def test_a_busy_service_turns_an_upload_away_before_reading_it() -> None:
    app = create_app(ServiceSettings(max_concurrent_jobs=1, max_waiting_jobs=0))
    release = threading.Event()
    runner: JobRunner = app.state.jobs
    pulled: list[bytes] = []

    async def upload() -> AsyncIterator[bytes]:
        for chunk in (b"space: s\n", b"externalId: m\n"):
            pulled.append(chunk)
            yield chunk

    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://service") as client,
        anyio.create_task_group() as jobs,
    ):
        jobs.start_soon(runner.run, lambda: release.wait(WAIT))
        await wait_until(lambda: runner.running == 1, "the slot taken")
        busy = await client.post("/v1/generate", content=upload())
        release.set()

    assert busy.status_code == 503, busy.text
    assert pulled == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_body_bytes": 0}, "max_body_bytes must be at least 1, got 0"),
        ({"max_concurrent_jobs": 0}, "max_concurrent_jobs must be at least 1, got 0"),
        ({"max_waiting_jobs": -1}, "max_waiting_jobs must be 0 or more, got -1"),
    ],
)
def test_settings_refuse_limits_that_make_no_sense(settings: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServiceSettings(**settings)  # type: ignore[arg-type]  # only int limits are passed here


async def test_generations_side_by_side_give_what_each_gives_alone() -> None:
    requests = [
        (model_file("WindTurbine"), {"format": "zip"}),
        (model_file("WindTurbine"), {"format": "wheel"}),
        (model_file("Pumps"), {"format": "json"}),
        (model_file("Omni"), {"format": "zip", "package": "omni"}),
        (model_file("Pumps"), {"format": "wheel", "package": "pumps"}),
        (model_file("OmniSub"), {"format": "json", "language": "ir-json"}),
    ]
    app = create_app(ServiceSettings(max_concurrent_jobs=4))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://service", timeout=120
    ) as client:

        async def ask(index: int) -> bytes:
            path, params = requests[index]
            answer = await client.post("/v1/generate", content=path.read_bytes(), params=params)
            assert answer.status_code == 200, answer.text
            return answer.content

        alone = [await ask(index) for index in range(len(requests))]
        together: list[bytes] = [b""] * len(requests)

        async def ask_into(index: int) -> None:
            together[index] = await ask(index)

        async with anyio.create_task_group() as group:
            for index in range(len(requests)):
                group.start_soon(ask_into, index)

    assert together == alone
