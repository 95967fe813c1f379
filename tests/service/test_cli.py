"""``pygen serve``: its options, and one line naming the extra when FastAPI or uvicorn is missing."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner
from without_modules import run_without

from hatch_pygen.cli import app
from hatch_pygen.service import SERVICE_MISSING, is_service_extra_missing


def test_serve_is_a_command_with_its_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])

    assert result.exit_code == 0
    for option in ("--host", "--port", "--max-body-bytes", "--max-concurrent-jobs"):
        assert option in result.stdout
    assert "docs/service.md" in result.stdout


@pytest.mark.parametrize("option", ["--max-concurrent-jobs", "--max-body-bytes"])
def test_a_limit_below_one_is_a_usage_error(option: str) -> None:
    result = CliRunner().invoke(app, ["serve", option, "0"])

    assert result.exit_code == 2
    assert option in result.stderr


@pytest.mark.parametrize("missing", ["fastapi", "uvicorn"])
def test_without_the_service_extra_serve_names_it_in_one_line(missing: str) -> None:
    done = run_without({missing}, "from hatch_pygen.cli import main\nmain()", ["serve"])

    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: {SERVICE_MISSING}"
    assert "pip install 'hatch-pygen[service]'" in SERVICE_MISSING
    assert "Traceback" not in done.stderr


def test_only_the_extras_modules_count_as_the_extra_missing() -> None:
    assert is_service_extra_missing(
        ModuleNotFoundError("No module named 'starlette.routing'", name="starlette.routing")
    )
    assert not is_service_extra_missing(
        ModuleNotFoundError("No module named 'hatch_pygen.x'", name="hatch_pygen.x")
    )


def test_a_port_in_use_ends_serve_with_one_error_line() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "hatch_pygen.cli", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert done.returncode == 2, done.stderr
    assert "address already in use" in done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"error: the service could not start on 127.0.0.1:{port}; the ERROR line above says why"
    )
    assert "Traceback" not in done.stderr
