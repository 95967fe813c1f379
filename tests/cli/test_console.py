"""Colour only on a terminal and never under NO_COLOR; progress can be silenced."""

from __future__ import annotations

import io

import pytest

from hatch_pygen.cli._console import Console, colour_allowed


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_needs_a_terminal_and_no_no_color() -> None:
    assert colour_allowed(Terminal(), {}) is True
    assert colour_allowed(Terminal(), {"NO_COLOR": "1"}) is False
    assert colour_allowed(Terminal(), {"NO_COLOR": ""}) is True
    assert colour_allowed(io.StringIO(), {}) is False


def test_messages_are_coloured_on_a_terminal_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.delenv("NO_COLOR", raising=False)
    Console().error("boom")
    assert "\x1b[" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Terminal()
    monkeypatch.setattr("sys.stderr", plain)
    Console().error("boom")
    assert plain.getvalue() == "error: boom\n"


def test_quiet_silences_progress_only(capsys: pytest.CaptureFixture[str]) -> None:
    console = Console(quiet=True)
    console.progress("fetching")
    console.error("still shown")
    assert capsys.readouterr().err == "error: still shown\n"
