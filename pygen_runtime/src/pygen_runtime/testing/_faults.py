"""Faults on demand: make chosen requests fail the way CDF and networks fail.

A :class:`FaultPlan` holds :class:`Fault` rules. For each request the plan checks the rules in the
order they were added; a rule applies when its method and endpoint pattern match, it has firings
left (``times``), and a draw from the plan's seeded random generator falls under its
``probability``. Same seed, same requests, same faults: a failing test can be replayed.

Kinds:

- ``status``: answer with ``status`` (429, 500, 502, 503, ...) and CDF's error body; a 429 carries
  ``Retry-After``.
- ``latency``: wait ``seconds`` before answering (other rules still apply).
- ``drop``: close the connection without an answer (in process: httpx's
  ``RemoteProtocolError``). With ``after_processing=True`` the request takes effect first, so a
  client sees a failure for a write that happened, the case resumption logic must get right.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Fault", "FaultDecision", "FaultPlan"]

FaultKind = Literal["status", "latency", "drop"]


@dataclass(frozen=True)
class Fault:
    """One rule: which requests it hits and what happens to them.

    ``endpoint`` is a pattern over the path below the project (``/models/instances/list``,
    ``/models/instances*``) or ``/oauth2/token``; ``None`` hits every request.
    """

    kind: FaultKind
    endpoint: str | None = None
    method: str | None = None
    status: int = 503
    retry_after: float | None = None
    seconds: float = 0.0
    after_processing: bool = False
    probability: float = 1.0
    times: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("status", "latency", "drop"):
            raise ValueError(f"Fault kind must be 'status', 'latency' or 'drop', not {self.kind!r}.")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"Fault probability must be between 0 and 1, not {self.probability}.")
        if self.kind == "status" and not 400 <= self.status <= 599:
            raise ValueError(f"A status fault needs a 4xx or 5xx status, not {self.status}.")
        if self.times is not None and self.times < 0:
            raise ValueError("Fault times must be None (unlimited) or a count of at least 0.")
        if self.seconds < 0:
            raise ValueError("Fault seconds cannot be negative.")

    @classmethod
    def rate_limited(
        cls,
        retry_after: float = 1.0,
        *,
        endpoint: str | None = None,
        method: str | None = None,
        probability: float = 1.0,
        times: int | None = None,
    ) -> Fault:
        """429 Too Many Requests with ``Retry-After: retry_after`` (seconds)."""
        return cls(
            "status",
            endpoint,
            method,
            status=429,
            retry_after=retry_after,
            probability=probability,
            times=times,
        )

    @classmethod
    def server_error(
        cls,
        status: int = 503,
        *,
        endpoint: str | None = None,
        method: str | None = None,
        probability: float = 1.0,
        times: int | None = None,
    ) -> Fault:
        """A 5xx answer (500, 502, 503, ...)."""
        return cls("status", endpoint, method, status=status, probability=probability, times=times)

    @classmethod
    def latency(
        cls,
        seconds: float,
        *,
        endpoint: str | None = None,
        method: str | None = None,
        probability: float = 1.0,
        times: int | None = None,
    ) -> Fault:
        """Answer after waiting ``seconds``."""
        return cls("latency", endpoint, method, seconds=seconds, probability=probability, times=times)

    @classmethod
    def dropped_connection(
        cls,
        *,
        after_processing: bool = False,
        endpoint: str | None = None,
        method: str | None = None,
        probability: float = 1.0,
        times: int | None = None,
    ) -> Fault:
        """Close the connection without answering."""
        return cls(
            "drop", endpoint, method, after_processing=after_processing, probability=probability, times=times
        )

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule is about the request ``method path``."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.endpoint is None or fnmatch.fnmatchcase(path, self.endpoint)


@dataclass
class FaultDecision:
    """What the plan decided for one request."""

    delay_seconds: float = 0.0
    status: int | None = None
    retry_after: float | None = None
    drop: bool = False
    drop_after_processing: bool = False


@dataclass
class _Rule:
    fault: Fault
    remaining: int | None
    fired: int = 0


@dataclass
class FaultPlan:
    """Seeded, ordered fault rules (thread-safe)."""

    seed: int | None = 0
    _rules: list[_Rule] = field(default_factory=list)
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def add(self, fault: Fault) -> Fault:
        """Add a rule (after the existing ones); returns it for :meth:`fired`."""
        with self._lock:
            self._rules.append(_Rule(fault, fault.times))
        return fault

    def clear(self) -> None:
        """Remove every rule and restart the random sequence from the seed."""
        with self._lock:
            self._rules.clear()
            self._random = random.Random(self.seed)

    def fired(self, fault: Fault) -> int:
        """How many requests the rule ``fault`` has hit so far."""
        with self._lock:
            return sum(rule.fired for rule in self._rules if rule.fault is fault)

    def decide(self, method: str, path: str) -> FaultDecision:
        """The faults for one request (and use up their firings)."""
        decision = FaultDecision()
        with self._lock:
            for rule in self._rules:
                fault = rule.fault
                if not fault.matches(method, path) or rule.remaining == 0:
                    continue
                if fault.probability < 1.0 and self._random.random() >= fault.probability:
                    continue
                if fault.kind != "latency" and (decision.status is not None or decision.drop):
                    continue  # one failure per request; the first matching rule wins
                rule.fired += 1
                if rule.remaining is not None:
                    rule.remaining -= 1
                if fault.kind == "latency":
                    decision.delay_seconds += fault.seconds
                elif fault.kind == "status":
                    decision.status = fault.status
                    decision.retry_after = fault.retry_after
                else:
                    decision.drop = True
                    decision.drop_after_processing = fault.after_processing
        return decision
