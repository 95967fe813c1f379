"""Connection settings: a value in the table takes the place of its CDF_* variable; secrets stay hidden."""

from __future__ import annotations

import pytest

from hatch_pygen.config import CdfSettings, EnvReference
from hatch_pygen.errors import ConfigError


def test_table_values_replace_their_variables_and_the_rest_of_the_environment_stays() -> None:
    env = CdfSettings(project="from-table", client_id="app", scopes=("a", "b"), audience="aud").environment(
        {
            "CDF_URL": "https://api.example.test",
            "CDF_PROJECT": "from-env",
            "CDF_CLIENT_SECRET": "s",
            "HOME": "/h",
        }
    )
    assert env == {
        "CDF_URL": "https://api.example.test",
        "CDF_PROJECT": "from-table",
        "CDF_CLIENT_ID": "app",
        "CDF_CLIENT_SECRET": "s",
        "CDF_SCOPES": "a b",
        "CDF_AUDIENCE": "aud",
        "HOME": "/h",
    }


def test_references_are_read_from_the_environment() -> None:
    settings = CdfSettings(
        url=EnvReference("URL"),
        project="p",
        client_secret=EnvReference("MY_SECRET"),
        token_url="https://login.test/token",
        scopes=(EnvReference("SCOPE"), "literal-scope"),
    )
    env = settings.environment({"URL": "https://u.test", "MY_SECRET": "s", "SCOPE": "x"})
    assert env["CDF_URL"] == "https://u.test"
    assert env["CDF_CLIENT_SECRET"] == "s"
    assert env["CDF_TOKEN_URL"] == "https://login.test/token"
    assert env["CDF_SCOPES"] == "x literal-scope"


def test_an_unset_reference_is_named_never_a_value() -> None:
    settings = CdfSettings(
        client_secret=EnvReference("MISSING_SECRET"), token=EnvReference("MISSING_TOKEN"), client_id="app"
    )
    with pytest.raises(ConfigError) as caught:
        settings.environment({"UNRELATED": "value"})
    issues = {issue.path: issue.message for issue in caught.value.issues}
    assert issues == {
        "tool.pygen.cdf.client-secret": "refers to $MISSING_SECRET, which is not set; export MISSING_SECRET "
        "or change the reference",
        "tool.pygen.cdf.token": "refers to $MISSING_TOKEN, which is not set; export MISSING_TOKEN "
        "or change the reference",
    }
    assert str(EnvReference("X")) == "$X"


def test_the_target_is_url_and_project_without_needing_credentials() -> None:
    assert CdfSettings(url="https://u.test/", project="p").target({}) == ("https://u.test", "p")
    assert CdfSettings(project="p").target({"CDF_CLUSTER": "westeurope-1"}) == (
        "https://westeurope-1.cognitedata.com",
        "p",
    )


def test_a_missing_target_names_both_settings() -> None:
    with pytest.raises(ConfigError) as caught:
        CdfSettings().target({})
    assert [issue.path for issue in caught.value.issues] == ["tool.pygen.cdf.url", "tool.pygen.cdf.project"]
    assert "export CDF_URL" in str(caught.value)


def test_os_environ_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDF_URL", "https://env.test")
    monkeypatch.setenv("CDF_PROJECT", "env-project")
    assert CdfSettings().target() == ("https://env.test", "env-project")
