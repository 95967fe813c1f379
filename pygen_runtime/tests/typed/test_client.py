"""``TypedClient`` through the reference SDK's client: configuration from the environment and from
TOML, upsert (chunked, concurrent, replace, versions, inline targets) and delete."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import httpx
import pytest
from pygen_runtime.credentials import OAuthClientCredentials
from pygen_runtime.schema import EdgeId, NodeId, Space
from pygen_runtime.testing import Emulator, Fault
from reference_sdk import (
    BladeWrite,
    DistanceWrite,
    GeneratingUnitWrite,
    MetmastWrite,
    WindTurbine,
    WindTurbineClient,
    WindTurbineWrite,
)
from typed_testbed import INSTANCE_SPACE, RecordingTransport, make_config

from pygen_runtime import CDFClient, CDFConflictError, ConfigurationError, InvalidArgumentError, Token

APPLY = "/models/instances"


# -- configuration ---------------------------------------------------------------------------


def test_from_env_reads_the_connection_and_the_instance_space(emulator: Emulator) -> None:
    environ = {
        "CDF_URL": emulator.base_url,
        "CDF_PROJECT": emulator.project,
        "CDF_TOKEN": "test-token",
        "CDF_INSTANCE_SPACE": "from-env",
    }

    with WindTurbineClient.from_env(
        environ=environ, transport=emulator.transport(), client_name="typed"
    ) as client:
        assert client.instance_space == "from-env"
        assert client.cdf.config.client_name == "typed"
        assert client.wind_turbine.list() == []
    assert "instance_space='from-env'" in repr(client)


def test_azure_project_signs_in_through_entra_id_for_the_cluster() -> None:
    client = WindTurbineClient.azure_project(
        "my-tenant", "app", "hush", "westeurope-1", "wind", instance_space="turbines"
    )
    with client:
        config = client.cdf.config
        credentials = config.credentials
        assert isinstance(credentials, OAuthClientCredentials)
        assert credentials.token_url == "https://login.microsoftonline.com/my-tenant/oauth2/v2.0/token"
        assert config.project_url == "https://westeurope-1.cognitedata.com/api/v1/projects/wind"
        assert client.instance_space == "turbines"


def test_from_env_without_variables_names_what_is_missing() -> None:
    with pytest.raises(ConfigurationError, match="CDF_PROJECT is not set"):
        WindTurbineClient.from_env(environ={})


def test_from_toml_reads_a_cognite_table_with_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WIND_SECRET", "s3cret")
    path = tmp_path / "config.toml"
    path.write_text(
        """
[cognite]
cdf_cluster = "westeurope-1"
project = "wind"
client_id = "wind-app"
client_secret = "$WIND_SECRET"
tenant_id = "my-tenant"
instance_space = "wind-instances"
max_retries = 2

