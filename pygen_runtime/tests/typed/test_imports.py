"""What importing a generated SDK loads: its client and the classes asked for, not every view's
module, and none of pandas, asyncio, the emulator or the query builder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def loaded_after(statement: str) -> set[str]:
    script = (
        f"import sys\nsys.path.insert(0, {str(HERE)!r})\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(completed.stdout.split())


def test_importing_the_sdk_loads_only_what_is_used() -> None:
    modules = loaded_after("import reference_sdk\nreference_sdk.WindTurbineClient\nreference_sdk.WindTurbine")

    assert "reference_sdk.data_classes._wind_turbine" in modules
    assert "reference_sdk.data_classes._generating_unit" in modules  # its parent view
    assert "reference_sdk.data_classes._blade" not in modules
    assert "reference_sdk._api._wind_turbine" not in modules
    assert {"pandas", "asyncio", "pygen_runtime.testing", "pygen_runtime.query"}.isdisjoint(modules)


def test_an_api_is_imported_when_first_used() -> None:
    modules = loaded_after(
        "from pygen_runtime import ClientConfig, Token\n"
        "import reference_sdk\n"
        "config = ClientConfig(base_url='http://emulator.invalid', project='p', credentials=Token('t'))\n"
        "reference_sdk.WindTurbineClient(config).blade"
    )

    assert "reference_sdk._api._blade" in modules
    assert "reference_sdk._api._wind_turbine" not in modules
