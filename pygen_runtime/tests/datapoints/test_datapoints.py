"""client.datapoints against the emulator: raw and aggregated reads, cursors, limits, errors."""

from __future__ import annotations

import calendar
import gzip
import json
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from datapoints_testbed import NOW_MS, SPACE, config_for, time_series
from pygen_runtime._api._datapoints import budget_shares
from pygen_runtime.datapoints import DatapointsList
from pygen_runtime.errors import CDFBadRequestError, CDFResponseError, InvalidArgumentError
from pygen_runtime.schema import NodeId
from pygen_runtime.testing import Emulator, EmulatorRequestError, seed_datapoints
from pytest_httpserver import HTTPServer

from pygen_runtime import AsyncCDFClient, CDFClient

HOUR = 3_600_000
TEMPERATURE = (SPACE, "temperature")


def irregular_points(count: int, start: int, seed: int = 7) -> list[tuple[int, float]]:
    """``count`` points at irregular, increasing timestamps from ``start``, with varied values."""
    rng = random.Random(seed)
    stamp, points = start, []
    for _ in range(count):
        stamp += rng.randint(1, 20 * 60_000)
        points.append((stamp, round(rng.uniform(-50, 50), 3)))
    return points


def expected_buckets(
    points: list[tuple[int, float]], start: int, end: int, unit: int, size: int
) -> dict[int, list[float]]:
    """The points of each bucket, computed here from the alignment rule in CDF's docs: the start
    is floored to a whole unit, buckets step by the granularity, the last one covers the end."""
    aligned = start // unit * unit
    last = aligned + -(-(end - aligned) // size) * size
    buckets: dict[int, list[float]] = defaultdict(list)
    for stamp, value in points:
        if aligned <= stamp < last:
            buckets[aligned + (stamp - aligned) // size * size].append(value)
    return dict(sorted(buckets.items()))


def test_inserted_points_come_back_with_the_series_details(client: CDFClient) -> None:
    points = [(1000 * n, n * 1.5) for n in range(10)]
    client.datapoints.insert(TEMPERATURE, points)
    client.datapoints.insert(NodeId(space=SPACE, external_id="pressure"), [{"timestamp": 0, "value": 3}])

    [temperature, pressure] = client.datapoints.retrieve(
        [TEMPERATURE, {"space": SPACE, "externalId": "pressure"}], start=0, end=20_000
    )

    assert temperature.instance_id == NodeId(space=SPACE, external_id="temperature")
    assert (temperature.timestamps, temperature.values) == ([t for t, _ in points], [v for _, v in points])
    assert (temperature.unit, temperature.is_step, temperature.is_string) == ("degC", False, False)
    assert (pressure.timestamps, pressure.values, pressure.is_step) == ([0], [3.0], True)


def test_the_range_is_start_inclusive_and_end_exclusive(client: CDFClient) -> None:
    client.datapoints.insert(TEMPERATURE, [(10, 1.0), (20, 2.0), (30, 3.0)])

    [result] = client.datapoints.retrieve(TEMPERATURE, start=10, end=30)

    assert result.timestamps == [10, 20]


def test_a_point_at_an_existing_timestamp_replaces_it(client: CDFClient) -> None:
    client.datapoints.insert(TEMPERATURE, [(10, 1.0)])
    client.datapoints.insert(TEMPERATURE, [(10, 9.0)])

    assert client.datapoints.retrieve(TEMPERATURE, start=0, end=100)[0].values == [9.0]


def test_string_series_carry_strings(client: CDFClient) -> None:
    client.datapoints.insert((SPACE, "status"), [(5, "open"), (6, "closed")])

    [status] = client.datapoints.retrieve((SPACE, "status"), start=0, end=10)

    assert (status.is_string, status.values) == (True, ["open", "closed"])


def test_datetimes_and_relative_times_select_the_same_points(emulator: Emulator, client: CDFClient) -> None:
    seed_datapoints(
        emulator, TEMPERATURE, [(NOW_MS - 3 * HOUR, 1.0), (NOW_MS - HOUR // 2, 2.0), (NOW_MS, 3.0)]
    )
    two_hours_ago = datetime.fromtimestamp((NOW_MS - 2 * HOUR) / 1000, tz=timezone.utc)

    relative = client.datapoints.retrieve(TEMPERATURE, start="2h-ago", end="now")[0]
    absolute = client.datapoints.retrieve(TEMPERATURE, start=two_hours_ago, end=NOW_MS)[0]
    naive_utc = client.datapoints.retrieve(TEMPERATURE, start=two_hours_ago.replace(tzinfo=None), end=NOW_MS)[
        0
    ]

    assert relative.timestamps == absolute.timestamps == naive_utc.timestamps == [NOW_MS - HOUR // 2]


def test_aggregates_match_buckets_computed_from_the_points(emulator: Emulator, client: CDFClient) -> None:
    points = irregular_points(400, start=NOW_MS - 48 * HOUR)
    seed_datapoints(emulator, TEMPERATURE, points)
    # Start mid-hour: CDF floors it to the hour, then steps by 2 h.
    start, end = NOW_MS - 40 * HOUR + 25 * 60_000, NOW_MS - 5 * HOUR + 1
    expected = expected_buckets(points, start, end, HOUR, 2 * HOUR)

    [result] = client.datapoints.retrieve(
        TEMPERATURE,
        start=start,
        end=end,
        aggregates=["average", "min", "max", "count", "sum"],
        granularity="2h",
    )

    assert result.timestamps == list(expected)
    assert result.aggregates["count"] == [len(values) for values in expected.values()]
    assert result.aggregates["min"] == [min(values) for values in expected.values()]
    assert result.aggregates["max"] == [max(values) for values in expected.values()]
    assert result.aggregates["sum"] == pytest.approx([sum(values) for values in expected.values()])
    assert result.aggregates["average"] == pytest.approx([sum(v) / len(v) for v in expected.values()])


def test_day_buckets_start_at_midnight_utc(emulator: Emulator, client: CDFClient) -> None:
    day = 24 * HOUR
    points = irregular_points(500, start=NOW_MS - 4 * day, seed=11)
    seed_datapoints(emulator, TEMPERATURE, points)
    start = NOW_MS - 3 * day + 7 * HOUR  # NOW_MS is midnight; start is 07:00 three days before

    [result] = client.datapoints.retrieve(
        TEMPERATURE, start=start, end=NOW_MS, aggregates="count", granularity="1d"
    )

    expected = expected_buckets(points, start, NOW_MS, day, day)
    assert result.timestamps == list(expected) == [NOW_MS - 3 * day, NOW_MS - 2 * day, NOW_MS - day]
    assert result.aggregates["count"] == [len(values) for values in expected.values()]


def test_a_limit_caps_each_series(emulator: Emulator, client: CDFClient) -> None:
    seed_datapoints(emulator, TEMPERATURE, [(n, float(n)) for n in range(50)])
    seed_datapoints(emulator, (SPACE, "pressure"), [(n, float(n)) for n in range(5)])

    temperature, pressure = client.datapoints.retrieve(
        [TEMPERATURE, (SPACE, "pressure")], start=0, end=100, limit=7
    )
    [hours] = client.datapoints.retrieve(
        TEMPERATURE, start=0, end=100, aggregates=["count"], granularity="1s", limit=0
    )

    assert temperature.timestamps == list(range(7))
    assert pressure.timestamps == list(range(5))
    assert len(hours) == 0


def test_cursors_are_followed_across_requests_beyond_cdfs_point_budget(emulator: Emulator) -> None:
    """101 series of 1,500 points: a request carries at most 100 series, sharing CDF's
    100,000-point budget (1,000 each); the first 100 then follow their cursors, and the last
    series, alone, may take the whole budget."""
    keys = [(SPACE, f"series-{n}") for n in range(101)]
    sent: list[dict[str, Any]] = []

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/timeseries/data/list"):
                body = request.read()
                gzipped = request.headers.get("content-encoding") == "gzip"
                sent.append(json.loads(gzip.decompress(body) if gzipped else body))
            return emulator.transport().handle_request(request)

    with CDFClient(config_for(emulator), transport=Recording()) as client:
        client.instances.apply([time_series(key[1], type="numeric") for key in keys])
        for key in keys:
            seed_datapoints(emulator, key, [(n, float(n)) for n in range(1500)])

        results = client.datapoints.retrieve(keys, start=0, end=10_000)

    assert [len(result) for result in results] == [1500] * 101
    assert all(result.timestamps == list(range(1500)) for result in results)
    assert [len(body["items"]) for body in sent] == [100, 100, 1]
    assert all(item["limit"] == 1000 and "cursor" not in item for item in sent[0]["items"])
    assert all("cursor" in item for item in sent[1]["items"])
    assert sent[2]["items"] == [
        {"instanceId": {"space": SPACE, "externalId": "series-100"}, "limit": 100_000}
    ]


def test_the_emulator_pages_aggregates_with_cursors(emulator: Emulator) -> None:
    seed_datapoints(emulator, TEMPERATURE, [(n * 1000, float(n)) for n in range(10)])
    body = {
        "items": [{"instanceId": {"space": SPACE, "externalId": "temperature"}, "limit": 3}],
        "start": 0,
        "end": 10_000,
        "aggregates": ["sum"],
        "granularity": "2s",
    }
    seen: list[int] = []
    with httpx.Client(transport=emulator.transport()) as http:
        for _ in range(10):  # bounded: 5 buckets in pages of 3
            item = http.post(emulator.api_url("/timeseries/data/list"), json=body).json()["items"][0]
            seen += [point["sum"] for point in item["datapoints"]]
            if "nextCursor" not in item:
                break
            body["items"][0]["cursor"] = item["nextCursor"]  # type: ignore[index]
    assert seen == [1, 5, 9, 13, 17]


def test_to_pandas_aligns_series_on_one_utc_index(client: CDFClient) -> None:
    client.datapoints.insert(TEMPERATURE, [(0, 1.0), (1000, 2.0)])
    client.datapoints.insert((SPACE, "pressure"), [(1000, 5.0)])

    frame = client.datapoints.retrieve_dataframe([TEMPERATURE, (SPACE, "pressure")], start=0, end=2000)
    aggregated = client.datapoints.retrieve(
        TEMPERATURE, start=0, end=2000, aggregates=["max"], granularity="1s"
    )

    assert list(frame.columns) == ["plant:temperature", "plant:pressure"]
    assert str(frame.index.tz) == "UTC"
    assert frame["plant:temperature"].tolist() == [1.0, 2.0]
    assert frame["plant:pressure"].isna().tolist() == [True, False]
    assert aggregated.to_pandas()["plant:temperature|max"].tolist() == [1.0, 2.0]
    assert aggregated.get(TEMPERATURE) is aggregated[0]
    assert aggregated.get((SPACE, "pressure")) is None


def test_an_unknown_time_series_is_cdfs_bad_request_naming_it(client: CDFClient) -> None:
    with pytest.raises(CDFBadRequestError) as raised:
        client.datapoints.retrieve([TEMPERATURE, (SPACE, "not-a-series")], start=0, end=10)
    assert raised.value.missing == [{"instanceId": {"space": SPACE, "externalId": "not-a-series"}}]

    with pytest.raises(CDFBadRequestError) as raised:
        client.datapoints.insert((SPACE, "nowhere"), [(0, 1.0)])
    assert raised.value.missing == [{"instanceId": {"space": SPACE, "externalId": "nowhere"}}]


def test_string_series_refuse_aggregates_and_numbers(client: CDFClient) -> None:
    client.datapoints.insert((SPACE, "status"), [(1, "on")])
    with pytest.raises(CDFBadRequestError, match="string time series"):
        client.datapoints.retrieve((SPACE, "status"), start=0, end=10, aggregates=["count"], granularity="1h")
    with pytest.raises(CDFBadRequestError, match="must be a string"):
        client.datapoints.insert((SPACE, "status"), [(2, 3.5)])
    with pytest.raises(CDFBadRequestError, match="must be a number"):
        client.datapoints.insert(TEMPERATURE, [(2, "hot")])


def test_aggregates_the_emulator_does_not_compute_are_refused_saying_so(client: CDFClient) -> None:
    with pytest.raises(CDFBadRequestError, match="does not compute the 'interpolation'"):
        client.datapoints.retrieve(
            TEMPERATURE, start=0, end=10, aggregates=["interpolation"], granularity="1h"
        )
    with pytest.raises(CDFBadRequestError, match="month"):
        client.datapoints.retrieve(TEMPERATURE, start=0, end=10, aggregates=["count"], granularity="1mo")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"start": "yesterday"}, "start must be epoch milliseconds"),
        ({"end": 1.5}, "end must be epoch milliseconds"),
        ({"aggregates": ["average"]}, "aggregates and granularity go together"),
        ({"granularity": "1h"}, "aggregates and granularity go together"),
        ({"aggregates": ["mean"], "granularity": "1h"}, "Unknown aggregate 'mean'"),
        ({"aggregates": ["min", "min"], "granularity": "1h"}, "lists a name twice"),
        ({"aggregates": [], "granularity": "1h"}, "non-empty list"),
        ({"aggregates": ["min"], "granularity": "5x"}, "granularity must be a unit"),
        ({"aggregates": ["min"], "granularity": "121m"}, "granularity must be a unit"),
        ({"limit": -1}, "limit must be a whole number"),
        ({"start": 10, "end": 10}, "end \\(10\\) must be later than start \\(10\\)"),
        ({"start": datetime(2026, 1, 2, tzinfo=timezone.utc), "end": NOW_MS}, "must be later than start"),
    ],
)
def test_bad_arguments_are_named_before_anything_is_sent(
    client: CDFClient, arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        client.datapoints.retrieve(TEMPERATURE, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("instance_ids", "message"),
    [
        ("temperature", "expects a node"),
        ((SPACE,), "expects a node"),
        ([], "at least one node"),
        ([TEMPERATURE, TEMPERATURE], "same time series twice"),
        (42, "expects a node"),
    ],
)
def test_bad_node_references_are_named(client: CDFClient, instance_ids: object, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        client.datapoints.retrieve(instance_ids, start=0, end=1)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([(0, True)], "give a number or a string"),
        ([(0, None)], "give a number or a string"),
        ([(5_000_000_000_000, 1.0)], "1900-01-01 to 2099-12-31"),
        ([(0, 1e101)], "from -1e100 to 1e100"),
        ([(0, -(10**101))], "from -1e100 to 1e100"),
        ([(0, float("nan"))], "no NaN or infinity"),
        ([(0, float("-inf"))], "no NaN or infinity"),
        ([("now", 1.0)], "needs absolute times"),
        ([(0, 1.0, 2.0)], "give \\(timestamp, value\\)"),
        ("12", "expects a list"),
    ],
)
def test_bad_points_are_named(client: CDFClient, points: object, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        client.datapoints.insert(TEMPERATURE, points)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"items": [{"datapoints": [{"value": 1}]}]}, "has no integer 'timestamp'"),
        ({"items": []}, "asked for 1 time series, got 0 back"),
        ({"items": [{"datapoints": None}]}, "lacks its 'datapoints' list"),
        (
            {"items": [{"instanceId": {"space": SPACE, "externalId": "pressure"}, "datapoints": []}]},
            "the request asked for plant:temperature there",
        ),
    ],
)
def test_an_answer_that_is_not_cdfs_shape_is_a_response_error(
    emulator: Emulator, httpserver: HTTPServer, answer: object, problem: str
) -> None:
    httpserver.expect_request(f"/api/v1/projects/{emulator.project}/timeseries/data/list").respond_with_json(
        answer
    )

    with (
        CDFClient(config_for(emulator, httpserver.url_for("").rstrip("/"))) as client,
        pytest.raises(CDFResponseError, match=problem),
    ):
        client.datapoints.retrieve(TEMPERATURE, start=0, end=1)


