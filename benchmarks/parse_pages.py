"""How fast pages of CDF instance JSON become typed objects.

``pygen_runtime.typed`` validates a whole page with one ``TypeAdapter(list[Class])`` call, after
lifting each node's properties into a flat dict. This compares that with validating each node on
its own (``Class.model_validate`` per item, the same flat dicts), and shows the floors around
them. It is a benchmark, not a test: run it by hand.

    python benchmarks/parse_pages.py                  # 20 pages of 1,000 nodes, best of 5 rounds
    python benchmarks/parse_pages.py --pages 50 --repeat 7 --json

Rows:

- ``page from bytes``: the response's bytes read by ``pygen_runtime.typed._page_reader`` (one
  validation, in Rust, straight into the read class): what ``list`` and ``iterate`` do when CDF's
  ``typing`` shows no property the SDK does not know;
- ``json.loads + typed page``: the same bytes decoded, then ``parse_instances``: the tolerant
  path, which pages that take the fast path skip;
- ``typed page``: ``parse_instances`` (flatten + one validation per page) of decoded JSON;
- ``model_validate per item``: the same flat dicts, one ``model_validate`` call per node;
- ``flatten only``: the per-item Python work of ``typed page`` without validation;
- ``model_construct per item``: no validation at all (not equivalent: relations stay dicts,
  timestamps strings); a floor, not an option;
- ``untyped schema Node page``: the runtime's generic ``Node`` classes, one validation per page;
- ``json.loads``: decoding the same page from bytes, for scale.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, TypeAdapter
from pygen_runtime.schema import Instance, NodeId, ViewId
from pygen_runtime.typed import Edges, NodeRead, parse_instances
from pygen_runtime.typed._page_reader import page_content_reader
from pygen_runtime.typed._parsing import flatten_instance

SPACE = "bench-data"
VIEW = ViewId(space="bench", external_id="Turbine", version="1")
PAGE_SIZE = 1000


class Turbine(NodeRead):
    """A generated-style read class: text, numbers, a timestamp, an enum, relations."""

    _view_id: ClassVar[ViewId] = VIEW

    name: str | None = None
    description: str | None = None
    windfarm: str | None = None
    capacity: float | None = None
    blade_count: int | None = Field(None, serialization_alias="bladeCount")
    commissioned: datetime | None = None
    status: Literal["running", "stopped"] | str | None = None
    nacelle: NodeId | None = None
    blades: list[NodeId] | None = None
    tags: list[str] | None = None
    metmast: Annotated[list[NodeId] | None, Edges(type=NodeId(space="bench", external_id="Distance"))] = None


def make_page(start: int) -> list[dict[str, Any]]:
    """One page of nodes as CDF's list endpoint returns them (decoded JSON)."""
    return [
        {
            "instanceType": "node",
            "space": SPACE,
            "externalId": f"wt-{index}",
            "version": 1,
            "createdTime": 1700000000000 + index,
            "lastUpdatedTime": 1700000000000 + index,
            "properties": {
                "bench": {
                    "Turbine/1": {
                        "name": f"Turbine {index}",
                        "description": "A wind turbine in the benchmark farm.",
                        "windfarm": "north" if index % 2 else "south",
                        "capacity": 3.5 + index % 7,
                        "bladeCount": 3,
                        "commissioned": "2021-06-01T12:00:00.000+00:00",
                        "status": "running" if index % 5 else "stopped",
                        "nacelle": {"space": SPACE, "externalId": f"nacelle-{index}"},
                        "blades": [
                            {"space": SPACE, "externalId": f"blade-{index}-{blade}"} for blade in range(3)
                        ],
                        "tags": ["onshore", f"row-{index % 10}"],
                    }
                }
            },
        }
        for index in range(start, start + PAGE_SIZE)
    ]


def page_from_bytes(body: bytes) -> int:
    read = page_content_reader(Turbine)
    page = read(body) if read is not None else None
    if page is None:
        raise SystemExit("the fast page reader refused the benchmark's page")
    return len(page.items)


def decoded_typed_page(body: bytes) -> int:
    return len(parse_instances(Turbine, json.loads(body)["items"]))


def typed_page(page: list[dict[str, Any]]) -> int:
    return len(parse_instances(Turbine, page))


def validate_per_item(page: list[dict[str, Any]]) -> int:
    return len([Turbine.model_validate(flatten_instance(Turbine, raw)) for raw in page])


def flatten_only(page: list[dict[str, Any]]) -> int:
    return len([flatten_instance(Turbine, raw) for raw in page])


def construct_per_item(page: list[dict[str, Any]]) -> int:
    return len([Turbine.model_construct(**flatten_instance(Turbine, raw)) for raw in page])


_untyped = TypeAdapter(list[Instance])


def untyped_page(page: list[dict[str, Any]]) -> int:
    return len(_untyped.validate_python(page))


def measure(methods: dict[str, tuple[Callable[[Any], int], list[Any]]], repeat: int) -> list[dict[str, Any]]:
    """Each method's best and median time over ``repeat`` rounds. Rounds run every method once,
    in turn, so that a machine whose load changes treats them alike."""
    runs: dict[str, list[float]] = {name: [] for name in methods}
    nodes: dict[str, int] = {}
    for parse, pages in methods.values():
        parse(pages[0])  # build validators and caches outside the timing
    for _ in range(repeat):
        for name, (parse, pages) in methods.items():
            started = time.perf_counter()
            nodes[name] = sum(parse(page) for page in pages)
            runs[name].append(time.perf_counter() - started)
    results = []
    for name, times in runs.items():
        best = min(times)
        count = nodes[name]
        results.append(
            {
                "name": name,
                "nodes": count,
                "best_seconds": best,
                "median_seconds": statistics.median(times),
                "nodes_per_second": count / best,
                "microseconds_per_node": best / count * 1e6,
                "milliseconds_per_page": best / len(methods[name][1]) * 1e3,
            }
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20, help="pages of 1,000 nodes (default 20)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per method; the best counts (default 5)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    pages = [make_page(number * PAGE_SIZE) for number in range(args.pages)]
    # As CDF answers a listing asked for with includeTyping: the view's properties, once a page.
    typing = {"bench": {"Turbine/1": {name: {"type": {}} for name in Turbine._property_wire_names.values()}}}
    encoded = [json.dumps({"items": page, "typing": typing}).encode() for page in pages]
    results = measure(
        {
            "page from bytes": (page_from_bytes, encoded),
            "json.loads + typed page": (decoded_typed_page, encoded),
            "typed page": (typed_page, pages),
            "model_validate per item": (validate_per_item, pages),
            "flatten only": (flatten_only, pages),
            "model_construct per item": (construct_per_item, pages),
            "untyped schema Node page": (untyped_page, pages),
            "json.loads": (lambda body: len(json.loads(body)["items"]), encoded),
        },
        args.repeat,
    )
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return 0
    baseline = next(row["best_seconds"] for row in results if row["name"] == "model_validate per item")
    print(
        f"{args.pages} pages of {PAGE_SIZE} nodes, best of {args.repeat} runs, "
        f"Python {sys.version.split()[0]}"
    )
    print(f"{'method':<28}{'nodes/s':>12}{'µs/node':>10}{'ms/page':>10}{'vs per item':>13}")
    for row in results:
        print(
            f"{row['name']:<28}{row['nodes_per_second']:>12,.0f}{row['microseconds_per_node']:>10.2f}"
            f"{row['milliseconds_per_page']:>10.2f}{baseline / row['best_seconds']:>12.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
