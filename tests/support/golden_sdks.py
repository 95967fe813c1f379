"""The golden SDK cases: every shared model, plus the three OmniMulti models as one SDK, rendered
to Python and stored under ``tests/golden/python/<case>/``.

``tests/render/test_golden.py`` compares against the stored files and checks them (import, ruff,
mypy); ``scripts/refresh_golden.py`` rewrites them. Both go through :func:`render_case`, so they
can never disagree on what is compared.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path
from types import ModuleType

from ir_snapshots import CASES as MODEL_CASES
from shared_cdf import model_file

from hatch_pygen.ir import IR, build_ir
from hatch_pygen.render import render
from hatch_pygen.render.python._names import snake_case
from hatch_pygen.sources import load_model_file
from hatch_pygen.validation import validate

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden" / "python"
CASES: dict[str, list[str]] = dict(MODEL_CASES)
# Settings [tool.pygen] would give; the rest take the defaults.
SETTINGS: dict[str, dict[str, str]] = {
    "WindTurbine": {"client_name": "WindTurbineClient", "instance_space": "wind_instances"},
}


def package_name(case: str) -> str:
    """The package a case is generated as: ``"WindTurbine"`` -> ``"wind_turbine_sdk"``."""
    return f"{snake_case(case)}_sdk"


def case_ir(case: str) -> IR:
    """The IR of a case, as the pipeline builds it from the shared model files."""
    snapshots = [snapshot for name in CASES[case] for snapshot in load_model_file(model_file(name))]
    return build_ir(validate(snapshots), package=package_name(case), **SETTINGS.get(case, {}))


def render_case(case: str) -> dict[str, str]:
    """The files of a case's SDK, by path relative to its golden folder."""
    return dict(render(case_ir(case), language="python"))


def case_dir(case: str) -> Path:
    """Where a case's SDK is stored (the folder holding its package)."""
    return GOLDEN_DIR / case


def stored_files(case: str) -> dict[str, str]:
    """The stored files of a case, by path relative to its golden folder."""
    root = case_dir(case)
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and ".mypy_cache" not in path.parts
    }


def write_case(case: str) -> int:
    """Replace a case's stored SDK with a fresh rendering; the number of files written."""
    files = render_case(case)
    root = case_dir(case)
    shutil.rmtree(root, ignore_errors=True)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return len(files)


def stale_cases() -> list[str]:
    """Stored case folders that no case produces any more."""
    if not GOLDEN_DIR.is_dir():
        return []
    return sorted(path.name for path in GOLDEN_DIR.iterdir() if path.is_dir() and path.name not in CASES)


def import_sdk(case: str) -> ModuleType:
    """The golden SDK of ``case``, imported once per test process. Its folder stays on
    ``sys.path`` and its modules stay imported, so every test that uses it (in any order, in any
    xdist worker) sees the same classes."""
    folder = str(case_dir(case))
    if folder not in sys.path:
        sys.path.append(folder)
    return importlib.import_module(package_name(case))
