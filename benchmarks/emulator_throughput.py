"""How fast the CDF emulator serves list pages, and how much memory its nodes take.

Later benchmarks list up to a million nodes through the emulator; this one shows that the
emulator is not what they measure. It is a benchmark, not a test: run it by hand.

    python benchmarks/emulator_throughput.py                 # 100,000 nodes
    python benchmarks/emulator_throughput.py --nodes 1000000 --json

It reports:

- memory per 100k nodes: Python allocations held by the emulator after writing the nodes
  through the apply path (``tracemalloc``), scaled to 100,000 nodes;
- list throughput: pages of 1,000 nodes (with their properties) per second, iterating every node
  with cursors, in process (httpx transport) and over loopback HTTP, each response decoded as a
  client would.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx
from pygen_runtime.testing import Emulator

SPACE = "bench"
VIEW = {"type": "view", "space": SPACE, "externalId": "Asset", "version": "1"}
PAGE = 1000

MODEL: dict[str, Any] = {
    "spaces": [{"space": SPACE}],
    "containers": [
        {
            "space": SPACE,
            "externalId": "Asset",
            "properties": {
                "name": {"type": {"type": "text"}},
                "value": {"type": {"type": "float64"}},
                "count": {"type": {"type": "int64"}},
                "updated": {"type": {"type": "timestamp"}},
                "parent": {"type": {"type": "direct"}},
                "tags": {"type": {"type": "text", "list": True}},
            },
        }
    ],
    "views": [
        {
            "space": SPACE,
            "externalId": "Asset",
            "version": "1",
            "properties": {
                name: {
                    "container": {"type": "container", "space": SPACE, "externalId": "Asset"},
                    "containerPropertyIdentifier": name,
                }
                for name in ("name", "value", "count", "updated", "parent", "tags")
            },
        }
    ],
}


def _node(index: int) -> dict[str, Any]:
    return {
        "instanceType": "node",
        "space": SPACE,
        "externalId": f"asset-{index:08d}",
        "sources": [
            {
                "source": VIEW,
                "properties": {
                    "name": f"Asset {index}",
                    "value": index * 0.5,
                    "count": index,
                    "updated": "2024-05-31T02:12:29.000+00:00",
                    "parent": {"space": SPACE, "externalId": f"asset-{index // 10:08d}"},
                    "tags": ["pump", "north"],
                },
            }
        ],
    }


def build_emulator(nodes: int) -> Emulator:
    """An emulator holding ``nodes`` asset nodes, written through the apply endpoint."""
    emulator = Emulator(project="bench", concurrency_limits=False)
    emulator.load_model(MODEL)
    with httpx.Client(transport=emulator.transport(), base_url=emulator.api_url()) as client:
        for start in range(0, nodes, PAGE):
            items = [_node(index) for index in range(start, min(start + PAGE, nodes))]
            response = client.post("/models/instances", json={"items": items})
            response.raise_for_status()
    return emulator


def measure_memory(nodes: int) -> float:
    """Bytes the emulator holds per 100,000 nodes."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    emulator = build_emulator(nodes)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(emulator.state.store) >= nodes
    return (after - before) / nodes * 100_000


def _list_all(client: httpx.Client) -> tuple[int, int]:
    pages = items = 0
    cursor = None
    while True:
        body: dict[str, Any] = {"limit": PAGE, "sources": [{"source": VIEW}]}
        if cursor is not None:
            body["cursor"] = cursor
        response = client.post("/models/instances/list", json=body)
        response.raise_for_status()
        payload = response.json()
        pages += 1
        items += len(payload["items"])
        cursor = payload.get("nextCursor")
        if cursor is None:
            return pages, items


def measure_listing(emulator: Emulator, make_client: Callable[[], httpx.Client]) -> dict[str, float]:
    """Pages and nodes per second listing every node once."""
    with make_client() as client:
        started = time.perf_counter()
        pages, items = _list_all(client)
        elapsed = time.perf_counter() - started
    return {
        "pages": pages,
        "items": items,
        "seconds": elapsed,
        "pages_per_second": pages / elapsed,
        "nodes_per_second": items / elapsed,
    }


def run(nodes: int) -> dict[str, Any]:
    """Every measurement for ``nodes`` nodes."""
    memory = measure_memory(nodes)
    emulator = build_emulator(nodes)
    in_process = measure_listing(
        emulator, lambda: httpx.Client(transport=emulator.transport(), base_url=emulator.api_url())
    )
    with emulator.serve() as server:
        base = f"{server.url}/api/v1/projects/{emulator.project}"
        loopback = measure_listing(emulator, lambda: httpx.Client(base_url=base, timeout=60))
    return {
        "nodes": nodes,
        "bytes_per_100k_nodes": memory,
        "in_process": in_process,
        "loopback_http": loopback,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--nodes", type=int, default=100_000, help="how many nodes to store (default 100,000)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.nodes < 1:
        parser.error("--nodes must be at least 1")
    report = run(args.nodes)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"nodes stored:            {report['nodes']:,}")
    print(f"memory per 100k nodes:   {report['bytes_per_100k_nodes'] / 1e6:,.1f} MB")
    for label, key in (("in process", "in_process"), ("loopback HTTP", "loopback_http")):
        result = report[key]
        print(
            f"list, {label + ':':<15}  {result['pages_per_second']:,.1f} pages/s "
            f"({result['nodes_per_second']:,.0f} nodes/s, {result['pages']} pages)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
