"""The official cognite-sdk, a client nobody here wrote, against the emulator on loopback.

Where the SDK and the emulator disagree, the emulator is wrong. Every response the SDK receives is
also checked against the CDF spec (the fixture's emulator does that), and the SDK's gzipped
request bodies are counted to prove they were read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest
import yaml
from cdf_material import OMNI_MODEL, WRITE_INSTANCE_FILES
from cognite.client import ClientConfig, CogniteClient
from cognite.client import data_modeling as dm
from cognite.client.credentials import Token
from cognite.client.data_classes.data_modeling import query as q
from cognite.client.data_classes.filters import Equals, Range
from pygen_runtime.testing import EmulatorResponse, EmulatorServer
from spec_checked import SpecCheckedEmulator

SPACE = "plant"
PUMP = dm.ViewId(SPACE, "Pump", "v1")


class GzipCountingEmulator(SpecCheckedEmulator):
    """Counts the request bodies that arrived gzipped."""

    gzipped_requests = 0

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> EmulatorResponse:
        if headers.get("content-encoding") == "gzip":
            self.gzipped_requests += 1
        return super().handle(method, target, headers, body)


@pytest.fixture
def emulator() -> Iterator[GzipCountingEmulator]:
    emu = GzipCountingEmulator(project="sdk-project", require_auth=True)
    yield emu
    emu.assert_spec_compliant()


@pytest.fixture
def server(emulator: GzipCountingEmulator) -> Iterator[EmulatorServer]:
    with emulator.serve() as running:
        yield running


@pytest.fixture
def client(emulator: GzipCountingEmulator, server: EmulatorServer) -> CogniteClient:
    config = ClientConfig(
        client_name="pygen-fidelity-tests",
        project=emulator.project,
        base_url=server.url,
        credentials=Token(emulator.issue_token()),
        timeout=10,
    )
    return CogniteClient(config)


def _pump_model() -> dm.DataModelApply:
    container = dm.ContainerId(SPACE, "Pump")
    view = dm.ViewApply(
        SPACE,
        "Pump",
        "v1",
        properties={
            "name": dm.MappedPropertyApply(container, "name"),
            "flow": dm.MappedPropertyApply(container, "flow"),
            "site": dm.MappedPropertyApply(container, "site"),
            "parent": dm.MappedPropertyApply(container, "parent", source=PUMP),
        },
    )
    return dm.DataModelApply(SPACE, "Plant", "1", description="Pumps", views=[view])


@pytest.fixture
def plant(client: CogniteClient) -> CogniteClient:
    client.data_modeling.spaces.apply(dm.SpaceApply(SPACE, name="Plant"))
    client.data_modeling.containers.apply(
        dm.ContainerApply(
            SPACE,
            "Pump",
            properties={
                "name": dm.ContainerProperty(dm.Text(), nullable=False),
                "flow": dm.ContainerProperty(dm.Float64()),
                "site": dm.ContainerProperty(dm.Text()),
                "parent": dm.ContainerProperty(dm.DirectRelation()),
            },
        )
    )
    client.data_modeling.data_models.apply(_pump_model())
    pumps = [
        dm.NodeApply(
            SPACE,
            f"pump-{index:02d}",
            sources=[
                dm.NodeOrEdgeData(
                    PUMP,
                    {
                        "name": f"Pump {index}",
                        "flow": float(index),
                        "site": "north" if index % 2 else "south",
                        "parent": {"space": SPACE, "externalId": "pump-00"} if index else None,
                    },
                )
            ],
        )
        for index in range(30)
    ]
    client.data_modeling.instances.apply(pumps)
    return client


def test_spaces_round_trip(client: CogniteClient) -> None:
    created = client.data_modeling.spaces.apply(
        dm.SpaceApply("sdk_space", name="SDK", description="made by the SDK")
    )
    assert created.space == "sdk_space"

    listed = client.data_modeling.spaces.list(limit=-1)
    retrieved = client.data_modeling.spaces.retrieve("sdk_space")

    assert [space.space for space in listed] == ["sdk_space"]
    assert retrieved is not None
    assert (retrieved.name, retrieved.description, retrieved.is_global) == ("SDK", "made by the SDK", False)
    assert client.data_modeling.spaces.delete("sdk_space") == ["sdk_space"]
    assert client.data_modeling.spaces.retrieve("sdk_space") is None


def test_a_data_model_with_inline_views_and_its_views(
    plant: CogniteClient, emulator: GzipCountingEmulator
) -> None:
    model = plant.data_modeling.data_models.retrieve(
        (SPACE, "Plant", "1"), inline_views=True
    ).latest_version()
    assert model.description == "Pumps"
    (view,) = model.views
    assert isinstance(view, dm.View)
    assert set(view.properties) == {"name", "flow", "site", "parent"}
    parent = view.properties["parent"]
    assert isinstance(parent, dm.MappedProperty)
    assert isinstance(parent.type, dm.DirectRelation)
    assert parent.source == PUMP
    assert view.writable is True
    assert view.used_for == "node"

    views = plant.data_modeling.views.list(space=SPACE, limit=-1)
    assert [v.as_id() for v in views] == [PUMP]
    assert plant.data_modeling.views.retrieve(PUMP)[0].properties["name"].type == dm.Text()
    assert emulator.gzipped_requests > 0  # the SDK gzips its bodies; the emulator read them


def test_apply_reports_versions_and_modification(plant: CogniteClient) -> None:
    node = dm.NodeApply(SPACE, "pump-01", sources=[dm.NodeOrEdgeData(PUMP, {"flow": 99.0})])
    first = plant.data_modeling.instances.apply(node).nodes[0]
    again = plant.data_modeling.instances.apply(node).nodes[0]

    assert (first.version, first.was_modified) == (2, True)
    assert (again.version, again.was_modified) == (2, False)


def test_list_pages_through_every_instance(plant: CogniteClient) -> None:
    everything = plant.data_modeling.instances.list(instance_type="node", sources=[PUMP], limit=-1)
    in_chunks = [
        node.external_id
        for chunk in plant.data_modeling.instances(chunk_size=7, instance_type="node", sources=[PUMP])
        for node in chunk
    ]

    assert sorted(node.external_id for node in everything) == [f"pump-{i:02d}" for i in range(30)]
    assert sorted(in_chunks) == [f"pump-{i:02d}" for i in range(30)]
    assert len(in_chunks) == len(set(in_chunks))
    pump_7 = next(node for node in everything if node.external_id == "pump-07")
    assert pump_7.properties[PUMP]["name"] == "Pump 7"
    assert pump_7.properties[PUMP]["parent"] == {"space": SPACE, "externalId": "pump-00"}


def test_list_with_filter_and_sort(plant: CogniteClient) -> None:
    north = plant.data_modeling.instances.list(
        sources=[PUMP],
        filter=Equals(PUMP.as_property_ref("site"), "north"),
        sort=dm.InstanceSort(PUMP.as_property_ref("flow"), direction="descending"),
        limit=3,
    )
    assert [node.external_id for node in north] == ["pump-29", "pump-27", "pump-25"]


def test_retrieve_by_ids(plant: CogniteClient) -> None:
    result = plant.data_modeling.instances.retrieve(
        [dm.NodeId(SPACE, "pump-03"), dm.NodeId(SPACE, "no-such-pump")], sources=[PUMP]
    )
    assert [node.external_id for node in result.nodes] == ["pump-03"]
    assert result.nodes[0].properties[PUMP]["flow"] == 3.0


def test_search(plant: CogniteClient) -> None:
    hits = plant.data_modeling.instances.search(PUMP, query="Pump 12", properties=["name"], limit=5)
    assert [node.external_id for node in hits] == ["pump-12"]
    filtered = plant.data_modeling.instances.search(
        PUMP, filter=Range(PUMP.as_property_ref("flow"), gte=28), limit=10
    )
    assert sorted(node.external_id for node in filtered) == ["pump-28", "pump-29"]


def test_aggregate_and_histogram(plant: CogniteClient) -> None:
    count = plant.data_modeling.instances.aggregate(PUMP, dm.aggregations.Count("externalId"))
    avg = plant.data_modeling.instances.aggregate(PUMP, dm.aggregations.Avg("flow"))
    grouped = plant.data_modeling.instances.aggregate(PUMP, dm.aggregations.Sum("flow"), group_by="site")
    histogram = plant.data_modeling.instances.histogram(PUMP, dm.aggregations.Histogram("flow", interval=10))

    assert count.value == 30
    assert avg.value == pytest.approx(14.5)
    sums = {item.group["site"]: item.aggregates[0].value for item in grouped}
    assert sums == {"north": sum(range(1, 30, 2)), "south": sum(range(0, 30, 2))}
    assert [(bucket.start, bucket.count) for bucket in histogram.buckets] == [(0, 10), (10, 10), (20, 10)]


def test_query_with_a_traversal_through_a_direct_relation(plant: CogniteClient) -> None:
    query = q.Query(
        with_={
            "root": q.NodeResultSetExpression(filter=Equals(["node", "externalId"], "pump-00")),
            "children": q.NodeResultSetExpression(
                from_="root", through=PUMP.as_property_ref("parent"), direction="inwards", limit=100
            ),
        },
        select={"root": q.Select(), "children": q.Select([q.SourceSelector(PUMP, ["name"])])},
    )

    result = plant.data_modeling.instances.query(query)

    assert [node.external_id for node in result["root"]] == ["pump-00"]
    children = sorted(node.external_id for node in result["children"])
    assert children == [f"pump-{i:02d}" for i in range(1, 30)]
    assert result["children"][0].properties[PUMP]["name"].startswith("Pump ")


def test_query_pages_a_sorted_set_with_the_sdks_cursors(plant: CogniteClient) -> None:
    query = q.Query(
        with_={
            "pumps": q.NodeResultSetExpression(
                filter=Equals(PUMP.as_property_ref("site"), "north"),
                sort=[dm.InstanceSort(PUMP.as_property_ref("flow"), direction="descending")],
                limit=4,
            )
        },
        select={"pumps": q.Select([q.SourceSelector(PUMP, ["flow"])])},
    )
    flows: list[float] = []
    for _ in range(10):
        result = plant.data_modeling.instances.query(query)
        flows.extend(node.properties[PUMP]["flow"] for node in result["pumps"])
        if not result.cursors.get("pumps"):
            break
        query.cursors = {"pumps": result.cursors["pumps"]}
    assert flows == [float(index) for index in range(29, 0, -2)]


def test_sync_then_only_what_changed(plant: CogniteClient) -> None:
    sync = q.QuerySync(
        with_={"pumps": q.NodeResultSetExpressionSync(filter=Equals(PUMP.as_property_ref("site"), "north"))},
        select={"pumps": q.SelectSync([q.SourceSelector(PUMP, ["flow"])])},
    )
    first = plant.data_modeling.instances.sync(sync)
    assert len(first["pumps"]) == 15

    plant.data_modeling.instances.apply(
        dm.NodeApply(SPACE, "pump-03", sources=[dm.NodeOrEdgeData(PUMP, {"flow": -1.0})])
    )
    sync.cursors = first.cursors
    second = plant.data_modeling.instances.sync(sync)

    assert [(node.external_id, node.properties[PUMP]["flow"]) for node in second["pumps"]] == [
        ("pump-03", -1.0)
    ]


def test_delete_nodes_and_see_them_gone(plant: CogniteClient) -> None:
    deleted = plant.data_modeling.instances.delete([dm.NodeId(SPACE, "pump-05"), dm.NodeId(SPACE, "pump-06")])
    assert sorted(node.external_id for node in deleted.nodes) == ["pump-05", "pump-06"]
    remaining = plant.data_modeling.instances.list(sources=[PUMP], limit=-1)
    assert len(remaining) == 28


def test_the_real_omni_model_and_data_through_the_sdk(
    client: CogniteClient, emulator: GzipCountingEmulator
) -> None:
    emulator.load_model(OMNI_MODEL)
    for path in WRITE_INSTANCE_FILES:
        emulator.load_instances(path)

    model = client.data_modeling.data_models.retrieve(
        ("sp_pygen_models", "Omni", "1"), inline_views=True
    ).latest_version()
    dumped = yaml.safe_load(OMNI_MODEL.read_text())
    assert sorted(view.external_id for view in model.views) == sorted(
        view["externalId"] for view in dumped["views"]
    )
    nullable = dm.ViewId("sp_pygen_models", "PrimitiveNullable", "1")
    nodes = client.data_modeling.instances.list(sources=[nullable], limit=-1)
    assert len(nodes) == 5
    edges = client.data_modeling.instances.list(instance_type="edge", limit=-1)
    # Some edges appear in two files (once from each end); CDF keeps one per identity.
    expected_edges = {
        (edge["space"], edge["externalId"])
        for path in WRITE_INSTANCE_FILES
        if path.name.endswith(".edge.yaml")
        for edge in yaml.safe_load(path.read_text())
    }
    assert {(edge.space, edge.external_id) for edge in edges} == expected_edges


def test_edges_apply_and_traverse(plant: CogniteClient) -> None:
    feeds = dm.DirectRelationReference(SPACE, "feeds")
    edges = [
        dm.EdgeApply(SPACE, f"feed-{i}", feeds, (SPACE, f"pump-{i:02d}"), (SPACE, f"pump-{i + 1:02d}"))
        for i in range(3)
    ]
    applied = plant.data_modeling.instances.apply(edges=edges)
    assert [edge.external_id for edge in applied.edges] == ["feed-0", "feed-1", "feed-2"]

    listed = plant.data_modeling.instances.list(instance_type="edge", limit=-1)
    assert {edge.external_id for edge in listed} == {"feed-0", "feed-1", "feed-2"}
    assert listed[0].start_node.space == SPACE

    query = q.Query(
        with_={
            "start": q.NodeResultSetExpression(filter=Equals(["node", "externalId"], "pump-00")),
            "chain": q.EdgeResultSetExpression(from_="start", direction="outwards", max_distance=3),
        },
        select={"start": q.Select(), "chain": q.Select()},
    )
    chain = plant.data_modeling.instances.query(query)["chain"]
    assert sorted(edge.external_id for edge in chain) == ["feed-0", "feed-1", "feed-2"]

    plant.data_modeling.instances.delete(dm.NodeId(SPACE, "pump-01"))  # takes feed-0 and feed-1 with it
    left = plant.data_modeling.instances.list(instance_type="edge", limit=-1)
    assert [edge.external_id for edge in left] == ["feed-2"]


def test_schema_listing_retrieval_and_deletion(plant: CogniteClient) -> None:
    containers = plant.data_modeling.containers.list(space=SPACE, limit=-1)
    assert [container.external_id for container in containers] == ["Pump"]
    assert plant.data_modeling.containers.retrieve((SPACE, "Pump")).properties["name"].nullable is False

    models = plant.data_modeling.data_models.list(space=SPACE, limit=-1)
    assert [model.external_id for model in models] == ["Plant"]

    assert plant.data_modeling.data_models.delete((SPACE, "Plant", "1")) == [
        dm.DataModelId(SPACE, "Plant", "1")
    ]
    assert plant.data_modeling.views.delete(PUMP) == [PUMP]
    assert plant.data_modeling.views.list(space=SPACE, limit=-1) == []
    assert plant.data_modeling.containers.delete((SPACE, "Pump")) == [dm.ContainerId(SPACE, "Pump")]
