"""Emulators for the query builder's tests, built once per module, and clients that count what
they send.

- ``hierarchy``: CogniteCore with 10,000 assets in four levels (10, 90, 900 and 9,000), each
  pointing at its parent (``parent``) and at its ancestors and itself (``path``, a list relation).
- ``omni``: the Omni model with every node and edge file of Omni's real instances.
- ``dense``: a complete directed graph of 60 nodes (3,540 edges), for deep traversals.

Every world keeps the data it loaded as plain Python, so tests compute their expectations from
it without asking the emulator.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from cdf_material import SHARED_CDF, WRITE_INSTANCE_FILES
from pygen_runtime.schema import ViewId
from pygen_runtime.testing import Emulator

from pygen_runtime import CDFClient, ClientConfig, Token

ASSET = ViewId(space="cdf_cdm", external_id="CogniteAsset", version="v1")
HIERARCHY_SPACE = "hierarchy"
LEVEL_SIZES = (10, 90, 900, 9000)
GRAPH_SPACE = "graph"
GRAPH_VIEW = ViewId(space="graph_model", external_id="Vertex", version="1")
DENSE_NODES = 60

Key = tuple[str, str]


class CountingTransport(httpx.BaseTransport):
    """The emulator's in-process transport, counting requests by endpoint (the last path part:
    ``list``, ``byids``, ``query``) and keeping their decoded bodies."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.counts: Counter[str] = Counter()
        self.bodies: list[tuple[str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        endpoint = request.url.path.rsplit("/", 1)[-1]
        self.counts[endpoint] += 1
        content = request.read()
        if request.headers.get("content-encoding") == "gzip":
            content = gzip.decompress(content)
        self.bodies.append((endpoint, json.loads(content) if content else None))
        return self.inner.handle_request(request)

    def bodies_of(self, endpoint: str) -> list[Any]:
        return [body for name, body in self.bodies if name == endpoint]

    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class World:
    """An emulator, the data loaded into it (as plain Python), and a way to get clients."""

    emulator: Emulator
    nodes: dict[Key, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)

    def client(self, **config: Any) -> tuple[CDFClient, CountingTransport]:
        transport = CountingTransport(self.emulator.transport())
        settings: dict[str, Any] = {
            "base_url": self.emulator.base_url,
            "project": self.emulator.project,
            "credentials": Token(self.emulator.issue_token()),
            "client_name": "query-tests",
            "retry_backoff_base": 0.001,
            "max_retry_wait": 0.01,
        }
        return CDFClient(ClientConfig(**{**settings, **config}), transport=transport), transport

    def properties(self, key: Key, view: ViewId) -> dict[str, Any]:
        """What the node ``key`` holds in ``view`` (empty when nothing)."""
        for source in self.nodes[key].get("sources", []):
            ref = source["source"]
            if (ref["space"], ref["externalId"], ref["version"]) == (
                view.space,
                view.external_id,
                view.version,
            ):
                return dict(source["properties"])
        return {}


@pytest.fixture
def client_of() -> Iterator[Any]:
    """``client_of(world)``: a client on the world's emulator and its counting transport; closed
    after the test."""
    opened: list[CDFClient] = []

    def make(world: World, **config: Any) -> tuple[CDFClient, CountingTransport]:
        client, transport = world.client(**config)
        opened.append(client)
        return client, transport

    yield make
    for client in opened:
        client.close()


def _asset(external_id: str, name: str, parent: str | None, path: list[str]) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "name": name,
        "path": [{"space": HIERARCHY_SPACE, "externalId": item} for item in path],
    }
    if parent is not None:
        properties["parent"] = {"space": HIERARCHY_SPACE, "externalId": parent}
    return {
        "instanceType": "node",
        "space": HIERARCHY_SPACE,
        "externalId": external_id,
        "sources": [{"source": ASSET.dump(), "properties": properties}],
    }


def build_hierarchy() -> World:
    emulator = Emulator(concurrency_limits=False)
    emulator.load_model(SHARED_CDF / "models" / "CogniteCore.yaml")
    world = World(emulator)
    levels: list[list[str]] = []
    paths: dict[str, list[str]] = {}
    for level, size in enumerate(LEVEL_SIZES):
        current = []
        for index in range(size):
            external_id = f"asset-{level}-{index:05d}"
            parent = None
            if level:
                above = levels[level - 1]
                parent = above[index * len(above) // size]
            paths[external_id] = [*(paths[parent] if parent else []), external_id]
            name = f"Asset {level}-{index:05d}"
            world.nodes[(HIERARCHY_SPACE, external_id)] = _asset(
                external_id, name, parent, paths[external_id]
            )
            current.append(external_id)
        levels.append(current)
    emulator.load_instances(list(world.nodes.values()))
    return world


def build_omni() -> World:
    emulator = Emulator(concurrency_limits=False)
    emulator.load_model(SHARED_CDF / "models" / "Omni.yaml")
    world = World(emulator)
    edges: dict[Key, dict[str, Any]] = {}
    for path in WRITE_INSTANCE_FILES:
        emulator.load_instances(path)
        # Later writes of the same instance win, property by property, as in CDF.
        for item in yaml.safe_load(Path(path).read_text(encoding="utf-8")):
            key = (item["space"], item["externalId"])
            if item["instanceType"] == "node":
                world.nodes[key] = _merged(world.nodes.get(key), item)
            else:
                edges[key] = _merged(edges.pop(key, None), item)
    world.edges = list(edges.values())
    return world


def _merged(before: dict[str, Any] | None, write: dict[str, Any]) -> dict[str, Any]:
    if before is None:
        return write
    by_source = {
        json.dumps(source["source"], sort_keys=True): dict(source["properties"])
        for source in before.get("sources", [])
    }
    for source in write.get("sources", []):
        by_source.setdefault(json.dumps(source["source"], sort_keys=True), {}).update(source["properties"])
    sources = [{"source": json.loads(ref), "properties": values} for ref, values in by_source.items()]
    return {**before, **write, "sources": sources}


def build_dense() -> World:
    emulator = Emulator(concurrency_limits=False)
    container = {"space": "graph_model", "externalId": "Vertex", "type": "container"}
    emulator.load_model(
        {
            "spaces": [{"space": "graph_model"}, {"space": GRAPH_SPACE}],
            "containers": [
                {
                    "space": "graph_model",
                    "externalId": "Vertex",
                    "usedFor": "node",
                    "properties": {"name": {"type": {"type": "text"}, "nullable": True}},
                }
            ],
            "views": [
                {
                    "space": "graph_model",
                    "externalId": "Vertex",
                    "version": "1",
                    "properties": {"name": {"container": container, "containerPropertyIdentifier": "name"}},
                }
            ],
        }
    )
    world = World(emulator)
    for index in range(DENSE_NODES):
        external_id = f"v{index:03d}"
        world.nodes[(GRAPH_SPACE, external_id)] = {
            "instanceType": "node",
            "space": GRAPH_SPACE,
            "externalId": external_id,
            "sources": [{"source": GRAPH_VIEW.dump(), "properties": {"name": f"Vertex {index}"}}],
        }
    for start in range(DENSE_NODES):
        for end in range(DENSE_NODES):
            if start != end:
                world.edges.append(
                    {
                        "instanceType": "edge",
                        "space": GRAPH_SPACE,
                        "externalId": f"v{start:03d}-v{end:03d}",
                        "type": {"space": GRAPH_SPACE, "externalId": "link"},
                        "startNode": {"space": GRAPH_SPACE, "externalId": f"v{start:03d}"},
                        "endNode": {"space": GRAPH_SPACE, "externalId": f"v{end:03d}"},
                    }
                )
    emulator.load_instances([*world.nodes.values(), *world.edges])
    return world


@pytest.fixture(scope="module")
def hierarchy() -> World:
    return build_hierarchy()


@pytest.fixture(scope="module")
def omni() -> World:
    return build_omni()


@pytest.fixture(scope="module")
def dense() -> World:
    return build_dense()


POWER = "sp_pygen_power"
WIND_TURBINE = ViewId(space=POWER, external_id="WindTurbine", version="1")
BLADE = ViewId(space=POWER, external_id="Blade", version="1")
SENSOR_POSITION = ViewId(space=POWER, external_id="SensorPosition", version="1")
METMAST = ViewId(space=POWER, external_id="Metmast", version="1")
DISTANCE = ViewId(space=POWER, external_id="Distance", version="1")
WIND_SPACE = "windfarm"
TURBINES = 20


def _node(external_id: str, view: ViewId, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "instanceType": "node",
        "space": WIND_SPACE,
        "externalId": external_id,
        "sources": [{"source": view.dump(), "properties": properties}],
    }


def _ref(external_id: str) -> dict[str, str]:
    return {"space": WIND_SPACE, "externalId": external_id}


def build_windturbine() -> World:
    """20 turbines (``WT 00``..``WT 09``, then ``Other 10``..), three blades each (the middle
    blade of every even turbine damaged), two sensor positions per blade, four metmasts, and a
    Distance edge from each turbine to metmast ``turbine % 4``."""
    emulator = Emulator(concurrency_limits=False)
    emulator.load_model(SHARED_CDF / "models" / "WindTurbine.yaml")
    world = World(emulator)
    for mast in range(4):
        world.nodes[(WIND_SPACE, f"mast-{mast}")] = _node(f"mast-{mast}", METMAST, {"position": float(mast)})
    for turbine in range(TURBINES):
        blades = [f"blade-{turbine:02d}-{index}" for index in range(3)]
        for index, blade in enumerate(blades):
            damaged = index == 1 and turbine % 2 == 0
            world.nodes[(WIND_SPACE, blade)] = _node(blade, BLADE, {"name": blade, "is_damaged": damaged})
            for position in range(2):
                sensor = f"sensor-{blade}-{position}"
                world.nodes[(WIND_SPACE, sensor)] = _node(
                    sensor, SENSOR_POSITION, {"position": float(position), "blade": _ref(blade)}
                )
        name = f"WT {turbine:02d}" if turbine < 10 else f"Other {turbine:02d}"
        external_id = f"wt-{turbine:02d}"
        world.nodes[(WIND_SPACE, external_id)] = _node(
            external_id,
            WIND_TURBINE,
            {"name": name, "capacity": float(turbine), "blades": [_ref(blade) for blade in blades]},
        )
        world.edges.append(
            {
                "instanceType": "edge",
                "space": WIND_SPACE,
                "externalId": f"{external_id}-mast",
                "type": {"space": "sp_pygen_power_enterprise", "externalId": "Distance"},
                "startNode": _ref(external_id),
                "endNode": _ref(f"mast-{turbine % 4}"),
                "sources": [{"source": DISTANCE.dump(), "properties": {"distance": 100.0 + turbine}}],
            }
        )
    emulator.load_instances([*world.nodes.values(), *world.edges])
    return world


@pytest.fixture(scope="module")
def windturbine() -> World:
    return build_windturbine()


@pytest.fixture
def fresh_windturbine() -> World:
    """A WindTurbine world of its own, for tests that inject faults into it."""
    return build_windturbine()