async def test_the_async_client_inserts_and_retrieves(async_client: AsyncCDFClient) -> None:
    points = [(n * 60_000, float(n % 7)) for n in range(240)]
    await async_client.datapoints.insert(TEMPERATURE, points)

    [raw] = await async_client.datapoints.retrieve(TEMPERATURE, start=0, end=HOUR * 4)
    [hourly] = await async_client.datapoints.retrieve(
        TEMPERATURE, start=0, end=HOUR * 4, aggregates=["sum", "count"], granularity="1h"
    )
    frame = await async_client.datapoints.retrieve_dataframe(TEMPERATURE, start=0, end=120_000)

    assert raw.values == [value for _, value in points]
    expected = expected_buckets(points, 0, HOUR * 4, HOUR, HOUR)
    assert hourly.aggregates["sum"] == [sum(values) for values in expected.values()]
    assert hourly.aggregates["count"] == [60, 60, 60, 60]
    assert frame["plant:temperature"].tolist() == [0.0, 1.0]


def test_datetimes_become_whole_milliseconds_exactly(client: CDFClient) -> None:
    # A float round trip (timestamp() * 1000) lands one millisecond early for the first two;
    # an offset and a naive datetime (UTC here) must land where UTC says.
    moments = [
        datetime(1901, 10, 10, 11, 25, 17, 662000, tzinfo=timezone.utc),
        datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc),
        datetime(2024, 2, 29, 12, 0, 0, 7000, tzinfo=timezone.utc),
        datetime(2024, 2, 29, 17, 30, 0, 9000, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2024, 2, 29, 12, 0, 0, 10000),  # naive: read as UTC
    ]
    expected = [
        calendar.timegm(moment.utctimetuple()) * 1000 + moment.microsecond // 1000 for moment in moments
    ]

    client.datapoints.insert(TEMPERATURE, [(moment, float(n)) for n, moment in enumerate(moments)])
    [result] = client.datapoints.retrieve(
        TEMPERATURE, start=moments[0], end=moments[-1] + timedelta(milliseconds=1)
    )

    assert result.timestamps == expected


