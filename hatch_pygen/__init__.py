"""hatch-pygen: generate typed SDKs for CDF data models inside a Python build."""

from __future__ import annotations

from typing import Any

from hatch_pygen._version import __version__

__all__ = ["__version__", "generate_sdk", "generate_sdk_notebook"]


def __getattr__(name: str) -> Any:
    # The generation API imports the whole pipeline; the build hook and the CLI need not pay
    # for it on ``import hatch_pygen``.
    if name in ("generate_sdk", "generate_sdk_notebook"):
        from hatch_pygen import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
