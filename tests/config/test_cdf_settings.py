"""Connection settings: the table wins, the runtime's CDF_* variables fill the gaps, secrets stay hidden."""

from __future__ import annotations

import pytest

from hatch_pygen.config import CdfSettings, EnvReference
from hatch_pygen.errors import ConfigError


def test_the_environment_fills_what_the_table_leaves_out() -> None:
    resolved = CdfSettings(project="from-table").resolve(
        {
            "CDF_URL": "https://api.example.test/",
            "CDF_PROJECT": "from-env",
            "CDF_CLIENT_ID": "app",
            "CDF_CLIENT_SECRET": "hidden-secret",
            "CDF_TOKEN_URL": "https://login.example.test/token",
            "CDF_SCOPES": "a b",
            "CDF_AUDIENCE": "aud",
        }
    )
    assert resolved.url == "https://api.example.test"
    assert resolved.project == "from-table"
    assert resolved.client_id == "app"
    assert resolved.client_secret == "hidden-secret"
    assert resolved.scopes == ("a", "b")
    assert resolved.audience == "aud"
    assert "hidden-secret" not in repr(resolved)
    assert resolved.as_environment()["CDF_SCOPES"] == "a b"


def test_references_are_read_from_the_environment() -> None:
    settings = CdfSettings(
        url=EnvReference("URL"),
        project="p",
        client_secret=EnvReference("MY_SECRET"),
        scopes=(EnvReference("SCOPE"), "literal-scope"),
    )
    resolved = settings.resolve({"URL": "https://u.test", "MY_SECRET": "s", "SCOPE": "x"})
    assert resolved.url == "https://u.test"
    assert resolved.client_secret == "s"
    assert resolved.scopes == ("x", "literal-scope")


def test_the_default_scope_is_the_clusters_when_a_client_logs_in() -> None:
    resolved = CdfSettings(url="https://westeurope-1.cognitedata.com", project="p").resolve({})
    assert resolved.scopes == ("https://westeurope-1.cognitedata.com/.default",)
    assert CdfSettings(url="https://u", project="p").resolve({"CDF_TOKEN": "t"}).scopes == ()


def test_every_missing_setting_and_variable_is_named_never_a_value() -> None:
    settings = CdfSettings(client_secret=EnvReference("MISSING_SECRET"), token=EnvReference("MISSING_TOKEN"))
    with pytest.raises(ConfigError) as caught:
        settings.resolve({"UNRELATED": "value"})
    issues = {issue.path: issue.message for issue in caught.value.issues}
    assert issues == {
        "tool.pygen.cdf.client-secret": "refers to $MISSING_SECRET, which is not set; export MISSING_SECRET "
        "or change the reference",
        "tool.pygen.cdf.token": "refers to $MISSING_TOKEN, which is not set; export MISSING_TOKEN "
        "or change the reference",
        "tool.pygen.cdf.url": "no CDF URL; set url in the table or export CDF_URL",
        "tool.pygen.cdf.project": "no CDF project; set project in the table or export CDF_PROJECT",
    }
    assert str(EnvReference("X")) == "$X"


def test_os_environ_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDF_URL", "https://env.test")
    monkeypatch.setenv("CDF_PROJECT", "env-project")
    assert CdfSettings().resolve().project == "env-project"
