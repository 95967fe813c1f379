"""Rewrite the golden SDKs in tests/golden/python/ from the models in ../shared/cdf/models.

Run it after a deliberate change to the Python renderer or its templates, then review the diff:

    .venv/bin/python scripts/refresh_golden.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

import golden_sdks


def main() -> None:
    golden_sdks.GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for case in golden_sdks.CASES:
        count = golden_sdks.write_case(case)
        print(f"wrote {count} files to {golden_sdks.case_dir(case)}")
    for stale in golden_sdks.stale_cases():
        shutil.rmtree(golden_sdks.case_dir(stale))
        print(f"removed {golden_sdks.case_dir(stale)} (no such case any more)")


if __name__ == "__main__":
    main()
