"""The benchmarks keep working: a smoke run with tiny sizes, without cognite-pygen v1.

The smoke run goes through the same code as the real one (emulator and clients in their own
processes over loopback, every client's answers counted), so a change that breaks a benchmark
fails here. It measures nothing worth keeping and checks no timing.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
SMOKE_SIZES = {"iterate": 2_500, "memory": 3_000, "upsert": 2_000}


def _smoke_run(folder: Path) -> dict[str, Any]:
    """One smoke run of every benchmark; its exit code, output, JSON results and Markdown page."""
    page = folder / "performance.md"
    page.write_text(
        "# Performance\n\nProse before.\n\n<!-- benchmark-results:begin -->\nold results\n"
        "<!-- benchmark-results:end -->\n\nProse after.\n",
        encoding="utf-8",
    )
    finished = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            "--smoke",
            "--no-v1",
            "--output",
            str(page),
            "--json",
            str(folder / "results.json"),
            "--work",
            str(folder / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    results = json.loads((folder / "results.json").read_text()) if (folder / "results.json").exists() else {}
    return {
        "returncode": finished.returncode,
        "stderr": finished.stderr,
        "sections": {section["name"]: section for section in results.get("sections", [])},
        "page": page.read_text(encoding="utf-8"),
    }


def _rows(section: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["client"]: row for row in section["rows"]}


def _check_the_smoke_run_finishes_without_failures(smoke_run: dict[str, Any]) -> None:
    assert smoke_run["returncode"] == 0, smoke_run["stderr"][-3000:]
    assert set(smoke_run["sections"]) == {"iterate", "memory", "generate", "import", "upsert", "pip-install"}
    for section in smoke_run["sections"].values():
        assert section["failed"] == [], section["failed"]


READING_CLIENTS = {
    "iterate": {"floor: httpx + json", "ours: runtime CDFClient", "ours: generated SDK"},
    "memory": {"floor: httpx + json", "ours: generated SDK"},
}


def _check_every_reading_client_reads_every_node(smoke_run: dict[str, Any], benchmark: str) -> None:
    rows = _rows(smoke_run["sections"][benchmark])
    assert set(rows) == READING_CLIENTS[benchmark]
    for client, row in rows.items():
        assert row["extra"]["nodes"] == SMOKE_SIZES[benchmark], client
        assert row["extra"]["named"] == SMOKE_SIZES[benchmark], client
        assert row["wall_seconds"] > 0
        assert row["cpu_seconds"] > 0
        assert row["peak_rss_mib"] > 10


def _check_the_memory_run_measures_above_a_bare_interpreter(smoke_run: dict[str, Any]) -> None:
    for client, row in _rows(smoke_run["sections"]["memory"]).items():
        start = row["extra"]["interpreter_start_mib"]
        assert 0 < start < row["peak_rss_mib"], client
        # MiB measured, MB (10**6 bytes) reported, as the target is stated.
        expected_mb = (row["peak_rss_mib"] - start) * 1024 * 1024 / 1_000_000
        assert row["extra"]["above_start_mb"] == pytest.approx(expected_mb, abs=0.1), client


def _check_every_writing_client_creates_every_node(smoke_run: dict[str, Any]) -> None:
    rows = _rows(smoke_run["sections"]["upsert"])
    assert set(rows) == {"floor: httpx + json", "ours: runtime CDFClient", "ours: generated SDK"}
    for client, row in rows.items():
        assert row["extra"]["nodes"] == SMOKE_SIZES["upsert"], client
        # The emulator did the writing: its CPU time is measured apart from the client's.
        assert row["extra"]["server_cpu_seconds"] > 0, client
        # 1,000 nodes per apply at most, and the server's answers were counted from its log.
        assert row["extra"]["requests"] >= SMOKE_SIZES["upsert"] // 1000, client
        assert 0 <= row["extra"]["answered_429"] < row["extra"]["requests"], client


def _check_generation_and_import_are_measured_for_the_generated_sdk(smoke_run: dict[str, Any]) -> None:
    generated = _rows(smoke_run["sections"]["generate"])["ours: pygen generate CogniteCore"]
    assert generated["extra"]["files"] > 30  # a package per CogniteCore view, at least
    imports = _rows(smoke_run["sections"]["import"])
    imported = imports["ours: generated SDK"]
    assert imported["extra"]["modules_loaded"] > 0
    assert 0 < imported["wall_seconds"] < imported["extra"]["process_wall_seconds"]
    # A view's classes load on first use: importing one loads more than the client alone.
    with_view = imports["ours: generated SDK + CogniteAsset"]
    assert with_view["extra"]["modules_loaded"] > imported["extra"]["modules_loaded"]


def _check_the_pip_install_benchmark_says_why_the_smoke_run_leaves_it_out(smoke_run: dict[str, Any]) -> None:
    section = smoke_run["sections"]["pip-install"]
    assert section["rows"] == []
    [reason] = section["skipped"]
    assert "smoke run" in reason or "example-project/ is not in the repository" in reason
    assert f"- Not run: {reason}" in smoke_run["page"]


def _check_v1_is_reported_as_left_out_not_silently_missing(smoke_run: dict[str, Any]) -> None:
    for name in ("iterate", "generate", "import", "upsert"):
        skipped = smoke_run["sections"][name]["skipped"]
        assert any(reason.startswith("v1: left out") for reason in skipped), (name, skipped)
    targets = [target for section in smoke_run["sections"].values() for target in section["targets"]]
    versus_v1 = [target for target in targets if "v1 ÷" in target["what"]]
    assert versus_v1
    assert all(target["met"] is None and target["shown"] == "not measured" for target in versus_v1)


def _check_the_results_replace_the_marked_block_and_keep_the_prose(smoke_run: dict[str, Any]) -> None:
    page = smoke_run["page"]
    assert page.startswith("# Performance\n\nProse before.\n")
    assert page.rstrip().endswith("Prose after.")
    assert "old results" not in page
    assert "### Targets" in page
    assert "smoke run: tiny sizes" in page
    assert page.count("<!-- benchmark-results:begin -->") == 1


def test_a_smoke_run_of_every_benchmark(tmp_path: Path) -> None:
    """One run for all the checks below (a run takes tens of seconds; the checks read its output)."""
    smoke_run = _smoke_run(tmp_path)
    _check_the_smoke_run_finishes_without_failures(smoke_run)
    for benchmark in READING_CLIENTS:
        _check_every_reading_client_reads_every_node(smoke_run, benchmark)
    _check_the_memory_run_measures_above_a_bare_interpreter(smoke_run)
    _check_every_writing_client_creates_every_node(smoke_run)
    _check_generation_and_import_are_measured_for_the_generated_sdk(smoke_run)
    _check_the_pip_install_benchmark_says_why_the_smoke_run_leaves_it_out(smoke_run)
    _check_v1_is_reported_as_left_out_not_silently_missing(smoke_run)
    _check_the_results_replace_the_marked_block_and_keep_the_prose(smoke_run)


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The harness modules (benchmarks/ is a folder of scripts, not a package)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("_harness"), importlib.import_module("_suites")


def test_a_client_that_miscounts_is_an_error(harness: Any) -> None:
    _harness, _suites = harness
    with pytest.raises(_harness.BenchmarkError, match="handled 999 nodes, expected 1000"):
        _suites._expect_nodes({"nodes": 999, "named": 999}, 1000, "client")
    with pytest.raises(_harness.BenchmarkError, match="read 998 names of 1000 nodes"):
        _suites._expect_nodes({"nodes": 1000, "named": 998}, 1000, "client")


def test_failure_messages_leave_the_token_out(harness: Any) -> None:
    _harness, _ = harness
    failed = _harness.run_process(
        [sys.executable, "-c", "import sys; sys.exit('boom')", "--token=-secret-token"], timeout=60
    )
    with pytest.raises(_harness.BenchmarkError) as raised:
        failed.check("a client")
    assert "secret-token" not in str(raised.value)
    assert "--token=***" in str(raised.value)
    assert "boom" in str(raised.value)
