"""What the CLI prints: results to stdout, everything else (progress, problems, errors) to stderr.

Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

import typer

from hatch_pygen.config import ConfigNote
from hatch_pygen.problems import Problem, Severity


def colour_allowed(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """Whether to colour output to ``stream``: a terminal, and ``NO_COLOR`` unset or empty."""
    env = os.environ if environ is None else environ
    return not env.get("NO_COLOR") and stream.isatty()


class Console:
    """The CLI's voice. ``quiet`` silences progress; problems and errors are always shown."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet

    def _say(self, text: str, colour: str | None = None, *, bold: bool = False) -> None:
        stream = sys.stderr
        if colour is not None and colour_allowed(stream):
            text = typer.style(text, fg=colour, bold=bold)
        print(text, file=stream, flush=True)

    def progress(self, message: str) -> None:
        """A step of a long operation (fetching models, writing files)."""
        if not self.quiet:
            self._say(f"pygen: {message}", "cyan")

    def notes(self, notes: Iterable[ConfigNote]) -> None:
        """Configuration notes, such as v1 spellings."""
        for note in notes:
            self._say(f"note: {note}", "blue")

    def problems(self, problems: Iterable[Problem]) -> None:
        """Validation problems, one line each."""
        for problem in problems:
            self._say(str(problem), "red" if problem.severity is Severity.ERROR else "yellow")

    def error(self, message: str) -> None:
        """An error that ends the run: its message, no traceback."""
        self._say(f"error: {message}", "red", bold=True)

    def result(self, text: str) -> None:
        """The command's result, on stdout."""
        print(text, flush=True)
