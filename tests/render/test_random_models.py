"""Any model renders to an SDK that compiles, imports and is ruff-clean as generated: property
tests over random names (keywords, builtins, pydantic members, very long ones), types and
descriptions full of quotes, backslashes and template braces."""

from __future__ import annotations

import importlib
import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_builder import data_model, direct, edge, mapped, view
from pygen_runtime.schema import DataModel

from hatch_pygen.errors import NothingToGenerateError
from hatch_pygen.ir import build_ir
from hatch_pygen.render import render
from hatch_pygen.sources import ModelSnapshot
from hatch_pygen.validation import validate

BIN = Path(sys.executable).parent
TRICKY_NAMES = [
    "type",
    "class",
    "list",
    "filter",
    "limit",
    "model_dump",
    "model_config",
    "as_write",
    "dump",
    "self",
    "None",
    "datetime",
    "Field",
    "Select",
    "TextProperty",
    "TypedClient",
    "space",
    "external_id",
    "externalId",
    "name",
    "name_prefix",
    "min_x",
    "x",
    "X",
    "a" * 70,
    "aVeryLongPropertyIdentifierThatKeepsGoingAndGoingUntilNoLineCanHoldIt",
]
NAMES = st.one_of(st.sampled_from(TRICKY_NAMES), st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,30}", fullmatch=True))
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(['"', "'", "\\", "{", "}", "%", "\n", " ", "\t"]), st.characters(codec="utf-8")
    ),
    max_size=60,
)
TYPES = st.sampled_from(
    ["text", "boolean", "int32", "int64", "float64", "timestamp", "date", "json", "timeseries"]
)
_packages = itertools.count()


@st.composite
def models(draw: st.DrawFn) -> list[Any]:
    view_names = draw(st.lists(NAMES, min_size=1, max_size=4, unique_by=str.lower))
    views = []
    for number, view_name in enumerate(view_names):
        properties: dict[str, dict[str, Any]] = {}
        for identifier in draw(st.lists(NAMES, max_size=6, unique=True)):
            kind = draw(st.sampled_from(["mapped", "list", "direct", "edge"]))
            container = f"C{number}"
            if kind == "mapped":
                body = mapped(draw(TYPES), container=container, identifier=identifier, description=draw(TEXT))
            elif kind == "list":
                body = mapped(draw(TYPES), container=container, identifier=identifier, is_list=True)
            elif kind == "direct":
                body = direct(draw(st.sampled_from(view_names)))
                body["containerPropertyIdentifier"] = identifier
                body["container"]["externalId"] = container
            else:
                body = edge(draw(st.sampled_from(view_names)), edge_type=f"type_{identifier}")
            properties[identifier] = body
        used_for = draw(st.sampled_from(["node", "node", "edge", "all"]))
        views.append(view(view_name, properties, usedFor=used_for, description=draw(TEXT), name=draw(TEXT)))
    return views


@given(models())
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_model_renders_to_clean_importable_code(tmp_path: Path, views: list[Any]) -> None:
    try:
        model = {**data_model(views), "description": 'A model """ with {{ braces }} and \\ slashes'}
        schema = validate([ModelSnapshot(data_model=DataModel.load(model))])
    except NothingToGenerateError:
        return
    package = f"random_sdk_{next(_packages)}"
    files = render(build_ir(schema, package=package), language="python")
    root = tmp_path / package
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if path.suffix == ".py":
            compile(text, str(path), "exec")
    formatted = subprocess.run(
        [str(BIN / "ruff"), "format", "--isolated", "--check", "--diff", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    checked = subprocess.run(
        [str(BIN / "ruff"), "check", "--isolated", "--select", "E,F,W,I,B", "--ignore", "E501", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module(package)
        for name in module.__all__:
            getattr(module, name)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == package]:
            del sys.modules[name]
