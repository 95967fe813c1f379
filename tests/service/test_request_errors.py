"""A caller's mistake gets a status that says whose it is and a body naming what to fix; never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from shared_cdf import model_file

from hatch_pygen.service import ServiceSettings, create_app

WINDTURBINE = model_file("WindTurbine").read_bytes()


def error_of(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The error body, after checking the status, the code and the body's shape."""
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert body["error"] == code
    assert set(body) == {"error", "message", "problems", "fields"}
    assert "Traceback" not in answer.text
    return body


async def test_an_unknown_language_is_400_naming_the_known_ones(service: httpx.AsyncClient) -> None:
    body = error_of(
        await service.post("/v1/generate", content=WINDTURBINE, params={"language": "cobol"}),
        400,
        "unknown-language",
    )
    assert body["message"] == "no renderer for language 'cobol'; this service renders python, ir-json"
    assert body["fields"] == [{"field": "query.language", "message": "must be one of python, ir-json"}]


async def test_a_wheel_of_the_ir_is_400(service: httpx.AsyncClient) -> None:
    body = error_of(
        await service.post(
            "/v1/generate", content=WINDTURBINE, params={"language": "ir-json", "format": "wheel"}
        ),
        400,
        "wheel-needs-python",
    )
    assert "format=zip or format=json" in body["message"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"package": "wind-sdk"},
            "query.package",
            "'wind-sdk' is not a valid Python package name (letters, digits, _ and dots, "
            "not starting with a digit)",
        ),
        (
            {"package": "acme.class"},
            "query.package",
            "'class' is a Python keyword and cannot be part of an import name",
        ),
        (
            {"client_name": "2Client"},
            "query.client_name",
            "'2Client' is not a valid class name (letters, digits and _, not starting with a digit)",
        ),
        ({"instance_space": "-x"}, "query.instance_space", "'-x' is not a valid CDF space"),
        ({"format": "tar"}, "query.format", "Input should be 'zip', 'json' or 'wheel'"),
        ({"strict": "maybe"}, "query.strict", "Input should be a valid boolean"),
        (
            {"sdk_version": "one"},
            "query.sdk_version",
            "'one' is not a version pip accepts (PEP 440), e.g. 1.0.0",
        ),
        (
            {"pakage": "wind"},
            "query.pakage",
            "is not a parameter of this endpoint; the parameters are package",
        ),
    ],
)
async def test_a_malformed_parameter_is_422_naming_the_field(
    service: httpx.AsyncClient, params: dict[str, str], field: str, message: str
) -> None:
    body = error_of(
        await service.post("/v1/generate", content=WINDTURBINE, params=params), 422, "invalid-request"
    )

    [fault] = body["fields"]
    assert fault["field"] == field
    assert fault["message"].startswith(message)
    assert body["message"].startswith(f"the request is not valid: {field}: ")


async def test_every_malformed_parameter_is_listed_at_once(service: httpx.AsyncClient) -> None:
    body = error_of(
        await service.post(
            "/v1/generate", content=WINDTURBINE, params={"package": "1x", "client_name": "a b"}
        ),
        422,
        "invalid-request",
    )
    assert [fault["field"] for fault in body["fields"]] == ["query.package", "query.client_name"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/data-models/1space/WindTurbine/1/generate", "path.space"),
        ("/v1/data-models/power/Wind-Turbine/1/generate", "path.external_id"),
        ("/v1/data-models/power/WindTurbine/v!/generate", "path.version"),
    ],
)
async def test_a_malformed_data_model_id_is_422_naming_the_part(
    service: httpx.AsyncClient, path: str, field: str
) -> None:
    body = error_of(await service.post(path), 422, "invalid-request")
    assert [fault["field"] for fault in body["fields"]] == [field]


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (
            b"views: [",
            "application/yaml",
            "request body: not valid YAML (line 2: did not find expected node content)",
        ),
        (b'{"space": ', "application/json", "request body: not valid JSON (line 1: Expecting value)"),
        (b"just text", "application/yaml", "request body: does not hold a data model"),
        (b"", "application/yaml", "request body: is empty; post a data model"),
        (b"\xff\xfe", "application/yaml", "request body: is not UTF-8 text (byte 0)"),
        (b"[]", "application/json", "request body: holds no data model"),
        (
            b'{"space": "power"}',
            "application/json",
            "request body: not a data model (externalId: Field required",
        ),
        (
            b'{"snapshotFormat": 99}',
            "application/json",
            "request body: unsupported snapshot format 99 (this pygen reads format 1)",
        ),
        (
            b"[" * 100_000 + b"]" * 100_000,
            "application/json",
            "request body: not valid JSON (nested too deeply to be a data model)",
        ),
        # Aliases to aliases expand to gigabytes from a few kilobytes: refused before loading.
        (
            b"v: &v {a: 1}\nm: &m [*v, *v]\nitems: [*m, *m]\n",
            "application/yaml",
            "request body: YAML aliases (*name, line 2) are not accepted here; write the repeated "
            "values out, or send the model as JSON",
        ),
    ],
)
async def test_a_document_that_is_not_a_model_is_422_saying_why(
    service: httpx.AsyncClient, content: bytes, content_type: str, message: str
) -> None:
    body = error_of(
        await service.post("/v1/generate", content=content, headers={"content-type": content_type}),
        422,
        "invalid-model-document",
    )
    assert body["message"].startswith(message), body["message"]


