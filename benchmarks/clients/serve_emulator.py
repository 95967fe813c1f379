"""The benchmarks' server: the CDF emulator on loopback, in a process of its own.

    python serve_emulator.py --model CogniteCore.yaml --nodes 100000 [--concurrency-limits]

Loads the model and ``--nodes`` CogniteAsset nodes (see ``_dataset``), starts serving on
127.0.0.1 with authentication on, prints one ``READY {json}`` line (url, project, token, nodes,
load seconds) and serves until its standard input closes. Running the server in its own process
keeps its CPU time and memory out of the clients' figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
import time

from _dataset import INSTANCE_SPACE, asset_node
from pygen_runtime.testing import Emulator

PROJECT = "benchmark"
# Nodes handed to the emulator at once while loading: bounds the loader's own memory.
LOAD_BATCH = 10_000


def build(models: list[str], nodes: int, concurrency_limits: bool) -> Emulator:
    """An emulator with the models and ``nodes`` assets, requiring a token like CDF."""
    emulator = Emulator(project=PROJECT, require_auth=True, concurrency_limits=concurrency_limits)
    for model in models:
        emulator.load_model(model)
    # The instance space exists before any node, as it would in a CDF project.
    emulator.load_model({"spaces": [{"space": INSTANCE_SPACE}]})
    for start in range(0, nodes, LOAD_BATCH):
        emulator.load_instances([asset_node(index) for index in range(start, min(start + LOAD_BATCH, nodes))])
    return emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the CDF emulator with benchmark data.")
    parser.add_argument("--model", action="append", required=True, help="a data model file; repeatable")
    parser.add_argument("--nodes", type=int, default=0, help="CogniteAsset nodes to load (default 0)")
    parser.add_argument(
        "--concurrency-limits",
        action="store_true",
        help="answer 429 above CDF's default concurrent requests per project (4 applies, 2 deletes, 8 reads)",
    )
    parser.add_argument("--log-requests", metavar="FILE", help="write each request line to FILE")
    args = parser.parse_args(argv)
    if args.log_requests:
        # The server logs request lines at debug level: which endpoints a client calls.
        handler = logging.FileHandler(args.log_requests)
        handler.setFormatter(logging.Formatter("%(message)s"))
        server_log = logging.getLogger("pygen_runtime.testing.server")
        server_log.addHandler(handler)
        server_log.setLevel(logging.DEBUG)
    started = time.perf_counter()
    emulator = build(args.model, args.nodes, args.concurrency_limits)
    load_seconds = time.perf_counter() - started
    # The loaded nodes live as long as the process: keep them out of every GC sweep.
    gc.collect()
    gc.freeze()
    with emulator.serve() as server:
        ready = {
            "url": server.url,
            "project": emulator.project,
            "token": emulator.issue_token(ttl_seconds=24 * 3600),
            "nodes": args.nodes,
            "load_seconds": load_seconds,
        }
        sys.stdout.write("READY " + json.dumps(ready) + "\n")
        sys.stdout.flush()
        sys.stdin.read()  # serve until the harness closes our standard input
    return 0


if __name__ == "__main__":
    sys.exit(main())
