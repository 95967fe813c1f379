"""What the client puts on the wire: headers, gzip bodies, JSON it refuses to send, HTTP/2."""

from __future__ import annotations

import datetime
import math
import sys
from typing import Any

import pytest
from pygen_runtime._http._requests import encode_json_body
from pygen_runtime.schema import NodeApply, NodeOrEdgeData, Space, ViewId

from pygen_runtime import CDFClient, ConfigurationError, InvalidArgumentError, __version__

SPACES = "/models/spaces"
PUMP = ViewId(space="plant", external_id="Pump", version="1")


def space_read(name: str, description: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"space": name, "isGlobal": False, "createdTime": 1, "lastUpdatedTime": 2}
    if description:
        out["description"] = description
    return out


def echo_spaces(recorded: Any) -> Any:
    import json

    from werkzeug import Response

    items = [
        {**item, "isGlobal": False, "createdTime": 1, "lastUpdatedTime": 2} for item in recorded.body["items"]
    ]
    return Response(json.dumps({"items": items}), content_type="application/json")


def test_every_request_carries_the_identifying_headers(cdf: Any, run: Any) -> None:
    cdf.on("POST", f"{SPACES}/byids", cdf.answer({"items": []}))

    run(lambda client: client.spaces.retrieve("pumps"), extra_headers={"x-team": "reliability"})

    [request] = cdf.sent()
    headers = request.headers
    assert headers["authorization"] == f"Bearer {cdf.TOKEN}"
    assert headers["x-cdp-sdk"] == f"pygen-runtime:{__version__}"
    assert headers["x-cdp-app"] == "client-tests"
    assert headers["cdf-version"] == "20230101"
    assert headers["user-agent"].startswith(f"pygen-runtime/{__version__} httpx/")
    assert "Python/" in headers["user-agent"]
    assert headers["accept"] == "application/json"
    assert headers["content-type"] == "application/json"
    assert headers["x-pygen-retry-count"] == "0"
    assert headers["x-team"] == "reliability"


def test_large_bodies_are_gzipped_and_decode_to_the_same_json(cdf: Any, run: Any) -> None:
    cdf.on("POST", SPACES, echo_spaces)
    spaces = [Space(space=f"space-{n}", description="pumps and valves " * 20) for n in range(30)]

    applied = run(lambda client: client.spaces.apply(spaces))

    [request] = cdf.sent(SPACES)
    assert request.headers["content-encoding"] == "gzip"
    assert request.raw[:2] == b"\x1f\x8b"
    assert len(request.raw) < len(str(request.body))
    assert request.body == {"items": [space.dump_apply() for space in spaces]}
    assert [space.space for space in applied] == [f"space-{n}" for n in range(30)]


def test_small_bodies_are_sent_as_they_are(cdf: Any, client: CDFClient) -> None:
    cdf.on("POST", SPACES, echo_spaces)

    client.spaces.apply(Space(space="tiny"))

    [request] = cdf.sent(SPACES)
    assert "content-encoding" not in request.headers
    assert request.raw == b'{"items":[{"space":"tiny"}]}'


def test_compression_can_be_turned_off(cdf: Any) -> None:
    cdf.on("POST", SPACES, echo_spaces)

    with CDFClient(cdf.config(compress_requests=False)) as client:
        client.spaces.apply([Space(space=f"space-{n}", description="x" * 200) for n in range(20)])

    [request] = cdf.sent(SPACES)
    assert "content-encoding" not in request.headers
    assert request.raw.startswith(b'{"items":')


@pytest.mark.parametrize(
    ("value", "shown"),
    [(math.nan, "nan"), (math.inf, "inf"), (datetime.date(2024, 1, 1), "datetime.date(2024, 1, 1)")],
)
def test_values_json_cannot_carry_are_refused_before_sending(
    cdf: Any, client: CDFClient, value: Any, shown: str
) -> None:
    node = NodeApply(
        space="plant",
        external_id="pump-1",
        sources=[NodeOrEdgeData(source=PUMP, properties={"name": "P1", "pressure": value})],
    )

    with pytest.raises(InvalidArgumentError) as caught:
        client.instances.apply(node)

    assert f"body.items[0].sources[0].properties.pressure is {shown}" in str(caught.value)
    assert cdf.sent() == []


