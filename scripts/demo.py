"""The README's main job, step by step (``./scripts/demo.sh`` runs it).

1. Build the ``pygen-runtime`` and ``hatch-pygen`` wheels from this checkout.
2. Start the CDF emulator on loopback, loaded with the WindTurbine model (from the example
   project's locked snapshot) and the sample wind farm.
3. ``pip install ./example-project`` into a fresh virtual environment, with build isolation: pip
   gets hatchling from the package index and the two local wheels through ``--find-links``; the
   pygen build hook generates the SDK from ``pygen.lock``, without CDF and without credentials.
4. Run ``example-project/example.py`` against the emulator and show what it did.
5. Stop the emulator, also when a step fails.

Standard library only: it runs with the machine's Python before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import venv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO

REPOSITORY = Path(__file__).resolve().parent.parent
EXAMPLE = REPOSITORY / "example-project"
SNAPSHOT = EXAMPLE / "pygen-models" / "sp_pygen_power.WindTurbine.1.json"
SAMPLE_DATA = EXAMPLE / "sample-data" / "wind-farm.yaml"
CDF_PROJECT = "wind-demo"  # [tool.pygen.cdf] project in example-project/pyproject.toml
STARTUP_SECONDS = 60.0
STEP_TIMEOUT_SECONDS = 900


class DemoError(Exception):
    """A step failed; the message says which and why."""


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def bin_dir(environment: Path) -> Path:
    return environment / ("Scripts" if os.name == "nt" else "bin")


def run(
    command: Sequence[str | Path], *, what: str, env: dict[str, str] | None = None, quiet: bool = False
) -> str:
    """Run one step; its output is shown (or kept for the error, when ``quiet``)."""
    try:
        done = subprocess.run(
            [str(part) for part in command],
            env=env,
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
            text=True,
            timeout=STEP_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DemoError(f"{what} did not finish within {STEP_TIMEOUT_SECONDS} seconds") from None
    except OSError as error:
        raise DemoError(f"{what} could not start ({error})") from None
    if done.returncode != 0:
        detail = f"\n{done.stdout}" if quiet and done.stdout else ""
        raise DemoError(f"{what} failed (exit code {done.returncode}){detail}")
    return done.stdout or ""


def pip_source_options(args: argparse.Namespace, wheelhouse: Path) -> list[str]:
    options = ["--disable-pip-version-check", "--find-links", str(wheelhouse)]
    for extra in args.find_links:
        options += ["--find-links", str(extra)]
    if args.no_index:
        options.append("--no-index")
    return options


def new_environment(path: Path) -> Path:
    """A fresh virtual environment with pip; its Python."""
    shutil.rmtree(path, ignore_errors=True)
    try:
        venv.create(path, with_pip=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise DemoError(
            f"cannot create a virtual environment in {path} ({error}); this Python needs its venv and "
            "ensurepip modules (on Debian and Ubuntu: the python3-venv package)"
        ) from None
    return bin_dir(path) / ("python.exe" if os.name == "nt" else "python")


def build_local_wheels(args: argparse.Namespace, wheelhouse: Path) -> list[str]:
    say("building the pygen-runtime and hatch-pygen wheels from this checkout")
    wheelhouse.mkdir(parents=True, exist_ok=True)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            *pip_source_options(args, wheelhouse),
            "--wheel-dir",
            wheelhouse,
            REPOSITORY / "pygen_runtime",
            REPOSITORY,
        ],
        what="building the local wheels",
    )
    wheels = sorted(path.name for path in wheelhouse.glob("*.whl"))
    for name in wheels:
        print(f"    {name}")
    return wheels


def install_emulator(args: argparse.Namespace, work: Path, wheelhouse: Path) -> Path:
    """A virtual environment with pygen-runtime's emulator (the ``testing`` extra); its Python."""
    python = new_environment(work / "emulator-env")
    run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            *pip_source_options(args, wheelhouse),
            "pygen-runtime[testing]",
        ],
        what="installing the emulator",
        quiet=True,
    )
    return python


