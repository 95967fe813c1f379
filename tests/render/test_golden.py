"""The Python SDK of every shared model, compared with its golden copy and checked as code.

After a deliberate change to the renderer or its templates, refresh with
``.venv/bin/python scripts/refresh_golden.py`` and review the diff.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from golden_sdks import CASES, GOLDEN_DIR, case_dir, import_sdk, package_name, render_case, stored_files
from model_builder import mapped, snapshot, view

from hatch_pygen.ir import build_ir
from hatch_pygen.render import render
from hatch_pygen.sdk import write_sdk
from hatch_pygen.validation import validate

REFRESH = "run `.venv/bin/python scripts/refresh_golden.py` if the change is intended"
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
# The rules the generated code is held to: the repository's own selection, without the
# line-length rule (descriptions from a model are kept as they are), the ambiguous-character
# rules (a model's text may hold any character) and the ban on relative imports (an SDK imports
# its own modules relatively, so it works under any package name and sorts its imports the same
# wherever it is checked).
RUFF_RULES = [
    "--select",
    "E,F,W,I,UP,B,SIM,RUF,C4,PIE,RET,PT,TID",
    "--ignore",
    "E501,RUF001,RUF002,RUF003,TID252",
]


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_golden_sdk_matches_a_fresh_rendering(case: str) -> None:
    fresh = render_case(case)
    stored = stored_files(case)
    assert sorted(stored) == sorted(fresh), f"{case}: the set of files differs; {REFRESH}"
    for path, text in fresh.items():
        assert stored[path] == text, f"{case}/{path} differs; {REFRESH}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_golden_sdk_imports_with_every_module_and_name(case: str) -> None:
    package = import_sdk(case)
    folder = case_dir(case) / package_name(case)
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(case_dir(case)).with_suffix("").parts
        importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    for name in package.__all__:
        assert getattr(package, name) is not None
    assert package.RUNTIME_REQUIREMENT.startswith("pygen-runtime>=")
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        _ = package.missing
    assert set(package.__all__) <= set(dir(package))


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_golden_sdks_pass_ruff_check_and_format_without_changes() -> None:
    # --isolated: the generated code is held to ruff's defaults plus these rules, not to this
    # repository's settings (it ends up in other people's projects).
    checked = _run([str(BIN / "ruff"), "check", "--isolated", *RUFF_RULES, "."], GOLDEN_DIR)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    formatted = _run([str(BIN / "ruff"), "format", "--isolated", "--check", "."], GOLDEN_DIR)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    # Splits are kept by trailing commas, so a wider line limit changes nothing either.
    wider = _run(
        [str(BIN / "ruff"), "format", "--isolated", "--line-length", "120", "--check", "."], GOLDEN_DIR
    )
    assert wider.returncode == 0, wider.stdout + wider.stderr


# Code a user writes against the WindTurbine SDK: mypy must accept it, and must reject the lines
# marked as errors (strict mode reports an ignore comment that is not needed).
USAGE = """
from wind_turbine_sdk import Blade, BladeList, BladeWrite, WindTurbine, WindTurbineClient, WindTurbineList
from wind_turbine_sdk import Nacelle, WindTurbineWrite
from pygen_runtime.schema import NodeId