def test_a_key_json_cannot_carry_is_named(cdf: Any, client: CDFClient) -> None:
    node = NodeApply(
        space="plant",
        external_id="pump-1",
        sources=[NodeOrEdgeData(source=PUMP, properties={"limits": {("low", "high"): [1, 2]}})],
    )

    with pytest.raises(
        InvalidArgumentError, match=r"body.items\[0\].sources\[0\].properties.limits key \('low', 'high'\)"
    ):
        client.instances.apply([node])
    assert cdf.sent() == []


def test_http2_can_be_asked_for(cdf: Any) -> None:
    # The loopback server speaks HTTP/1.1 only: httpx negotiates down, and the call works.
    cdf.on("POST", f"{SPACES}/byids", cdf.answer({"items": [space_read("pumps")]}))

    with CDFClient(cdf.config(http2=True)) as client:
        assert client.spaces.retrieve("pumps") == [Space.load(space_read("pumps"))]


def test_http2_without_the_h2_package_says_which_extra_to_install(
    cdf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "h2", None)  # makes `import h2` fail, as on a machine without it

    with pytest.raises(ConfigurationError) as caught:
        CDFClient(cdf.config(http2=True))

    assert "pip install 'pygen-runtime[http2]'" in str(caught.value)


async def test_http2_without_the_h2_package_is_explained_for_the_async_client_too(
    cdf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pygen_runtime import AsyncCDFClient

    monkeypatch.setitem(sys.modules, "h2", None)

    with pytest.raises(ConfigurationError, match="pygen-runtime\\[http2\\]"):
        AsyncCDFClient(cdf.config(http2=True))


def test_query_parameters_are_spelled_as_cdf_expects(cdf: Any, run: Any) -> None:
    cdf.on("GET", "/models/views", cdf.answer({"items": []}))

    run(lambda client: client.views.list(space="plant", all_versions=True, limit=5))

    [request] = cdf.sent()
    assert request.query == {
        "space": "plant",
        "includeInheritedProperties": "true",
        "allVersions": "true",
        "includeGlobal": "false",
        "limit": "5",
    }
    assert request.body is None


def omni_apply_items() -> list[dict[str, Any]]:
    """CDF's own apply items for the Omni test views (every property type there is)."""
    import yaml
    from cdf_material import WRITE_INSTANCE_FILES

    items: list[dict[str, Any]] = []
    for path in WRITE_INSTANCE_FILES:
        items.extend(yaml.safe_load(path.read_text(encoding="utf-8")))
    return items


def test_bodies_of_model_values_are_the_same_json_from_pydantics_encoder() -> None:
    import json

    items = omni_apply_items()
    assert len(items) > 100
    body = {"items": items, "autoCreateDirectRelations": True}

    fast = encode_json_body(body, where="POST /models/instances", model_values=True)
    plain = encode_json_body(body, where="POST /models/instances")

    assert json.loads(fast) == json.loads(plain) == json.loads(json.dumps(body))
    # Text, integers, booleans, nulls, lists and objects are written byte for byte alike; numbers
    # with an exponent may be spelled differently (1e+16 and 1e16), the same JSON number.
    plain_values = {
        "text": 'Ünïcode "quoted" \\ NaN -Infinity',
        "n": 12,
        "ok": [True, None],
        "nested": {"a": []},
    }
    assert encode_json_body(plain_values, where="x", model_values=True) == encode_json_body(
        plain_values, where="x"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(math.nan, "nan"), (-math.inf, "-inf"), (object, "<class 'object'>")],
)
def test_model_values_json_cannot_carry_are_still_refused_and_named(value: Any, shown: str) -> None:
    body = {"items": [{"sources": [{"properties": {"name": "NaN", "pressure": value}}]}]}

    with pytest.raises(InvalidArgumentError) as caught:
        encode_json_body(body, where="POST /models/instances", model_values=True)

    assert f"body.items[0].sources[0].properties.pressure is {shown}" in str(caught.value)


def test_model_values_are_written_as_pydantic_writes_them() -> None:
    # A JSON property may hold what a model's own model_dump_json writes: a date becomes its text.
    body = {"properties": {"limits": {"since": datetime.date(2024, 1, 31)}, "label": "Infinity"}}

    content = encode_json_body(body, where="x", model_values=True)

    assert content == b'{"properties":{"limits":{"since":"2024-01-31"},"label":"Infinity"}}'
