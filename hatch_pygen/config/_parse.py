"""Turning the ``[tool.pygen]`` table into a :class:`PygenConfig`, reporting every problem at once.

The parser never stops at the first mistake: each check appends an issue with its TOML path and
carries on with a placeholder, so a user fixes a broken table in one round instead of many.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hatch_pygen.config._legacy import V1_CDF_KEYS, V1_MODEL_KEYS, V1_TOP_LEVEL_KEYS, translate_v1_keys
from hatch_pygen.config._model import (
    CdfModel,
    CdfSettings,
    EnvReference,
    FileModel,
    ModelSource,
    PygenConfig,
    Setting,
    ViewSelector,
)
from hatch_pygen.errors import ConfigError, ConfigIssue

# CDF's own identifier rules (from the data-modeling API specification).
SPACE_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9_-]{0,41}[a-zA-Z0-9]?$")
EXTERNAL_ID_PATTERN = re.compile(r"^[a-zA-Z]([a-zA-Z0-9_]{0,253}[a-zA-Z0-9])?$")
VERSION_PATTERN = re.compile(r"^[a-zA-Z0-9]([.a-zA-Z0-9_-]{0,41}[a-zA-Z0-9])?$")
PACKAGE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
IDENTIFIER_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ENV_REFERENCE_PATTERN = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")

TOP_LEVEL_KEYS = (
    "package",
    "client-name",
    "instance-space",
    "models",
    "exclude-views",
    "exclude-spaces",
    "cdf",
    "out-dir",
    "overwrite",
    "format-code",
)
MODEL_KEYS = ("space", "external-id", "version", "file")
CDF_KEYS = (
    "url",
    "cluster",
    "project",
    "client-id",
    "client-secret",
    "token",
    "token-url",
    "tenant-id",
    "scopes",
    "audience",
)
SECRET_KEYS = {"client-secret": "CDF_CLIENT_SECRET", "token": "CDF_TOKEN"}
PREFIX = "tool.pygen"


class _Issues:
    """Collects configuration issues; ``bool(issues)`` says whether any were found."""

    def __init__(self) -> None:
        self.items: list[ConfigIssue] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(ConfigIssue(path, message))

    def __bool__(self) -> bool:
        return bool(self.items)


def _unknown_key_message(key: str, known: Sequence[str]) -> str:
    hyphenated = key.replace("_", "-")
    if hyphenated != key and hyphenated in known:
        return f"unknown key; keys are written with hyphens here: {hyphenated}"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    return f"unknown key; the keys allowed here are: {', '.join(known)}"


def _type_name(value: object) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "an array"}
    if isinstance(value, Mapping):
        return "a table"
    return names.get(type(value), type(value).__name__)


def _string(
    issues: _Issues, path: str, value: object, pattern: re.Pattern[str] | None = None, what: str = ""
) -> str | None:
    if not isinstance(value, str):
        issues.add(path, f"expected a string, got {_type_name(value)}")
        return None
    if pattern is not None and not pattern.match(value):
        issues.add(path, f"{value!r} is not a valid {what}")
        return None
    return value


def _boolean(issues: _Issues, path: str, value: object) -> bool | None:
    if not isinstance(value, bool):
        issues.add(path, f"expected true or false, got {_type_name(value)}")
        return None
    return value


def _setting(issues: _Issues, path: str, value: object) -> Setting | None:
    """A literal string, or an :class:`EnvReference` for ``"$NAME"``/``"${NAME}"``."""
    text = _string(issues, path, value)
    if text is None:
        return None
    if text.startswith("$"):
        match = ENV_REFERENCE_PATTERN.match(text)
        if match is None:
            issues.add(path, 'a reference to an environment variable looks like "$NAME" or "${NAME}"')
            return None
        return EnvReference(match.group(1) or match.group(2))
    return text


def _parse_model(
    issues: _Issues, path: str, entry: object, project_root: Path, *, v1: bool = False
) -> ModelSource | None:
    if not isinstance(entry, Mapping):
        issues.add(
            path,
            f'expected a table such as {{ space = "...", external-id = "...", version = "..." }} '
            f'or {{ file = "..." }}, got {_type_name(entry)}',
        )
        return None
    for key in entry:
        if key not in MODEL_KEYS and key != "external_id":
            issues.add(f"{path}.{key}", _unknown_key_message(key, MODEL_KEYS))
    if "file" in entry:
        extra = sorted(set(entry) & {"space", "external-id", "external_id", "version"})
        if extra:
            issues.add(path, f"a model comes either from a file or from CDF; drop {', '.join(extra)} or file")
            return None
        declared = _string(issues, f"{path}.file", entry["file"])
        if declared is None:
            return None
        resolved = (project_root / declared).resolve()
        if resolved.is_dir():
            issues.add(
                f"{path}.file", f"{declared} is a folder; give a model file (.yaml, .yml or .json) in it"
            )
            return None
        if not resolved.is_file():
            issues.add(f"{path}.file", f"{declared} does not exist (paths are relative to {project_root})")
            return None
        return FileModel(path=resolved, declared=declared)
    if "external_id" in entry and "external-id" in entry:
        issues.add(f"{path}.external_id", "set twice, as external-id and external_id; keep external-id")
        return None
    values: dict[str, str | None] = {}
    for key, pattern, what in (
        ("space", SPACE_PATTERN, "CDF space"),
        ("external-id", EXTERNAL_ID_PATTERN, "data model external id"),
        ("version", VERSION_PATTERN, "data model version"),
    ):
        spelled = "external_id" if key == "external-id" and (v1 or "external_id" in entry) else key
        values[key] = None
        if spelled not in entry:
            needs = (
                "space, external_id and version" if v1 else 'space, external-id and version (or file = "...")'
            )
            issues.add(f"{path}.{spelled}", f"missing; a CDF data model needs {needs}")
            continue
        raw = entry[spelled]
        if key == "version" and isinstance(raw, int) and not isinstance(raw, bool):
            issues.add(f"{path}.{spelled}", f'CDF versions are strings; write version = "{raw}"')
            continue
        values[key] = _string(issues, f"{path}.{spelled}", raw, pattern, what)
    space, external_id, version = values["space"], values["external-id"], values["version"]
    if space is None or external_id is None or version is None:
        return None
    return CdfModel(space=space, external_id=external_id, version=version)


def _parse_models(
    issues: _Issues, entries: Sequence[tuple[str, object]], project_root: Path, *, v1: bool
) -> list[ModelSource]:
    models: list[ModelSource] = []
    seen: dict[ModelSource, str] = {}
    for path, entry in entries:
        model = _parse_model(issues, path, entry, project_root, v1=v1)
        if model is None:
            continue
        if model in seen:
            issues.add(path, f"lists {model} again (already at {seen[model]}); remove one")
            continue
        seen[model] = path
        models.append(model)
    return models


def _parse_view_selector(issues: _Issues, path: str, value: object) -> ViewSelector | None:
    text = _string(issues, path, value)
    if text is None:
        return None
    space: str | None = None
    rest = text
    if ":" in text:
        space, rest = text.split(":", 1)
    external_id, _, version = rest.partition("/")
    hint = '; write "ExternalId", "space:ExternalId" or "space:ExternalId/version"'
    if space is not None and not SPACE_PATTERN.match(space):
        issues.add(path, f"{space!r} is not a valid CDF space{hint}")
        return None
    if not EXTERNAL_ID_PATTERN.match(external_id):
        issues.add(path, f"{external_id!r} is not a valid view external id{hint}")
        return None
    if version and not VERSION_PATTERN.match(version):
        issues.add(path, f"{version!r} is not a valid view version{hint}")
        return None
    return ViewSelector(external_id=external_id, space=space, version=version or None)


def _parse_cdf(issues: _Issues, entries: Mapping[str, tuple[str, object]]) -> CdfSettings:
    for key, (path, _) in entries.items():
        if key not in CDF_KEYS:
            issues.add(path, _unknown_key_message(key, CDF_KEYS))
    settings: dict[str, Any] = {}
    for key, variable in SECRET_KEYS.items():
        if key not in entries:
            continue
        path, raw = entries[key]
        if isinstance(raw, str) and not raw.startswith("$"):
            # The value is a secret: it must not appear in this message or anywhere else.
            issues.add(
                path,
                "a literal secret does not belong in pyproject.toml (it would be committed); "
                f'write {key} = "${variable}" and set that environment variable, or remove the key '
                f"and {variable} is read from the environment",
            )
            continue
        reference = _setting(issues, path, raw)
        if reference is not None:
            settings[key.replace("-", "_")] = reference
    for key in ("url", "project", "client-id", "token-url", "audience"):
        if key in entries:
            settings[key.replace("-", "_")] = _setting(issues, *entries[key])
    if "cluster" in entries:
        path, raw = entries["cluster"]
        if "url" in entries:
            issues.add(path, "set together with url; keep one of them")
        else:
            cluster = _string(issues, path, raw, SPACE_PATTERN, "CDF cluster name")
            if cluster is not None:
                settings["url"] = f"https://{cluster}.cognitedata.com"
    if "tenant-id" in entries:
        path, raw = entries["tenant-id"]
        if "token-url" in entries:
            issues.add(path, "set together with token-url; keep one of them")
        else:
            tenant = _string(issues, path, raw)
            if tenant is not None:
                settings["token_url"] = f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
    if "scopes" in entries:
        path, raw_scopes = entries["scopes"]
        if isinstance(raw_scopes, str):
            raw_scopes = raw_scopes.split()
        scopes: list[Setting] = []
        if not isinstance(raw_scopes, list):
            issues.add(path, f"expected an array of strings, got {_type_name(raw_scopes)}")
        else:
            for index, item in enumerate(raw_scopes):
                scope = _setting(issues, f"{path}[{index}]", item)
                if scope is not None:
                    scopes.append(scope)
        settings["scopes"] = tuple(scopes)
    return CdfSettings(**settings)


def parse_config(
    table: Mapping[str, Any], *, project_root: Path, source: str = "pyproject.toml"
) -> PygenConfig:
    """Check and type a ``[tool.pygen]`` table (as parsed from TOML).

    Both the current kebab-case keys and cognite-pygen v1's snake_case keys are accepted; v1
    keys come back as notes suggesting the new spelling. Relative paths are resolved against
    ``project_root``. Raises :class:`ConfigError` listing every problem, each with its TOML path.

    Example::

        config = parse_config({"models": [{"file": "model.yaml"}]}, project_root=Path.cwd())
    """
    if not isinstance(table, Mapping):
        raise ConfigError([ConfigIssue(PREFIX, f"expected a table, got {_type_name(table)}")], source=source)
    issues = _Issues()
    translation = translate_v1_keys(table)
    issues.items.extend(translation.issues)
    entries = translation.top_level
    known = (*TOP_LEVEL_KEYS, *V1_TOP_LEVEL_KEYS, *V1_MODEL_KEYS, *V1_CDF_KEYS)
    for key, (path, _) in entries.items():
        if key not in TOP_LEVEL_KEYS:
            issues.add(path, _unknown_key_message(key, known))

    def text(key: str, pattern: re.Pattern[str], what: str) -> str | None:
        return _string(issues, *entries[key], pattern, what) if key in entries else None

    package = text("package", PACKAGE_PATTERN, "Python package name (letters, digits, _ and dots)")
    client_name = text("client-name", IDENTIFIER_PATTERN, "class name (letters, digits and _)")
    instance_space = text("instance-space", SPACE_PATTERN, "CDF space")

    models: list[ModelSource] = []
    if "models" in entries:
        path, raw_models = entries["models"]
        if not isinstance(raw_models, list):
            issues.add(path, f"expected an array of tables, got {_type_name(raw_models)}")
        elif not raw_models:
            issues.add(path, "is empty; list at least one data model")
        else:
            listed = [(f"{path}[{index}]", entry) for index, entry in enumerate(raw_models)]
            models = _parse_models(issues, listed, project_root, v1=False)
    elif translation.v1_models:
        models = _parse_models(issues, translation.v1_models, project_root, v1=True)
    elif any(issue.path.startswith(f"{PREFIX}.data_models") for issue in translation.issues):
        pass  # already reported by the v1 translation
    elif translation.v1_models is not None:
        issues.add(f"{PREFIX}.data_models", "is empty; list at least one data model")
    else:
        issues.add(
            f"{PREFIX}.models",
            'missing; add models = [{ space = "...", external-id = "...", version = "..." }] '
            'or models = [{ file = "model.yaml" }]',
        )

    exclude_views: list[ViewSelector] = []
    if "exclude-views" in entries:
        path, raw_views = entries["exclude-views"]
        if not isinstance(raw_views, list):
            issues.add(path, f"expected an array of strings, got {_type_name(raw_views)}")
        else:
            for index, item in enumerate(raw_views):
                selector = _parse_view_selector(issues, f"{path}[{index}]", item)
                if selector is not None:
                    exclude_views.append(selector)
    exclude_spaces: list[str] = []
    if "exclude-spaces" in entries:
        path, raw_spaces = entries["exclude-spaces"]
        if not isinstance(raw_spaces, list):
            issues.add(path, f"expected an array of strings, got {_type_name(raw_spaces)}")
        else:
            for index, item in enumerate(raw_spaces):
                space = _string(issues, f"{path}[{index}]", item, SPACE_PATTERN, "CDF space")
                if space is not None:
                    exclude_spaces.append(space)

    cdf = _parse_cdf(issues, translation.cdf) if translation.cdf is not None else CdfSettings()
    out_dir = None
    if "out-dir" in entries:
        declared = _string(issues, *entries["out-dir"])
        out_dir = None if declared is None else (project_root / declared).resolve()
    flags: dict[str, bool] = {}
    for key in ("overwrite", "format-code"):
        if key in entries:
            flag = _boolean(issues, *entries[key])
            if flag is not None:
                flags[key.replace("-", "_")] = flag
    if issues:
        raise ConfigError(issues.items, source=source)
    return PygenConfig(
        project_root=project_root,
        models=tuple(models),
        package=package,
        client_name=client_name,
        instance_space=instance_space,
        exclude_views=tuple(exclude_views),
        exclude_spaces=tuple(exclude_spaces),
        cdf=cdf,
        out_dir=out_dir,
        notes=tuple(translation.notes),
        **flags,
    )