def test_an_aggregate_query_without_points_still_has_every_aggregate_column(client: CDFClient) -> None:
    [result] = client.datapoints.retrieve(
        TEMPERATURE, start=0, end=HOUR, aggregates=["average", "count"], granularity="1m"
    )

    assert result.aggregates == {"average": [], "count": []}
    assert list(result.to_pandas().columns) == ["plant:temperature|average", "plant:temperature|count"]


def test_point_budget_shares_give_what_is_left_to_series_that_want_more() -> None:
    rng = random.Random(3)
    for _ in range(200):
        needs: list[int | None] = [
            None if rng.random() < 0.3 else rng.randint(1, 60_000) for _ in range(rng.randint(1, 100))
        ]
        shares = budget_shares(needs, 100_000)
        wanted = sum(100_000 if need is None else need for need in needs)
        assert all(share >= 1 for share in shares)
        assert all(need is None or share <= need for share, need in zip(shares, needs, strict=True))
        assert sum(shares) == min(100_000, wanted)


def answer_server(httpserver: HTTPServer, emulator: Emulator, pages: list[dict[str, Any]]) -> list[Any]:
    """``httpserver`` answers /timeseries/data/list with ``pages`` in turn (the last one again
    after that); returns the request bodies it gets."""
    bodies: list[Any] = []

    def answer(request: Any) -> Any:
        from werkzeug import Response

        bodies.append(request.get_json())
        return Response(json.dumps(pages[min(len(bodies), len(pages)) - 1]), content_type="application/json")

    httpserver.expect_request(
        f"/api/v1/projects/{emulator.project}/timeseries/data/list"
    ).respond_with_handler(answer)
    return bodies


