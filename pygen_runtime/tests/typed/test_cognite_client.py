"""Building clients from a cognite-sdk ``CogniteClient``, as pygen v1 code does
(``WindTurbineClient(cognite_client)``): real ``CogniteClient`` objects with ``Token`` and with
``OAuthClientCredentials`` against the emulator served on loopback with authentication required,
token refresh through the cognite-sdk credential provider, and clear errors for other objects."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from cognite.client import ClientConfig as CogniteConfig
from cognite.client import CogniteClient
from cognite.client.credentials import OAuthClientCredentials as CogniteOAuthClientCredentials
from cognite.client.credentials import Token as CogniteToken
from pygen_runtime.schema import NodeId, Space
from pygen_runtime.testing import Emulator, EmulatorServer
from pygen_runtime.testing._project import wall_clock_ms
from reference_sdk import WindTurbine, WindTurbineClient, WindTurbineWrite
from typed_testbed import INSTANCE_SPACE, WIND_TURBINE_MODEL

from pygen_runtime import (
    AsyncCDFClient,
    CDFAuthenticationError,
    CDFClient,
    ClientConfig,
    CogniteSdkCredentials,
    ConfigurationError,
    InvalidArgumentError,
    Token,
)


class SteppedClock:
    """The emulator's clock (epoch milliseconds), moved on by the test to expire tokens."""

    def __init__(self) -> None:
        self.now = wall_clock_ms()

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += int(seconds * 1000)


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def server(clock: SteppedClock) -> Iterator[EmulatorServer]:
    """The WindTurbine model in an emulator that answers 401 without a token it issued, on loopback."""
    emulator = Emulator(project="cognite-sdk", require_auth=True, clock=clock, token_ttl_seconds=600)
    emulator.load_model(WIND_TURBINE_MODEL)
    with emulator.serve() as served:
        yield served


def cognite_client(server: EmulatorServer, credentials: object, **settings: object) -> CogniteClient:
    config = CogniteConfig(
        client_name="v1-dashboard",
        project=server.emulator.project,
        base_url=server.url,
        credentials=credentials,  # type: ignore[arg-type]
        **settings,  # type: ignore[arg-type]
    )
    return CogniteClient(config)


def upsert_and_list(client: WindTurbineClient, external_id: str) -> list[str]:
    client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
    client.upsert(WindTurbineWrite(external_id=external_id, name=external_id.upper(), capacity=7.5))
    return [turbine.external_id for turbine in client.wind_turbine.list(limit=10)]


def test_a_generated_client_is_built_from_a_cognite_client_with_a_fixed_token(server: EmulatorServer) -> None:
    token = server.emulator.issue_token()
    cognite = cognite_client(server, CogniteToken(token), timeout=12)

    with WindTurbineClient(cognite, instance_space=INSTANCE_SPACE) as client:
        listed = upsert_and_list(client, "wt-token")
        [turbine] = client.wind_turbine.retrieve(["wt-token"])
        config = client.cdf.config

    assert listed == ["wt-token"]
    assert isinstance(turbine, WindTurbine)
    assert turbine.capacity == 7.5
    assert (config.project, config.base_url) == (server.emulator.project, server.url)
    assert (config.client_name, config.timeout) == ("v1-dashboard", 12.0)
    assert isinstance(config.credentials, CogniteSdkCredentials)
    # The CogniteClient is the caller's: the typed client closes only the pool it opened.
    assert cognite.config.project == server.emulator.project


def test_oauth_client_credentials_of_the_cognite_client_fetch_the_token_from_the_token_endpoint(
    server: EmulatorServer,
) -> None:
    credentials = CogniteOAuthClientCredentials(
        token_url=server.token_url,
        client_id=server.emulator.credentials.client_id,
        client_secret=server.emulator.credentials.client_secret,
        scopes=[f"{server.url}/.default"],
    )

    with WindTurbineClient(cognite_client(server, credentials), instance_space=INSTANCE_SPACE) as client:
        listed = upsert_and_list(client, "wt-oauth")
        header = client.cdf.config.auth.authorization(client.cdf._http.send_unauthenticated)

    assert listed == ["wt-oauth"]
    # The header our client sends is the provider's own, with a token the emulator issued.
    assert header == credentials.authorization_header()[1]
    assert server.emulator.tokens.is_valid(header)


