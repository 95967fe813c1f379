"""The IR of every shared model, compared with the stored snapshot.

After a deliberate change, refresh with ``.venv/bin/python scripts/refresh_ir_snapshots.py`` and
review the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ir_snapshots import CASES, render_case, snapshot_paths

REFRESH = "run `.venv/bin/python scripts/refresh_ir_snapshots.py` if the change is intended"


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_ir_of_each_shared_model_matches_its_snapshot(case: str) -> None:
    ir_json, problems = render_case(case)
    ir_path, problems_path = snapshot_paths(case)
    assert ir_path.read_text(encoding="utf-8") == ir_json, f"{ir_path.name} differs; {REFRESH}"
    assert problems_path.read_text(encoding="utf-8") == problems, f"{problems_path.name} differs; {REFRESH}"


def test_the_ir_does_not_depend_on_hash_randomisation(tmp_path: Path) -> None:
    script = (
        "import sys; sys.path.insert(0, 'tests/support'); import ir_snapshots; "
        "sys.stdout.write(ir_snapshots.render_case('OmniMulti')[0] + ir_snapshots.render_case('Omni')[0])"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0] == render_case("OmniMulti")[0] + render_case("Omni")[0]
