"""The benchmark's data: CogniteAsset nodes with every text, time and list property filled in.

Standard library only: the same module runs under this project's interpreter and under the
separate interpreter that holds cognite-pygen v1, so every client reads and writes the same nodes.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

INSTANCE_SPACE = "bench"
VIEW_SPACE = "cdf_cdm"
VIEW_EXTERNAL_ID = "CogniteAsset"
VIEW_VERSION = "v1"
VIEW_REFERENCE = {
    "type": "view",
    "space": VIEW_SPACE,
    "externalId": VIEW_EXTERNAL_ID,
    "version": VIEW_VERSION,
}
# The key under which a read node carries the view's properties.
VIEW_PROPERTIES_KEY = f"{VIEW_EXTERNAL_ID}/{VIEW_VERSION}"
# Ten children per parent: a hierarchy as deep as log10(N), as real asset trees are.
CHILDREN_PER_PARENT = 10
CREATED_TIME = "2024-05-31T02:12:29.000+00:00"
UPDATED_TIME = "2024-06-01T10:00:00.000+00:00"
_CREATED = datetime(2024, 5, 31, 2, 12, 29, tzinfo=timezone.utc)
_UPDATED = datetime(2024, 6, 1, 10, 0, 0, tzinfo=timezone.utc)


def external_id(index: int) -> str:
    """The external id of the asset with this index."""
    return f"asset-{index:08d}"


def asset_properties(index: int) -> dict[str, Any]:
    """The CogniteAsset property values of asset ``index``, as CDF's API spells them."""
    properties: dict[str, Any] = {
        "name": f"Asset {index}",
        "description": f"Asset number {index} of the benchmark hierarchy",
        "tags": ["pump", "north"],
        "aliases": [f"A{index}"],
        "sourceId": f"src-{index}",
        "sourceContext": "benchmark",
        "sourceCreatedTime": CREATED_TIME,
        "sourceUpdatedTime": UPDATED_TIME,
        "sourceCreatedUser": "loader",
        "sourceUpdatedUser": "loader",
    }
    if index:
        properties["parent"] = {
            "space": INSTANCE_SPACE,
            "externalId": external_id(index // CHILDREN_PER_PARENT),
        }
    return properties


def asset_node(index: int) -> dict[str, Any]:
    """Asset ``index`` in the write format of ``POST /models/instances``."""
    return {
        "instanceType": "node",
        "space": INSTANCE_SPACE,
        "externalId": external_id(index),
        "sources": [{"source": VIEW_REFERENCE, "properties": asset_properties(index)}],
    }


def asset_fields(index: int) -> dict[str, Any]:
    """Asset ``index`` as a typed SDK's write class takes it: snake_case names, datetimes, and the
    parent as a ``(space, external_id)`` pair for each client to turn into its own id type."""
    return {
        "name": f"Asset {index}",
        "description": f"Asset number {index} of the benchmark hierarchy",
        "tags": ["pump", "north"],
        "aliases": [f"A{index}"],
        "source_id": f"src-{index}",
        "source_context": "benchmark",
        "source_created_time": _CREATED,
        "source_updated_time": _UPDATED,
        "source_created_user": "loader",
        "source_updated_user": "loader",
        "parent": (INSTANCE_SPACE, external_id(index // CHILDREN_PER_PARENT)) if index else None,
    }
