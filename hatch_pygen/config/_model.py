"""The typed configuration that ``[tool.pygen]`` parses into."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hatch_pygen.errors import ConfigError, ConfigIssue

LOCK_FILE_NAME = "pygen.lock"
SNAPSHOT_DIR_NAME = "pygen-models"


@dataclass(frozen=True)
class EnvReference:
    """A ``"$NAME"`` value in the table: read from the environment when it is needed.

    Keeping the reference (and not the value) in the config means a missing variable only
    matters when something actually talks to CDF, and the value never sits in a config object
    that might be printed.
    """

    name: str

    def __str__(self) -> str:
        return f"${self.name}"


Setting = str | EnvReference


@dataclass(frozen=True)
class CdfModel:
    """A data model to fetch from CDF."""

    space: str
    external_id: str
    version: str

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}/{self.version}"


@dataclass(frozen=True)
class FileModel:
    """A data model read from a local YAML or JSON file (``path`` is absolute)."""

    path: Path
    declared: str

    def __str__(self) -> str:
        return self.declared


ModelSource = CdfModel | FileModel


@dataclass(frozen=True)
class ViewSelector:
    """An ``exclude-views`` entry: ``"Scratch"``, ``"power:Scratch"`` or ``"power:Scratch/1"``."""

    external_id: str
    space: str | None = None
    version: str | None = None

    def matches(self, space: str, external_id: str, version: str) -> bool:
        """Whether the view ``space:external_id/version`` is selected by this entry."""
        return (
            self.external_id == external_id
            and (self.space is None or self.space == space)
            and (self.version is None or self.version == version)
        )

    def __str__(self) -> str:
        text = self.external_id if self.space is None else f"{self.space}:{self.external_id}"
        return text if self.version is None else f"{text}/{self.version}"


# The runtime's variables, used when the table leaves a setting out.
ENV_URL = "CDF_URL"
ENV_PROJECT = "CDF_PROJECT"
ENV_TOKEN = "CDF_TOKEN"
ENV_CLIENT_ID = "CDF_CLIENT_ID"
ENV_CLIENT_SECRET = "CDF_CLIENT_SECRET"
ENV_TOKEN_URL = "CDF_TOKEN_URL"
ENV_SCOPES = "CDF_SCOPES"
ENV_AUDIENCE = "CDF_AUDIENCE"


@dataclass(frozen=True)
class ResolvedCdfSettings:
    """CDF connection settings with every reference read; holds secrets, so it is never printed."""

    url: str
    project: str
    token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    token_url: str | None = None
    scopes: tuple[str, ...] = ()
    audience: str | None = None

    def as_environment(self) -> dict[str, str]:
        """The runtime's ``CDF_*`` variables that describe these settings."""
        pairs = {
            ENV_URL: self.url,
            ENV_PROJECT: self.project,
            ENV_TOKEN: self.token,
            ENV_CLIENT_ID: self.client_id,
            ENV_CLIENT_SECRET: self.client_secret,
            ENV_TOKEN_URL: self.token_url,
            ENV_SCOPES: " ".join(self.scopes) or None,
            ENV_AUDIENCE: self.audience,
        }
        return {key: value for key, value in pairs.items() if value}


@dataclass(frozen=True)
class CdfSettings:
    """``[tool.pygen.cdf]``: literal values or ``$VAR`` references; secrets are references only."""

    url: Setting | None = None
    project: Setting | None = None
    client_id: Setting | None = None
    client_secret: EnvReference | None = None
    token: EnvReference | None = None
    token_url: Setting | None = None
    scopes: tuple[Setting, ...] | None = None
    audience: Setting | None = None

    def resolve(self, environ: Mapping[str, str] | None = None) -> ResolvedCdfSettings:
        """Read the references from ``environ`` (default ``os.environ``), filling gaps from ``CDF_*``.

        A value in the table wins over the environment. Raises :class:`ConfigError` naming each
        missing variable (never its value).
        """
        env = os.environ if environ is None else environ
        issues: list[ConfigIssue] = []

        def read(key: str, value: Setting | None, fallback: str) -> str | None:
            if isinstance(value, EnvReference):
                found = env.get(value.name)
                if not found:
                    issues.append(
                        ConfigIssue(
                            f"tool.pygen.cdf.{key}",
                            f"refers to ${value.name}, which is not set; export {value.name} "
                            "or change the reference",
                        )
                    )
                return found
            if value is not None:
                return value
            return env.get(fallback) or None

        url = read("url", self.url, ENV_URL)
        project = read("project", self.project, ENV_PROJECT)
        token = read("token", self.token, ENV_TOKEN)
        client_id = read("client-id", self.client_id, ENV_CLIENT_ID)
        client_secret = read("client-secret", self.client_secret, ENV_CLIENT_SECRET)
        token_url = read("token-url", self.token_url, ENV_TOKEN_URL)
        audience = read("audience", self.audience, ENV_AUDIENCE)
        if self.scopes is None:
            scopes = tuple((env.get(ENV_SCOPES) or "").split())
        else:
            scopes = tuple(s for s in (read("scopes", scope, ENV_SCOPES) for scope in self.scopes) if s)
        if not url:
            issues.append(
                ConfigIssue("tool.pygen.cdf.url", f"no CDF URL; set url in the table or export {ENV_URL}")
            )
        if not project:
            issues.append(
                ConfigIssue(
                    "tool.pygen.cdf.project",
                    f"no CDF project; set project in the table or export {ENV_PROJECT}",
                )
            )
        if issues:
            raise ConfigError(issues, source="CDF settings")
        # The checks above raised when either is missing.
        assert url is not None
        assert project is not None
        if not scopes and not token:
            # The default scope of a CDF cluster, as every CDF login uses it.
            scopes = (f"{url.rstrip('/')}/.default",)
        return ResolvedCdfSettings(
            url=url.rstrip("/"),
            project=project,
            token=token,
            client_id=client_id,
            client_secret=client_secret,
            token_url=token_url,
            scopes=scopes,
            audience=audience,
        )


@dataclass(frozen=True)
class ConfigNote:
    """Something worth telling the user that is not an error, such as a v1 spelling."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class PygenConfig:
    """The whole ``[tool.pygen]`` table, checked and typed.

    ``project_root`` is the folder of the ``pyproject.toml`` (paths in the table are relative to it).
    """

    project_root: Path
    models: tuple[ModelSource, ...]
    package: str | None = None
    client_name: str | None = None
    instance_space: str | None = None
    exclude_views: tuple[ViewSelector, ...] = ()
    exclude_spaces: tuple[str, ...] = ()
    cdf: CdfSettings = field(default_factory=CdfSettings)
    out_dir: Path | None = None
    overwrite: bool = True
    format_code: bool = True
    notes: tuple[ConfigNote, ...] = ()

    @property
    def lock_path(self) -> Path:
        """Where ``pygen.lock`` lives: beside the ``pyproject.toml``."""
        return self.project_root / LOCK_FILE_NAME

    @property
    def snapshot_dir(self) -> Path:
        """The folder that holds the locked model snapshots."""
        return self.project_root / SNAPSHOT_DIR_NAME

    @property
    def cdf_models(self) -> tuple[CdfModel, ...]:
        """The models that come from CDF, in the order the table lists them."""
        return tuple(model for model in self.models if isinstance(model, CdfModel))