def test_a_cognite_oauth_provider_that_refreshes_keeps_the_client_working_after_expiry(
    server: EmulatorServer, clock: SteppedClock
) -> None:
    # A leeway longer than the emulator's token lifetime: the provider fetches a new token for
    # every header it is asked for, as it does close to expiry.
    credentials = CogniteOAuthClientCredentials(
        token_url=server.token_url,
        client_id=server.emulator.credentials.client_id,
        client_secret=server.emulator.credentials.client_secret,
        scopes=None,
        token_expiry_leeway_seconds=3600,
    )

    with WindTurbineClient(cognite_client(server, credentials), instance_space=INSTANCE_SPACE) as client:
        assert upsert_and_list(client, "wt-1") == ["wt-1"]
        first = credentials.authorization_header()[1]
        clock.advance(601)  # every token issued so far has expired on the emulator
        assert not server.emulator.tokens.is_valid(first)
        assert [turbine.external_id for turbine in client.wind_turbine.list(limit=10)] == ["wt-1"]


def test_a_token_callable_is_asked_before_every_request_so_a_renewed_token_is_used(
    server: EmulatorServer, clock: SteppedClock
) -> None:
    issued: list[str] = []

    def renew() -> str:
        # Like a platform's token cache: a new token once the one it holds is about to expire.
        if not issued or not server.emulator.tokens.is_valid(f"Bearer {issued[-1]}"):
            issued.append(server.emulator.issue_token(ttl_seconds=60))
        return issued[-1]

    with WindTurbineClient(
        cognite_client(server, CogniteToken(renew)), instance_space=INSTANCE_SPACE
    ) as client:
        assert upsert_and_list(client, "wt-a") == ["wt-a"]
        assert len(issued) == 1
        clock.advance(61)
        # The emulator refuses the first token now; the request carries the renewed one.
        assert [turbine.external_id for turbine in client.wind_turbine.list(limit=10)] == ["wt-a"]

    assert len(issued) == 2
    assert issued[0] != issued[1]


def test_a_stale_token_from_the_cognite_client_fails_with_a_clear_authentication_error(
    server: EmulatorServer, clock: SteppedClock
) -> None:
    token = server.emulator.issue_token(ttl_seconds=60)
    clock.advance(61)

    with (
        WindTurbineClient(cognite_client(server, CogniteToken(token))) as client,
        pytest.raises(CDFAuthenticationError),
    ):
        client.wind_turbine.list(limit=1)


def test_the_runtime_clients_are_built_from_a_cognite_client_or_its_config(server: EmulatorServer) -> None:
    cognite = cognite_client(
        server, CogniteToken(server.emulator.issue_token()), headers={"x-team": "wind", "Authorization": "x"}
    )

    with CDFClient.from_cognite_client(cognite, max_retries=1) as cdf:
        cdf.spaces.apply(Space(space="from-cognite"))
        spaces = [space.space for space in cdf.spaces.list(limit=None)]
        config = cdf.config
    from_config = ClientConfig.from_cognite_client(cognite.config, client_name="override")

    assert "from-cognite" in spaces
    assert config.max_retries == 1
    assert dict(config.extra_headers) == {"x-team": "wind"}
    assert config.cdf_version == cognite.config.api_subversion
    assert (from_config.project, from_config.client_name) == (server.emulator.project, "override")


async def test_the_async_client_asks_the_provider_off_the_event_loop(server: EmulatorServer) -> None:
    callers: list[threading.Thread] = []

    def token() -> str:
        callers.append(threading.current_thread())
        return server.emulator.issue_token()

    cognite = cognite_client(server, CogniteToken(token))
    async with AsyncCDFClient.from_cognite_client(cognite) as cdf:
        await cdf.spaces.apply(Space(space="async-space"))
        [space] = await cdf.spaces.retrieve(["async-space"])

    assert space.space == "async-space"
    assert callers
    assert threading.main_thread() not in callers


# -- what is not a CogniteClient -----------------------------------------------------------------


@pytest.mark.parametrize("given", [{"project": "p"}, None, "https://westeurope-1.cognitedata.com"])
def test_a_typed_client_names_the_accepted_types_for_anything_else(given: object) -> None:
    accepted = (
        r"WindTurbineClient expects a ClientConfig .*, a CDFClient, or a cognite-sdk CogniteClient, got "
    )
    with pytest.raises(InvalidArgumentError, match=accepted):
        WindTurbineClient(given)  # type: ignore[arg-type]


