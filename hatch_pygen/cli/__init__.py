"""The ``pygen`` command line (``pygen --help``); ``docs/cli.md`` describes every command.

The command needs typer, which the ``cli`` extra brings (``pip install 'hatch-pygen[cli]'``): the
build hook does not, and every isolated build installs hatch-pygen's dependencies again, so they
stay few.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["CLI_MISSING", "app", "main"]

CLI_MISSING = (
    "pygen: error: the pygen command needs the cli extra; install it with: pip install 'hatch-pygen[cli]'"
)


def main() -> None:
    """Run the ``pygen`` command, or say how to install what it needs."""
    try:
        from hatch_pygen.cli._app import main as run
    except ModuleNotFoundError as error:
        if error.name not in ("typer", "click"):
            raise
        print(CLI_MISSING, file=sys.stderr)
        raise SystemExit(2) from None
    run()


def __getattr__(name: str) -> Any:
    if name == "app":
        from hatch_pygen.cli._app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
