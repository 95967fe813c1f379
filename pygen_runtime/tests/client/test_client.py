"""CDFClient and AsyncCDFClient end to end against the in-process emulator
(``pygen_runtime.testing``) loaded with the real Omni model and its instances: the transport
injection other parts of pygen rely on, and the client's own surface."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openapi_contract
import pytest
import yaml
from pygen_runtime.schema import (
    DataModelId,
    EdgeApply,
    Node,
    NodeApply,
    Space,
    ViewId,
)
from pygen_runtime.testing import Emulator, Fault, FaultPlan

from pygen_runtime import (
    AsyncCDFClient,
    CDFClient,
    CDFConflictError,
    ClientConfig,
    ConfigurationError,
    Count,
    OAuthClientCredentials,
    Token,
)

SHARED = openapi_contract.SPEC_PATH.parents[1]
OMNI = DataModelId(space="sp_pygen_models", external_id="Omni", version="1")
NULLABLE = ViewId(space="sp_pygen_models", external_id="PrimitiveNullable", version="1")
ITEM_A = ViewId(space="sp_pygen_models", external_id="ConnectionItemA", version="1")
OMNI_VIEWS = len(yaml.safe_load((SHARED / "models" / "Omni.yaml").read_text(encoding="utf-8"))["views"])


def write_items(*names: str) -> list[NodeApply | EdgeApply]:
    items: list[NodeApply | EdgeApply] = []
    for name in names:
        for raw in yaml.safe_load(
            (SHARED / "instances" / "write" / f"{name}.yaml").read_text(encoding="utf-8")
        ):
            items.append(
                EdgeApply.model_validate(raw)
                if raw["instanceType"] == "edge"
                else NodeApply.model_validate(raw)
            )
    return items


@pytest.fixture
def emulator() -> Emulator:
    emulated = Emulator(project="client-tests")
    emulated.load_model(SHARED / "models" / "Omni.yaml")
    emulated.load_model({"spaces": [{"space": "sp_omni_instances"}]})
    return emulated


def config_for(emulator: Emulator, **overrides: Any) -> ClientConfig:
    settings: dict[str, Any] = {
        "base_url": emulator.base_url,
        "project": emulator.project,
        "credentials": Token(emulator.issue_token()),
        "client_name": "client-tests",
        "retry_backoff_base": 0.001,
        "max_retry_wait": 0.01,
    }
    return ClientConfig(**{**settings, **overrides})


@pytest.fixture
def client(emulator: Emulator) -> Iterator[CDFClient]:
    with CDFClient(config_for(emulator), transport=emulator.transport()) as sync_client:
        yield sync_client


def test_the_generator_reads_a_model_with_its_views_inline(client: CDFClient) -> None:
    [model] = client.data_models.retrieve([OMNI], inline_views=True)
    views = client.views.retrieve(model.view_ids[:3])

    assert model.as_id() == OMNI
    assert len(model.inline_views) == OMNI_VIEWS
    assert [view.as_id() for view in views] == model.view_ids[:3]
    assert "sp_pygen_models" in [space.space for space in client.spaces.list()]


def test_instances_round_trip_through_the_emulator(client: CDFClient) -> None:
    nodes = write_items("PrimitiveNullable.node", "ConnectionItemA.node", "ConnectionItemB.node")
    edges = write_items("ConnectionItemA.edge")

    applied = client.instances.apply(nodes + edges, auto_create_start_nodes=True, auto_create_end_nodes=True)
    retrieved = client.instances.retrieve([item.as_id() for item in nodes[:5]], sources=[NULLABLE])
    pages = list(
        client.instances.iterate(chunk_size=4, sources=[NULLABLE], filter={"hasData": [NULLABLE.dump()]})
    )
    counted = client.instances.aggregate(NULLABLE, Count())
    found = client.instances.search(NULLABLE, limit=3)
    query = client.instances.query(
        {
            "with": {"a": {"nodes": {"filter": {"hasData": [ITEM_A.dump()]}}, "limit": 2}},
            "select": {"a": {"sources": [{"source": ITEM_A.dump(), "properties": ["*"]}]}},
        }
    )
    deleted = client.instances.delete([item.as_id() for item in edges])

    assert len(applied) == len(nodes) + len(edges)
    assert [node.as_id() for node in retrieved] == [item.as_id() for item in nodes[:5]]
    assert retrieved[0].properties_of(NULLABLE)["date"] == "2024-01-16"
    assert [len(page) for page in pages] == [4, 1]
    assert counted[0].value("count") == 5
    assert len(found) == 3
    assert len(query.items["a"]) == 2
    assert query.next_cursor["a"] is not None
    assert deleted == [item.as_id() for item in edges]


def test_a_version_conflict_is_a_conflict_error(client: CDFClient) -> None:
    node = NodeApply(space="sp_omni_instances", external_id="conflicted")
    client.spaces.apply(Space(space="sp_omni_instances", name="Omni instances"))
    client.instances.apply(node)

    # existingVersion 0: "create it only if it does not exist yet".
    with pytest.raises(CDFConflictError) as caught:
        client.instances.apply(node.model_copy(update={"existing_version": 0}))

    assert caught.value.status == 409


async def test_the_async_client_does_the_same(emulator: Emulator) -> None:
    nodes = write_items("PrimitiveNullable.node")
    config = config_for(emulator)

    async with AsyncCDFClient(config, transport=emulator.async_transport()) as client:
        [model] = await client.data_models.retrieve(OMNI)
        await client.instances.apply(nodes)
        listed = await client.instances.list(sources=[NULLABLE], limit=None)
        views = await client.views.list(space="sp_pygen_models", limit=None)
        containers = await client.containers.list(space="sp_pygen_models")
        histogram = await client.instances.histogram(NULLABLE, "int32", 10**9)

    assert len(model.inline_views) == OMNI_VIEWS
    assert {node.external_id for node in listed if isinstance(node, Node)} >= {n.external_id for n in nodes}
    assert len(views) == OMNI_VIEWS
    assert containers
    assert sum(bucket.count for bucket in histogram.buckets) >= 1


def test_oauth_against_the_emulators_token_endpoint(emulator: Emulator) -> None:
    emulator.require_auth = True
    credentials = OAuthClientCredentials(
        token_url=emulator.token_url,
        client_id=emulator.credentials.client_id,
        client_secret=emulator.credentials.client_secret,
    )

    with CDFClient(config_for(emulator, credentials=credentials), transport=emulator.transport()) as client:
        [model] = client.data_models.retrieve(OMNI, inline_views=False)

    assert model.as_id() == OMNI


def test_injected_faults_are_retried_through(emulator: Emulator) -> None:
    emulator.faults = FaultPlan()
    emulator.faults.add(Fault.rate_limited(0.01, endpoint="/models/datamodels/byids", times=2))
    emulator.faults.add(Fault.dropped_connection(endpoint="/models/datamodels/byids", times=1))

    with CDFClient(config_for(emulator), transport=emulator.transport()) as client:
        [model] = client.data_models.retrieve(OMNI)

    assert model.as_id() == OMNI


def test_a_client_needs_a_config() -> None:
    with pytest.raises(
        ConfigurationError, match=r"CDFClient expects a ClientConfig \(e.g. ClientConfig.from_env\(\)\)"
    ):
        CDFClient({"project": "p"})  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="AsyncCDFClient expects a ClientConfig"):
        AsyncCDFClient(None)  # type: ignore[arg-type]


def test_clients_name_their_project_and_create_each_endpoint_group_once(emulator: Emulator) -> None:
    config = config_for(emulator)
    sync_client = CDFClient(config, transport=emulator.transport())
    async_client = AsyncCDFClient(config, transport=emulator.async_transport())

    assert repr(sync_client) == "CDFClient(project='client-tests', base_url='http://emulator.invalid')"
    assert repr(async_client) == "AsyncCDFClient(project='client-tests', base_url='http://emulator.invalid')"
    assert sync_client.instances is sync_client.instances
    assert async_client.views is async_client.views
    sync_client.close()
