"""pygen-runtime's generic client (``CDFClient.instances``), no generated code.

    python runtime.py iterate --url URL --project P --token T
    python runtime.py upsert --url URL --project P --token T --nodes 100000

``iterate`` uses ``client.instances.iterate`` (pages of 1,000 ``Node`` models) and reads each
node's external id and name; ``upsert`` hands ``NodeApply`` models to ``client.instances.apply``,
which sends 1,000 per request within the client's default concurrency limits (CDF's).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from _dataset import (
    INSTANCE_SPACE,
    VIEW_EXTERNAL_ID,
    VIEW_SPACE,
    VIEW_VERSION,
    asset_properties,
    external_id,
)
from _probe import Probe
from pygen_runtime.schema import NodeApply, NodeOrEdgeData, ViewId

from pygen_runtime import CDFClient, ClientConfig, Token

PAGE_SIZE = 1000


def _client(args: argparse.Namespace) -> CDFClient:
    config = ClientConfig(
        base_url=args.url,
        project=args.project,
        credentials=Token(args.token),
        client_name="pygen-benchmark",
        timeout=120,
    )
    return CDFClient(config)


def iterate(args: argparse.Namespace, probe: Probe) -> dict[str, Any]:
    view = ViewId(space=VIEW_SPACE, external_id=VIEW_EXTERNAL_ID, version=VIEW_VERSION)
    nodes = named = pages = 0
    with _client(args) as client, probe.measure():
        for page in client.instances.iterate(chunk_size=PAGE_SIZE, sources=[view]):
            pages += 1
            for node in page:
                nodes += 1
                if node.external_id and node.properties_of(view)["name"]:
                    named += 1
    return {"nodes": nodes, "named": named, "pages": pages}


def upsert(args: argparse.Namespace, probe: Probe) -> dict[str, Any]:
    view = ViewId(space=VIEW_SPACE, external_id=VIEW_EXTERNAL_ID, version=VIEW_VERSION)
    with _client(args) as client, probe.measure():
        items = [
            NodeApply(
                space=INSTANCE_SPACE,
                external_id=external_id(index),
                sources=[NodeOrEdgeData(source=view, properties=asset_properties(index))],
            )
            for index in range(args.nodes)
        ]
        applied = client.instances.apply(items)
    return {"nodes": len(applied)}


def main(argv: list[str] | None = None) -> int:
    probe = Probe()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("task", choices=["iterate", "upsert"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--nodes", type=int, default=0, help="nodes to upsert")
    args = parser.parse_args(argv)
    figures = iterate(args, probe) if args.task == "iterate" else upsert(args, probe)
    probe.report(**figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
