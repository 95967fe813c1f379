"""benchmarks/parse_pages.py still runs (at a tiny size; the numbers are not checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "parse_pages.py"


def test_the_parse_benchmark_reports_every_method() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARK), "--pages", "1", "--repeat", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(completed.stdout)

    assert [row["name"] for row in report] == [
        "page from bytes",
        "json.loads + typed page",
        "typed page",
        "model_validate per item",
        "flatten only",
        "model_construct per item",
        "untyped schema Node page",
        "json.loads",
    ]
    assert all(row["nodes"] == 1000 and row["microseconds_per_node"] > 0 for row in report)