@contextmanager
def serving_emulator(python: Path, work: Path) -> Iterator[dict[str, str]]:
    """The emulator on a loopback port, with the model and sample data; yields the CDF_* variables.

    It is stopped when the block ends, however it ends; its pid is in ``work/emulator.pid``
    meanwhile, for demo.sh's trap should this process be killed outright.
    """
    model = work / "WindTurbine.model.json"
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    model.write_text(json.dumps(snapshot["dataModel"]), encoding="utf-8")
    command = [python, "-m", "pygen_runtime.testing", "serve", "--port", "0", "--project", CDF_PROJECT]
    command += ["--load", model, "--instances", SAMPLE_DATA]
    try:
        process = subprocess.Popen(
            [str(part) for part in command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    except OSError as error:
        raise DemoError(f"the emulator could not start ({error})") from None
    pid_file = work / "emulator.pid"
    pid_file.write_text(str(process.pid), encoding="utf-8")
    try:
        yield read_emulator_settings(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        pid_file.unlink(missing_ok=True)
        say("stopped the emulator")


def _pump_lines(stream: IO[str]) -> queue.Queue[str | None]:
    """The lines of ``stream`` as they come, read by a thread (None at the end).

    Reading in a thread bounds the wait for the emulator by a timeout, and keeps its output pipe
    drained for as long as it runs.
    """
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, name="emulator-output", daemon=True).start()
    return lines


def read_emulator_settings(process: subprocess.Popen[str]) -> dict[str, str]:
    """The URL, project and token the emulator prints when it is ready (within STARTUP_SECONDS)."""
    assert process.stdout is not None
    lines = _pump_lines(process.stdout)
    settings: dict[str, str] = {}
    deadline = time.monotonic() + STARTUP_SECONDS
    while "CDF_TOKEN_URL" not in settings:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise DemoError(f"the emulator was not ready within {STARTUP_SECONDS:.0f} seconds") from None
        if line is None:
            raise DemoError(f"the emulator stopped before it was ready (exit code {process.wait()})")
        if line.startswith("CDF emulator serving"):
            print(f"    {line.strip()}")
        export = line.removeprefix("# ")
        if export.startswith("export "):
            name, _, value = export[len("export ") :].strip().partition("=")
            settings[name] = value
    missing = {"CDF_URL", "CDF_PROJECT", "CDF_TOKEN"} - set(settings)
    if missing:
        raise DemoError(f"the emulator did not print {', '.join(sorted(missing))}")
    # One kind of credentials: a token (the client-credential variables would make it ambiguous).
    return {name: settings[name] for name in ("CDF_URL", "CDF_PROJECT", "CDF_TOKEN")}


def install_example(args: argparse.Namespace, work: Path, wheelhouse: Path) -> Path:
    say("pip install ./example-project into a fresh virtual environment (build isolation, no CDF needed)")
    python = new_environment(work / "sdk-env")
    # The build gets no CDF_* variables: pygen.lock and the snapshot are all it needs.
    env = {name: value for name, value in os.environ.items() if not name.startswith("CDF_")}
    output = run(
        [python, "-m", "pip", "install", *pip_source_options(args, wheelhouse), EXAMPLE],
        what="pip install ./example-project",
        env=env,
        quiet=True,
    )
    installed = [line for line in output.splitlines() if line.startswith("Successfully installed")]
    print(f"    {installed[-1] if installed else 'installed'}")
    read_provenance = (
        "import importlib.resources as r; "
        "print(r.files('windturbine_sdk').joinpath('pygen-provenance.json').read_text())"
    )
    document = json.loads(
        run([python, "-c", read_provenance], what="reading the SDK's provenance", quiet=True)
    )
    for model in document["models"]:
        source = f"{model['space']}:{model['external-id']}/{model['version']}"
        print(
            f"    windturbine_sdk: generated by hatch-pygen {document['generator']['version']} from {source} "
            f"({model['from']}, {model['digest'][:19]}...)"
        )
    return python


def run_example(python: Path, cdf: dict[str, str]) -> None:
    say(f"python example-project/example.py against the emulator at {cdf['CDF_URL']}")
    run([python, EXAMPLE / "example.py"], what="example.py", env={**os.environ, **cdf})


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/demo.sh",
        description="Build the pygen-runtime and hatch-pygen wheels, serve the CDF emulator on loopback, "
        "pip install ./example-project into a fresh virtual environment, run example.py against the "
        "emulator, and stop it.",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=REPOSITORY / "build" / "demo",
        help="working folder, replaced on each run",
    )
    parser.add_argument(
        "--find-links", type=Path, action="append", default=[], help="another folder of wheels for pip"
    )
    parser.add_argument(
        "--no-index", action="store_true", help="no package index: wheels from --find-links only"
    )
    return parser.parse_args(argv)


def _stop_on_signal(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # unwinds through the finally that stops the emulator


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    wheelhouse = work / "wheelhouse"
    try:
        build_local_wheels(args, wheelhouse)
        say("starting the CDF emulator on loopback (WindTurbine model and a sample wind farm)")
        emulator_python = install_emulator(args, work, wheelhouse)
        with serving_emulator(emulator_python, work) as cdf:
            python = install_example(args, work, wheelhouse)
            run_example(python, cdf)
    except DemoError as error:
        print(f"demo failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("demo interrupted", file=sys.stderr)
        return 130
    say("done: the SDK was generated inside pip's build and used against the emulator")
    return 0


if __name__ == "__main__":
    sys.exit(main())
