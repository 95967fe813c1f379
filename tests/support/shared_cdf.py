"""Paths to the real CDF material in ``../shared/cdf`` (beside the repository), for tests."""

from __future__ import annotations

from pathlib import Path

SHARED_CDF = Path(__file__).resolve().parents[2].parent / "shared" / "cdf"
MODELS_DIR = SHARED_CDF / "models"
MODEL_FILES = sorted(MODELS_DIR.glob("*.yaml"))
MODEL_NAMES = [path.stem for path in MODEL_FILES]


def model_file(name: str) -> Path:
    """The shared model file ``name`` (e.g. ``"Omni"``)."""
    return MODELS_DIR / f"{name}.yaml"
