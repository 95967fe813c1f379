"""ClientConfig: built directly or from CDF_* variables, every problem reported at once with the
name of what is wrong and how to fix it, and no secret in its repr."""

from __future__ import annotations

from typing import Any

import pytest

from pygen_runtime import ClientConfig, ConfigurationError, OAuthClientCredentials, Token, TokenProvider

CLUSTER = "https://westeurope-1.cognitedata.com"


def problems_of(**settings: Any) -> tuple[str, ...]:
    with pytest.raises(ConfigurationError) as caught:
        ClientConfig(**settings)
    return caught.value.problems


def env_problems(env: dict[str, str]) -> tuple[str, ...]:
    with pytest.raises(ConfigurationError) as caught:
        ClientConfig.from_env(env)
    return caught.value.problems


def test_a_config_normalises_the_url_and_knows_the_project_url() -> None:
    config = ClientConfig(base_url=f"  {CLUSTER}/ ", project="my-project", credentials=Token("abc"))

    assert config.base_url == CLUSTER
    assert config.project_url == f"{CLUSTER}/api/v1/projects/my-project"
    assert (config.max_concurrent_applies, config.max_concurrent_deletes, config.max_concurrent_reads) == (
        4,
        2,
        8,
    )


def test_a_plain_callable_becomes_a_token_provider() -> None:
    config = ClientConfig(base_url=CLUSTER, project="p", credentials=lambda: "abc")

    assert isinstance(config.credentials, TokenProvider)
    assert config.auth is config.credentials


def test_the_repr_never_shows_a_secret() -> None:
    credentials = OAuthClientCredentials(
        token_url="https://idp.example/token", client_id="app", client_secret="hush"
    )

    text = repr(ClientConfig(base_url=CLUSTER, project="p", credentials=credentials)) + repr(
        ClientConfig(base_url=CLUSTER, project="p", credentials=Token("eyJ.secret.token"))
    )

    assert "hush" not in text
    assert "eyJ.secret.token" not in text
    assert "client_secret=<hidden>" in text
    assert "Token(<hidden>)" in text


def test_every_problem_is_reported_at_once() -> None:
    problems = problems_of(
        base_url="westeurope-1.cognitedata.com",
        project="my project",
        credentials="abc",
        client_name="",
        timeout=0,
        max_retries=-1,
        max_retry_wait=-1,
        retry_backoff_base="fast",
        max_concurrent_applies=0,
        max_concurrent_deletes=1.5,
        max_concurrent_reads=True,
        max_connections=0,
        cdf_version="2023\n0101",
        extra_headers={"Authorization": "Bearer x", "x-team": "a\nb"},
    )

    expected = [
        "base_url 'westeurope-1.cognitedata.com' is not an http(s) URL",
        "project 'my project' is not a CDF project name",
        "credentials must be a Token, OAuthClientCredentials, TokenProvider or a callable",
        "client_name must be a non-empty single-line string",
        "timeout must be a number of seconds > 0, got 0",
        "max_retries must be a whole number >= 0, got -1",
        "max_retry_wait must be a number of seconds >= 0, got -1",
        "retry_backoff_base must be a number of seconds >= 0, got 'fast'",
        "max_concurrent_applies must be a whole number >= 1, got 0",
        "max_concurrent_deletes must be a whole number >= 1, got 1.5",
        "max_concurrent_reads must be a whole number >= 1, got True",
        "max_connections must be a whole number >= 1, got 0",
        "cdf_version must be a non-empty single-line string",
        "extra_headers may not set 'Authorization'",
        "extra_headers['x-team'] must be a non-empty single-line string",
    ]
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("", "base_url is empty", id="empty"),
        pytest.param("ftp://cdf.example", "is not an http(s) URL", id="wrong scheme"),
        pytest.param("https://cdf.example:port", "has an invalid port", id="bad port"),
        pytest.param(f"{CLUSTER}?x=1", "has a query or fragment", id="query"),
        pytest.param(f"{CLUSTER}/api/v1/projects/p", "includes the API path", id="API path"),
        pytest.param(
            "http://cdf.example.com", "uses plain http, which would send the token unencrypted", id="http"
        ),
    ],
)
def test_bad_urls_are_explained(url: str, expected: str) -> None:
    [problem] = problems_of(base_url=url, project="p", credentials=Token("abc"))

    assert expected in problem


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "http://localhost:1234", "http://[::1]:80", "http://emulator.invalid"]
)
def test_plain_http_is_fine_where_the_token_cannot_leave_the_machine(url: str) -> None:
    assert ClientConfig(base_url=url, project="p", credentials=Token("abc")).base_url == url


