"""A model's own problems come back as 422 listing every one, in the words ``pygen check`` uses."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from shared_cdf import model_file
from typer.testing import CliRunner

from hatch_pygen.cli import app

# A data model that lists views without defining them: validation skips each, leaving nothing.
UNDEFINED_VIEWS = {
    "space": "power",
    "externalId": "Hollow",
    "version": "1",
    "views": [
        {"space": "power", "externalId": "Turbine", "version": "1", "type": "view"},
        {"space": "power", "externalId": "Blade", "version": "1", "type": "view"},
    ],
}


def check_lines(model: Path, *flags: str) -> list[str]:
    """The problem lines ``pygen check --model`` prints for ``model``."""
    result = CliRunner().invoke(app, ["check", "--model", str(model), *flags])
    return [
        line for line in result.stderr.splitlines() if line.startswith(("warning[", "error[", "  warning["))
    ]


async def test_a_model_with_nothing_to_generate_lists_every_problem(
    service: httpx.AsyncClient, tmp_path: Path
) -> None:
    document = tmp_path / "hollow.json"
    document.write_text(json.dumps(UNDEFINED_VIEWS), encoding="utf-8")

    answer = await service.post(
        "/v1/generate", content=document.read_bytes(), headers={"content-type": "application/json"}
    )

    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["error"] == "nothing-to-generate"
    assert body["message"].startswith("nothing to generate: power:Hollow/1 leaves no view")
    assert [problem["code"] for problem in body["problems"]] == ["view-not-defined", "view-not-defined"]
    assert [problem["location"]["view"] for problem in body["problems"]] == [
        "power:Turbine/1",
        "power:Blade/1",
    ]
    # The same lines pygen check prints under its error for the same file.
    assert sorted(problem["text"] for problem in body["problems"]) == sorted(
        line.strip() for line in check_lines(document)
    )


async def test_strict_refuses_a_model_with_warnings_listing_them_as_pygen_check_does(
    service: httpx.AsyncClient,
) -> None:
    windturbine = model_file("WindTurbine")

    answer = await service.post("/v1/generate", content=windturbine.read_bytes(), params={"strict": "true"})

    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["error"] == "model-has-warnings"
    expected = check_lines(windturbine, "--strict")
    assert expected
    assert [problem["text"] for problem in body["problems"]] == expected
    assert body["message"] == (
        f"the data model has problems: 0 error(s), {len(expected)} warning(s); "
        "fix them in the model (pygen check lists the same problems)"
    )


@pytest.mark.parametrize("strict", ["false", None])
async def test_without_strict_warnings_do_not_stop_generation(
    service: httpx.AsyncClient, strict: str | None
) -> None:
    params = {} if strict is None else {"strict": strict}
    answer = await service.post("/v1/generate", content=model_file("WindTurbine").read_bytes(), params=params)
    assert answer.status_code == 200, answer.text
