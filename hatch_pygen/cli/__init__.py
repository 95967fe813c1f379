"""The ``pygen`` command line (``pygen --help``); ``docs/cli.md`` describes every command.

The command needs typer and the generator's libraries (pydantic, jinja2, httpx, pygen-runtime),
which the ``cli`` extra brings (``pip install 'hatch-pygen[cli]'``): a build whose output is
cached needs none of them, and every isolated build installs hatch-pygen's dependencies again, so
they stay few.
"""

from __future__ import annotations

import sys
from typing import Any

from hatch_pygen._optional import GENERATOR_MODULES

__all__ = ["CLI_MISSING", "app", "main"]

CLI_MISSING = (
    "pygen: error: the pygen command needs the cli extra; install it with: pip install 'hatch-pygen[cli]'"
)


def main() -> None:
    """Run the ``pygen`` command, or say how to install what it needs."""
    try:
        from hatch_pygen.cli._app import main as run
    except ModuleNotFoundError as error:
        missing = (error.name or "").split(".", 1)[0]
        if missing not in ("typer", "click") and missing not in GENERATOR_MODULES:
            raise
        print(CLI_MISSING, file=sys.stderr)
        raise SystemExit(2) from None
    run()


def __getattr__(name: str) -> Any:
    if name == "app":
        from hatch_pygen.cli._app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
