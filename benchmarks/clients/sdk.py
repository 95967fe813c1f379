"""The SDK pygen generates for CogniteCore.

    python sdk.py iterate --sdk DIR --package cognite_core --url URL --project P --token T
    python sdk.py upsert --sdk DIR --package cognite_core --url URL --project P --token T --nodes N

``iterate`` reads every asset through ``client.cognite_asset.iterate(chunk_size=1000)`` (typed
``CogniteAsset`` objects) and reads each one's external id and name; ``upsert`` builds
``CogniteAssetWrite`` objects and hands them to ``client.upsert``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

from _dataset import INSTANCE_SPACE, asset_fields, external_id
from _probe import Probe
from pygen_runtime.schema import NodeId

from pygen_runtime import ClientConfig, Token

PAGE_SIZE = 1000


def _import_sdk(args: argparse.Namespace) -> Any:
    """The generated package, imported before the measured section (its import is measured on
    its own)."""
    sys.path.insert(0, args.sdk)
    package = importlib.import_module(args.package)
    getattr(package, args.client_name)  # the package imports names lazily: load the client now
    return package


def _client(args: argparse.Namespace, package: Any) -> Any:
    config = ClientConfig(
        base_url=args.url,
        project=args.project,
        credentials=Token(args.token),
        client_name="pygen-benchmark",
        timeout=120,
    )
    return getattr(package, args.client_name)(config, instance_space=INSTANCE_SPACE)


def iterate(args: argparse.Namespace, probe: Probe) -> dict[str, Any]:
    package = _import_sdk(args)
    nodes = named = pages = 0
    with _client(args, package) as client, probe.measure():
        for chunk in client.cognite_asset.iterate(chunk_size=PAGE_SIZE):
            pages += 1
            for asset in chunk:
                nodes += 1
                if asset.external_id and asset.name:
                    named += 1
    return {"nodes": nodes, "named": named, "pages": pages}


def upsert(args: argparse.Namespace, probe: Probe) -> dict[str, Any]:
    package = _import_sdk(args)
    write_class = package.CogniteAssetWrite
    with _client(args, package) as client, probe.measure():
        items = []
        for index in range(args.nodes):
            fields = asset_fields(index)
            parent = fields.pop("parent")
            items.append(
                write_class(
                    space=INSTANCE_SPACE,
                    external_id=external_id(index),
                    parent=NodeId(space=parent[0], external_id=parent[1]) if parent else None,
                    **fields,
                )
            )
        result = client.upsert(items)
    return {"nodes": len(result.nodes)}


def main(argv: list[str] | None = None) -> int:
    probe = Probe()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("task", choices=["iterate", "upsert"])
    parser.add_argument("--sdk", required=True, help="folder holding the generated package")
    parser.add_argument("--package", required=True, help="the generated package's name")
    parser.add_argument("--client-name", default="CogniteCoreClient")
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
