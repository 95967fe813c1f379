"""Generation jobs: from snapshots (posted or fetched from CDF) to the files of an SDK, off the loop.

Generating is CPU-bound Python (validation, the IR, Jinja2): run on the event loop, one
CogniteCore generation would stall every other request, health checks included, for its whole
duration. So jobs run in worker threads. Threads do not add CPU under the GIL, which is why
:class:`JobRunner` caps how many run at once (more would only share the same cores while each
holds its model, IR and output in memory) and how many may wait (beyond that a caller is told to
come back later with 503 and ``Retry-After``, rather than queueing without bound). A slot is
held until the thread finishes, even when the caller has gone, so the cap bounds real work.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread

from hatch_pygen.cache import ModelCache
from hatch_pygen.config import parse_config
from hatch_pygen.errors import NothingToGenerateError, PygenError
from hatch_pygen.ir import build_ir
from hatch_pygen.pipeline import load_models
from hatch_pygen.problems import Problem
from hatch_pygen.sdk import IR_JSON, find_renderer
from hatch_pygen.service._errors import ServiceError, from_pygen_error
from hatch_pygen.service._requests import GenerationOptions
from hatch_pygen.service._settings import ServiceSettings
from hatch_pygen.sources import ModelSnapshot
from hatch_pygen.validation import validate

__all__ = [
    "GeneratedSdk",
    "JobRunner",
    "check_language",
    "fetch_models",
    "generate",
    "known_languages",
]

T = TypeVar("T")
# How long a caller turned away for a full queue is asked to wait before trying again.
_RETRY_AFTER_SECONDS = 5


@dataclass(frozen=True)
class GeneratedSdk:
    """The files of one generated SDK and the warnings validation left."""

    package: str
    language: str
    files: Mapping[str, str]
    warnings: tuple[Problem, ...]


def known_languages() -> tuple[str, ...]:
    """The languages this installation renders, then ``ir-json`` (the IR itself)."""
    from hatch_pygen.render import LANGUAGES

    return (*LANGUAGES, IR_JSON)


def check_language(language: str) -> None:
    """Refuse (400) a language this installation cannot render, naming the ones it can."""
    known = known_languages()
    if language not in known:
        raise ServiceError(
            400,
            "unknown-language",
            f"no renderer for language {language!r}; this service renders {', '.join(known)}",
            fields=[{"field": "query.language", "message": f"must be one of {', '.join(known)}"}],
        )


def _default_package(snapshots: Sequence[ModelSnapshot]) -> str:
    from hatch_pygen.render.python._names import default_package_name

    external_id = snapshots[0].data_model.external_id
    package = default_package_name(external_id)
    if package is None:
        raise ServiceError(
            422,
            "no-package-name",
            f"the data model {external_id!r} gives no importable package name; name it with package=",
            fields=[{"field": "query.package", "message": "required for this data model"}],
        )
    return package


def generate(snapshots: Sequence[ModelSnapshot], options: GenerationOptions) -> GeneratedSdk:
    """Validate, build the IR and render: what ``pygen generate`` does, without the disk.

    A model with validation errors (or, with ``strict``, warnings) is refused with 422 and every
    problem, worded as ``pygen check`` words it; without them the warnings come with the files.
    """
    try:
        schema = validate(snapshots)
    except NothingToGenerateError as error:
        # Every view was dropped; the problems that dropped them are the answer, each as a value.
        from hatch_pygen.validation._collect import collect_views

        problems = collect_views(snapshots, (), ()).problems
        raise ServiceError(
            422,
            "nothing-to-generate",
            f"{str(error).splitlines()[0]}; fix the model (pygen check lists the same problems)",
            problems=problems,
        ) from None
    try:
        refused = schema.problems if options.strict else schema.errors
        if refused:
            errors, warnings = len(schema.errors), len(schema.warnings)
            what = "problems" if options.strict else "errors"
            raise ServiceError(
                422,
                "model-has-errors" if schema.errors else "model-has-warnings",
                f"the data model has {what}: {errors} error(s), {warnings} warning(s); "
                "fix them in the model (pygen check lists the same problems)",
                problems=schema.problems,
            )
        package = options.package or _default_package(snapshots)
        ir = build_ir(
            schema, package=package, client_name=options.client_name, instance_space=options.instance_space
        )
        files = find_renderer(options.language)(ir)
    except PygenError as error:
        raise from_pygen_error(error) from None
    return GeneratedSdk(package=package, language=options.language, files=files, warnings=schema.warnings)


def fetch_models(
    space: str, external_id: str, version: str, settings: ServiceSettings
) -> list[ModelSnapshot]:
    """The data model ``space:external_id/version`` from the CDF the server is configured for.

    Goes through pygen's model cache as a build does (``PYGEN_CACHE_DIR``, ``PYGEN_CACHE_TTL``,
    ``PYGEN_OFFLINE``). Errors: 404 when CDF does not hold the model, 502 when CDF cannot be
    reached or refuses the server's credentials, 503 when the server has no CDF settings.
    """
    environ = settings.cdf_environment()
    try:
        ModelCache.from_environment(environ)
    except PygenError as error:
        # The cache's settings are the operator's (PYGEN_CACHE_TTL, say), not the caller's or CDF's.
        raise ServiceError(
            503, "cache-not-configured", f"this service's model cache is misconfigured: {error}"
        ) from None
    table = {"models": [{"space": space, "external-id": external_id, "version": version}]}
    # An empty project folder: a pygen.lock in the server's working directory must not decide
    # which snapshot a request gets.
    with tempfile.TemporaryDirectory(prefix="pygen-service-") as folder:
        try:
            config = parse_config(table, project_root=Path(folder), source="request")
            loaded = load_models(config, environ=environ, transport=settings.transport)
        except PygenError as error:
            raise from_pygen_error(error) from None
    return list(loaded.snapshots)


class JobRunner:
    """Runs jobs in worker threads, ``max_concurrent`` at once and ``max_waiting`` queued at most."""

    def __init__(self, max_concurrent: int, max_waiting: int) -> None:
        self.max_concurrent = max_concurrent
        self.max_waiting = max_waiting
        self._limiter: anyio.CapacityLimiter | None = None

    def _slots(self) -> anyio.CapacityLimiter:
        # Made on first use, inside the server's event loop.
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.max_concurrent)
        return self._limiter

    @property
    def running(self) -> int:
        """Jobs running now."""
        return int(self._slots().borrowed_tokens)

    @property
    def waiting(self) -> int:
        """Jobs waiting for a slot now."""
        return self._slots().statistics().tasks_waiting

    def refuse_if_full(self) -> None:
        """Raise :class:`ServiceError` 503 when every slot is taken and the queue is full.

        Also called before a request's body is read, so that a busy service does not first
        buffer the uploads it will turn away.
        """
        slots = self._slots()
        if slots.available_tokens == 0 and self.waiting >= self.max_waiting:
            raise ServiceError(
                503,
                "busy",
                f"the service is generating {self.running} SDK(s) with {self.waiting} more waiting; "
                f"try again in {_RETRY_AFTER_SECONDS} seconds",
                headers={"Retry-After": str(_RETRY_AFTER_SECONDS)},
            )

    async def run(self, job: Callable[[], T]) -> T:
        """The result of ``job()``, run in a worker thread once a slot is free.

        Raises :class:`ServiceError` 503 when every slot is taken and the queue is full.
        """
        # No await between the check and taking a place in the queue: nothing can come between.
        self.refuse_if_full()
        return await anyio.to_thread.run_sync(job, limiter=self._slots())