def test_a_server_repeating_a_cursor_is_an_error_not_an_endless_loop(
    emulator: Emulator, httpserver: HTTPServer
) -> None:
    item = {"instanceId": {"space": SPACE, "externalId": "temperature"}, "isString": False}
    looping = {"items": [{**item, "datapoints": [{"timestamp": 1, "value": 1.0}], "nextCursor": "again"}]}
    # The server gives up after a few rounds, so a client that keeps following still stops.
    bodies = answer_server(httpserver, emulator, [looping] * 5 + [{"items": [{**item, "datapoints": []}]}])

    with (
        CDFClient(config_for(emulator, httpserver.url_for("").rstrip("/"))) as client,
        pytest.raises(CDFResponseError, match="repeats a nextCursor"),
    ):
        client.datapoints.retrieve(TEMPERATURE, start=0, end=10)
    assert [body["items"][0].get("cursor") for body in bodies] == [None, "again"]


def test_a_server_answering_more_points_than_asked_is_an_error(
    emulator: Emulator, httpserver: HTTPServer
) -> None:
    points = [{"timestamp": stamp, "value": 1.0} for stamp in range(3)]
    answer_server(httpserver, emulator, [{"items": [{"datapoints": points}]}])

    with (
        CDFClient(config_for(emulator, httpserver.url_for("").rstrip("/"))) as client,
        pytest.raises(CDFResponseError, match="has 3 data points; the request asked for at most 2"),
    ):
        client.datapoints.retrieve(TEMPERATURE, start=0, end=10, limit=2)


