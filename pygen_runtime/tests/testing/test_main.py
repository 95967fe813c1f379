"""``python -m pygen_runtime.testing serve``: prints where it serves and how to authenticate."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from cdf_material import OMNI_MODEL, WRITE_DIR
from http_expectations import error_of, ok
from pygen_runtime.testing.__main__ import build_parser, main


def _exports(text: str) -> dict[str, str]:
    """Every variable the banner names, the commented-out client credentials included."""
    return dict(re.findall(r"^(?:# )?export (CDF_\w+)=(\S+)$", text, flags=re.MULTILINE))


def _active_exports(text: str) -> dict[str, str]:
    return dict(re.findall(r"^export (CDF_\w+)=(\S+)$", text, flags=re.MULTILINE))


def _serve_in_thread(argv: list[str]) -> tuple[threading.Event, threading.Thread, io.StringIO, list[int]]:
    out = io.StringIO()
    stop = threading.Event()
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(main(argv, out=out, stop=stop)), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while "CDF_TOKEN_URL" not in out.getvalue() and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    return stop, thread, out, codes


def test_serve_prints_the_cdf_variables_and_enforces_its_token() -> None:
    argv = [
        "serve",
        "--port",
        "0",
        "--project",
        "demo",
        "--load",
        str(OMNI_MODEL),
        "--instances",
        str(WRITE_DIR / "PrimitiveNullable.node.yaml"),
    ]
    stop, thread, out, codes = _serve_in_thread(argv)
    try:
        env = _exports(out.getvalue())
        assert set(env) == {
            "CDF_URL",
            "CDF_PROJECT",
            "CDF_TOKEN",
            "CDF_CLIENT_ID",
            "CDF_CLIENT_SECRET",
            "CDF_TOKEN_URL",
        }
        # Only one kind of credentials is active, so the exports work with ClientConfig.from_env.
        assert set(_active_exports(out.getvalue())) == {"CDF_URL", "CDF_PROJECT", "CDF_TOKEN"}
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", env["CDF_URL"])
        assert env["CDF_PROJECT"] == "demo"
        api = f"{env['CDF_URL']}/api/v1/projects/demo/models/instances/list"
        with httpx.Client(timeout=5) as client:
            error_of(client.post(api, json={}), status=401)
            nodes = ok(client.post(api, json={}, headers={"Authorization": f"Bearer {env['CDF_TOKEN']}"}))[
                "items"
            ]
            assert len(nodes) == 5
            grant = ok(
                client.post(
                    env["CDF_TOKEN_URL"],
                    data={
                        "grant_type": "client_credentials",
                        "client_id": env["CDF_CLIENT_ID"],
                        "client_secret": env["CDF_CLIENT_SECRET"],
                    },
                )
            )
            ok(client.post(api, json={}, headers={"Authorization": f"Bearer {grant['access_token']}"}))
    finally:
        stop.set()
        thread.join(timeout=10)
    assert codes == [0]


def test_no_auth_serves_without_tokens() -> None:
    stop, thread, out, _ = _serve_in_thread(["serve", "--no-auth"])
    try:
        env = _exports(out.getvalue())
        with httpx.Client(timeout=5) as client:
            ok(client.get(f"{env['CDF_URL']}/api/v1/projects/emulated-project/models/spaces"))
    finally:
        stop.set()
        thread.join(timeout=10)


def test_a_bad_model_file_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--load", str(tmp_path / "missing.yaml")], stop=threading.Event()) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_busy_port_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)], stop=threading.Event()) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_the_command_is_required() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args([])


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM semantics")
def test_python_dash_m_serves_until_terminated() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pygen_runtime.testing", "serve", "--port", "0", "--no-auth"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines = []
        for _ in range(20):  # bounded: the banner is a handful of lines
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("# export CDF_TOKEN_URL="):
                break
        env = _exports("".join(lines))
        with httpx.Client(timeout=5) as client:
            ok(client.get(f"{env['CDF_URL']}/api/v1/projects/emulated-project/models/spaces"))
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
