"""What a benchmark client measures about itself, and how it reports it.

Standard library only. A client prints one JSON line prefixed with ``RESULT`` on stdout; the
harness reads that line. Run as a script, this module reports the resident memory of a bare
interpreter: the "interpreter start" that peak memory is compared with.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

RESULT_PREFIX = "RESULT "


def _status_kib(field: str) -> int:
    """A ``VmRSS``/``VmHWM`` figure of this process, in KiB (Linux ``/proc``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field} line; the benchmarks need Linux.")


def resident_mib() -> float:
    """This process's resident memory now, in MiB."""
    return _status_kib("VmRSS") / 1024


def peak_resident_mib() -> float:
    """The most resident memory this process has held so far, in MiB."""
    return _status_kib("VmHWM") / 1024


class Probe:
    """Times the measured section and reports it with the process's peak memory."""

    def __init__(self) -> None:
        self.wall_seconds: float | None = None
        self.rss_before_mib: float | None = None
        self.cpu_seconds: float | None = None

    @contextmanager
    def measure(self) -> Iterator[None]:
        """Time the block: wall clock and this process's CPU time (all threads)."""
        self.rss_before_mib = resident_mib()
        cpu = time.process_time()
        wall = time.perf_counter()
        yield
        self.wall_seconds = time.perf_counter() - wall
        self.cpu_seconds = time.process_time() - cpu

    def report(self, **figures: Any) -> None:
        """Print the result line: the timed section, memory, and the caller's own figures."""
        emit(
            {
                "wall_seconds": self.wall_seconds,
                "cpu_seconds": self.cpu_seconds,
                "rss_before_mib": None if self.rss_before_mib is None else round(self.rss_before_mib, 1),
                "peak_rss_mib": round(peak_resident_mib(), 1),
                **figures,
            }
        )


def emit(result: dict[str, Any]) -> None:
    """Print a result line for the harness."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    emit({"rss_mib": round(resident_mib(), 1), "peak_rss_mib": round(peak_resident_mib(), 1)})
