"""POST /v1/generate: a posted model document comes back as its SDK."""

from __future__ import annotations

import email.parser
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import yaml
from packaging.requirements import Requirement
from shared_cdf import model_file

from hatch_pygen.render import runtime_requirement
from hatch_pygen.sources import load_model_file

WINDTURBINE = model_file("WindTurbine").read_bytes()
YAML = {"content-type": "application/yaml"}
JSON = {"content-type": "application/json"}
Unzip = Callable[[bytes, Path], list[str]]
ImportFrom = Callable[[Path, str], ModuleType]


def compile_all(files: dict[str, str]) -> int:
    """Compile every Python module of a generated package; return how many there were."""
    modules = [path for path in files if path.endswith(".py")]
    for path in modules:
        compile(files[path], path, "exec")
    return len(modules)


async def test_a_yaml_model_comes_back_as_a_zip_of_a_package_that_imports(
    service: httpx.AsyncClient, tmp_path: Path, unzip: Unzip, import_from: ImportFrom
) -> None:
    answer = await service.post(
        "/v1/generate", content=WINDTURBINE, headers=YAML, params={"package": "wind_sdk"}
    )

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    assert answer.headers["content-disposition"] == 'attachment; filename="wind_sdk.zip"'
    names = unzip(answer.content, tmp_path)
    assert "wind_sdk/__init__.py" in names
    assert all(name.startswith("wind_sdk/") for name in names)
    sdk = import_from(tmp_path, "wind_sdk")
    assert sdk.WindTurbineClient.__name__ == "WindTurbineClient"
    assert hasattr(sdk, "WindTurbineWrite")


async def test_the_json_format_gives_every_file_as_text_with_the_warnings(service: httpx.AsyncClient) -> None:
    answer = await service.post("/v1/generate", content=WINDTURBINE, params={"format": "json"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["package"] == "wind_turbine_sdk"  # the default: the model's external id
    assert body["language"] == "python"
    assert compile_all(body["files"]) > 5
    assert all(path.startswith("wind_turbine_sdk/") for path in body["files"])
    # What validation said about the real WindTurbine model, as pygen check words it.
    assert [warning["text"] for warning in body["warnings"]]
    assert all(warning["text"].startswith("warning[") for warning in body["warnings"])


async def test_the_zip_tells_how_many_warnings_the_json_lists(service: httpx.AsyncClient) -> None:
    zipped = await service.post("/v1/generate", content=WINDTURBINE)
    listed = await service.post("/v1/generate", content=WINDTURBINE, params={"format": "json"})

    assert int(zipped.headers["pygen-warnings"]) == len(listed.json()["warnings"])


async def test_a_json_document_reads_as_its_yaml_does(service: httpx.AsyncClient) -> None:
    as_json = json.dumps(yaml.safe_load(WINDTURBINE))

    from_json = await service.post("/v1/generate", content=as_json, headers=JSON, params={"format": "json"})
    from_yaml = await service.post(
        "/v1/generate", content=WINDTURBINE, headers=YAML, params={"format": "json"}
    )

    assert from_json.status_code == 200, from_json.text
    assert from_json.json() == from_yaml.json()


async def test_the_same_request_gives_the_same_bytes(service: httpx.AsyncClient) -> None:
    first = await service.post("/v1/generate", content=WINDTURBINE)
    second = await service.post("/v1/generate", content=WINDTURBINE)

    assert first.content == second.content


async def test_client_name_and_instance_space_reach_the_generated_code(service: httpx.AsyncClient) -> None:
    answer = await service.post(
        "/v1/generate",
        content=WINDTURBINE,
        params={"format": "json", "package": "acme.wind", "client_name": "Wind", "instance_space": "farm-1"},
    )

    assert answer.status_code == 200, answer.text
    files = answer.json()["files"]
    assert all(path.startswith("acme/wind/") for path in files)
    text = "\n".join(files.values())
    assert "class Wind(" in text
    assert "farm-1" in text


async def test_ir_json_gives_the_ir(service: httpx.AsyncClient) -> None:
    answer = await service.post(
        "/v1/generate",
        content=WINDTURBINE,
        params={"language": "ir-json", "format": "json", "package": "wind"},
    )

    assert answer.status_code == 200, answer.text
    [(path, text)] = answer.json()["files"].items()
    assert path == "wind/ir.json"
    ir = json.loads(text)
    assert ir["package"] == "wind"
    assert [model["external_id"] for model in ir["data_models"]] == ["WindTurbine"]


async def test_a_pygen_snapshot_is_a_model_document_too(service: httpx.AsyncClient) -> None:
    [snapshot] = load_model_file(model_file("Pumps"))

    answer = await service.post(
        "/v1/generate", content=snapshot.to_json_text(), headers=JSON, params={"format": "json"}
    )

    assert answer.status_code == 200, answer.text
    assert compile_all(answer.json()["files"]) > 3


async def test_cognite_core_generates_and_compiles(service: httpx.AsyncClient) -> None:
    answer = await service.post(
        "/v1/generate", content=model_file("CogniteCore").read_bytes(), params={"format": "json"}
    )

    assert answer.status_code == 200, answer.text
    assert compile_all(answer.json()["files"]) > 30


async def test_a_wheel_installs_the_sdk_with_its_runtime_requirement(
    service: httpx.AsyncClient, tmp_path: Path, unzip: Unzip, import_from: ImportFrom
) -> None:
    answer = await service.post(
        "/v1/generate",
        content=WINDTURBINE,
        params={
            "format": "wheel",
            "package": "wind_sdk",
            "sdk_version": "2.1.0",
            "distribution": "acme-wind",
        },
    )

    assert answer.status_code == 200, answer.text
    name = "acme_wind-2.1.0-py3-none-any.whl"
    assert answer.headers["content-disposition"] == f'attachment; filename="{name}"'
    names = unzip(answer.content, tmp_path)
    assert "wind_sdk/__init__.py" in names
    metadata = email.parser.Parser().parsestr(
        (tmp_path / "acme_wind-2.1.0.dist-info" / "METADATA").read_text(encoding="utf-8")
    )
    assert metadata["Name"] == "acme-wind"
    assert metadata["Version"] == "2.1.0"
    [requirement] = metadata.get_all("Requires-Dist")
    assert Requirement(requirement) == Requirement(runtime_requirement())
    record = (tmp_path / "acme_wind-2.1.0.dist-info" / "RECORD").read_text(encoding="utf-8")
    assert "wind_sdk/__init__.py," in record
    assert import_from(tmp_path, "wind_sdk").WindTurbineClient.__name__ == "WindTurbineClient"


async def test_a_wheel_of_a_dotted_package_keeps_its_folders(
    service: httpx.AsyncClient, tmp_path: Path, unzip: Unzip
) -> None:
    answer = await service.post(
        "/v1/generate", content=WINDTURBINE, params={"format": "wheel", "package": "acme.wind_sdk"}
    )

    assert answer.status_code == 200, answer.text
    assert 'filename="acme_wind_sdk-0.1.0-py3-none-any.whl"' in answer.headers["content-disposition"]
    names = unzip(answer.content, tmp_path)
    assert "acme/wind_sdk/__init__.py" in names


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_body_without_a_model_media_type_reads_as_yaml(
    service: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"content-type": content_type}

    answer = await service.post(
        "/v1/generate", content=WINDTURBINE, headers=headers, params={"format": "json"}
    )

    assert answer.status_code == 200, answer.text
