"""hatch_pygen.generate_sdk and generate_sdk_notebook: real generation into temp folders, the
generated SDK imported and used against the emulator."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pygen_runtime.schema import DataModelId, Space
from pygen_runtime.testing import Emulator
from shared_cdf import model_file

from hatch_pygen import generate_sdk, generate_sdk_notebook
from hatch_pygen.errors import PygenError
from hatch_pygen.sources import load_model_file
from pygen_runtime import CDFClient, ClientConfig, Token

WIND_TURBINE = DataModelId(space="sp_pygen_power", external_id="WindTurbine", version="1")


@pytest.fixture
def emulator() -> Emulator:
    emulator = Emulator(project="api")
    emulator.load_model(model_file("WindTurbine"))
    return emulator


@pytest.fixture
def cdf(emulator: Emulator) -> Iterator[CDFClient]:
    config = ClientConfig(base_url=emulator.base_url, project=emulator.project, credentials=Token("t"))
    with CDFClient(config, transport=emulator.transport()) as client:
        client.spaces.apply(Space(space="api_instances"))
        yield client


@pytest.fixture
def forget_packages() -> Iterator[list[str]]:
    """Packages a test imports from a temp folder, removed from sys.modules and sys.path after."""
    names: list[str] = []
    path = list(sys.path)
    yield names
    sys.path[:] = path
    for name in [module for module in sys.modules if module.split(".")[0] in names]:
        del sys.modules[name]


def test_generate_sdk_writes_an_importable_package_from_a_model_file(
    tmp_path: Path, forget_packages: list[str]
) -> None:
    folder = generate_sdk(
        str(model_file("WindTurbine")),
        top_level_package="api_wind_sdk",
        client_name="WindClient",
        output_dir=tmp_path,
        instance_space="api_instances",
    )
    assert folder == tmp_path / "api_wind_sdk"
    assert (folder / "data_classes" / "_wind_turbine.py").is_file()
    forget_packages.append("api_wind_sdk")
    sys.path.insert(0, str(tmp_path))
    sdk: Any = importlib.import_module("api_wind_sdk")
    assert sdk.WindClient.default_instance_space == "api_instances"
    assert sdk.WindTurbineWrite(external_id="wt").external_id == "wt"


def test_generate_sdk_fetches_a_model_given_by_id_with_the_client(tmp_path: Path, cdf: CDFClient) -> None:
    folder = generate_sdk(WIND_TURBINE, top_level_package="fetched_sdk", output_dir=tmp_path, client=cdf)
    client_module = (folder / "_client.py").read_text(encoding="utf-8")
    assert "class WindTurbineClient(" in client_module


def test_generate_sdk_takes_snapshots_and_data_models(tmp_path: Path) -> None:
    [snapshot] = load_model_file(model_file("WindTurbine"))
    from_snapshot = generate_sdk(snapshot, top_level_package="from_snapshot", output_dir=tmp_path)
    from_model = generate_sdk([snapshot.data_model], top_level_package="from_model", output_dir=tmp_path)
    assert sorted(path.name for path in (from_snapshot / "data_classes").iterdir()) == sorted(
        path.name for path in (from_model / "data_classes").iterdir()
    )


def test_generate_sdk_notebook_returns_a_working_client(cdf: CDFClient, forget_packages: list[str]) -> None:
    forget_packages.append("wind_turbine_sdk")
    client = generate_sdk_notebook(WIND_TURBINE, client=cdf, instance_space="api_instances")
    assert type(client).__name__ == "WindTurbineClient"
    assert client.cdf is cdf
    sdk: Any = sys.modules["wind_turbine_sdk"]
    client.upsert([sdk.WindTurbineWrite(external_id="wt-1", name="WT 1", capacity=2.5)])
    [turbine] = client.wind_turbine.list()
    assert (type(turbine).__name__, turbine.name, turbine.capacity) == ("WindTurbine", "WT 1", 2.5)


def test_generate_sdk_notebook_again_replaces_the_package_imported_before(
    emulator: Emulator, forget_packages: list[str]
) -> None:
    forget_packages.append("notebook_sdk")
    config = ClientConfig(base_url=emulator.base_url, project=emulator.project, credentials=Token("t"))
    first = generate_sdk_notebook(model_file("WindTurbine"), top_level_package="notebook_sdk", config=config)
    second = generate_sdk_notebook(model_file("WindTurbine"), top_level_package="notebook_sdk", config=config)
    assert type(first) is not type(second)
    assert type(second) is sys.modules["notebook_sdk"].WindTurbineClient
    first.close()
    second.close()


def test_bad_input_gets_an_error_saying_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(PygenError, match="pass client=CDFClient"):
        generate_sdk(WIND_TURBINE, top_level_package="x_sdk", output_dir=tmp_path)
    with pytest.raises(PygenError, match="cannot generate an SDK from int 3"):
        generate_sdk(3, top_level_package="x_sdk", output_dir=tmp_path)  # type: ignore[arg-type]
    with pytest.raises(PygenError, match="no data model given"):
        generate_sdk([], top_level_package="x_sdk", output_dir=tmp_path)
    [snapshot] = load_model_file(model_file("WindTurbine"))
    by_reference = snapshot.data_model.model_copy(update={"views": snapshot.data_model.view_ids})
    with pytest.raises(PygenError, match="holds view ids only"):
        generate_sdk(by_reference, top_level_package="x_sdk", output_dir=tmp_path)


def test_a_missing_model_is_named(tmp_path: Path, cdf: CDFClient) -> None:
    missing = DataModelId(space="sp_pygen_power", external_id="Nope", version="1")
    with pytest.raises(PygenError, match="sp_pygen_power:Nope/1 was not found in CDF project api"):
        generate_sdk(missing, top_level_package="x_sdk", output_dir=tmp_path, client=cdf)


def test_the_docs_example_runs_and_prints_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "python-sdk.md").read_text(encoding="utf-8")
    section = page[page.index("\n## Generating from Python\n") :]
    code, shown = re.findall(r"```(?:python|text)\n(.*?)```", section, re.S)[:2]
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "WindTurbine.yaml").write_text(
        model_file("WindTurbine").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "python-sdk.md generate_sdk example", "exec"), {"__name__": "docs_example"})
    assert capsys.readouterr().out == shown
    assert (tmp_path / "generated" / "wind_sdk" / "_client.py").read_text(encoding="utf-8").count(
        "class WindClient("
    ) == 1


def test_a_model_whose_name_gives_no_package_name_needs_top_level_package(tmp_path: Path) -> None:
    text = model_file("WindTurbine").read_text(encoding="utf-8")
    renamed = tmp_path / "first.yaml"
    renamed.write_text(text.replace("\nexternalId: WindTurbine\n", "\nexternalId: 1stTurbine\n", 1))
    expected = "'1stTurbine' gives no importable package name; pass top_level_package="
    with pytest.raises(PygenError, match=expected):
        generate_sdk_notebook(renamed)
