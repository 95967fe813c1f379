"""Fetching data models from CDF through the runtime's client, against the emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from emulated_cdf import IN_PROCESS_URL, emulator_with, in_process_environ
from pygen_runtime.testing import Fault
from pytest_httpserver import HTTPServer
from shared_cdf import MODEL_FILES, model_file

from hatch_pygen.config import CdfModel, CdfSettings, EnvReference
from hatch_pygen.errors import ConfigError, OfflineError, SourceError
from hatch_pygen.ir import build_ir
from hatch_pygen.sources import CdfSource, is_offline, load_model_file
from hatch_pygen.validation import validate


def without_documentation(ir_json: str) -> Any:
    """The IR with property descriptions and display names left out.

    The model files lack their containers, so the emulator infers them; CDF (and so the
    emulator) shows a container property's description where a view property has none, which
    a cognite-sdk dump shows as null. Everything structural must still be identical.
    """
    data = json.loads(ir_json)
    for view in data["views"]:
        for prop in view["properties"]:
            prop.pop("description")
            prop.pop("display_name")
    return data


def model_of(path: Path) -> CdfModel:
    raw = yaml.safe_load(path.read_text())
    return CdfModel(raw["space"], raw["externalId"], str(raw["version"]))


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.stem)
def test_every_shared_model_fetched_from_the_emulator_gives_the_ir_of_its_file(path: Path) -> None:
    emulator = emulator_with(path)
    source = CdfSource(CdfSettings(), environ=in_process_environ(emulator), transport=emulator.transport())
    messages: list[str] = []
    [fetched] = source.fetch([model_of(path)], messages.append)
    [from_file] = load_model_file(path)
    assert without_documentation(build_ir(validate([fetched])).to_json()) == without_documentation(
        build_ir(validate([from_file])).to_json()
    )
    assert messages[0] == f"fetching 1 data model(s) from {IN_PROCESS_URL} (project {emulator.project})"
    assert messages[-1].startswith(f"fetched {model_of(path)}:")


def test_views_implemented_from_outside_the_model_are_fetched_with_their_own_parents() -> None:
    pump_view = {
        "space": "plant",
        "externalId": "Pump",
        "version": "1",
        "implements": [{"type": "view", "space": "cdf_cdm", "externalId": "CogniteAsset", "version": "v1"}],
        "properties": {
            "flow": {
                "container": {"type": "container", "space": "plant", "externalId": "Pump"},
                "containerPropertyIdentifier": "flow",
                "type": {"type": "float64"},
            }
        },
    }
    plant = {"space": "plant", "externalId": "Plant", "version": "1", "views": [pump_view]}
    emulator = emulator_with(model_file("CogniteCore"))
    emulator.load_model(plant)
    source = CdfSource(CdfSettings(), environ=in_process_environ(emulator), transport=emulator.transport())
    messages: list[str] = []
    [snapshot] = source.fetch([CdfModel("plant", "Plant", "1")], messages.append)
    implemented = sorted(view.external_id for view in snapshot.implemented_views)
    assert implemented == ["CogniteAsset", "CogniteDescribable", "CogniteSourceable", "CogniteVisualizable"]
    assert "fetching 1 implemented view(s) from outside the model" in messages
    assert "fetching 3 implemented view(s) from outside the model" in messages
    schema = validate([snapshot])
    assert not [p for p in schema.problems if p.code == "implements-not-generated"]
    [pump] = [v for v in schema.views if v.view_id.external_id == "Pump"]
    assert [parent.external_id for parent in pump.parents] == ["CogniteAsset"]
    assert [m.external_id for m in pump.data_models] == ["Plant"]


def test_several_models_come_back_in_the_order_asked() -> None:
    emulator = emulator_with(*(model_file(name) for name in ("OmniMultiA", "OmniMultiB", "OmniMultiC")))
    source = CdfSource(CdfSettings(), environ=in_process_environ(emulator), transport=emulator.transport())
    wanted = [
        CdfModel("pygen-models", "OmniMultiC", "1"),
        CdfModel("pygen-models", "OmniMultiA", "1"),
    ]
    assert [s.model_id.external_id for s in source.fetch(wanted)] == ["OmniMultiC", "OmniMultiA"]
    assert source.fetch([]) == []


def test_a_model_cdf_does_not_have_is_named_with_how_to_fix_it() -> None:
    emulator = emulator_with(model_file("Pumps"))
    source = CdfSource(CdfSettings(), environ=in_process_environ(emulator), transport=emulator.transport())
    with pytest.raises(SourceError) as caught:
        source.fetch([CdfModel("IntegrationTestsImmutable", "Pumps", "1"), CdfModel("nowhere", "Gone", "3")])
    assert str(caught.value) == (
        f"not found in CDF project {emulator.project} at {IN_PROCESS_URL}: nowhere:Gone/3; "
        "check space, external-id and version in tool.pygen.models"
    )


def test_a_refused_token_is_a_source_error_that_never_repeats_the_token() -> None:
    emulator = emulator_with(model_file("Pumps"))
    environ = {**in_process_environ(emulator), "CDF_TOKEN": "not-a-valid-token-but-secret"}
    source = CdfSource(CdfSettings(), environ=environ, transport=emulator.transport())
    with pytest.raises(SourceError) as caught:
        source.fetch([CdfModel("IntegrationTestsImmutable", "Pumps", "1")])
    message = str(caught.value)
    assert message.startswith(
        f"fetching data models from {IN_PROCESS_URL} (project {emulator.project}) failed:"
    )
    assert "401" in message
    assert "not-a-valid-token-but-secret" not in message


def test_a_server_that_keeps_failing_is_a_source_error_after_the_runtimes_retries() -> None:
    emulator = emulator_with(model_file("Pumps"))
    emulator.faults.add(Fault.server_error(endpoint="/models/datamodels/byids"))
    environ = {**in_process_environ(emulator), "CDF_MAX_RETRIES": "1"}
    source = CdfSource(CdfSettings(), environ=environ, transport=emulator.transport())
    with pytest.raises(SourceError, match=r"failed: .*503"):
        source.fetch([CdfModel("IntegrationTestsImmutable", "Pumps", "1")])


def test_settings_the_runtime_cannot_use_are_a_config_error_listing_its_reasons() -> None:
    source = CdfSource(CdfSettings(url="https://x.test", project="p"), environ={})
    with pytest.raises(ConfigError) as caught:
        source.fetch([CdfModel("s", "M", "1")])
    assert [issue.path for issue in caught.value.issues] == ["tool.pygen.cdf"]
    assert "no credentials" in str(caught.value)


def test_table_references_reach_the_client() -> None:
    emulator = emulator_with(model_file("Pumps"))
    settings = CdfSettings(url=IN_PROCESS_URL, project=emulator.project, token=EnvReference("MY_TOKEN"))
    source = CdfSource(settings, environ={"MY_TOKEN": emulator.issue_token()}, transport=emulator.transport())
    assert source.target() == (IN_PROCESS_URL, emulator.project)
    [snapshot] = source.fetch([CdfModel("IntegrationTestsImmutable", "Pumps", "1")])
    assert snapshot.model_id.external_id == "Pumps"


def test_offline_mode_refuses_before_any_request(httpserver: HTTPServer) -> None:
    environ = {
        "CDF_URL": httpserver.url_for("/").rstrip("/"),
        "CDF_PROJECT": "p",
        "CDF_TOKEN": "t",
        "PYGEN_OFFLINE": "1",
    }
    source = CdfSource(CdfSettings(), environ=environ)
    with pytest.raises(OfflineError) as caught:
        source.fetch([CdfModel("power", "WindTurbine", "1")])
    assert "PYGEN_OFFLINE forbids network calls, but power:WindTurbine/1 must be fetched" in str(caught.value)
    assert "run `pygen lock` while online" in str(caught.value)
    assert httpserver.log == []


@pytest.mark.parametrize(
    ("value", "offline"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("", False)],
)
def test_which_values_of_pygen_offline_mean_offline(value: str, offline: bool) -> None:
    assert is_offline({"PYGEN_OFFLINE": value}) is offline
    assert is_offline({}) is False
