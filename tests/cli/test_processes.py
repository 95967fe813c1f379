"""The pygen command as real processes: clean errors, two builds sharing a cache, the emulator server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml
from cli_project import write_project
from emulated_cdf import emulator_with, server_environ
from shared_cdf import model_file

PYGEN = [sys.executable, "-m", "hatch_pygen.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CDF_", "PYGEN_"))}
    return {**env, **extra}


def test_a_user_mistake_is_one_clean_error_without_a_traceback_or_colour(tmp_path: Path) -> None:
    write_project(tmp_path, {"models": [{"space": "power", "external-id": "Wind Turbine", "version": "1"}]})
    done = subprocess.run(
        [*PYGEN, "check"],
        cwd=tmp_path,
        env=clean_env(NO_COLOR="1"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"error: {tmp_path / 'pyproject.toml'}: 1 configuration problem",
        "  tool.pygen.models[0].external-id: 'Wind Turbine' is not a valid data model external id",
    ]
    assert "\x1b[" not in done.stderr


def test_two_builds_filling_the_same_cache_at_once_both_succeed(tmp_path: Path) -> None:
    secret = "client-secret-that-stays-in-memory"
    emulator = emulator_with(model_file("WindTurbine"), client_secret=secret)
    raw = yaml.safe_load(model_file("WindTurbine").read_text())
    model = {"space": raw["space"], "external-id": raw["externalId"], "version": str(raw["version"])}
    write_project(tmp_path / "project", {"package": "wind_sdk", "models": [model]})
    cache = tmp_path / "cache"
    with emulator.serve() as server:
        # TTL 0: both processes fetch and write the same entry, again and again.
        env = clean_env(**server_environ(server, emulator, PYGEN_CACHE_DIR=str(cache), PYGEN_CACHE_TTL="0"))
        builds = [
            subprocess.Popen(
                [*PYGEN, "ir"],
                cwd=tmp_path / "project",
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [build.communicate(timeout=120) for build in builds]
    for build, (_, stderr) in zip(builds, outputs, strict=True):
        assert build.returncode == 0, stderr
        assert f"pygen: fetching 1 data model(s) from {server.url}" in stderr
    assert outputs[0][0] == outputs[1][0]
    assert json.loads(outputs[0][0])["package"] == "wind_sdk"
    [entry] = list(cache.rglob("*.json"))
    assert json.loads(entry.read_text())["snapshot"]["dataModel"]["externalId"] == "WindTurbine"
    for path in cache.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text()


def test_emulator_serve_answers_on_loopback_until_stopped(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [
            *PYGEN,
            "emulator",
            "serve",
            "--port",
            "0",
            "--no-auth",
            "--project",
            "demo",
            "--load",
            str(model_file("Pumps")),
        ],
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        assert server.stdout is not None
        while url is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            match = re.match(r"export CDF_URL=(\S+)", line)
            url = match.group(1) if match else None
        assert url is not None
        assert url.startswith("http://127.0.0.1:")
        response = httpx.post(
            f"{url}/api/v1/projects/demo/models/datamodels/byids",
            json={"items": [{"space": "IntegrationTestsImmutable", "externalId": "Pumps", "version": "1"}]},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["items"][0]["externalId"] == "Pumps"
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert server.returncode == 0


def test_emulator_serve_with_a_broken_model_file_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("views: [1, 2\n")
    done = subprocess.run(
        [*PYGEN, "emulator", "serve", "--load", str(broken)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "Traceback" not in done.stderr