[tool.pygen]
ignored = true
""",
        encoding="utf-8",
    )

    with WindTurbineClient.from_toml(path) as client:
        config = client.cdf.config
        credentials = config.credentials
        assert config.base_url == "https://westeurope-1.cognitedata.com"
        assert config.project == "wind"
        assert config.max_retries == 2
        assert client.instance_space == "wind-instances"
        assert isinstance(credentials, OAuthClientCredentials)
        assert credentials.token_url == "https://login.microsoftonline.com/my-tenant/oauth2/v2.0/token"
        assert list(credentials.scopes) == ["https://westeurope-1.cognitedata.com/.default"]


def test_from_toml_top_level_with_a_token_talks_to_the_emulator(emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        f'base_url = "{emulator.base_url}"\nproject = "{emulator.project}"\ntoken = "abc"\n', encoding="utf-8"
    )

    with WindTurbineClient.from_toml(path, transport=emulator.transport()) as client:
        assert isinstance(client.cdf.config.credentials, Token)
        assert client.instance_space is None
        assert client.blade.list() == []


def test_from_toml_takes_a_named_section_and_explicit_scopes(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        """
[staging]
cdf_url = "https://staging.example.com"
project = "p"
client_id = "id"
client_secret = "secret"
token_url = "https://idp.example.com/token"
scopes = "https://staging.example.com/.default"
audience = "cdf"
""",
        encoding="utf-8",
    )

    with WindTurbineClient.from_toml(path, section="staging") as client:
        credentials = client.cdf.config.credentials
        assert isinstance(credentials, OAuthClientCredentials)
        assert list(credentials.scopes) == ["https://staging.example.com/.default"]
        assert credentials.audience == "cdf"


@pytest.mark.parametrize(
    ("content", "section", "message"),
    [
        ('project = "p"\ntoken = "t"\n', None, "base_url \\(or cdf_url, or cdf_cluster\\) is missing"),
        ('base_url = "https://x.example.com"\ntoken = "t"\n', None, "project is missing"),
        ('base_url = "https://x.example.com"\nproject = "p"\n', None, "no credentials"),
        (
            'base_url = "https://x.example.com"\nproject = "p"\nclient_id = "i"\nclient_secret = "s"\n',
            None,
            "token_url \\(or tenant_id\\) missing",
        ),
        (
            'base_url = "https://x.example.com"\nproject = "p"\ntoken = "t"\nclient_id = "i"\n',
            None,
            "both token and client_id",
        ),
        (
            'base_url = "https://x.example.com"\nproject = "p"\ntoken = "t"\ncolour = 1\n',
            None,
            "unknown key 'colour'",
        ),
        ('project = "$PYGEN_TEST_UNSET_VARIABLE"\n', None, "PYGEN_TEST_UNSET_VARIABLE, which is not set"),
        ('project = "p"\n', "cognite", "has no \\[cognite\\] table"),
        ("project = \n", None, "is not valid TOML"),
    ],
)
def test_from_toml_reports_what_is_wrong(
    tmp_path: Path, content: str, section: str | None, message: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(content, encoding="utf-8")
    os.environ.pop("PYGEN_TEST_UNSET_VARIABLE", None)

    with pytest.raises(ConfigurationError, match=message):
        WindTurbineClient.from_toml(path, section=section)


def test_from_toml_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no such file"):
        WindTurbineClient.from_toml(tmp_path / "absent.toml")


def test_a_client_can_share_an_existing_cdf_client(emulator: Emulator) -> None:
    with CDFClient(make_config(emulator), transport=emulator.transport()) as cdf:
        client = WindTurbineClient(cdf, instance_space=INSTANCE_SPACE)
        client.close()  # does not close the shared client
        assert client.cdf is cdf
        assert cdf.instances.list() == []
        with pytest.raises(InvalidArgumentError, match="transport applies to a new CDFClient"):
            WindTurbineClient(cdf, transport=emulator.transport())


# -- upsert ----------------------------------------------------------------------------------


def test_upsert_sends_thousands_of_nodes_in_concurrent_chunks(
    emulator: Emulator, recorded_client: WindTurbineClient, recording: RecordingTransport
) -> None:
    turbines = [WindTurbineWrite(external_id=f"wt-{index}", capacity=float(index)) for index in range(4500)]

    result = recorded_client.upsert(turbines)

    applies = recording.sent(APPLY)
    assert len(result) == 4500
    # Chunks go out concurrently, so they may arrive in any order.
    assert sorted(len(request.body["items"]) for request in applies) == [500, 1000, 1000, 1000, 1000]
    assert all(item.version == 1 for item in result.items)
    assert len(recorded_client.wind_turbine.list(limit=None)) == 4500


def test_upsert_with_replace_clears_properties_not_given(client: WindTurbineClient) -> None:
    client.upsert(WindTurbineWrite(external_id="wt-1", name="WT 1", capacity=5.0))

    client.upsert(WindTurbineWrite(external_id="wt-1", capacity=6.0))
    patched = client.wind_turbine.retrieve("wt-1")
    client.upsert(WindTurbineWrite(external_id="wt-1", capacity=7.0), replace=True)
    replaced = client.wind_turbine.retrieve("wt-1")

    assert patched is not None
    assert (patched.name, patched.capacity) == ("WT 1", 6.0)
    assert replaced is not None
    assert (replaced.name, replaced.capacity) == (None, 7.0)


def test_upsert_refuses_a_stale_version_unless_told_to_write_anyway(client: WindTurbineClient) -> None:
    client.upsert(WindTurbineWrite(external_id="wt-1", name="v1"))
    stale = client.wind_turbine.retrieve("wt-1")
    assert stale is not None
    client.upsert(WindTurbineWrite(external_id="wt-1", name="v2"))

    change = stale.as_write()
    change.name = "v3"
    with pytest.raises(CDFConflictError):
        client.upsert(change)
    result = client.upsert(change, allow_version_increase=True)

    assert result.items[0].version == 3
    assert result.items[0].was_modified


def test_upsert_writes_an_inline_target_once_and_edges_with_properties(client: WindTurbineClient) -> None:
    blade = BladeWrite(external_id="shared-blade", name="Shared")
    client.upsert(
        [
            WindTurbineWrite(external_id="wt-1", blades=[blade]),
            WindTurbineWrite(external_id="wt-2", blades=[blade]),
            MetmastWrite(external_id="mast-1"),
            DistanceWrite(
                external_id="wt-1-to-mast-1",
                type=NodeId(space="sp_pygen_power_enterprise", external_id="Distance"),
                start_node=(INSTANCE_SPACE, "wt-1"),
                end_node=(INSTANCE_SPACE, "mast-1"),
                distance=120.5,
            ),
        ]
    )

    edges = client.wind_turbine.metmast_edge.list(start_node="wt-1", min_distance=100.0)
    far = client.wind_turbine.metmast_edge.list(min_distance=200.0)
    by_end = client.metmast.wind_turbines_edge.list(
        end_node=[NodeId(space=INSTANCE_SPACE, external_id="mast-1")]
    )
    all_distances = client.distance.list(max_distance=500.0)

    assert [edge.distance for edge in edges] == [120.5]
    assert edges[0].end_node == NodeId(space=INSTANCE_SPACE, external_id="mast-1")
    assert far == []
    assert [edge.external_id for edge in by_end] == ["wt-1-to-mast-1"]
    assert [edge.external_id for edge in all_distances] == ["wt-1-to-mast-1"]
    assert len(client.blade.list(name="Shared")) == 1
    turbine = client.wind_turbine.retrieve("wt-1", retrieve_connections="identifier")
    assert isinstance(turbine, WindTurbine)
    assert turbine.metmast == [NodeId(space=INSTANCE_SPACE, external_id="mast-1")]


def test_one_node_given_through_two_views_is_written_once_with_both(client: WindTurbineClient) -> None:
    client.upsert(
        [
            WindTurbineWrite(external_id="wt-1", name="WT 1", windfarm="North"),
            GeneratingUnitWrite(external_id="wt-1", capacity=5.5, name="WT 1"),
            WindTurbineWrite(external_id="wt-1", name="WT 1", windfarm="North"),
        ]
    )

    turbine = client.wind_turbine.retrieve("wt-1")
    assert turbine is not None
    assert (turbine.name, turbine.windfarm, turbine.capacity) == ("WT 1", "North", 5.5)
    assert turbine.version == 1  # one write, not one per view


def test_one_node_given_twice_with_different_values_is_refused_and_nothing_written(
    client: WindTurbineClient,
) -> None:
    with pytest.raises(InvalidArgumentError, match=r"node .*:blade-1 twice with different values for 'name'"):
        client.upsert(
            [BladeWrite(external_id="blade-1", name="A"), BladeWrite(external_id="blade-1", name="B")]
        )
    with pytest.raises(InvalidArgumentError, match=r"twice with different existing_version \(1 and 2\)"):
        client.upsert(
            [
                BladeWrite(external_id="blade-1", existing_version=1),
                BladeWrite(external_id="blade-1", existing_version=2),
            ]
        )

    assert client.blade.retrieve("blade-1") is None


def test_edges_are_retrieved_by_id_and_converted_to_writes(client: WindTurbineClient) -> None:
    client.upsert(
        DistanceWrite(
            external_id="d-1",
            type=NodeId(space="sp_pygen_power_enterprise", external_id="Distance"),
            start_node=NodeId(space=INSTANCE_SPACE, external_id="wt-1"),
            end_node=(INSTANCE_SPACE, "mast-1"),
            distance=3.0,
        )
    )

    edge = client.distance.retrieve("d-1")
    many = client.distance.retrieve(
        [EdgeId(space=INSTANCE_SPACE, external_id="d-1"), (INSTANCE_SPACE, "none")]
    )

    assert edge is not None
    assert edge.distance == 3.0
    assert [item.external_id for item in many] == ["d-1"]
    assert client.distance.retrieve("none") is None
    assert edge.as_write().dump()["startNode"] == {"space": INSTANCE_SPACE, "externalId": "wt-1"}
    assert many.as_write().as_ids() == [EdgeId(space=INSTANCE_SPACE, external_id="d-1")]


def test_upsert_refuses_read_objects_and_writes_nothing_for_nothing(client: WindTurbineClient) -> None:
    client.upsert(WindTurbineWrite(external_id="wt-1"))
    turbine = client.wind_turbine.retrieve("wt-1")

    with pytest.raises(
        InvalidArgumentError, match=r"item 0 is WindTurbine\. Convert a read object with \.as_write\(\)"
    ):
        client.upsert([turbine])  # type: ignore[list-item]
    assert len(client.upsert([])) == 0


def test_upsert_without_an_instance_space_names_the_object(emulator: Emulator) -> None:
    client = WindTurbineClient(make_config(emulator), transport=emulator.transport())

    with pytest.raises(InvalidArgumentError, match="WindTurbineWrite: 'wt-1' has no space"):
        client.upsert(WindTurbineWrite(external_id="wt-1"))


# -- delete ----------------------------------------------------------------------------------


def test_delete_takes_ids_pairs_and_objects(client: WindTurbineClient) -> None:
    written = [WindTurbineWrite(external_id=f"wt-{index}") for index in range(5)]
    client.upsert(written)
    turbine = client.wind_turbine.retrieve("wt-3")
    client.upsert(
        DistanceWrite(
            external_id="d-1",
            type=NodeId(space="sp_pygen_power_enterprise", external_id="Distance"),
            start_node=(INSTANCE_SPACE, "x"),
            end_node=(INSTANCE_SPACE, "y"),
        )
    )

    deleted = client.delete(
        [
            "wt-0",
            (INSTANCE_SPACE, "wt-1"),
            NodeId(space=INSTANCE_SPACE, external_id="wt-2"),
            turbine,
            written[4],
        ]
    )
    deleted_edge = client.delete(EdgeId(space=INSTANCE_SPACE, external_id="d-1"))

    assert [node.external_id for node in deleted] == [f"wt-{index}" for index in range(5)]
    assert deleted_edge == [EdgeId(space=INSTANCE_SPACE, external_id="d-1")]
    assert client.wind_turbine.list() == []
    assert client.distance.list() == []
    assert client.delete([]) == []


class ConcurrencyGauge(httpx.BaseTransport):
    """The emulator's transport, noting the most requests it was ever handling at once."""

    def __init__(self, emulator: Emulator) -> None:
        self._inner = emulator.transport()
        self._lock = threading.Lock()
        self._in_flight = 0
        self.peak = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)
        try:
            return self._inner.handle_request(request)
        finally:
            with self._lock:
                self._in_flight -= 1


def test_upsert_keeps_within_the_apply_concurrency_limit(emulator: Emulator) -> None:
    emulator.faults.add(Fault.latency(0.02, endpoint=APPLY))
    gauge = ConcurrencyGauge(emulator)
    config = make_config(emulator, max_concurrent_applies=2)

    with WindTurbineClient(config, instance_space=INSTANCE_SPACE, transport=gauge) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        gauge.peak = 0
        client.upsert([WindTurbineWrite(external_id=f"wt-{index}") for index in range(6000)])

    assert gauge.peak == 2


def test_from_toml_at_the_top_level_skips_other_tables(emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        f'base_url = "{emulator.base_url}"\nproject = "{emulator.project}"\ntoken = "t"\n'
        '\n[tool.pygen]\ninstance_space = "not-read-here"\n',
        encoding="utf-8",
    )

    with WindTurbineClient.from_toml(path, transport=emulator.transport()) as client:
        assert client.instance_space is None
        assert client.cdf.config.project == emulator.project
