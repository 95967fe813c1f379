"""Tiny inline models with a problem: the problem is reported, and the SDK for the rest is
generated, imports, and lists against the emulator."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from model_builder import direct, edge, mapped, reverse, snapshot, view, view_ref
from pygen_runtime.schema import DataModel
from pygen_runtime.testing import Emulator

from hatch_pygen import validation
from hatch_pygen.config import ViewSelector
from hatch_pygen.ir import build_ir
from hatch_pygen.render import render
from hatch_pygen.sdk import write_sdk
from hatch_pygen.sources import ModelSnapshot
from hatch_pygen.validation import validate
from pygen_runtime import ClientConfig, Token

Views = list[dict[str, Any]]


def _models(*groups: tuple[str, Views]) -> list[ModelSnapshot]:
    return [snapshot(views, external_id=name) for name, views in groups]


# Each case: the models, validation's keyword arguments, and the warning it must report.
CASES: dict[str, tuple[Callable[[], list[ModelSnapshot]], dict[str, Any], str]] = {
    "unsupported-property-type": (
        lambda: _models(("M", [view("A", {"odd": mapped("vector3d"), "name": mapped()})])),
        {},
        "unsupported-property-type",
    ),
    "unsupported-property-kind": (
        lambda: _models(("M", [view("A", {"odd": {"connectionType": "future_kind"}, "name": mapped()})])),
        {},
        "unsupported-property-kind",
    ),
    "relation-target-not-generated": (
        lambda: _models(
            ("M", [view("A", {"elsewhere": direct("Missing"), "edges": edge("Missing"), "name": mapped()})])
        ),
        {},
        "relation-target-not-generated",
    ),
    "edge-properties-view-not-generated": (
        lambda: _models(("M", [view("A", {"edges": edge("A", edge_source="Props"), "name": mapped()})])),
        {},
        "edge-properties-view-not-generated",
    ),
    "reverse-relation-through-invalid": (
        lambda: _models(
            ("M", [view("A", {"back": reverse("B", "a"), "name": mapped()}), view("B", {"a": mapped()})])
        ),
        {},
        "reverse-relation-through-invalid",
    ),
    "view-name-collision": (
        lambda: _models(
            ("M", [view("Pump", {"name": mapped()}), view("pump", {"name": mapped()}, space="other")])
        ),
        {},
        "view-name-collision",
    ),
    "reserved-property-name": (
        lambda: _models(("M", [view("A", {"type": mapped(), "version": mapped("int64", container="D")})])),
        {},
        "reserved-property-name",
    ),
    "property-name-collision": (
        lambda: _models(("M", [view("A", {"fooBar": mapped(), "foo_bar": mapped(container="D")})])),
        {},
        "property-name-collision",
    ),
    "implements-cycle": (
        lambda: _models(
            (
                "M",
                [
                    view("A", {"a": mapped()}, implements=["B"]),
                    view("B", {"b": mapped("int64", container="D")}, implements=["A"]),
                ],
            )
        ),
        {},
        "implements-cycle",
    ),
    "implements-not-generated": (
        lambda: _models(("M", [view("Child", {"name": mapped()}, implements=["Gone"])])),
        {},
        "implements-not-generated",
    ),
    "view-defined-twice": (
        lambda: _models(
            ("First", [view("V", {"x": mapped()})]),
            ("Second", [view("V", {"x": mapped("int32")}), view("W")]),
        ),
        {},
        "view-defined-twice",
    ),
    "model-listed-twice": (
        lambda: _models(("M", [view("V", {"name": mapped()})]), ("M", [view("V", {"name": mapped()})])),
        {},
        "model-listed-twice",
    ),
    "view-not-defined": (
        lambda: _models(("M", [view("V", {"name": mapped()}), view_ref("Elsewhere")])),
        {},
        "view-not-defined",
    ),
    "exclude-matches-nothing": (
        lambda: _models(("M", [view("V", {"name": mapped()})])),
        {"exclude_views": [ViewSelector("Typo")]},
        "exclude-matches-nothing",
    ),
    "model-without-views": (
        lambda: _models(("Kept", [view("A", {"name": mapped()})]), ("Emptied", [view("B")])),
        {"exclude_views": [ViewSelector("B")]},
        "model-without-views",
    ),
}


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[Callable[[str, list[ModelSnapshot], dict[str, Any]], Any]]:
    """Generates an SDK into ``tmp_path`` and imports it; forgets it afterwards."""
    packages: list[str] = []
    sys.path.insert(0, str(tmp_path))

    def generate(package: str, snapshots: list[ModelSnapshot], options: dict[str, Any]) -> Any:
        schema = validate(snapshots, **options)
        ir = build_ir(schema, package=package, instance_space="inline")
        write_sdk(render(ir, language="python"), tmp_path, package)
        packages.append(package)
        module = importlib.import_module(package)
        module.problems = schema.problems
        return module

    yield generate
    sys.path.remove(str(tmp_path))
    for name in list(sys.modules):
        if name.split(".")[0] in packages:
            del sys.modules[name]


def _emulator_with(snapshots: list[ModelSnapshot]) -> Emulator:
    emulator = Emulator(project="inline")
    for model in snapshots:
        emulator.load_model(_loadable(model.data_model))
    return emulator


def _loadable(model: DataModel) -> dict[str, Any]:
    """The model as the emulator takes it, without what CDF itself would refuse (unknown
    property types and kinds, views listed without a definition, implements cycles and missing
    parents; every view lists its inherited properties itself)."""
    dumped = model.dump()
    views = []
    for item in dumped.get("views", []):
        if "properties" not in item:
            continue
        item = {**item, "implements": []}
        item["properties"] = {
            name: prop
            for name, prop in item["properties"].items()
            if prop.get("connectionType") != "future_kind"
            and not (isinstance(prop.get("type"), dict) and prop["type"].get("type") == "vector3d")
        }
        views.append(item)
    return {**dumped, "views": views}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_problem_is_reported_and_the_rest_of_the_sdk_works(case: str, generated: Any) -> None:
    build, options, code = CASES[case]
    snapshots = build()
    sdk = generated(f"inline_{case.replace('-', '_')}_sdk", snapshots, options)
    assert code in [problem.code for problem in sdk.problems]
    emulator = _emulator_with(snapshots)
    client_class = next(getattr(sdk, name) for name in sdk.__all__ if name.endswith("Client"))
    config = ClientConfig(base_url=emulator.base_url, project=emulator.project, credentials=Token("t"))
    with client_class(config, transport=emulator.transport()) as client:
        apis = _apis(client)
        assert apis
        for api in apis:
            assert list(api.list(limit=5)) == []
            assert list(api.search(limit=5)) == []


def _apis(client: Any) -> list[Any]:
    """Every view API of a client, through its sub-clients (one per data model) if it has them."""
    found = []
    for name in dir(type(client)):
        if isinstance(getattr(type(client), name, None), cached_property):
            value = getattr(client, name)
            found.extend([value] if hasattr(value, "list") else _apis(value))
    return found


def test_every_warning_validation_reports_has_a_case_here() -> None:
    # A new kind of problem in validation needs a case above, showing the SDK survives it.
    source = "".join(
        path.read_text(encoding="utf-8") for path in Path(validation.__file__).parent.glob("*.py")
    )
    assert set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', source)) == set(CASES)
