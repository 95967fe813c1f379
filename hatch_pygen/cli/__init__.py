"""The ``pygen`` command line (``pygen --help``); ``docs/cli.md`` describes every command."""

from hatch_pygen.cli._app import app, main

__all__ = ["app", "main"]
