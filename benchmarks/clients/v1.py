"""cognite-pygen v1: generate an SDK, and list, iterate and upsert through the SDK it generated.

Runs under the separate interpreter that holds cognite-pygen v1 and its cognite-sdk, never under
this project's own.

    python v1.py generate --model CogniteCore.yaml --package cognite_core_v1 --out DIR
    python v1.py list --sdk DIR --package cognite_core_v1 --url URL --project P --token T
    python v1.py iterate --sdk DIR --package cognite_core_v1 --url URL --project P --token T
    python v1.py upsert --sdk DIR --package cognite_core_v1 --url URL --project P --token T --nodes N

``generate`` loads the model file with cognite-sdk's ``DataModel.load`` (v1 generates from a
``DataModel`` object without asking CDF) and calls ``cognite.pygen.generate_sdk`` with v1's
defaults (no code formatting). ``list`` is v1's way to read every node (``list(limit=-1)``),
``iterate`` its chunked reader (``iterate(chunk_size=1000)``, marked alpha by v1).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from pathlib import Path
from typing import Any

from _dataset import INSTANCE_SPACE, asset_fields, external_id
from _probe import Probe

PAGE_SIZE = 1000


def generate(args: argparse.Namespace, probe: Probe) -> dict[str, Any]:
    import yaml
    from cognite.client.data_classes.data_modeling import DataModel
    from cognite.pygen import generate_sdk

    with probe.measure():
        with open(args.model, encoding="utf-8") as file:
            model: Any = DataModel.load(yaml.safe_load(file))
        generate_sdk(
            model,
            top_level_package=args.package,
            client_name=args.client_name,
            default_instance_space=INSTANCE_SPACE,
            output_dir=Path(args.out) / args.package,
            overwrite=True,
            logger=lambda message: None,
        )
    files = sum(1 for _ in (Path(args.out) / args.package).rglob("*.py"))
    return {"files": files}


def _import_sdk(args: argparse.Namespace) -> Any:
    """The generated package, imported before the measured section (its import is measured on
    its own)."""
    sys.path.insert(0, args.sdk)
    return importlib.import_module(args.package)


def _sdk_client(args: argparse.Namespace, package: Any) -> Any:
    from cognite.client import ClientConfig, CogniteClient
    from cognite.client.credentials import Token

    config = ClientConfig(
        client_name="pygen-benchmark",
        project=args.project,
        base_url=args.url,
        credentials=Token(args.token),
        timeout=120,
    )
    return getattr(package, args.client_name)(CogniteClient(config))


def read(args: argparse.Namespace, probe: Probe) -> dict[str, Any]:
    package = _import_sdk(args)
    nodes = named = pages = 0
    client = _sdk_client(args, package)
    with probe.measure():
        if args.task == "list":
            assets = client.cognite_asset.list(limit=-1)
            pages = 1
            for asset in assets:
                nodes += 1
                if asset.external_id and asset.name:
                    named += 1
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # v1 warns that iterate is alpha
                for chunk in client.cognite_asset.iterate(chunk_size=PAGE_SIZE):
                    pages += 1
                    for asset in chunk:
                        nodes += 1
                        if asset.external_id and asset.name:
                            named += 1
    return {"nodes": nodes, "named": named, "pages": pages}


def upsert(args: argparse.Namespace, probe: Probe) -> dict[str, Any]:
    from cognite.client.data_classes.data_modeling import NodeId

    package = _import_sdk(args)
    write_class = package.data_classes.CogniteAssetWrite
    client = _sdk_client(args, package)
    with probe.measure():
        items = []
        for index in range(args.nodes):
            fields = asset_fields(index)
            parent = fields.pop("parent")
            items.append(
                write_class(
                    space=INSTANCE_SPACE,
                    external_id=external_id(index),
                    parent=NodeId(*parent) if parent else None,
                    **fields,
                )
            )
        result = client.upsert(items)
    return {"nodes": len(result.nodes)}


def main(argv: list[str] | None = None) -> int:
    probe = Probe()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("task", choices=["generate", "list", "iterate", "upsert"])
    parser.add_argument("--model", help="model file to generate from")
    parser.add_argument("--out", help="folder to write the generated package into")
    parser.add_argument("--sdk", help="folder holding the generated package")
    parser.add_argument("--package", required=True, help="the generated package's name")
    parser.add_argument("--client-name", default="CogniteCoreClient")
    parser.add_argument("--url")
    parser.add_argument("--project")
    parser.add_argument("--token")
    parser.add_argument("--nodes", type=int, default=0, help="nodes to upsert")
    args = parser.parse_args(argv)
    if args.task == "generate":
        figures = generate(args, probe)
    elif args.task == "upsert":
        figures = upsert(args, probe)
    else:
        figures = read(args, probe)
    probe.report(**figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
