"""The pygen generation service: an HTTP API that generates SDKs on demand (``docs/service.md``).

``pygen serve`` runs it with uvicorn; ``create_app()`` returns the FastAPI application for any
ASGI server. It needs the ``service`` extra (``pip install 'hatch-pygen[service]'``): FastAPI
and uvicorn are no business of a build, so this package imports them only when used.

Example::

    from hatch_pygen.service import ServiceSettings, create_app

    app = create_app(ServiceSettings(max_concurrent_jobs=2))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hatch_pygen._optional import GENERATOR_MODULES

if TYPE_CHECKING:
    from hatch_pygen.service._app import create_app, serve
    from hatch_pygen.service._settings import ServiceSettings

__all__ = ["SERVICE_MISSING", "ServiceSettings", "create_app", "is_service_extra_missing", "serve"]

SERVICE_MISSING = (
    "pygen serve needs hatch-pygen's service extra (FastAPI, uvicorn and the generator's libraries), "
    "which is not installed; install it (pip install 'hatch-pygen[service]')"
)
# The top-level modules the service extra brings beyond the generate extra's.
SERVICE_MODULES = frozenset({"fastapi", "starlette", "uvicorn", "yaml", "click", "typing_extensions"})


def is_service_extra_missing(error: ModuleNotFoundError) -> bool:
    """Whether ``error`` means the service extra is not installed (rather than a bug)."""
    return (error.name or "").split(".", 1)[0] in SERVICE_MODULES | GENERATOR_MODULES


def __getattr__(name: str) -> Any:
    if name in ("create_app", "serve"):
        from hatch_pygen.service import _app

        return getattr(_app, name)
    if name == "ServiceSettings":
        from hatch_pygen.service._settings import ServiceSettings

        return ServiceSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
