"""The pygen command without its cli extra says how to install it instead of failing on an import."""

from __future__ import annotations

import sys

import pytest

from hatch_pygen import cli


def test_without_typer_the_command_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, "hatch_pygen.cli._app", raising=False)
    monkeypatch.setitem(sys.modules, "typer", None)  # makes ``import typer`` fail

    with pytest.raises(SystemExit) as stopped:
        cli.main()

    assert stopped.value.code == 2
    assert capsys.readouterr().err.strip() == cli.CLI_MISSING
    assert "pip install 'hatch-pygen[cli]'" in cli.CLI_MISSING


def test_another_missing_module_is_not_mistaken_for_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "hatch_pygen.cli._app", raising=False)
    monkeypatch.setitem(sys.modules, "hatch_pygen.cli._console", None)

    with pytest.raises(ModuleNotFoundError):
        cli.main()


def test_the_typer_app_is_reachable_from_the_package() -> None:
    from hatch_pygen.cli._app import app

    assert cli.app is app
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = cli.nothing  # type: ignore[attr-defined]
