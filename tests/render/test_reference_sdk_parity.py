"""The runtime's tests use a hand-written stand-in for a generated SDK
(``pygen_runtime/tests/typed/reference_sdk``), so that they call the APIs as users do. This keeps
the stand-in honest: each API method the golden WindTurbine SDK overrides, the reference SDK
overrides too, taking every parameter the generated one takes, in the same place, with the same
annotation and default. The reference SDK may take more keyword filters than the generator
writes."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from golden_sdks import import_sdk

REFERENCE_SDK_FOLDER = Path(__file__).resolve().parents[2] / "pygen_runtime" / "tests" / "typed"
METHODS = ("retrieve", "list", "iterate", "search", "aggregate", "histogram")


def _api_classes(package: ModuleType) -> dict[str, type]:
    """The API classes of an SDK, by their name without underscores, lowercased (the reference
    SDK spells a few differently)."""
    api_package = importlib.import_module(f"{package.__name__}._api")
    found: dict[str, type] = {}
    for module_info in pkgutil.iter_modules(api_package.__path__):
        module = importlib.import_module(f"{api_package.__name__}.{module_info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and name.endswith("API") and value.__module__ == module.__name__:
                found[name.replace("_", "").lower()] = value
    return found


def _reference_sdk() -> ModuleType:
    if str(REFERENCE_SDK_FOLDER) not in sys.path:
        sys.path.append(str(REFERENCE_SDK_FOLDER))
    return importlib.import_module("reference_sdk")


GENERATED = _api_classes(import_sdk("WindTurbine"))
REFERENCE = _api_classes(_reference_sdk())


def test_both_sdks_have_the_same_api_classes() -> None:
    assert sorted(GENERATED) == sorted(REFERENCE)
    assert len(GENERATED) >= 17  # one per view, and the two edge connection APIs


@pytest.mark.parametrize("api", sorted(GENERATED))
def test_the_reference_api_takes_every_parameter_the_generated_one_takes(api: str) -> None:
    generated, reference = GENERATED[api], REFERENCE[api]
    for method in METHODS:
        generated_method = vars(generated).get(method)
        if generated_method is None:
            continue
        reference_method = vars(reference).get(method)
        assert reference_method is not None, f"{reference.__name__} does not override {method}"
        generated_parameters = inspect.signature(generated_method).parameters
        reference_parameters = inspect.signature(reference_method).parameters
        for name, parameter in generated_parameters.items():
            where = f"{reference.__name__}.{method}({name})"
            assert name in reference_parameters, f"{where}: missing"
            other = reference_parameters[name]
            assert (other.kind, other.default, other.annotation) == (
                parameter.kind,
                parameter.default,
                parameter.annotation,
            ), f"{where}: {other} where the generated SDK has {parameter}"
        positional = [p.name for p in generated_parameters.values() if p.kind != p.KEYWORD_ONLY]
        assert [p.name for p in reference_parameters.values() if p.kind != p.KEYWORD_ONLY] == positional
