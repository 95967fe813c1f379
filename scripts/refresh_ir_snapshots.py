"""Rewrite the IR snapshots in tests/snapshots/ir/ from the models in ../shared/cdf/models.

Run it after a deliberate change to validation or the IR, then review the diff:

    .venv/bin/python scripts/refresh_ir_snapshots.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

import ir_snapshots


def main() -> None:
    ir_snapshots.SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for case in ir_snapshots.CASES:
        ir_json, problems = ir_snapshots.render_case(case)
        ir_path, problems_path = ir_snapshots.snapshot_paths(case)
        ir_path.write_text(ir_json, encoding="utf-8")
        problems_path.write_text(problems, encoding="utf-8")
        print(f"wrote {ir_path.name} and {problems_path.name}")


if __name__ == "__main__":
    main()