def test_an_empty_page_ends_a_series_even_with_a_fresh_cursor(
    emulator: Emulator, httpserver: HTTPServer
) -> None:
    item = {"instanceId": {"space": SPACE, "externalId": "temperature"}, "datapoints": []}
    pages = [{"items": [{**item, "nextCursor": f"cursor-{n}"}]} for n in range(5)] + [{"items": [item]}]
    bodies = answer_server(httpserver, emulator, pages)

    with CDFClient(config_for(emulator, httpserver.url_for("").rstrip("/"))) as client:
        [result] = client.datapoints.retrieve(TEMPERATURE, start=0, end=10)

    assert (len(result), len(bodies)) == (0, 1)


@pytest.mark.parametrize(
    ("option", "value"),
    [("includeOutsidePoints", True), ("timeZone", "Europe/Oslo"), ("targetUnit", "temperature:deg_f")],
)
def test_the_emulator_refuses_read_options_it_does_not_carry_out(
    emulator: Emulator, option: str, value: object
) -> None:
    seed_datapoints(emulator, TEMPERATURE, [(1, 1.0)])
    item = {"instanceId": {"space": SPACE, "externalId": "temperature"}}
    with httpx.Client(transport=emulator.transport()) as http:
        refused = http.post(
            emulator.api_url("/timeseries/data/list"), json={"items": [{**item, option: value}]}
        )
        default = {"includeOutsidePoints": False, "timeZone": "UTC", "targetUnit": None}[option]
        accepted = http.post(
            emulator.api_url("/timeseries/data/list"), json={"items": [item], option: default, "end": 10}
        )
    assert (refused.status_code, accepted.status_code) == (400, 200)
    assert f"does not carry out {option}" in refused.json()["error"]["message"]
    assert accepted.json()["items"][0]["datapoints"] == [{"timestamp": 1, "value": 1.0}]


