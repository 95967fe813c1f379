"""A clock for the emulator that moves only when a test moves it."""

from __future__ import annotations

__all__ = ["START_MS", "ManualClock"]

START_MS = 1_700_000_000_000


class ManualClock:
    """Epoch milliseconds, advanced by hand."""

    def __init__(self, now: int = START_MS) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, milliseconds: int) -> None:
        self.now += milliseconds