def test_plain_http_elsewhere_can_be_allowed_explicitly() -> None:
    config = ClientConfig(
        base_url="http://cdf.test.internal", project="p", credentials=Token("abc"), allow_insecure_http=True
    )

    assert config.base_url == "http://cdf.test.internal"


def test_one_problem_reads_as_one_sentence() -> None:
    with pytest.raises(ConfigurationError) as caught:
        ClientConfig(base_url=CLUSTER, project="", credentials=Token("abc"))

    assert str(caught.value) == (
        "Invalid CDF client configuration: project '' is not a CDF project name "
        "(letters, digits, '-', '_' and '.')."
    )


def test_from_env_with_a_token() -> None:
    config = ClientConfig.from_env(
        {
            "CDF_URL": CLUSTER,
            "CDF_PROJECT": "my-project",
            "CDF_TOKEN": "abc",
            "CDF_CLIENT_NAME": "dashboard",
            "CDF_TIMEOUT": "12.5",
            "CDF_MAX_RETRIES": "2",
            "UNRELATED": "x",
        }
    )

    assert (config.base_url, config.project, config.client_name) == (CLUSTER, "my-project", "dashboard")
    assert (config.timeout, config.max_retries) == (12.5, 2)
    assert isinstance(config.credentials, Token)


def test_from_env_with_client_credentials() -> None:
    config = ClientConfig.from_env(
        {
            "CDF_URL": CLUSTER,
            "CDF_PROJECT": "my-project",
            "CDF_CLIENT_ID": "app",
            "CDF_CLIENT_SECRET": "hush",
            "CDF_TOKEN_URL": "https://idp.example/token",
            "CDF_SCOPES": "scope-a, scope-b scope-c",
            "CDF_AUDIENCE": "https://cdf",
        }
    )

    credentials = config.credentials
    assert isinstance(credentials, OAuthClientCredentials)
    assert credentials.scopes == ("scope-a", "scope-b", "scope-c")
    assert credentials.audience == "https://cdf"
    assert credentials.token_url == "https://idp.example/token"


def test_from_env_derives_the_entra_token_url_the_scope_and_the_cluster_url() -> None:
    config = ClientConfig.from_env(
        {
            "CDF_CLUSTER": "westeurope-1",
            "CDF_PROJECT": "p",
            "CDF_CLIENT_ID": "app",
            "CDF_CLIENT_SECRET": "hush",
            "CDF_TENANT_ID": "my-tenant",
        }
    )

    credentials = config.credentials
    assert config.base_url == CLUSTER
    assert isinstance(credentials, OAuthClientCredentials)
    assert credentials.token_url == "https://login.microsoftonline.com/my-tenant/oauth2/v2.0/token"
    assert credentials.scopes == (f"{CLUSTER}/.default",)


def test_for_entra_id_gives_the_same_configuration_as_the_environment_does() -> None:
    config = ClientConfig.for_entra_id(
        tenant_id="my-tenant",
        client_id="app",
        client_secret="hush",
        cluster="westeurope-1",
        project="p",
        client_name="wind",
    )
    from_env = ClientConfig.from_env(
        {
            "CDF_CLUSTER": "westeurope-1",
            "CDF_PROJECT": "p",
            "CDF_CLIENT_ID": "app",
            "CDF_CLIENT_SECRET": "hush",
            "CDF_TENANT_ID": "my-tenant",
        }
    )

    credentials = config.credentials
    assert isinstance(credentials, OAuthClientCredentials)
    assert isinstance(from_env.credentials, OAuthClientCredentials)
    assert (config.base_url, config.project, config.client_name) == (CLUSTER, "p", "wind")
    assert credentials.token_url == from_env.credentials.token_url
    assert credentials.scopes == from_env.credentials.scopes == (f"{CLUSTER}/.default",)
    assert "hush" not in repr(config)


