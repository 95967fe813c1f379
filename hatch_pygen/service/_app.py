"""The FastAPI application: its OpenAPI description, its error answers, and running it with uvicorn."""

from __future__ import annotations

import logging
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from hatch_pygen._version import __version__
from hatch_pygen.service._errors import ServiceError
from hatch_pygen.service._jobs import JobRunner
from hatch_pygen.service._requests import FIELD_RULES, GenerationOptions
from hatch_pygen.service._routes import build_router
from hatch_pygen.service._settings import ServiceSettings

__all__ = ["create_app", "serve"]

_LOG = logging.getLogger("hatch_pygen.service")
_DESCRIPTION = """\
Generates typed SDKs for Cognite Data Fusion data models on demand: post a data model (YAML or
JSON) or name one in the CDF project the service is configured for, and get the SDK back as a
zip archive, an installable wheel, or its files as JSON.

Every error answers with a JSON body: `error` (a stable code), `message`, and where they apply
`problems` (the model's validation problems, worded as `pygen check` words them) and `fields`
(the request's faulty fields). See docs/service.md.
"""
_TAGS = [
    {"name": "generate", "description": "Generating SDKs."},
    {"name": "service", "description": "What the service is and can do."},
]


def _field_name(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location)


def _field_message(detail: dict[str, Any]) -> str:
    """Pydantic's message, except for an identifier pattern, where the rule is said in words."""
    name = str(detail["loc"][-1]) if detail["loc"] else ""
    if detail["type"] == "string_pattern_mismatch" and name in FIELD_RULES:
        return f"{detail['input']!r} is not a valid {FIELD_RULES[name]}"
    if detail["type"] == "extra_forbidden":
        known = ", ".join(GenerationOptions.model_fields)
        return f"is not a parameter of this endpoint; the parameters are {known}"
    message = str(detail["msg"])
    return message.removeprefix("Value error, ")


async def _invalid_request(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    fields = [
        {"field": _field_name(tuple(detail["loc"])), "message": _field_message(detail)}
        for detail in error.errors()
    ]
    summary = "; ".join(f"{field['field']}: {field['message']}" for field in fields)
    answer = ServiceError(422, "invalid-request", f"the request is not valid: {summary}", fields=fields)
    return JSONResponse(answer.body(), status_code=answer.status)


async def _service_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError)
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = {404: "not-found", 405: "method-not-allowed"}.get(error.status_code, "http-error")
    message = (
        f"no endpoint {request.method} {request.url.path}; see /docs for the endpoints"
        if error.status_code in (404, 405)
        else str(error.detail)
    )
    answer = ServiceError(error.status_code, code, message)
    return JSONResponse(answer.body(), status_code=answer.status, headers=error.headers)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    # A defect of the service, not of the request: logged with its traceback for the operator,
    # answered without it.
    _LOG.error("%s %s failed", request.method, request.url.path, exc_info=error)
    answer = ServiceError(500, "internal-error", "the service failed unexpectedly; the error is in its log")
    return JSONResponse(answer.body(), status_code=500)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The service as an ASGI application; ``settings`` default to :class:`ServiceSettings`'s.

    Example::

        import uvicorn
        uvicorn.run(create_app(), host="127.0.0.1", port=8000)
    """
    settings = settings or ServiceSettings()
    app = FastAPI(
        title="pygen generation service",
        version=__version__,
        summary="Typed SDKs for Cognite Data Fusion data models, generated on demand.",
        description=_DESCRIPTION,
        openapi_tags=_TAGS,
    )
    runner = JobRunner(settings.max_concurrent_jobs, settings.max_waiting_jobs)
    app.state.settings = settings
    app.state.jobs = runner
    app.include_router(build_router(settings, runner))
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, settings: ServiceSettings | None = None) -> None:
    """Run the service with uvicorn until interrupted (what ``pygen serve`` does)."""
    # One process: the job limits hold per process, and the model cache is shared on disk anyway.
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", server_header=False)
