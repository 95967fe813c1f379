"""The typed configuration that ``[tool.pygen]`` parses into."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hatch_pygen.errors import ConfigError, ConfigIssue

LOCK_FILE_NAME = "pygen.lock"
SNAPSHOT_DIR_NAME = "pygen-models"
# The file `pygen generate` leaves in a package it wrote, so that it may overwrite it next time.
GENERATED_MARKER = ".pygen-generated"


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


# The runtime's variable for each [tool.pygen.cdf] setting.
ENV_URL = "CDF_URL"
ENV_CLUSTER = "CDF_CLUSTER"
ENV_PROJECT = "CDF_PROJECT"
_VARIABLES = {
    "url": ENV_URL,
    "project": ENV_PROJECT,
    "client_id": "CDF_CLIENT_ID",
    "client_secret": "CDF_CLIENT_SECRET",
    "token": "CDF_TOKEN",
    "token_url": "CDF_TOKEN_URL",
    "audience": "CDF_AUDIENCE",
}
_TABLE_KEYS = {"client_id": "client-id", "client_secret": "client-secret", "token_url": "token-url"}


@dataclass(frozen=True)
class CdfSettings:
    """``[tool.pygen.cdf]``: literal values or ``$VAR`` references; secrets are references only.

    The runtime's client reads its settings from ``CDF_*`` variables; a value here takes the
    place of its variable, so the table and the environment combine in one obvious way.
    """

    url: Setting | None = None
    project: Setting | None = None
    client_id: Setting | None = None
    client_secret: EnvReference | None = None
    token: EnvReference | None = None
    token_url: Setting | None = None
    scopes: tuple[Setting, ...] | None = None
    audience: Setting | None = None

    def environment(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """``environ`` (default ``os.environ``) with the table's settings in place of their variables.

        Raises :class:`ConfigError` naming each ``$VAR`` reference that is not set (never a value).
        """
        env = dict(os.environ if environ is None else environ)
        issues: list[ConfigIssue] = []

        def read(key: str, value: Setting) -> str | None:
            if isinstance(value, EnvReference):
                found = env.get(value.name)
                if not found:
                    issues.append(
                        ConfigIssue(
                            f"tool.pygen.cdf.{_TABLE_KEYS.get(key, key)}",
                            f"refers to ${value.name}, which is not set; export {value.name} "
                            "or change the reference",
                        )
                    )
                return found
            return value

        overlay: dict[str, str] = {}
        for key, variable in _VARIABLES.items():
            value = getattr(self, key)
            if value is not None and (resolved := read(key, value)):
                overlay[variable] = resolved
        if self.scopes is not None:
            overlay["CDF_SCOPES"] = " ".join(s for s in (read("scopes", scope) for scope in self.scopes) if s)
        if issues:
            raise ConfigError(issues, source="CDF settings")
        return {**env, **overlay}

    def target(self, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
        """The CDF URL and project these settings point at (what the model cache is keyed by).

        Needs no credentials, so a cached model can be found without them. Raises
        :class:`ConfigError` when either is unknown.
        """
        env = self.environment(environ)
        url = env.get(ENV_URL) or (
            f"https://{env[ENV_CLUSTER]}.cognitedata.com" if env.get(ENV_CLUSTER) else ""
        )
        project = env.get(ENV_PROJECT, "")
        issues = []
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
        return url.strip().rstrip("/"), project.strip()


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