def test_the_emulator_refuses_numbers_cdf_does_not_store(emulator: Emulator) -> None:
    body = {"items": [{"instanceId": {"space": SPACE, "externalId": "temperature"}, "datapoints": []}]}
    with httpx.Client(transport=emulator.transport()) as http:
        answers = [
            http.post(
                emulator.api_url("/timeseries/data"),
                json={"items": [{**body["items"][0], "datapoints": [{"timestamp": 0, "value": value}]}]},
            )
            for value in (1e100, 1.5e100)
        ]
    assert [answer.status_code for answer in answers] == [200, 400]
    assert "between -1e100 and 1e100" in answers[1].json()["error"]["message"]


def loopback_config(emulator: Emulator, httpserver: HTTPServer) -> Any:
    return config_for(emulator, httpserver.url_for("").rstrip("/"))


async def test_the_async_client_follows_each_cursor_to_the_end(
    emulator: Emulator, httpserver: HTTPServer
) -> None:
    item = {"instanceId": {"space": SPACE, "externalId": "temperature"}}
    pages = [
        {"items": [{**item, "datapoints": [{"timestamp": 1, "value": 1.0}], "nextCursor": "c1"}]},
        {"items": [{**item, "datapoints": [{"timestamp": 2, "value": 2.0}], "nextCursor": "c2"}]},
        {"items": [{**item, "datapoints": [{"timestamp": 3, "value": 3.0}]}]},
    ]
    bodies = answer_server(httpserver, emulator, pages)

    async with AsyncCDFClient(loopback_config(emulator, httpserver)) as client:
        [result] = await client.datapoints.retrieve(TEMPERATURE, start=0, end=10, limit=5)

    assert (result.timestamps, result.values) == ([1, 2, 3], [1.0, 2.0, 3.0])
    assert [(body["items"][0].get("cursor"), body["items"][0]["limit"]) for body in bodies] == [
        (None, 5),
        ("c1", 4),
        ("c2", 3),
    ]


