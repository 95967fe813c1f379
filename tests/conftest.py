"""Fixtures shared by the hatch-pygen tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver listens on the IPv4 loopback only (not whatever "localhost" resolves to)."""
    return ("127.0.0.1", 0)
