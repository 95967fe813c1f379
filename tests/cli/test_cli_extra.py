"""The pygen command without its cli extra says how to install it instead of failing on an import."""

from __future__ import annotations

import sys

import pytest
from without_modules import run_without

from hatch_pygen import cli
from hatch_pygen._optional import GENERATOR_MODULES


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


def test_without_the_generators_libraries_the_command_names_the_extra_to_install() -> None:
    # `pip install hatch-pygen` without extras: typer may be there (another tool brought it),
    # the generator's libraries are not.
    done = run_without(GENERATOR_MODULES, "from hatch_pygen.cli import main\nmain()", ["--help"])
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == cli.CLI_MISSING
    assert "Traceback" not in done.stderr


def test_generate_sdk_without_the_generate_extra_names_it() -> None:
    done = run_without(
        GENERATOR_MODULES,
        "import hatch_pygen\ntry:\n    hatch_pygen.generate_sdk\nexcept ModuleNotFoundError as error:\n"
        "    print(error)\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "hatch_pygen.generate_sdk needs hatch-pygen's generate extra (pydantic, jinja2, httpx and "
        "pygen-runtime), which is not installed; install it (pip install 'hatch-pygen[generate]')"
    )
