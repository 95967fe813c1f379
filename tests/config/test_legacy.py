"""A cognite-pygen v1 [tool.pygen] table works unchanged and is told the current spelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from hatch_pygen.config import CdfModel, EnvReference, ViewSelector, parse_config
from hatch_pygen.errors import ConfigError

V1_TABLE = {
    "space": "power",
    "external_id": "WindTurbine",
    "version": "1",
    "top_level_package": "windturbine_sdk",
    "client_name": "WindTurbineClient",
    "instance_space": "wind-instances",
    "cdf_cluster": "westeurope-1",
    "cdf_project": "my-project",
    "tenant_id": "my-tenant",
    "client_id": "my-app",
    "scopes": ["https://westeurope-1.cognitedata.com/.default"],
    "audience": "aud",
    "exclude_views": ["power:Scratch"],
    "exclude_spaces": ["scratch"],
    "output_dir": "sdk",
    "overwrite": True,
    "skip_formatting": True,
}
NEW_TABLE = {
    "models": [{"space": "power", "external-id": "WindTurbine", "version": "1"}],
    "package": "windturbine_sdk",
    "client-name": "WindTurbineClient",
    "instance-space": "wind-instances",
    "exclude-views": ["power:Scratch"],
    "exclude-spaces": ["scratch"],
    "out-dir": "sdk",
    "overwrite": True,
    "format-code": False,
    "cdf": {
        "cluster": "westeurope-1",
        "project": "my-project",
        "tenant-id": "my-tenant",
        "client-id": "my-app",
        "scopes": ["https://westeurope-1.cognitedata.com/.default"],
        "audience": "aud",
    },
}


def test_a_v1_table_means_the_same_as_its_current_spelling(tmp_path: Path) -> None:
    v1 = parse_config(V1_TABLE, project_root=tmp_path)
    new = parse_config(NEW_TABLE, project_root=tmp_path)
    assert v1.notes
    assert new.notes == ()
    assert {**vars(v1), "notes": ()} == {**vars(new), "notes": ()}


def test_every_v1_key_gets_a_note_with_the_new_spelling(tmp_path: Path) -> None:
    notes = {note.path: note.message for note in parse_config(V1_TABLE, project_root=tmp_path).notes}
    assert notes["tool.pygen.top_level_package"] == (
        'v1 spelling, still accepted; the current spelling is package = "windturbine_sdk"'
    )
    assert notes["tool.pygen.skip_formatting"].endswith("format-code = false")
    assert notes["tool.pygen.cdf_cluster"].endswith("[tool.pygen.cdf] cluster")
    assert "models = [{ space" in notes["tool.pygen"]
    assert set(notes) == {"tool.pygen", *(f"tool.pygen.{key}" for key in V1_TABLE)} - {
        "tool.pygen.space",
        "tool.pygen.external_id",
        "tool.pygen.version",
        "tool.pygen.overwrite",  # spelled the same in v1 and now
    }


def test_v1_data_models_become_models(tmp_path: Path) -> None:
    config = parse_config(
        {"data_models": [["power", "WindTurbine", "1"], ["power", "Generator", "2"]], "cdf_url": "https://x"},
        project_root=tmp_path,
    )
    assert config.models == (CdfModel("power", "WindTurbine", "1"), CdfModel("power", "Generator", "2"))
    assert config.cdf.url == "https://x"
    assert config.exclude_views == ()
    assert ViewSelector("X").matches("any", "X", "1")


def test_v1_errors_are_reported_at_the_key_the_user_wrote(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {
                "space": "power",
                "version": "1",
                "data_models": [["power", "Bad-Id", "1"], "x"],
                "top_level_package": 5,
                "client_secret": "literal",
            },
            project_root=tmp_path,
        )
    issues = {issue.path: issue.message for issue in caught.value.issues}
    assert issues == {
        "tool.pygen.external_id": "missing; a CDF data model needs space, external_id and version",
        "tool.pygen.data_models[0].external_id": "'Bad-Id' is not a valid data model external id",
        "tool.pygen.data_models[1]": 'expected ["space", "external_id", "version"], three strings',
        "tool.pygen.top_level_package": "expected a string, got an integer",
        "tool.pygen.client_secret": issues["tool.pygen.client_secret"],
    }
    assert issues["tool.pygen.client_secret"].startswith("a literal secret does not belong")
    assert "literal" not in str(caught.value).replace("a literal secret", "")


@pytest.mark.parametrize(
    ("table", "path", "message"),
    [
        (
            {"top_level_package": "a", "package": "b", "models": []},
            "tool.pygen.top_level_package",
            "set together with package; keep package",
        ),
        (
            {"format_code": True, "skip_formatting": False, "models": []},
            "tool.pygen.format_code",
            "set together with format-code",
        ),
        (
            {"space": "s", "external_id": "M", "version": "1", "models": [{"file": "x"}]},
            "tool.pygen.models",
            "set together with v1 model keys",
        ),
        (
            {"data_models": "x"},
            "tool.pygen.data_models",
            "expected an array of [space, external_id, version]",
        ),
        (
            {"cdf_project": "a", "cdf": {"project": "b"}, "models": []},
            "tool.pygen.cdf_project",
            "set together with [tool.pygen.cdf] project; keep that one",
        ),
    ],
)
def test_v1_and_current_spellings_of_one_setting_conflict(
    tmp_path: Path, table: dict[str, object], path: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(table, project_root=tmp_path)
    issues = {issue.path: issue.message for issue in caught.value.issues}
    assert message in issues[path]


def test_a_v1_secret_reference_is_accepted(tmp_path: Path) -> None:
    config = parse_config(
        {"space": "s", "external_id": "M", "version": "1", "client_secret": "$SECRET"}, project_root=tmp_path
    )
    assert config.cdf.client_secret == EnvReference("SECRET")
