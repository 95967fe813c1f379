"""What the functional tests share: a golden SDK imported as its package, and a client of it on
the in-process emulator holding the SDK's data model.

The golden SDKs (``tests/golden/python/<Model>/<package>/``) are imported as top-level packages,
as an installed SDK is; their folder is on ``sys.path`` only while a test module uses them, and
their modules are forgotten afterwards, so other tests importing the same package get their own.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator
from pygen_runtime.typed import TypedClient
from shared_cdf import model_file

from pygen_runtime import ClientConfig, Token

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "python"


@contextmanager
def golden_sdk(case: str, package: str) -> Iterator[ModuleType]:
    """The golden SDK of ``case`` imported as ``package``, for the time of the ``with``.

    Nested use (a test inside a module that already holds the SDK) keeps the outer import: the
    SDK imports view modules lazily, and forgetting them early would give the outer user a second
    copy of each class (so ``isinstance`` against its classes would fail)."""
    if package in sys.modules:
        yield sys.modules[package]
        return
    folder = str(GOLDEN / case)
    sys.path.insert(0, folder)
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(folder)
        for name in [name for name in sys.modules if name.split(".")[0] == package]:
            del sys.modules[name]


def client_config(emulator: Emulator, **overrides: object) -> ClientConfig:
    """A configuration for the in-process ``emulator``; retries come at once (no backoff), so
    injected faults cost no waiting."""
    settings: dict[str, object] = {"max_retries": 8, "retry_backoff_base": 0.0, "max_retry_wait": 0.0}
    settings.update(overrides)
    return ClientConfig(
        base_url=emulator.base_url,
        project=emulator.project,
        credentials=Token("functional-tests"),
        **settings,  # type: ignore[arg-type]
    )


def emulator_for(model: str, project: str) -> Emulator:
    """An emulator holding the shared data model ``model``."""
    emulator = Emulator(project=project)
    emulator.load_model(model_file(model))
    return emulator


@contextmanager
def typed_client(
    client_class: type[TypedClient], emulator: Emulator, instance_space: str, **overrides: object
) -> Iterator[Any]:
    """A generated client on ``emulator``, with ``instance_space`` created (typed ``Any``: the
    golden SDKs are imported at run time, so their client classes are unknown to mypy)."""
    with client_class(
        client_config(emulator, **overrides), instance_space=instance_space, transport=emulator.transport()
    ) as client:
        client.cdf.spaces.apply(Space(space=instance_space))
        yield client