async def test_the_async_client_refuses_a_repeated_cursor(emulator: Emulator, httpserver: HTTPServer) -> None:
    item = {"instanceId": {"space": SPACE, "externalId": "temperature"}, "nextCursor": "same"}
    pages = [{"items": [{**item, "datapoints": [{"timestamp": n, "value": 1.0}]}]} for n in range(5)]
    bodies = answer_server(httpserver, emulator, [*pages, {"items": [{"datapoints": []}]}])

    async with AsyncCDFClient(loopback_config(emulator, httpserver)) as client:
        with pytest.raises(CDFResponseError, match="repeats a nextCursor"):
            await client.datapoints.retrieve(TEMPERATURE, start=0, end=10)
    assert len(bodies) == 2


def test_frames_keep_strings_as_objects_and_gaps_as_nan(
    emulator: Emulator, client: CDFClient, httpserver: HTTPServer
) -> None:
    client.datapoints.insert(TEMPERATURE, [(0, 1.5), (2000, 2.5)])
    client.datapoints.insert((SPACE, "status"), [(1000, "open")])
    item = {"instanceId": {"space": SPACE, "externalId": "temperature"}}
    # CDF leaves an aggregate out of a bucket it has no value for (here the second one's average).
    answer_server(
        httpserver,
        emulator,
        [
            {
                "items": [
                    {
                        **item,
                        "datapoints": [
                            {"timestamp": 0, "average": 1.5, "count": 1},
                            {"timestamp": 60_000, "count": 0},
                        ],
                    }
                ]
            }
        ],
    )

    frame = client.datapoints.retrieve_dataframe([TEMPERATURE, (SPACE, "status")], start=0, end=3000)
    with CDFClient(loopback_config(emulator, httpserver)) as fake:
        aggregated = fake.datapoints.retrieve_dataframe(
            TEMPERATURE, start=0, end=120_000, aggregates=["average", "count"], granularity="1m"
        )

    assert (frame.index.name, str(frame.index.dtype)) == ("timestamp", "datetime64[ns, UTC]")
    assert [int(stamp.value // 1_000_000) for stamp in frame.index] == [0, 1000, 2000]
    assert [str(dtype) for dtype in frame.dtypes] == ["float64", "object"]
    assert frame["plant:status"].tolist()[1] == "open"
    assert frame["plant:temperature"].isna().tolist() == [False, True, False]
    assert aggregated["plant:temperature|average"].isna().tolist() == [False, True]
    assert aggregated["plant:temperature|count"].tolist() == [1.0, 0.0]


TEMPERATURE_ITEM = {"instanceId": {"space": SPACE, "externalId": "temperature"}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"items": [TEMPERATURE_ITEM], "aggregates": "count", "granularity": "1h"}, "must be a list"),
        (
            {"items": [TEMPERATURE_ITEM], "aggregates": ["mean"], "granularity": "1h"},
            "Unknown aggregate 'mean'",
        ),
        (
            {"items": [TEMPERATURE_ITEM], "aggregates": ["maxDatapoint"], "granularity": "1h"},
            "does not compute",
        ),
        ({"items": [TEMPERATURE_ITEM], "aggregates": ["count"]}, "granularity is required"),
        (
            {"items": [TEMPERATURE_ITEM], "aggregates": ["count"], "granularity": "121s"},
            "Invalid granularity",
        ),
        ({"items": [{**TEMPERATURE_ITEM, "limit": 100_001}]}, "limit must be between 1 and 100000"),
        (
            {"items": [{**TEMPERATURE_ITEM, "limit": 60_000}, {**TEMPERATURE_ITEM, "limit": 60_000}]},
            "in total",
        ),
        ({"items": [{"externalId": "temperature"}]}, "instance id only"),
        ({"items": [TEMPERATURE_ITEM], "start": "yesterday"}, "start must be epoch milliseconds"),
    ],
)
def test_the_emulator_refuses_reads_cdf_would_refuse(emulator: Emulator, body: object, message: str) -> None:
    with httpx.Client(transport=emulator.transport()) as http:
        answer = http.post(emulator.api_url("/timeseries/data/list"), json=body)
    assert answer.status_code == 400
    assert message in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    ("items", "status", "message"),
    [
        ([{**TEMPERATURE_ITEM, "datapoints": [{"timestamp": 0, "value": 1}]}] * 2, 422, "Duplicate"),
        ([{**TEMPERATURE_ITEM, "datapoints": []}], 400, "non-empty list"),
        ([{**TEMPERATURE_ITEM, "datapoints": [[0, 1.0]]}], 400, "must be an object"),
        (
            [{**TEMPERATURE_ITEM, "datapoints": [{"timestamp": 4_102_444_800_000, "value": 1}]}],
            400,
            "between",
        ),
        (
            [{**TEMPERATURE_ITEM, "datapoints": [{"timestamp": 0, "value": 1}] * 100_001}],
            400,
            "at most 100000",
        ),
    ],
)
def test_the_emulator_refuses_writes_cdf_would_refuse(
    emulator: Emulator, items: object, status: int, message: str
) -> None:
    with httpx.Client(transport=emulator.transport()) as http:
        answer = http.post(emulator.api_url("/timeseries/data"), json={"items": items})
    assert answer.status_code == status
    assert message in answer.json()["error"]["message"]


