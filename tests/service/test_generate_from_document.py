"""POST /v1/generate: a posted model document comes back as its SDK."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import httpx
from shared_cdf import model_file

WINDTURBINE = model_file("WindTurbine").read_bytes()
YAML = {"content-type": "application/yaml"}


async def test_a_yaml_model_comes_back_as_a_zip_of_a_package_that_imports(
    service: httpx.AsyncClient,
    tmp_path: Path,
    unzip: Callable[[bytes, Path], list[str]],
    import_from: Callable[[Path, str], ModuleType],
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