def test_from_env_reads_os_environ_by_default_and_overrides_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDF_URL", CLUSTER)
    monkeypatch.setenv("CDF_PROJECT", "from-env")
    monkeypatch.setenv("CDF_TOKEN", "abc")

    config = ClientConfig.from_env(project="overridden", max_concurrent_applies=2)

    assert (config.project, config.max_concurrent_applies) == ("overridden", 2)


def test_from_env_overrides_can_stand_in_for_missing_variables() -> None:
    config = ClientConfig.from_env({}, base_url=CLUSTER, project="p", credentials=Token("abc"))

    assert config.project == "p"


def test_from_env_without_a_url_reports_only_the_url_when_the_credentials_are_complete() -> None:
    problems = env_problems(
        {
            "CDF_PROJECT": "p",
            "CDF_CLIENT_ID": "app",
            "CDF_CLIENT_SECRET": "hush",
            "CDF_TOKEN_URL": "https://idp.example/token",
        }
    )

    assert len(problems) == 1
    assert problems[0].startswith("CDF_URL is not set")


def test_from_env_names_every_missing_variable() -> None:
    problems = env_problems({"CDF_TOKEN": "  "})

    assert len(problems) == 3
    assert problems[0].startswith("CDF_URL is not set: export CDF_URL=https://<cluster>.cognitedata.com")
    assert problems[1].startswith("CDF_PROJECT is not set")
    assert problems[2].startswith(
        "no credentials: set CDF_TOKEN, or CDF_CLIENT_ID, CDF_CLIENT_SECRET and CDF_TOKEN_URL"
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param(
            {"CDF_URL": "cognitedata.com"}, "CDF_URL 'cognitedata.com' is not an http(s) URL", id="bad URL"
        ),
        pytest.param(
            {"CDF_CLUSTER": "bad cluster"},
            "CDF_CLUSTER 'https://bad cluster.cognitedata.com'",
            id="bad cluster",
        ),
        pytest.param({"CDF_TIMEOUT": "soon"}, "CDF_TIMEOUT='soon' is not a number of seconds", id="timeout"),
        pytest.param({"CDF_MAX_RETRIES": "2.5"}, "CDF_MAX_RETRIES='2.5' is not a whole number", id="retries"),
        pytest.param(
            {"CDF_CLIENT_ID": "app"},
            "OAuth client credentials need CDF_CLIENT_SECRET, CDF_TOKEN_URL (or CDF_TENANT_ID), "
            "which are not set",
            id="half the client credentials",
        ),
        pytest.param(
            {"CDF_CLIENT_ID": "app", "CDF_CLIENT_SECRET": "hush"},
            "need CDF_TOKEN_URL (or CDF_TENANT_ID), which is not set",
            id="no token URL",
        ),
        pytest.param(
            {"CDF_CLIENT_ID": "app", "CDF_CLIENT_SECRET": "hush", "CDF_TOKEN_URL": "idp.example/token"},
            "CDF_TOKEN_URL 'idp.example/token' is not an http(s) URL",
            id="bad token URL",
        ),
        pytest.param(
            {"CDF_TOKEN": "abc", "CDF_CLIENT_ID": "app"},
            "both CDF_TOKEN and CDF_CLIENT_ID are set",
            id="two kinds of credentials",
        ),
        pytest.param({"CDF_TOKEN": "a b"}, "CDF_TOKEN is not a usable token", id="token with a space"),
    ],
)
def test_from_env_names_the_malformed_variable(env: dict[str, str], expected: str) -> None:
    base = {"CDF_URL": CLUSTER, "CDF_PROJECT": "p"}
    if not any(key.startswith(("CDF_TOKEN", "CDF_CLIENT")) for key in env):
        base["CDF_TOKEN"] = "abc"
    if "CDF_CLUSTER" in env:
        del base["CDF_URL"]

    problems = env_problems({**base, **env})

    assert any(expected in problem for problem in problems), problems
    assert all("hush" not in problem for problem in problems)
