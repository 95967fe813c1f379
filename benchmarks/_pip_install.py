"""``pip install`` of example-project with its lock and pygen's cache warm, against the same
project with the build hook taken out."""

from __future__ import annotations

from _harness import ROOT
from _results import Section
from _suites import Setup

EXAMPLE_PROJECT = ROOT / "example-project"
DESCRIPTION = (
    "`pip install` of example-project into a fresh virtual environment with the lock and pygen's "
    "cache warm, against a copy of the same project without `[tool.pygen]` and the build hook."
)


def pip_install(setup: Setup) -> Section:
    """Not run until example-project exists."""
    if not (EXAMPLE_PROJECT / "pyproject.toml").exists():
        return Section(
            "pip-install", DESCRIPTION, skipped=[f"{EXAMPLE_PROJECT.name}/ is not in the repository yet"]
        )
    return Section("pip-install", DESCRIPTION, skipped=["not written yet"])
