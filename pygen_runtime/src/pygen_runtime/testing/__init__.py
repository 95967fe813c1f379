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

from typing import TYPE_CHECKING

from pygen_runtime._lazy import lazy_exports

if TYPE_CHECKING:
    from pygen_runtime.testing._auth import ClientCredentials
    from pygen_runtime.testing._datapoints import seed_datapoints
    from pygen_runtime.testing._emulator import Emulator, EmulatorResponse
    from pygen_runtime.testing._errors import EmulatorRequestError
    from pygen_runtime.testing._faults import Fault, FaultPlan
    from pygen_runtime.testing._files import seed_file_content, stored_file_content
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
    "seed_datapoints",
    "seed_file_content",
    "stored_file_content",
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
    "seed_datapoints": "_datapoints",
    "seed_file_content": "_files",
    "stored_file_content": "_files",
}


__getattr__, __dir__ = lazy_exports(
    __name__, {name: f"{__name__}.{home}" for name, home in _HOMES.items()}, globals()
)
