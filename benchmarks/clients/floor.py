"""The floor: bare httpx and ``json`` against the same endpoints, no client library.

    python floor.py iterate --url URL --project P --token T
    python floor.py upsert --url URL --project P --token T --nodes 100000

``iterate`` pages through every CogniteAsset node with cursors, 1,000 at a time, and reads each
node's external id and name from the decoded JSON. ``upsert`` writes the benchmark's nodes in
requests of 1,000, four at a time (CDF's default limit of concurrent applies per project).
Nothing is validated or converted: no client can do less work for the same answers.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from _dataset import VIEW_PROPERTIES_KEY, VIEW_REFERENCE, VIEW_SPACE, asset_node
from _probe import Probe

PAGE_SIZE = 1000
APPLY_CONCURRENCY = 4


def _client(args: argparse.Namespace) -> httpx.Client:
    return httpx.Client(
        base_url=f"{args.url}/api/v1/projects/{args.project}",
        headers={"Authorization": f"Bearer {args.token}"},
        timeout=120,
    )


def iterate(args: argparse.Namespace, probe: Probe) -> dict[str, Any]:
    nodes = named = pages = 0
    with _client(args) as client, probe.measure():
        cursor = None
        while True:
            body: dict[str, Any] = {"limit": PAGE_SIZE, "sources": [{"source": VIEW_REFERENCE}]}
            if cursor is not None:
                body["cursor"] = cursor
            response = client.post("/models/instances/list", json=body)
            response.raise_for_status()
            page = json.loads(response.content)
            pages += 1
            for item in page["items"]:
                nodes += 1
                if item["externalId"] and item["properties"][VIEW_SPACE][VIEW_PROPERTIES_KEY]["name"]:
                    named += 1
            cursor = page.get("nextCursor")
            if cursor is None:
                break
    return {"nodes": nodes, "named": named, "pages": pages}


def upsert(args: argparse.Namespace, probe: Probe) -> dict[str, Any]:
    starts = range(0, args.nodes, PAGE_SIZE)
    with _client(args) as client, probe.measure():

        def apply(start: int) -> int:
            items = [asset_node(index) for index in range(start, min(start + PAGE_SIZE, args.nodes))]
            response = client.post("/models/instances", json={"items": items})
            response.raise_for_status()
            return len(json.loads(response.content)["items"])

        with ThreadPoolExecutor(APPLY_CONCURRENCY) as pool:
            written = sum(pool.map(apply, starts))
    return {"nodes": written, "requests": len(starts)}


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
