"""cognite-pygen v1's ``[tool.pygen]`` spellings, mapped onto the current keys.

A v1 table keeps working unchanged; each v1 key yields a note that shows the new spelling. The
mapping keeps the TOML path the user actually wrote, so an error in a v1 key names that key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hatch_pygen.config._model import ConfigNote
from hatch_pygen.errors import ConfigIssue

PREFIX = "tool.pygen"

# v1 key -> the current top-level key.
V1_TOP_LEVEL_KEYS = {
    "top_level_package": "package",
    "client_name": "client-name",
    "instance_space": "instance-space",
    "exclude_views": "exclude-views",
    "exclude_spaces": "exclude-spaces",
    "output_dir": "out-dir",
    "format_code": "format-code",
    "skip_formatting": "format-code",
}
# v1 keys that described the data model(s).
V1_MODEL_KEYS = ("space", "external_id", "version", "data_models")
# v1 key -> the current key inside [tool.pygen.cdf].
V1_CDF_KEYS = {
    "cdf_cluster": "cluster",
    "cdf_url": "url",
    "cdf_project": "project",
    "tenant_id": "tenant-id",
    "client_id": "client-id",
    "client_secret": "client-secret",
    "token_url": "token-url",
    "scopes": "scopes",
    "audience": "audience",
}


@dataclass
class Translation:
    """A table with every key in its current spelling, each value paired with the path it came from."""

    top_level: dict[str, tuple[str, Any]] = field(default_factory=dict)
    # Model entries written with v1 keys, each with its path; None when the table has none.
    v1_models: list[tuple[str, Any]] | None = None
    # [tool.pygen.cdf] merged with the v1 connection keys; None when neither is present.
    cdf: dict[str, tuple[str, Any]] | None = None
    notes: list[ConfigNote] = field(default_factory=list)
    issues: list[ConfigIssue] = field(default_factory=list)


def _quote(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return "..."


def translate_v1_keys(table: Mapping[str, Any]) -> Translation:
    """Split ``table`` into current-spelling entries, notes for v1 keys, and conflicts between the two."""
    result = Translation()
    v1_models: list[tuple[str, Any]] = []
    v1_cdf: dict[str, tuple[str, Any]] = {}
    for key, value in table.items():
        path = f"{PREFIX}.{key}"
        if key in V1_TOP_LEVEL_KEYS:
            new_key = V1_TOP_LEVEL_KEYS[key]
            if key == "skip_formatting":
                value = not value if isinstance(value, bool) else value
            if new_key in table or any(
                other != key and new == new_key and other in table for other, new in V1_TOP_LEVEL_KEYS.items()
            ):
                result.issues.append(ConfigIssue(path, f"set together with {new_key}; keep {new_key}"))
                continue
            result.top_level[new_key] = (path, value)
            result.notes.append(
                ConfigNote(
                    path, f"v1 spelling, still accepted; the current spelling is {new_key} = {_quote(value)}"
                )
            )
        elif key in V1_CDF_KEYS:
            new_key = V1_CDF_KEYS[key]
            if key == "client_secret" and isinstance(value, str) and not value.startswith("$"):
                note = "v1 spelling; a secret belongs in the environment (CDF_CLIENT_SECRET)"
            else:
                note = f"v1 spelling, still accepted; the current spelling is [tool.pygen.cdf] {new_key}"
            v1_cdf[new_key] = (path, value)
            result.notes.append(ConfigNote(path, note))
        elif key in ("space", "external_id", "version"):
            continue  # collected below as one model
        elif key == "data_models":
            result.notes.append(
                ConfigNote(
                    path,
                    'v1 spelling, still accepted; the current spelling is models = [{ space = "...", '
                    'external-id = "...", version = "..." }]',
                )
            )
            if not isinstance(value, list):
                result.issues.append(ConfigIssue(path, "expected an array of [space, external_id, version]"))
                continue
            for index, item in enumerate(value):
                item_path = f"{path}[{index}]"
                if not (isinstance(item, list) and len(item) == 3):
                    result.issues.append(
                        ConfigIssue(item_path, 'expected ["space", "external_id", "version"], three strings')
                    )
                    continue
                v1_models.append(
                    (item_path, dict(zip(("space", "external_id", "version"), item, strict=True)))
                )
        else:
            result.top_level[key] = (path, value)
    single = {key: table[key] for key in ("space", "external_id", "version") if key in table}
    if single:
        result.notes.append(
            ConfigNote(
                PREFIX,
                "v1 spelling (space, external_id, version), still accepted; the current spelling is "
                'models = [{ space = "...", external-id = "...", version = "..." }]',
            )
        )
        v1_models.insert(0, (PREFIX, single))
    if v1_models or "data_models" in table:
        if "models" in table:
            result.issues.append(
                ConfigIssue(
                    f"{PREFIX}.models",
                    "set together with v1 model keys (space/external_id/version/data_models); keep models",
                )
            )
        else:
            result.v1_models = v1_models
    cdf_table = result.top_level.pop("cdf", None)
    if cdf_table is not None:
        cdf_path, cdf_value = cdf_table
        if isinstance(cdf_value, Mapping):
            result.cdf = {key: (f"{cdf_path}.{key}", value) for key, value in cdf_value.items()}
        else:
            result.issues.append(ConfigIssue(cdf_path, "expected a table, like [tool.pygen.cdf]"))
    if v1_cdf:
        merged = dict(result.cdf or {})
        for key, (path, value) in v1_cdf.items():
            if key in merged:
                result.issues.append(
                    ConfigIssue(path, f"set together with [tool.pygen.cdf] {key}; keep that one")
                )
                continue
            merged[key] = (path, value)
        result.cdf = merged
    return result
