"""What the service says about itself: health, languages, and its OpenAPI document."""

from __future__ import annotations

import json
import re

import httpx

from hatch_pygen._version import __version__
from hatch_pygen.render import LANGUAGES, runtime_requirement


async def test_health_names_the_generator_and_runtime_versions(service: httpx.AsyncClient) -> None:
    answer = await service.get("/v1/health")

    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "version": __version__,
        "runtime_requirement": runtime_requirement(),
    }


async def test_languages_are_the_renderers_and_the_ir(service: httpx.AsyncClient) -> None:
    answer = await service.get("/v1/languages")

    assert answer.status_code == 200
    languages = {entry["name"]: entry for entry in answer.json()["languages"]}
    assert list(languages) == [*LANGUAGES, "ir-json"]
    assert languages["python"]["formats"] == ["zip", "json", "wheel"]
    assert languages["ir-json"]["formats"] == ["zip", "json"]
    assert all(entry["description"] for entry in languages.values())


async def test_the_openapi_document_describes_every_endpoint(service: httpx.AsyncClient) -> None:
    document = (await service.get("/openapi.json")).json()

    assert document["info"]["title"] == "pygen generation service"
    assert document["info"]["version"] == __version__
    assert set(document["paths"]) == {
        "/v1/health",
        "/v1/languages",
        "/v1/generate",
        "/v1/data-models/{space}/{external_id}/{version}/generate",
    }
    generate = document["paths"]["/v1/generate"]["post"]
    assert set(generate["requestBody"]["content"]) == {"application/yaml", "application/json"}
    assert {parameter["name"] for parameter in generate["parameters"]} >= {
        "package",
        "client_name",
        "instance_space",
        "language",
        "format",
    }
    assert {"200", "400", "413", "422", "503"} <= set(generate["responses"])
    by_id = document["paths"]["/v1/data-models/{space}/{external_id}/{version}/generate"]["post"]
    assert {"404", "502"} <= set(by_id["responses"])
    for path in document["paths"].values():
        for operation in path.values():
            assert operation["summary"]
            assert operation["description"]
    assert "ErrorBody" in document["components"]["schemas"]
    schemas = document["components"]["schemas"]
    references = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(document))
    assert "GeneratedSdkBody" in references
    assert all(name in schemas for name in references)


async def test_the_interactive_docs_are_served(service: httpx.AsyncClient) -> None:
    answer = await service.get("/docs")

    assert answer.status_code == 200
    assert "swagger" in answer.text.lower()
