"""[tool.pygen] in its current (kebab-case) spelling: what it accepts and how it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from hatch_pygen.config import CdfModel, EnvReference, FileModel, ViewSelector, parse_config
from hatch_pygen.errors import ConfigError


def issues_of(table: dict[str, object], root: Path) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(table, project_root=root)
    return {issue.path: issue.message for issue in caught.value.issues}


def test_the_documented_example_parses_into_typed_values(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "extra.yaml").write_text("space: s\n")
    config = parse_config(
        {
            "package": "windturbine_sdk",
            "client-name": "WindTurbineClient",
            "instance-space": "wind-instances",
            "models": [
                {"space": "power", "external-id": "WindTurbine", "version": "1"},
                {"file": "models/extra.yaml"},
            ],
            "exclude-views": ["power:Scratch", "Draft", "power:Old/2"],
            "exclude-spaces": ["cdf_cdm_units"],
            "cdf": {"url": "https://westeurope-1.cognitedata.com", "project": "my-project"},
        },
        project_root=tmp_path,
    )
    assert config.package == "windturbine_sdk"
    assert config.client_name == "WindTurbineClient"
    assert config.instance_space == "wind-instances"
    assert config.models == (
        CdfModel("power", "WindTurbine", "1"),
        FileModel(path=(tmp_path / "models" / "extra.yaml").resolve(), declared="models/extra.yaml"),
    )
    assert config.exclude_views == (
        ViewSelector("Scratch", space="power"),
        ViewSelector("Draft"),
        ViewSelector("Old", space="power", version="2"),
    )
    assert config.exclude_spaces == ("cdf_cdm_units",)
    assert config.cdf.url == "https://westeurope-1.cognitedata.com"
    assert config.cdf.project == "my-project"
    assert config.notes == ()
    assert config.lock_path == tmp_path / "pygen.lock"
    assert config.snapshot_dir == tmp_path / "pygen-models"
    assert config.cdf_models == (CdfModel("power", "WindTurbine", "1"),)


def test_a_broken_table_lists_every_problem_with_its_toml_path(tmp_path: Path) -> None:
    issues = issues_of(
        {
            "pakage": "x",
            "client-name": "not a class",
            "instance-space": "9bad",
            "models": [
                {"space": "power", "external-id": "WindTurbine", "version": 1},
                {"space": "power", "external-id": "bad-id!", "version": "1"},
                {"space": "power"},
                {"file": "missing.yaml"},
                "power:WindTurbine",
                {"file": "m.yaml", "space": "power"},
                {"space": "s", "external-id": "M", "version": "1", "verison": "2"},
            ],
            "exclude-views": ["bad space:X", 3],
            "exclude-spaces": "power",
            "overwrite": "yes",
            "cdf": {"url": 5, "projekt": "p", "client_id": "abc"},
        },
        tmp_path,
    )
    assert issues == {
        "tool.pygen.pakage": "unknown key; did you mean package?",
        "tool.pygen.client-name": "'not a class' is not a valid class name (letters, digits and _)",
        "tool.pygen.instance-space": "'9bad' is not a valid CDF space",
        "tool.pygen.models[0].version": 'CDF versions are strings; write version = "1"',
        "tool.pygen.models[1].external-id": "'bad-id!' is not a valid data model external id",
        "tool.pygen.models[2].external-id": (
            'missing; a CDF data model needs space, external-id and version (or file = "...")'
        ),
        "tool.pygen.models[2].version": (
            'missing; a CDF data model needs space, external-id and version (or file = "...")'
        ),
        "tool.pygen.models[3].file": f"missing.yaml does not exist (paths are relative to {tmp_path})",
        "tool.pygen.models[4]": (
            'expected a table such as { space = "...", external-id = "...", version = "..." } '
            'or { file = "..." }, got a string'
        ),
        "tool.pygen.models[5]": "a model comes either from a file or from CDF; drop space or file",
        "tool.pygen.models[6].verison": "unknown key; did you mean version?",
        "tool.pygen.exclude-views[0]": (
            "'bad space' is not a valid CDF space; "
            'write "ExternalId", "space:ExternalId" or "space:ExternalId/version"'
        ),
        "tool.pygen.exclude-views[1]": "expected a string, got an integer",
        "tool.pygen.exclude-spaces": "expected an array of strings, got a string",
        "tool.pygen.overwrite": "expected true or false, got a string",
        "tool.pygen.cdf.url": "expected a string, got an integer",
        "tool.pygen.cdf.projekt": "unknown key; did you mean project?",
        "tool.pygen.cdf.client_id": "unknown key; keys are written with hyphens here: client-id",
    }


def test_the_error_message_counts_and_lists_the_problems(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"models": [], "package": "1x"}, project_root=tmp_path, source="demo/pyproject.toml")
    assert str(caught.value).splitlines() == [
        "demo/pyproject.toml: 2 configuration problems",
        "  tool.pygen.package: '1x' is not a valid Python package name (letters, digits, _ and dots)",
        "  tool.pygen.models: is empty; list at least one data model",
    ]


@pytest.mark.parametrize(
    ("table", "path", "message"),
    [
        ({}, "tool.pygen.models", "missing; add models = "),
        ({"models": {"space": "s"}}, "tool.pygen.models", "expected an array of tables, got a table"),
        ({"models": [{"file": 3}]}, "tool.pygen.models[0].file", "expected a string, got an integer"),
        ({"models": [{"file": "m.yaml"}], "cdf": "x"}, "tool.pygen.cdf", "expected a table"),
        (
            {"models": [{"file": "m.yaml"}], "exclude-views": "X"},
            "tool.pygen.exclude-views",
            "expected an array",
        ),
        (
            {"models": [{"file": "m.yaml"}], "exclude-views": ["s:X/v!"]},
            "tool.pygen.exclude-views[0]",
            "'v!'",
        ),
        ({"models": [{"file": "m.yaml"}], "exclude-views": ["s:1X"]}, "tool.pygen.exclude-views[0]", "'1X'"),
        ({"models": [{"file": "m.yaml"}], "exclude-spaces": ["-"]}, "tool.pygen.exclude-spaces[0]", "'-'"),
        ({"models": [{"file": "m.yaml"}], "out-dir": 1}, "tool.pygen.out-dir", "expected a string"),
        ({"models": [{"file": "m.yaml"}], "something": 1}, "tool.pygen.something", "the keys allowed here"),
        (
            {"models": [{"space": "s", "external-id": "M", "external_id": "M", "version": "1"}]},
            "tool.pygen.models[0].external_id",
            "set twice",
        ),
        (
            {"models": [{"space": "s", "external-id": "M", "version": "1"}] * 2},
            "tool.pygen.models[1]",
            "lists s:M/1 again (already at tool.pygen.models[0]); remove one",
        ),
    ],
)
def test_each_kind_of_mistake_is_reported_at_its_path(
    tmp_path: Path, table: dict[str, object], path: str, message: str
) -> None:
    (tmp_path / "m.yaml").write_text("")
    issues = issues_of(table, tmp_path)
    assert path in issues, issues
    assert message in issues[path]


def test_a_table_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected a table, got an array"):
        parse_config(["models"], project_root=tmp_path)  # type: ignore[arg-type]


def test_out_dir_and_flags_are_read(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text("{}")
    config = parse_config(
        {"models": [{"file": "m.json"}], "out-dir": "sdk", "overwrite": False, "format-code": False},
        project_root=tmp_path,
    )
    assert config.out_dir == (tmp_path / "sdk").resolve()
    assert config.overwrite is False
    assert config.format_code is False


def test_cdf_values_may_refer_to_the_environment(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text("{}")
    config = parse_config(
        {
            "models": [{"file": "m.json"}],
            "cdf": {
                "url": "${MY_URL}",
                "project": "$MY_PROJECT",
                "client-id": "my-app",
                "client-secret": "$MY_SECRET",
                "token": "$MY_TOKEN",
                "scopes": "a b",
            },
        },
        project_root=tmp_path,
    )
    assert config.cdf.url == EnvReference("MY_URL")
    assert config.cdf.project == EnvReference("MY_PROJECT")
    assert config.cdf.client_id == "my-app"
    assert config.cdf.client_secret == EnvReference("MY_SECRET")
    assert config.cdf.token == EnvReference("MY_TOKEN")
    assert config.cdf.scopes == ("a", "b")


def test_a_literal_secret_is_refused_without_echoing_it(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text("{}")
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {"models": [{"file": "m.json"}], "cdf": {"client-secret": "s3cr3t-value", "token": "tok-value"}},
            project_root=tmp_path,
        )
    message = str(caught.value)
    assert "s3cr3t-value" not in message
    assert "tok-value" not in message
    issues = {issue.path: issue.message for issue in caught.value.issues}
    assert issues["tool.pygen.cdf.client-secret"].startswith(
        "a literal secret does not belong in pyproject.toml"
    )
    assert 'client-secret = "$CDF_CLIENT_SECRET"' in issues["tool.pygen.cdf.client-secret"]
    assert 'token = "$CDF_TOKEN"' in issues["tool.pygen.cdf.token"]


@pytest.mark.parametrize(
    ("cdf", "path", "message"),
    [
        ({"client-secret": "$not valid"}, "tool.pygen.cdf.client-secret", 'looks like "$NAME" or "${NAME}"'),
        ({"cluster": "c", "url": "https://x"}, "tool.pygen.cdf.cluster", "set together with url"),
        (
            {"tenant-id": "t", "token-url": "https://t"},
            "tool.pygen.cdf.tenant-id",
            "set together with token-url",
        ),
        ({"scopes": 3}, "tool.pygen.cdf.scopes", "expected an array of strings, got an integer"),
        ({"scopes": ["a", 3]}, "tool.pygen.cdf.scopes[1]", "expected a string"),
    ],
)
def test_cdf_table_mistakes(tmp_path: Path, cdf: dict[str, object], path: str, message: str) -> None:
    (tmp_path / "m.json").write_text("{}")
    issues = issues_of({"models": [{"file": "m.json"}], "cdf": cdf}, tmp_path)
    assert message in issues[path]


def test_cluster_and_tenant_expand_to_urls(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text("{}")
    config = parse_config(
        {"models": [{"file": "m.json"}], "cdf": {"cluster": "westeurope-1", "tenant-id": "my-tenant"}},
        project_root=tmp_path,
    )
    assert config.cdf.url == "https://westeurope-1.cognitedata.com"
    assert config.cdf.token_url == "https://login.microsoftonline.com/my-tenant/oauth2/v2.0/token"


def test_a_model_file_that_is_a_folder_is_named_as_one(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()

    issues = issues_of({"models": [{"file": "models"}]}, tmp_path)

    assert issues == {
        "tool.pygen.models[0].file": "models is a folder; give a model file (.yaml, .yml or .json) in it"
    }
