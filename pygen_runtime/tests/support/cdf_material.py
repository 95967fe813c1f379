"""Where the real CDF material (``shared/cdf`` beside the repository clone) lives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "MODEL_FILES",
    "OMNI_MODEL",
    "OMNI_READ_NODES",
    "SHARED_CDF",
    "WRITE_DIR",
    "WRITE_INSTANCE_FILES",
    "omni_view",
]

SHARED_CDF = Path(__file__).resolve().parents[3].parent / "shared" / "cdf"
MODEL_FILES = sorted((SHARED_CDF / "models").glob("*.yaml"))
OMNI_MODEL = SHARED_CDF / "models" / "Omni.yaml"
OMNI_READ_NODES = SHARED_CDF / "instances" / "Omni.nodes.yaml"
WRITE_DIR = SHARED_CDF / "instances" / "write"
WRITE_INSTANCE_FILES = sorted(
    path for path in WRITE_DIR.glob("*.yaml") if path.name.endswith((".node.yaml", ".edge.yaml"))
)


def omni_view(external_id: str, space: str = "sp_pygen_models", version: str = "1") -> dict[str, Any]:
    """A reference to an Omni view as requests carry it."""
    return {"type": "view", "space": space, "externalId": external_id, "version": version}