def use(client: WindTurbineClient) -> None:
    turbines: WindTurbineList = client.wind_turbine.list(name_prefix="WT", min_capacity=1.0, limit=None)
    first: WindTurbine | None = client.wind_turbine.retrieve("wt-1")
    for chunk in client.wind_turbine.iterate(100, windfarm=["north", "south"]):
        turbines.extend(chunk)
    blade = BladeWrite(external_id="b", is_damaged=True)
    client.upsert([WindTurbineWrite(external_id="wt-2", blades=[blade])])
    if first is not None and first.capacity is not None:
        print(first.capacity + 1.0, first.as_write().external_id)
    blades = client.wind_turbine.select().name.prefix("WT").blades
    damaged: BladeList = blades.is_damaged.equals(True).list_blade()
    print(len(damaged), damaged.sensor_positions, damaged.as_write())
    for blade_chunk in client.blade.select().iterate(chunk_size=10):
        print(blade_chunk.to_pandas())
    damaged.as_wrte()  # type: ignore[attr-defined]
    # v1 spellings: limit=-1, search_property, several properties, iterate's retrieve_connections.
    client.wind_turbine.list(limit=-1)
    client.wind_turbine.aggregate("count", property=["capacity", "name"], search_property="name")
    client.wind_turbine.histogram("capacity", 1.0, query="WT", search_property=["name"])
    client.wind_turbine.iterate(10, retrieve_connections="full")
    # retrieve_connections="full" puts read objects where "identifier" puts ids.
    full = client.wind_turbine.retrieve("wt-1", retrieve_connections="full")
    if full is not None and full.blades:
        blade_or_id = full.blades[0]
        if isinstance(blade_or_id, Blade):
            print(blade_or_id.is_damaged)
        else:
            node_id: NodeId = blade_or_id
            print(node_id.external_id)
        blade_or_id.is_damaged  # type: ignore[union-attr]
    if full is not None and isinstance(full.nacelle, Nacelle):
        print(full.nacelle.as_id())
    # A list gives the connections of all its items: a list class once read as objects.
    all_blades = client.wind_turbine.list(retrieve_connections="full").blades
    if isinstance(all_blades, BladeList):
        print(all_blades.as_write())
    all_blades.as_write()  # type: ignore[union-attr]
    # Property names are checked against the view's Literal of field names.
    client.wind_turbine.search("WT", properties=["name", "windfarm"], sort_by="capacity")
    client.wind_turbine.aggregate("avg", "capacity", group_by="windfarm")
    client.wind_turbine.search("WT", properties="capacity")  # type: ignore[arg-type]
    client.wind_turbine.list(sort_by="nmae")  # type: ignore[arg-type]
    client.wind_turbine.histogram("capacty", 1.0)  # type: ignore[arg-type]
    client.wind_turbine.select().name.prefix(3)  # type: ignore[arg-type]
    client.wind_turbine.list(min_capacity="high")  # type: ignore[arg-type]
    client.wind_turbine.list(capacity_prefix="x")  # type: ignore[call-arg]
"""


def test_the_golden_sdks_and_code_using_them_pass_mypy_strict(tmp_path: Path) -> None:
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\nplugins = pydantic.mypy\n", encoding="utf-8")
    usage = tmp_path / "usage_check.py"
    usage.write_text(USAGE, encoding="utf-8")
    # And a model the shared ones lack: a child view mapping an inherited property name to a
    # property of another type.
    overriding = [
        view("Parent", {"name": mapped(), "size": mapped("int64", container="P")}),
        view("Child", {"name": mapped("int32", container="C")}, implements=["Parent"]),
    ]
    ir = build_ir(validate([snapshot(overriding)]), package="overriding_sdk")
    extra = write_sdk(render(ir, language="python"), tmp_path / "extra", "overriding_sdk")
    packages = [f"{case}/{package_name(case)}" for case in sorted(CASES)]
    done = _run(
        [
            str(BIN / "mypy"),
            "--config-file",
            str(config),
            "--cache-dir",
            str(tmp_path / "cache"),
            *packages,
            str(extra),
            str(usage),
        ],
        GOLDEN_DIR,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    checked = sum(1 for _ in GOLDEN_DIR.rglob("*.py")) + sum(1 for _ in extra.rglob("*.py")) + 1
    assert f"no issues found in {checked} source files" in done.stdout


def test_rendering_is_deterministic_across_runs_and_hash_seeds() -> None:
    first = render_case("OmniMulti")
    assert render_case("OmniMulti") == first
    script = (
        "import sys; sys.path.insert(0, 'tests/support'); import golden_sdks; "
        "files = {**golden_sdks.render_case('OmniMulti'), **golden_sdks.render_case('CogniteCore')}; "
        "sys.stdout.write(''.join(path + '\\n' + text for path, text in files.items()))"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    expected = {**first, **render_case("CogniteCore")}
    assert outputs[0] == "".join(path + "\n" + text for path, text in expected.items())
