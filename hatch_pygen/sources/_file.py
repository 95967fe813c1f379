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


def _yaml_module(origin: str) -> ModuleType:
    # Imported here, not at the top: a build that reads no YAML file need not have PyYAML.
    try:
        import yaml
    except ModuleNotFoundError as error:
        if error.name != "yaml":
            raise
        raise SourceError(
            missing_message(
                f"{origin}: reading a YAML model file", YAML_REQUIREMENT, "or give the model as JSON"
            )
        ) from None
    return yaml


def _too_deep(origin: str, kind: str) -> SourceError:
    return SourceError(f"{origin}: not valid {kind} (nested too deeply to be a data model)")


def _refuse_aliases(yaml: ModuleType, text: str, loader: Any, origin: str) -> None:
    """Stop at the first YAML alias (``*name``): each one repeats a whole subtree, so a few
    kilobytes of aliases to aliases expand to gigabytes once loaded."""
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark is not None else "?"
            raise SourceError(
                f"{origin}: YAML aliases (*name, line {line}) are not accepted here; "
                "write the repeated values out, or send the model as JSON"
            )


def _parse(origin: str, text: str, *, as_yaml: bool, aliases: bool) -> Any:
    if not as_yaml:
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise SourceError(f"{origin}: not valid JSON (line {error.lineno}: {error.msg})") from None
        except RecursionError:
            raise _too_deep(origin, "JSON") from None
    yaml = _yaml_module(origin)
    # JSON is YAML, so one parser covers .yaml, .yml and anything else. libyaml's loader,
    # where PyYAML was built with it, parses a model like CogniteCore ~10x faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        if not aliases:
            _refuse_aliases(yaml, text, loader, origin)
        return yaml.load(text, Loader=loader)
    except RecursionError:
        raise _too_deep(origin, "YAML") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or "cannot be parsed"
        raise SourceError(f"{origin}: not valid YAML ({where}{problem})") from None


def read_model_text(text: str, *, origin: str, as_yaml: bool, aliases: bool = True) -> list[ModelSnapshot]:
    """Every data model in ``text`` (YAML, or JSON when ``as_yaml`` is false), as snapshots.

    ``origin`` names where the text came from (a file's path, the service's request body) in
    every error. ``aliases=False`` refuses YAML aliases, for text from someone else (a request
    body), where a few kilobytes of nested aliases would expand to gigabytes. Raises
    :class:`~hatch_pygen.errors.SourceError` when the text does not parse or does not hold a
    data model.

    Example::

        [snapshot] = read_model_text(body, origin="request body", as_yaml=True)
    """
    data = _parse(origin, text, as_yaml=as_yaml, aliases=aliases)
    if is_snapshot(data):
        return [ModelSnapshot.from_json_dict(data, origin=origin)]
    if data is None or isinstance(data, (str, int, float, bool)):
        raise SourceError(
            f"{origin}: does not hold a data model (expected a mapping with space, externalId, ...)"
        )
    try:
        models = load_data_models(data)
    except (TypeError, ValidationError) as error:
        raise SourceError(f"{origin}: not a data model ({describe_load_error(error)})") from None
    if not models:
        raise SourceError(f"{origin}: holds no data model")
    return [ModelSnapshot(data_model=model) for model in models]


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
    return read_model_text(text, origin=str(path), as_yaml=reads_as_yaml(path))