async def test_a_document_of_another_media_type_is_415(service: httpx.AsyncClient) -> None:
    body = error_of(
        await service.post("/v1/generate", content=WINDTURBINE, headers={"content-type": "application/xml"}),
        415,
        "unsupported-media-type",
    )
    assert body["message"].startswith(
        "cannot read a model document of type 'application/xml'; send it as one of"
    )


@pytest.fixture
async def small_service(
    client_of: Callable[[ServiceSettings], httpx.AsyncClient],
) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(ServiceSettings(max_body_bytes=1000)) as client:
        yield client


async def test_a_body_declared_too_large_is_413_before_it_is_read(small_service: httpx.AsyncClient) -> None:
    body = error_of(await small_service.post("/v1/generate", content=WINDTURBINE), 413, "body-too-large")
    assert "limit of 1000 bytes" in body["message"]


async def test_a_streamed_body_is_cut_off_at_the_limit(small_service: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(WINDTURBINE), 400):  # no Content-Length: sent chunked
            yield WINDTURBINE[start : start + 400]

    error_of(await small_service.post("/v1/generate", content=chunks()), 413, "body-too-large")


async def test_a_body_within_the_limit_is_read(small_service: httpx.AsyncClient) -> None:
    pumps_like = b'{"space": "s", "externalId": "M", "version": "1", "views": []}'
    answer = await small_service.post(
        "/v1/generate", content=pumps_like, headers={"content-type": "application/json"}
    )
    # Read, parsed, and found to have nothing to generate: not refused for its size.
    error_of(answer, 422, "nothing-to-generate")


async def test_an_unknown_endpoint_is_404_in_the_services_shape(service: httpx.AsyncClient) -> None:
    body = error_of(await service.get("/v1/generators"), 404, "not-found")
    assert body["message"] == "no endpoint GET /v1/generators; see /docs for the endpoints"


async def test_a_wrong_method_is_405(service: httpx.AsyncClient) -> None:
    answer = await service.get("/v1/generate")
    error_of(answer, 405, "method-not-allowed")
    assert answer.headers["allow"] == "POST"


async def test_a_defect_of_the_service_is_500_without_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app()

    async def broken() -> None:
        raise RuntimeError("a defect with a secret in its traceback")

    app.add_api_route("/v1/broken", broken)  # a route that fails as a defect would
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        answer = await client.get("/v1/broken")

    body = error_of(answer, 500, "internal-error")
    assert body["message"] == "the service failed unexpectedly; the error is in its log"
    assert "secret" not in answer.text
    assert "GET /v1/broken failed" in caplog.text
    assert "RuntimeError: a defect" in caplog.text


async def test_a_model_whose_name_gives_no_package_name_asks_for_one(service: httpx.AsyncClient) -> None:
    document = WINDTURBINE.replace(b"\nexternalId: WindTurbine\n", b"\nexternalId: 1stTurbine\n", 1)
    body = error_of(await service.post("/v1/generate", content=document), 422, "no-package-name")
    assert body["message"] == (
        "the data model '1stTurbine' gives no importable package name; name it with package="
    )
    named = await service.post("/v1/generate", content=document, params={"package": "first_sdk"})
    assert named.status_code == 200, named.text
