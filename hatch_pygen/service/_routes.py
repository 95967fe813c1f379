"""The endpoints under ``/v1``: health, languages, and generating from a posted model or from CDF."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from hatch_pygen._version import __version__
from hatch_pygen.service._documents import read_model_document
from hatch_pygen.service._errors import ServiceError
from hatch_pygen.service._jobs import JobRunner, check_language, fetch_models, generate, known_languages
from hatch_pygen.service._packaging import (
    WHEEL_MEDIA_TYPE,
    ZIP_MEDIA_TYPE,
    build_wheel,
    check_output,
    formats_of,
    json_body,
    zip_archive,
)
from hatch_pygen.service._requests import (
    ErrorBody,
    ExternalId,
    GeneratedSdkBody,
    GenerationOptions,
    HealthBody,
    LanguageBody,
    LanguagesBody,
    ModelVersion,
    Space,
)
from hatch_pygen.service._settings import ServiceSettings
from hatch_pygen.sources import ModelSnapshot

__all__ = ["WARNINGS_HEADER", "build_router"]

# How many validation warnings a zip or wheel answer left out of the SDK (JSON lists them).
WARNINGS_HEADER = "Pygen-Warnings"
_LANGUAGE_DESCRIPTIONS = {
    "python": "A typed Python SDK on pygen-runtime.",
    "ir-json": "The language-neutral IR as JSON (docs/ir.md): what every renderer receives.",
}
_GENERATED_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The generated SDK: a zip archive (format=zip), a wheel (format=wheel), or "
        "its files as JSON (format=json).",
        "model": GeneratedSdkBody,  # the application/json answer
        "content": {ZIP_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    },
    400: {"model": ErrorBody, "description": "An unknown language, or a format the language lacks."},
    413: {"model": ErrorBody, "description": "The request body is larger than the service accepts."},
    422: {"model": ErrorBody, "description": "A malformed request, or a model with validation errors."},
    503: {"model": ErrorBody, "description": "Every generation slot is busy; retry after Retry-After."},
}
_CDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_GENERATED_RESPONSES,
    404: {"model": ErrorBody, "description": "CDF holds no such data model."},
    502: {"model": ErrorBody, "description": "CDF cannot be reached or refuses the service's credentials."},
    503: {"model": ErrorBody, "description": "Busy, or the service has no CDF settings."},
}
_DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "description": "A data model as YAML or JSON: what a model file for `pygen generate --model` holds.",
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it is known to exceed ``limit`` bytes."""
    too_large = ServiceError(
        413,
        "body-too-large",
        f"the request body exceeds this service's limit of {limit} bytes; post a smaller model "
        "or ask the operator to raise --max-body-bytes",
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:  # a chunked body, or one longer than it declared
            raise too_large
    return bytes(received)


def _answer(snapshots: list[ModelSnapshot], options: GenerationOptions) -> Response:
    """Generate and package; runs in a worker thread (both are CPU-bound)."""
    sdk = generate(snapshots, options)
    if options.format == "json":
        return JSONResponse(json_body(sdk))
    warnings = {WARNINGS_HEADER: str(len(sdk.warnings))}
    if options.format == "wheel":
        name, wheel = build_wheel(sdk, distribution=options.distribution, version=options.sdk_version)
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(wheel, media_type=WHEEL_MEDIA_TYPE, headers={**disposition, **warnings})
    disposition = {"Content-Disposition": f'attachment; filename="{sdk.package}.zip"'}
    return Response(zip_archive(sdk), media_type=ZIP_MEDIA_TYPE, headers={**disposition, **warnings})


def _check(options: GenerationOptions) -> None:
    check_language(options.language)
    check_output(options)


def build_router(settings: ServiceSettings, runner: JobRunner) -> APIRouter:
    """The ``/v1`` routes of one service instance."""
    router = APIRouter(prefix="/v1")

    @router.get("/health", tags=["service"], summary="Is the service up")
    async def health() -> HealthBody:
        """Answers at once, even while generations run (they run off the event loop)."""
        from hatch_pygen.render import runtime_requirement

        return HealthBody(version=__version__, runtime_requirement=runtime_requirement())

    @router.get("/languages", tags=["service"], summary="The languages this service generates")
    async def languages() -> LanguagesBody:
        """Each target language with the output formats it offers."""
        return LanguagesBody(
            languages=[
                LanguageBody(
                    name=name,
                    description=_LANGUAGE_DESCRIPTIONS.get(name, f"An SDK in {name}."),
                    formats=formats_of(name),
                )
                for name in known_languages()
            ]
        )

    @router.post(
        "/generate",
        tags=["generate"],
        summary="Generate an SDK from a posted data model",
        response_class=Response,
        responses=_GENERATED_RESPONSES,
        openapi_extra=_DOCUMENT_BODY,
    )
    async def generate_from_document(
        request: Request, options: Annotated[GenerationOptions, Query()]
    ) -> Response:
        """Post a data model (YAML or JSON, as `pygen generate --model` reads it); get its SDK.

        A model with validation errors is refused with 422 listing every problem.
        """
        _check(options)
        runner.refuse_if_full()
        body = await _read_body(request, settings.max_body_bytes)
        content_type = request.headers.get("content-type")
        return await runner.run(lambda: _answer(read_model_document(body, content_type), options))

    @router.post(
        "/data-models/{space}/{external_id}/{version}/generate",
        tags=["generate"],
        summary="Generate an SDK for a data model in CDF",
        response_class=Response,
        responses=_CDF_RESPONSES,
    )
    async def generate_from_cdf(
        space: Annotated[Space, Path()],
        external_id: Annotated[ExternalId, Path()],
        version: Annotated[ModelVersion, Path()],
        options: Annotated[GenerationOptions, Query()],
    ) -> Response:
        """Fetch the data model from the CDF project the service is configured for (the `CDF_*`
        variables), through pygen's model cache, and generate its SDK."""
        _check(options)
        return await runner.run(lambda: _answer(fetch_models(space, external_id, version, settings), options))

    return router
