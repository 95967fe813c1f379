"""The emulator throughput benchmark still runs (at a tiny size; the numbers are not checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "emulator_throughput.py"


def test_the_benchmark_runs_and_reports_every_measurement() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARK), "--nodes", "1500", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(completed.stdout)

    assert report["nodes"] == 1500
    assert report["bytes_per_100k_nodes"] > 0
    for mode in ("in_process", "loopback_http"):
        assert report[mode]["items"] >= 1500  # every node, with the auto-created parents
        assert report[mode]["pages"] == 2
        assert report[mode]["pages_per_second"] > 0


def test_the_benchmark_prints_a_readable_report_and_checks_its_arguments() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARK), "--nodes", "10"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "memory per 100k nodes" in completed.stdout
    assert "pages/s" in completed.stdout
    refused = subprocess.run(
        [sys.executable, str(BENCHMARK), "--nodes", "0"], capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 2
    assert "--nodes must be at least 1" in refused.stderr
