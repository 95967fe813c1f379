"""Reading data models from local YAML or JSON files.

A file may hold one data model, a list of them, an API response (``{"items": [...]}``), in the
raw API shape or the cognite-sdk dump shape, or a pygen snapshot. Views a model implements that
are not in the file are simply absent; validation reports them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pygen_runtime.schema import load_data_models

from hatch_pygen._optional import YAML_REQUIREMENT, missing_message, reads_as_yaml
from hatch_pygen.errors import SourceError
from hatch_pygen.sources._snapshot import ModelSnapshot, describe_load_error, is_snapshot

if TYPE_CHECKING:
    from types import ModuleType


def _yaml_module(path: Path) -> ModuleType:
    # Imported here, not at the top: a build that reads no YAML file need not have PyYAML.
    try:
        import yaml
    except ModuleNotFoundError as error:
        if error.name != "yaml":
            raise
        raise SourceError(
            missing_message(
                f"{path}: reading a YAML model file", YAML_REQUIREMENT, "or give the model as JSON"
            )
        ) from None
    return yaml


def _parse(path: Path, text: str) -> Any:
    if not reads_as_yaml(path):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise SourceError(f"{path}: not valid JSON (line {error.lineno}: {error.msg})") from None
    yaml = _yaml_module(path)
    try:
        # JSON is YAML, so one parser covers .yaml, .yml and anything else. libyaml's loader,
        # where PyYAML was built with it, parses a model like CogniteCore ~10x faster.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or "cannot be parsed"
        raise SourceError(f"{path}: not valid YAML ({where}{problem})") from None


def load_model_file(path: Path) -> list[ModelSnapshot]:
    """Every data model in the YAML or JSON file at ``path``, as snapshots.

    Raises :class:`~hatch_pygen.errors.SourceError` with the file name and the reason when the
    file cannot be read, parsed, or does not hold a data model.

    Example::

        [snapshot] = load_model_file(Path("models/WindTurbine.yaml"))
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SourceError(f"{path}: cannot be read ({error.strerror})") from None
    data = _parse(path, text)
    if is_snapshot(data):
        return [ModelSnapshot.from_json_dict(data, origin=str(path))]
    if data is None or isinstance(data, (str, int, float, bool)):
        raise SourceError(
            f"{path}: does not hold a data model (expected a mapping with space, externalId, ...)"
        )
    try:
        models = load_data_models(data)
    except (TypeError, ValidationError) as error:
        raise SourceError(f"{path}: not a data model ({describe_load_error(error)})") from None
    if not models:
        raise SourceError(f"{path}: holds no data model")
    return [ModelSnapshot(data_model=model) for model in models]
