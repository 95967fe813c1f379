"""Real builds of an SDK project through the frontends users run: pip, python -m build, hatch, uv.

Each runs in a subprocess with build isolation, offline, against the session's wheelhouse (see
conftest.py); CDF is the emulator on loopback. The artifacts are unzipped and checked, and no
credential may appear in any file of a wheel or sdist or in any build log. ``pip install`` of the
example project into a fresh environment, and the SDK it installs at work, are in test_demo.py.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import venv
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from pygen_runtime.testing import Emulator

from hatch_pygen.hook._wheel import staging_root
from hatch_pygen.render import runtime_requirement

BIN = Path(sys.executable).parent
TOKEN = "build-test-token-3c9f2a71"
# Generous: an isolated build installs its requirements first; a hung build still ends.
TIMEOUT_SECONDS = 240


def run(command: Sequence[str | Path], *, env: Mapping[str, str], cwd: Path, check: bool = True) -> str:
    """Run a command; return its output (stdout and stderr together, as a user sees it)."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"{command} failed with {done.returncode}:\n{done.stdout}")
    return done.stdout


def fresh_venv(path: Path) -> Path:
    """A new virtual environment without pip (the outer pip installs into it); its python."""
    venv.create(path, with_pip=False)
    return path / "bin" / "python"


def pip(python: Path, *arguments: str | Path, env: Mapping[str, str], cwd: Path) -> str:
    return run([sys.executable, "-m", "pip", "--python", python, *arguments], env=env, cwd=cwd)


def archive_contents(artifact: Path) -> dict[str, bytes]:
    if artifact.suffix == ".whl":
        with zipfile.ZipFile(artifact) as wheel:
            return {name: wheel.read(name) for name in wheel.namelist()}
    with tarfile.open(artifact) as sdist:
        return {
            member.name.split("/", 1)[1]: sdist.extractfile(member).read()  # type: ignore[union-attr]
            for member in sdist.getmembers()
            if member.isfile()
        }


def assert_no_secret(
    secrets: Sequence[str], *, logs: Sequence[str] = (), artifacts: Sequence[Path] = ()
) -> None:
    for secret in secrets:
        for log in logs:
            assert secret not in log
        for artifact in artifacts:
            for name, content in archive_contents(artifact).items():
                assert secret.encode() not in content, f"{secret!r} in {artifact.name}:{name}"


def check_sdk_wheel(wheel: Path) -> dict[str, bytes]:
    """What every SDK wheel holds: the package, its provenance, the runtime requirement."""
    files = archive_contents(wheel)
    assert {"wind_sdk/__init__.py", "wind_sdk/py.typed", "wind_sdk/_client.py"} <= set(files)
    assert b'"name": "hatch-pygen"' in files["wind_sdk/pygen-provenance.json"]
    metadata = files["wind_sdk-1.0.0.dist-info/METADATA"].decode()
    assert f"Requires-Dist: {Requirement(runtime_requirement())}" in metadata
    return files


@pytest.fixture
def credentials_environ(
    offline_install_environ: dict[str, str], windturbine_emulator: Emulator
) -> dict[str, str]:
    """The offline environment plus CDF credentials, as on a developer's machine (not needed with a lock)."""
    return {
        **offline_install_environ,
        "CDF_URL": "http://127.0.0.1:9",
        "CDF_PROJECT": windturbine_emulator.project,
        "CDF_TOKEN": TOKEN,
        "CDF_CLIENT_SECRET": windturbine_emulator.credentials.client_secret,
    }


def test_pip_installs_the_sdk_project_in_editable_mode(
    sdk_project: Callable[..., Path], offline_install_environ: dict[str, str], tmp_path: Path
) -> None:
    root = sdk_project(name="wind-app", language=None)
    (root / "wind_app").mkdir()
    (root / "wind_app" / "__init__.py").write_text("import wind_sdk\nSDK = wind_sdk\n")
    python = fresh_venv(tmp_path / "venv")
    pip(python, "install", "-e", root, env=offline_install_environ, cwd=tmp_path)
    found = run(
        [
            python,
            "-c",
            "import wind_app, importlib.resources as r; print(wind_app.__file__); print(r.files('wind_sdk'))",
        ],
        env=offline_install_environ,
        cwd=tmp_path,
    ).split()
    assert found[0] == str(root / "wind_app" / "__init__.py")  # the project's own code: live
    assert "site-packages" in found[1]  # the generated package: installed beside it
    assert not (root / "build").exists()


def test_a_broken_configuration_fails_pip_with_one_line(
    sdk_project: Callable[..., Path], offline_install_environ: dict[str, str], tmp_path: Path
) -> None:
    root = sdk_project(tool_pygen={"package": "wind_sdk", "modles": []})
    python = fresh_venv(tmp_path / "venv")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", str(root)],
        env=offline_install_environ,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode != 0
    output = done.stdout + done.stderr
    errors = [line.strip() for line in output.splitlines() if "pygen: error:" in line]
    assert len(errors) == 1, output
    assert errors[0].startswith("pygen: error: pyproject.toml: 2 configuration problems: ")
    assert "tool.pygen.modles: unknown key; did you mean models?" in errors[0]
    assert "Traceback" not in output


