"""``pygen generate --space ... --external-id ... --version ...`` and ``--model FILE``, like v1.

Flags describe the whole job: they are turned into a ``[tool.pygen]`` table and checked by the
same parser, with errors naming the flag instead of a TOML path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hatch_pygen.config import PygenConfig, parse_config
from hatch_pygen.errors import ConfigError, ConfigIssue

SOURCE = "command line"
_MODEL_FIELD = re.compile(r"^tool\.pygen\.models\[(\d+)\](?:\.(.+))?$")
_FLAG_OF_FIELD = {
    "space": "--space",
    "external-id": "--external-id",
    "version": "--version",
    "file": "--model",
}
_FLAG_OF_KEY = {
    "tool.pygen.package": "--package",
    "tool.pygen.client-name": "--client-name",
    "tool.pygen.instance-space": "--instance-space",
    "tool.pygen.cdf.url": "--cdf-url",
    "tool.pygen.cdf.project": "--cdf-project",
}


def _flag_for(path: str, model_files: Sequence[Path]) -> str:
    match = _MODEL_FIELD.match(path)
    if match is not None:
        index, field = int(match.group(1)), match.group(2)
        if index < len(model_files):
            return f"--model {model_files[index]}"
        return _FLAG_OF_FIELD.get(field or "", "--space/--external-id/--version")
    return _FLAG_OF_KEY.get(path, path)


def config_from_flags(
    *,
    project_root: Path,
    model_files: Sequence[Path],
    space: str | None,
    external_id: str | None,
    version: str | None,
    package: str | None,
    client_name: str | None,
    instance_space: str | None,
    cdf_url: str | None,
    cdf_project: str | None,
) -> PygenConfig:
    """The configuration the flags describe; a :class:`ConfigError` names the flags at fault."""
    models: list[dict[str, Any]] = [{"file": str(path)} for path in model_files]
    cdf_model = {
        key: value
        for key, value in (("space", space), ("external-id", external_id), ("version", version))
        if value is not None
    }
    if cdf_model:
        models.append(cdf_model)
    table: dict[str, Any] = {"models": models}
    for key, value in (
        ("package", package),
        ("client-name", client_name),
        ("instance-space", instance_space),
    ):
        if value is not None:
            table[key] = value
    cdf = {key: value for key, value in (("url", cdf_url), ("project", cdf_project)) if value is not None}
    if cdf:
        table["cdf"] = cdf
    try:
        return parse_config(table, project_root=project_root, source=SOURCE)
    except ConfigError as error:
        issues = [ConfigIssue(_flag_for(issue.path, model_files), issue.message) for issue in error.issues]
        raise ConfigError(issues, source=SOURCE) from None
