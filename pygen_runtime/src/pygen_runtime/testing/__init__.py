"""An in-memory emulator of CDF's data-modeling service, for tests, demos and offline work.

>>> from pygen_runtime.testing import Emulator
>>> emulator = Emulator(project="my-project")
>>> emulator.load_model("WindTurbine.yaml")  # doctest: +SKIP
>>> with emulator.serve() as server:  # doctest: +SKIP
...     print(server.url)

Nothing here is imported by ``import pygen_runtime``; the names below load on first use, so that
generated SDKs never pay for the emulator.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pygen_runtime.testing._auth import ClientCredentials
    from pygen_runtime.testing._emulator import Emulator, EmulatorResponse
    from pygen_runtime.testing._errors import EmulatorRequestError
    from pygen_runtime.testing._faults import Fault, FaultPlan
    from pygen_runtime.testing._model_files import ModelFileError
    from pygen_runtime.testing._server import EmulatorServer
    from pygen_runtime.testing._transport import AsyncEmulatorTransport, EmulatorTransport

__all__ = [
    "AsyncEmulatorTransport",
    "ClientCredentials",
    "Emulator",
    "EmulatorRequestError",
    "EmulatorResponse",
    "EmulatorServer",
    "EmulatorTransport",
    "Fault",
    "FaultPlan",
    "ModelFileError",
]

_HOMES = {
    "AsyncEmulatorTransport": "_transport",
    "ClientCredentials": "_auth",
    "Emulator": "_emulator",
    "EmulatorRequestError": "_errors",
    "EmulatorResponse": "_emulator",
    "EmulatorServer": "_server",
    "EmulatorTransport": "_transport",
    "Fault": "_faults",
    "FaultPlan": "_faults",
    "ModelFileError": "_model_files",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
