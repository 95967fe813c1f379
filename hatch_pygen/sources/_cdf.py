"""Fetching data models from CDF through the runtime's client.

Each model comes with its views inline; views they implement from outside the model (a
``CogniteAsset`` child implementing ``cdf_cdm`` views, say) are fetched too, parents of parents
included, so inheritance can be generated. Credentials reach the runtime's client only; nothing
here prints, stores or repeats them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from pygen_runtime.schema import DataModelId, View, ViewId

from hatch_pygen.config import CdfModel, CdfSettings
from hatch_pygen.errors import ConfigError, ConfigIssue, ModelNotFoundError, OfflineError, SourceError
from hatch_pygen.sources._snapshot import ModelSnapshot

if TYPE_CHECKING:
    import httpx

    from pygen_runtime import CDFClient

OFFLINE_ENV = "PYGEN_OFFLINE"
CLIENT_NAME = "hatch-pygen"
# How many rounds of "fetch the parents of the views fetched last" before giving up; CDF
# implements chains are a handful of levels deep, so this only stops a pathological server.
_MAX_PARENT_ROUNDS = 32

Progress = Callable[[str], None]


def is_offline(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``PYGEN_OFFLINE`` forbids network calls (``1``, ``true``, ``yes`` or ``on``)."""
    value = (os.environ if environ is None else environ).get(OFFLINE_ENV, "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _label(model: CdfModel | DataModelId) -> str:
    return f"{model.space}:{model.external_id}/{model.version}"


class CdfSource:
    """Data models from one CDF project.

    ``transport`` replaces the network (tests pass the emulator's); ``environ`` replaces
    ``os.environ`` for the ``CDF_*`` variables and ``$VAR`` references.

    Example::

        source = CdfSource(config.cdf)
        snapshots = source.fetch([CdfModel("power", "WindTurbine", "1")])
    """

    def __init__(
        self,
        settings: CdfSettings,
        *,
        environ: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._environ = dict(os.environ if environ is None else environ)
        self._transport = transport

    def target(self) -> tuple[str, str]:
        """The CDF URL and project this source reads from."""
        return self.settings.target(self._environ)

    def _client(self) -> CDFClient:
        from pygen_runtime.errors import ConfigurationError

        from pygen_runtime import CDFClient, ClientConfig

        environment = self.settings.environment(self._environ)
        try:
            config = ClientConfig.from_env(environment, client_name=CLIENT_NAME)
        except ConfigurationError as error:
            raise ConfigError(
                [ConfigIssue("tool.pygen.cdf", problem) for problem in error.problems], source="CDF settings"
            ) from None
        return CDFClient(config, transport=self._transport)

    def fetch(self, models: Sequence[CdfModel], progress: Progress | None = None) -> list[ModelSnapshot]:
        """Snapshots of ``models``, in the order given, each with the outside views it implements.

        Raises :class:`~hatch_pygen.errors.OfflineError` under ``PYGEN_OFFLINE``, and
        :class:`~hatch_pygen.errors.SourceError` when CDF fails or lacks a model.
        """
        if not models:
            return []
        url, project = self.target()
        if is_offline(self._environ):
            listed = ", ".join(_label(model) for model in models)
            raise OfflineError(
                f"{OFFLINE_ENV} forbids network calls, but {listed} must be fetched from {url} "
                "(no lock entry or cached copy); run `pygen lock` while online and commit pygen.lock, "
                f"or unset {OFFLINE_ENV}"
            )
        from pygen_runtime.errors import CDFError

        report = progress or (lambda message: None)
        try:
            with self._client() as client:
                report(f"fetching {len(models)} data model(s) from {url} (project {project})")
                return self._fetch_with(client, models, report)
        except CDFError as error:
            # The runtime's errors name the request (method and path) and never a header.
            raise SourceError(
                f"fetching data models from {url} (project {project}) failed: {error}"
            ) from None

    def _fetch_with(
        self, client: CDFClient, models: Sequence[CdfModel], report: Progress
    ) -> list[ModelSnapshot]:
        ids = [DataModelId(space=m.space, external_id=m.external_id, version=m.version) for m in models]
        found = {model.as_id(): model for model in client.data_models.retrieve(ids, inline_views=True)}
        missing = [_label(model_id) for model_id in ids if model_id not in found]
        if missing:
            url, project = self.target()
            raise ModelNotFoundError(
                f"not found in CDF project {project} at {url}: {', '.join(missing)}; "
                "check space, external-id and version in tool.pygen.models",
                where=f"CDF project {project} at {url}",
                missing=missing,
            )
        snapshots = []
        for model_id in ids:
            data_model = found[model_id]
            outside = _implemented_views(client, data_model.inline_views, report)
            snapshots.append(ModelSnapshot(data_model=data_model, implemented_views=tuple(outside)))
            report(
                f"fetched {_label(model_id)}: {len(data_model.views)} view(s), {len(outside)} from outside it"
            )
        return snapshots


def _implemented_views(client: CDFClient, views: Sequence[View], report: Progress) -> list[View]:
    """The views ``views`` implement, directly or not, that are not among them."""
    seen: set[ViewId] = {view.as_id() for view in views}
    fetched: list[View] = []
    wanted = {parent for view in views for parent in view.implements} - seen
    for _ in range(_MAX_PARENT_ROUNDS):
        if not wanted:
            break
        ordered = sorted(wanted, key=lambda v: (v.space, v.external_id, v.version))
        report(f"fetching {len(ordered)} implemented view(s) from outside the model")
        # Views CDF does not return are left out; validation reports them where they are used.
        batch = client.views.retrieve(ordered)
        seen.update(ordered)
        fetched.extend(batch)
        wanted = {parent for view in batch for parent in view.implements} - seen
    return fetched
