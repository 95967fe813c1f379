"""What an operator tunes about the service: limits, and where CDF settings come from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_MAX_BODY_BYTES", "ServiceSettings"]

# CogniteCore, the largest model in common use, is ~170 kB of YAML; 16 MiB leaves room for
# far larger models while keeping one request from holding much of the server's memory.
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024


def _default_concurrency() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class ServiceSettings:
    """Limits and CDF access of one service instance.

    ``max_concurrent_jobs`` generations run at once (default: the CPU count, at most 4);
    ``max_waiting_jobs`` more may wait for a slot, and a request beyond that gets 503 with
    ``Retry-After`` instead of queueing without end. ``environ`` replaces ``os.environ`` for the
    ``CDF_*`` and ``PYGEN_*`` variables (read at each request, so a rotated token is picked up);
    ``transport`` replaces the network to CDF (tests pass the emulator's).
    """

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_concurrent_jobs: int = field(default_factory=_default_concurrency)
    max_waiting_jobs: int = 32
    environ: Mapping[str, str] | None = None
    transport: httpx.BaseTransport | None = None

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_concurrent_jobs"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.max_waiting_jobs < 0:
            raise ValueError(f"max_waiting_jobs must be 0 or more, got {self.max_waiting_jobs}")

    def cdf_environment(self) -> dict[str, str]:
        """The variables CDF settings and pygen's model cache are read from, as of now."""
        return dict(os.environ if self.environ is None else self.environ)
