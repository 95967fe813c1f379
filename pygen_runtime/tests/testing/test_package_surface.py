"""The public surface of ``pygen_runtime.testing`` and of its pytest plugin, loaded afresh.

pytest imports the plugin (and with it the package) before coverage starts, so these tests load
both modules again from their files to check what they define at import time.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pygen_runtime.testing as testing_package
import pytest

PACKAGE_DIR = Path(testing_package.__file__).parent


def _fresh(name: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=None)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


def test_every_public_name_of_the_package_resolves_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _fresh("pygen_runtime.testing", PACKAGE_DIR / "__init__.py", monkeypatch)
    fresh.__path__ = [str(PACKAGE_DIR)]  # type: ignore[attr-defined]

    assert sorted(fresh.__all__) == fresh.__all__
    for name in fresh.__all__:
        assert name not in vars(fresh)  # nothing is imported before it is asked for
        assert getattr(fresh, name).__name__ == name
        assert name in vars(fresh)  # and then it is remembered
    assert set(fresh.__all__) <= set(dir(fresh))


def test_the_plugin_module_defines_the_fixture_and_the_marker_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _fresh("pygen_emulator_plugin_copy", PACKAGE_DIR / "pytest_plugin.py", monkeypatch)

    assert fresh.__all__ == ["RunningEmulator", "cdf_emulator"]
    assert callable(fresh.pytest_configure)
    assert "cdf_emulator" in vars(fresh)