def test_python_m_build_makes_an_sdist_whose_wheel_builds_with_cdf_gone(
    sdk_project: Callable[..., Path],
    offline_install_environ: dict[str, str],
    windturbine_emulator: Emulator,
    tmp_path: Path,
) -> None:
    root = sdk_project(locked=False, language=None)
    server = windturbine_emulator.serve(port=0)
    cdf = {
        "CDF_URL": server.url,
        "CDF_PROJECT": windturbine_emulator.project,
        "CDF_CLIENT_ID": windturbine_emulator.credentials.client_id,
        "CDF_CLIENT_SECRET": windturbine_emulator.credentials.client_secret,
        "CDF_TOKEN_URL": server.token_url,
    }
    try:
        lock_log = run([BIN / "pygen", "lock"], env={**offline_install_environ, **cdf}, cwd=root)
    finally:
        server.stop()
    assert (root / "pygen.lock").is_file()
    # CDF is gone (the variables still point at it, as they would on a laptop): the build must not care.
    out = tmp_path / "dist"
    log = run(
        [sys.executable, "-m", "build", "--outdir", out, root],
        env={**offline_install_environ, **cdf},
        cwd=tmp_path,
    )
    [sdist] = out.glob("*.tar.gz")
    [wheel] = out.glob("*.whl")
    sdist_files = archive_contents(sdist)
    assert {"pygen.lock", "pygen-models/sp_pygen_power.WindTurbine.1.json", "pyproject.toml"} <= set(
        sdist_files
    )
    files = check_sdk_wheel(wheel)
    assert b'"from": "pygen.lock"' in files["wind_sdk/pygen-provenance.json"]
    assert "fetching" not in log
    assert_no_secret([cdf["CDF_CLIENT_SECRET"]], logs=[lock_log, log], artifacts=[sdist, wheel])


def test_hatch_build_and_uv_build_give_the_same_wheel_as_pip_and_hatch_clean_cleans(
    sdk_project: Callable[..., Path], credentials_environ: dict[str, str], tmp_path: Path
) -> None:
    root = sdk_project(language=None)
    hooks_only = run(
        [BIN / "hatch", "-v", "build", "--hooks-only", "-t", "wheel"], env=credentials_environ, cwd=root
    )
    assert "pygen: the generated package is in " in hooks_only
    assert [folder.name[: len("wheel-standard")] for folder in staging_root(root).iterdir()] == [
        "wheel-standard"
    ]
    run([BIN / "hatch", "clean"], env=credentials_environ, cwd=root)
    assert not staging_root(root).exists()
    hatch_log = run([BIN / "hatch", "build", tmp_path / "hatch"], env=credentials_environ, cwd=root)
    uv_log = run(
        [BIN / "uv", "build", "--python", sys.executable, "--out-dir", tmp_path / "uv", root],
        env=credentials_environ,
        cwd=tmp_path,
    )
    pip_log = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "pip", root],
        env=credentials_environ,
        cwd=tmp_path,
    )
    wheels = [next((tmp_path / tool).glob("*.whl")) for tool in ("hatch", "uv", "pip")]
    check_sdk_wheel(wheels[0])
    assert wheels[0].read_bytes() == wheels[1].read_bytes() == wheels[2].read_bytes()
    sdists = [next((tmp_path / tool).glob("*.tar.gz")) for tool in ("hatch", "uv")]
    for sdist in sdists:
        assert "pygen.lock" in archive_contents(sdist)
    assert_no_secret(
        [TOKEN, credentials_environ["CDF_CLIENT_SECRET"]],
        logs=[hatch_log, uv_log, pip_log],
        artifacts=[*wheels, *sdists],
    )


def test_uv_builds_an_unlocked_project_from_cdf_and_warns(
    sdk_project: Callable[..., Path],
    offline_install_environ: dict[str, str],
    windturbine_emulator: Emulator,
    served_emulator: Any,
    tmp_path: Path,
) -> None:
    root = sdk_project(locked=False, language=None)
    secret = windturbine_emulator.credentials.client_secret
    env = {
        **offline_install_environ,
        "CDF_URL": served_emulator.url,
        "CDF_PROJECT": windturbine_emulator.project,
        "CDF_CLIENT_ID": windturbine_emulator.credentials.client_id,
        "CDF_CLIENT_SECRET": secret,
        "CDF_TOKEN_URL": served_emulator.token_url,
    }
    log = run(
        [BIN / "uv", "build", "--python", sys.executable, "--out-dir", tmp_path / "out", root],
        env=env,
        cwd=tmp_path,
    )
    assert "no pygen.lock" in log
    assert "a wheel built from this sdist will fetch the models from CDF" in log
    [wheel] = (tmp_path / "out").glob("*.whl")
    [sdist] = (tmp_path / "out").glob("*.tar.gz")
    files = check_sdk_wheel(wheel)
    assert b'"from": "cdf"' in files["wind_sdk/pygen-provenance.json"]
    assert_no_secret([secret], logs=[log], artifacts=[wheel, sdist])
