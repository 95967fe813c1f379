"""Running the benchmark's processes and measuring them from outside.

Every client runs in a process of its own, so that its peak memory is its own; the emulator runs
in another one, so that its work never counts as a client's. A process is measured whole through
``os.wait4`` (wall clock, user + system CPU, peak resident memory), and clients also report their
measured section themselves (see ``clients/_probe.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
CLIENTS = BENCHMARKS / "clients"
ROOT = BENCHMARKS.parent
RESULT_PREFIX = "RESULT "
READY_PREFIX = "READY "
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchmarkError(RuntimeError):
    """A benchmark process failed or answered wrongly; the message says which and why."""


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for benchmark processes.

    Bytecode caching is allowed (``PYTHONDONTWRITEBYTECODE`` would make every import of source
    files compile them anew, which users never see), and no CDF or pygen setting of the caller's
    shell leaks in.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONSTARTUP")
        and not key.startswith(("CDF_", "PYGEN_"))
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def shown_command(command: Sequence[str]) -> str:
    """A command line for messages, with the value of ``--token=`` left out."""
    return " ".join("--token=***" if part.startswith("--token=") else part for part in command)


@dataclass(frozen=True)
class ProcessResult:
    """A finished process, measured from outside."""

    command: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mib: float

    def shown_command(self) -> str:
        return shown_command(self.command)

    def check(self, what: str) -> ProcessResult:
        """This result, or a ``BenchmarkError`` naming ``what`` failed and its last output lines."""
        if self.returncode != 0:
            tail = "\n".join((self.stderr or self.stdout).strip().splitlines()[-8:])
            raise BenchmarkError(f"{what} failed (exit {self.returncode}): {self.shown_command()}\n{tail}")
        return self

    def result(self, what: str) -> dict[str, Any]:
        """The ``RESULT {...}`` line a client printed, decoded."""
        self.check(what)
        for line in reversed(self.stdout.splitlines()):
            if line.startswith(RESULT_PREFIX):
                decoded: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
                return decoded
        raise BenchmarkError(f"{what} printed no result line: {self.shown_command()}\n{self.stdout[-2000:]}")


def run_process(
    command: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> ProcessResult:
    """Run ``command`` to its end (killed after ``timeout`` seconds) and measure it whole."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=dict(env) if env is not None else child_environment(),
            cwd=cwd,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if timed_out.is_set():
        raise BenchmarkError(f"timed out after {timeout:.0f} s: {shown_command(command)}")
    return ProcessResult(
        command=tuple(command),
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mib=usage.ru_maxrss / 1024,
    )


@dataclass(frozen=True)
class Interpreter:
    """A Python interpreter that runs benchmark clients: this project's, or v1's."""

    name: str
    python: Path

    def run_client(self, script: str, args: Sequence[str], *, timeout: float, what: str) -> dict[str, Any]:
        """Run ``clients/<script>`` with ``args``; its own report plus the outside measurements."""
        finished = run_process(
            [str(self.python), str(CLIENTS / script), *args], timeout=timeout, env=child_environment()
        )
        reported = finished.result(what)
        reported["process_wall_seconds"] = finished.wall_seconds
        reported["process_cpu_seconds"] = finished.cpu_seconds
        reported["process_peak_rss_mib"] = finished.peak_rss_mib
        return reported

    def bare_rss_mib(self) -> float:
        """Resident memory of this interpreter just started (the standard library's ``json``
        loaded): what "above interpreter start" is measured from."""
        finished = run_process(
            [str(self.python), str(CLIENTS / "_probe.py")], timeout=60, env=child_environment()
        )
        return float(finished.result(f"{self.name} interpreter start")["rss_mib"])

    def version_of(self, distribution: str) -> str | None:
        """The installed version of ``distribution`` in this interpreter, or None."""
        finished = run_process(
            [
                str(self.python),
                "-c",
                "import sys\nfrom importlib.metadata import version, PackageNotFoundError\n"
                "try:\n    print(version(sys.argv[1]))\nexcept PackageNotFoundError:\n    pass\n",
                distribution,
            ],
            timeout=60,
        )
        return finished.stdout.strip() or None


@dataclass
class EmulatorProcess:
    """The emulator serving benchmark data on loopback, in its own process, for a ``with`` block."""

    interpreter: Interpreter
    model: Path
    nodes: int = 0
    concurrency_limits: bool = False
    # When set, the server writes each request line (method, path, status) to this file.
    request_log: Path | None = None
    startup_timeout: float = 900.0
    ready: dict[str, Any] = field(default_factory=dict)
    _process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return str(self.ready["url"])

    @property
    def project(self) -> str:
        return str(self.ready["project"])

    @property
    def token(self) -> str:
        return str(self.ready["token"])

    def client_args(self) -> list[str]:
        """The flags that point a benchmark client at this server (``--name=value``: a token may
        begin with ``-``)."""
        return [f"--url={self.url}", f"--project={self.project}", f"--token={self.token}"]

    def answers_by_status(self) -> dict[str, int]:
        """How many requests the server answered with each status so far (needs ``request_log``)."""
        counts: dict[str, int] = {}
        if self.request_log is None or not self.request_log.exists():
            return counts
        for line in self.request_log.read_text(encoding="utf-8").splitlines():
            # '"POST /api/v1/projects/p/models/instances HTTP/1.1" 200 -'; other lines are not answers
            if not line.startswith('"'):
                continue
            parts = line.rsplit('"', 1)[-1].split()
            if parts and parts[0].isdigit():
                counts[parts[0]] = counts.get(parts[0], 0) + 1
        return counts

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system)."""
        assert self._process is not None
        with open(f"/proc/{self._process.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    def __enter__(self) -> EmulatorProcess:
        command = [
            str(self.interpreter.python),
            str(CLIENTS / "serve_emulator.py"),
            "--model",
            str(self.model),
            "--nodes",
            str(self.nodes),
        ]
        if self.concurrency_limits:
            command.append("--concurrency-limits")
        if self.request_log is not None:
            command += ["--log-requests", str(self.request_log)]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_environment(),
            start_new_session=True,
        )
        assert self._process.stdout is not None
        deadline = time.monotonic() + self.startup_timeout
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            readable, _, _ = select.select([self._process.stdout], [], [], max(remaining, 0))
            if not readable:
                self._stop()
                raise BenchmarkError(f"the emulator did not start within {self.startup_timeout:.0f} s")
            chunk = os.read(self._process.stdout.fileno(), 4096)
            if not chunk:
                stderr = self._stop()
                raise BenchmarkError(f"the emulator exited before serving:\n{stderr[-3000:]}")
            line += chunk
        text = line.decode()
        if not text.startswith(READY_PREFIX):
            self._stop()
            raise BenchmarkError(f"the emulator printed {text!r} instead of its READY line")
        self.ready = json.loads(text[len(READY_PREFIX) :])
        return self

    def _stop(self) -> str:
        process = self._process
        if process is None:
            return ""
        try:
            _, stderr = process.communicate(input=b"", timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, stderr = process.communicate()
        self._process = None
        return (stderr or b"").decode("utf-8", "replace")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()


def this_interpreter() -> Interpreter:
    """The interpreter running the harness: it has pygen-runtime and hatch-pygen."""
    return Interpreter("ours", Path(sys.executable))