def test_an_object_whose_config_lacks_credentials_is_not_taken_for_a_cognite_client() -> None:
    class HalfAClient:
        class config:  # the attribute a CogniteClient has
            project = "p"
            base_url = "https://westeurope-1.cognitedata.com"

    with pytest.raises(InvalidArgumentError, match="got HalfAClient"):
        WindTurbineClient(HalfAClient())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"from_cognite_client expects a cognite-sdk CogniteClient"):
        ClientConfig.from_cognite_client(HalfAClient())  # type: ignore[arg-type]


def test_the_cognite_clients_settings_are_checked_like_any_other() -> None:
    cognite = CogniteClient(
        CogniteConfig(
            client_name="x",
            project="bad project",
            base_url="http://cdf.example.com",
            credentials=CogniteToken("t"),
        )
    )

    with pytest.raises(ConfigurationError) as raised:
        ClientConfig.from_cognite_client(cognite)

    problems = " ".join(raised.value.problems)
    assert "project 'bad project' is not a CDF project name" in problems
    assert "uses plain http" in problems


class HeaderOf:
    """A credential provider of cognite-sdk's shape that answers with whatever it was given."""

    def __init__(self, answer: Callable[[], object]) -> None:
        self.answer = answer

    def authorization_header(self) -> tuple[str, str]:
        return self.answer()  # type: ignore[return-value]


def no_send(request: object) -> object:
    raise AssertionError("CogniteSdkCredentials sends no requests of its own")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda: "Bearer t", r"returned str from authorization_header\(\); it must return a \(header name"),
        (lambda: ("api-key", "k"), "gives the header 'api-key'; CDF needs an OAuth token"),
        (lambda: ("Authorization", "Bearer "), "is empty"),
        (lambda: ("Authorization", "Bearer a b"), "contains whitespace"),
    ],
)
def test_a_provider_that_answers_with_no_usable_header_is_named(
    answer: Callable[[], object], message: str
) -> None:
    credentials = CogniteSdkCredentials(HeaderOf(answer))

    with pytest.raises(ConfigurationError, match=message):
        credentials.authorization(no_send)  # type: ignore[arg-type]
    assert repr(credentials) == "CogniteSdkCredentials(HeaderOf)"


def test_a_provider_header_is_sent_as_is_and_a_401_asks_again() -> None:
    credentials = CogniteSdkCredentials(HeaderOf(lambda: ("authorization", "bearer abc")))

    assert credentials.authorization(no_send) == "Bearer abc"  # type: ignore[arg-type]
    assert credentials.invalidate("Bearer abc") is True
    with pytest.raises(ConfigurationError, match="expects a cognite-sdk credential provider"):
        CogniteSdkCredentials(Token("t"))  # type: ignore[arg-type]


def test_a_node_id_round_trips_through_a_client_built_from_a_cognite_client(server: EmulatorServer) -> None:
    cognite = cognite_client(server, CogniteToken(server.emulator.issue_token()))

    with WindTurbineClient(cognite, instance_space=INSTANCE_SPACE) as client:
        upsert_and_list(client, "wt-delete")
        deleted = client.delete("wt-delete")
        remaining = client.wind_turbine.list(limit=10)

    assert deleted == [NodeId(space=INSTANCE_SPACE, external_id="wt-delete")]
    assert len(remaining) == 0


def test_a_config_of_the_cognite_shape_without_optional_settings_keeps_the_defaults() -> None:
    class MinimalConfig:
        project = "wind"
        base_url = "https://westeurope-1.cognitedata.com/"
        credentials = HeaderOf(lambda: ("Authorization", "Bearer abc"))
        client_name = ""
        timeout = True  # not a number of seconds: the default stays
        headers = None

    config = ClientConfig.from_cognite_client(MinimalConfig())
    overridden = ClientConfig.from_cognite_client(MinimalConfig(), credentials=Token("mine"))
    defaults = ClientConfig(
        base_url="https://westeurope-1.cognitedata.com", project="wind", credentials=Token("t")
    )

    assert config.project_url == "https://westeurope-1.cognitedata.com/api/v1/projects/wind"
    assert (config.client_name, config.timeout, config.cdf_version) == (
        defaults.client_name,
        defaults.timeout,
        defaults.cdf_version,
    )
    assert dict(config.extra_headers) == {}
    assert config.auth.authorization(no_send) == "Bearer abc"  # type: ignore[arg-type]
    assert isinstance(overridden.credentials, Token)
