"""hatch-pygen: generate typed SDKs for CDF data models inside a Python build."""

from __future__ import annotations

from typing import Any

from hatch_pygen._version import __version__

__all__ = ["__version__", "generate_sdk", "generate_sdk_notebook"]


def __getattr__(name: str) -> Any:
    # The generation API imports the whole pipeline; the build hook and the CLI need not pay
    # for it on ``import hatch_pygen``.
    if name in ("generate_sdk", "generate_sdk_notebook"):
        from hatch_pygen._optional import GENERATOR_MODULES, generator_missing_message

        try:
            from hatch_pygen import api
        except ModuleNotFoundError as error:
            if (error.name or "").split(".", 1)[0] not in GENERATOR_MODULES:
                raise
            message = generator_missing_message(f"hatch_pygen.{name}")
            raise ModuleNotFoundError(message, name=error.name) from None
        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
