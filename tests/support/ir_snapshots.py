"""The IR snapshot cases: every shared model, plus the three OmniMulti models as one SDK.

``tests/ir/test_snapshots.py`` compares against the stored files; ``scripts/refresh_ir_snapshots.py``
rewrites them. Both go through :func:`render_case`, so they can never disagree on what is compared.
"""

from __future__ import annotations

from pathlib import Path

from shared_cdf import MODEL_NAMES, model_file

from hatch_pygen.ir import build_ir
from hatch_pygen.sources import load_model_file
from hatch_pygen.validation import validate

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "snapshots" / "ir"
CASES: dict[str, list[str]] = {
    **{name: [name] for name in MODEL_NAMES},
    "OmniMulti": ["OmniMultiA", "OmniMultiB", "OmniMultiC"],
}


def render_case(case: str) -> tuple[str, str]:
    """The IR JSON and the problem report (one problem per line) of a snapshot case."""
    snapshots = [snapshot for name in CASES[case] for snapshot in load_model_file(model_file(name))]
    schema = validate(snapshots)
    problems = "".join(f"{problem}\n" for problem in schema.problems)
    return build_ir(schema).to_json(), problems


def snapshot_paths(case: str) -> tuple[Path, Path]:
    """Where the IR and the problem report of ``case`` are stored."""
    return SNAPSHOT_DIR / f"{case}.json", SNAPSHOT_DIR / f"{case}.problems.txt"