def test_the_emulator_leaves_out_unknown_series_when_asked_to_and_refuses_an_empty_range(
    emulator: Emulator,
) -> None:
    seed_datapoints(emulator, TEMPERATURE, [(5, 1.0)])
    body = {
        "items": [{"instanceId": {"space": SPACE, "externalId": "nowhere"}}, TEMPERATURE_ITEM],
        "ignoreUnknownIds": True,
        "end": 10,
    }
    with httpx.Client(transport=emulator.transport()) as http:
        items = http.post(emulator.api_url("/timeseries/data/list"), json=body).json()["items"]
        reversed_range = http.post(
            emulator.api_url("/timeseries/data/list"),
            json={"items": [TEMPERATURE_ITEM], "start": 10, "end": 10},
        )
    assert [(item["instanceId"]["externalId"], item["datapoints"]) for item in items] == [
        ("temperature", [{"timestamp": 5, "value": 1.0}])
    ]
    assert reversed_range.status_code == 400
    assert "end (10) must be later than start (10)" in reversed_range.json()["error"]["message"]
    with pytest.raises(EmulatorRequestError, match="is not a time series node"):
        seed_datapoints(emulator, (SPACE, "manual"), [(0, 1.0)])


def test_numpy_scalars_serve_as_timestamps_and_values(client: CDFClient) -> None:
    import numpy  # comes with pandas, a test dependency

    stamps = numpy.array([1000, 2000], dtype="int64")
    values = numpy.array([1.5, 2.5], dtype="float32")

    client.datapoints.insert(TEMPERATURE, list(zip(stamps, values, strict=True)))
    client.datapoints.insert(TEMPERATURE, [(stamps[1] + 1000, numpy.int32(7))])
    [result] = client.datapoints.retrieve(TEMPERATURE, start=stamps[0], end=numpy.int64(5000))

    assert (result.timestamps, result.values) == ([1000, 2000, 3000], [1.5, 2.5, 7.0])


def test_an_empty_result_list_is_an_empty_frame_with_the_same_index(client: CDFClient) -> None:
    [empty_series] = client.datapoints.retrieve(TEMPERATURE, start=0, end=10)

    frames = [DatapointsList().to_pandas(), DatapointsList([empty_series]).to_pandas()]

    assert [(frame.index.name, str(frame.index.dtype), len(frame)) for frame in frames] == [
        ("timestamp", "datetime64[ns, UTC]", 0)
    ] * 2
    assert [list(frame.columns) for frame in frames] == [[], ["plant:temperature"]]


def test_an_insert_beyond_cdfs_point_limit_is_split_into_requests_it_accepts(emulator: Emulator) -> None:
    sizes: list[int] = []

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/timeseries/data"):
                body = request.read()
                gzipped = request.headers.get("content-encoding") == "gzip"
                [item] = json.loads(gzip.decompress(body) if gzipped else body)["items"]
                sizes.append(len(item["datapoints"]))
            return emulator.transport().handle_request(request)

    points = [(stamp, float(stamp % 13)) for stamp in range(100_001)]
    with CDFClient(config_for(emulator), transport=Recording()) as client:
        client.datapoints.insert(TEMPERATURE, points)
        [last] = client.datapoints.retrieve(TEMPERATURE, start=99_990, end=200_000)

    assert sorted(sizes) == [1, 100_000]
    assert (last.timestamps, last.values) == (
        [t for t, _ in points[99_990:]],
        [v for _, v in points[99_990:]],
    )
