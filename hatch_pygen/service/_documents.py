"""Reading a model document posted to the service: the YAML or JSON a model file holds.

The same shapes ``pygen generate --model`` reads (one data model, a list, an API response with
``items``, the cognite-sdk dump shape, a pygen snapshot), parsed from the request body rather
than a file, and with errors naming the request body instead of a path.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from pygen_runtime.schema import load_data_models

from hatch_pygen.errors import SourceError
from hatch_pygen.service._errors import ServiceError
from hatch_pygen.sources import ModelSnapshot
from hatch_pygen.sources._snapshot import describe_load_error, is_snapshot

__all__ = ["BODY", "JSON_MEDIA_TYPES", "YAML_MEDIA_TYPES", "media_type_of", "read_model_document"]

BODY = "request body"
JSON_MEDIA_TYPES = frozenset({"application/json"})
# No YAML media type is registered everywhere alike; these are the ones clients send.
YAML_MEDIA_TYPES = frozenset(
    {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"}
)
# Types that say nothing about the document: curl's default for --data-binary, and raw bytes.
# Read as YAML, which covers JSON too.
UNDECLARED_MEDIA_TYPES = frozenset({"application/x-www-form-urlencoded", "application/octet-stream"})
_READABLE = JSON_MEDIA_TYPES | YAML_MEDIA_TYPES | UNDECLARED_MEDIA_TYPES


def _invalid(message: str) -> ServiceError:
    return ServiceError(422, "invalid-model-document", f"{BODY}: {message}")


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _invalid(f"not valid JSON (line {error.lineno}: {error.msg})") from None


def _parse_yaml(text: str) -> Any:
    import yaml  # the service extra brings PyYAML; imported here to keep startup light

    try:
        # libyaml's loader, where PyYAML was built with it, parses a large model ~10x faster.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or "cannot be parsed"
        raise _invalid(f"not valid YAML ({where}{problem})") from None


def media_type_of(content_type: str | None) -> str:
    """The media type of a ``Content-Type`` header without its parameters, lower case."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def read_model_document(body: bytes, content_type: str | None) -> list[ModelSnapshot]:
    """Every data model in a posted document, as snapshots.

    JSON when the media type says so, YAML otherwise (JSON is YAML, so a JSON document sent as
    YAML reads the same). Raises :class:`ServiceError` (415 for another media type, 422 for a
    document that is not UTF-8, does not parse, or holds no data model).
    """
    media_type = media_type_of(content_type)
    if media_type and media_type not in _READABLE:
        known = ", ".join(sorted(JSON_MEDIA_TYPES | YAML_MEDIA_TYPES))
        raise ServiceError(
            415,
            "unsupported-media-type",
            f"cannot read a model document of type {media_type!r}; send it as one of {known}",
        )
    if not body.strip():
        raise _invalid("is empty; post a data model as YAML or JSON (e.g. curl --data-binary @model.yaml)")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _invalid(f"is not UTF-8 text (byte {error.start})") from None
    data = _parse_json(text) if media_type in JSON_MEDIA_TYPES else _parse_yaml(text)
    if is_snapshot(data):
        try:
            return [ModelSnapshot.from_json_dict(data, origin=BODY)]
        except SourceError as error:  # its message names the body already
            raise ServiceError(422, "invalid-model-document", str(error)) from None
    if data is None or isinstance(data, (str, int, float, bool)):
        raise _invalid("does not hold a data model (expected a mapping with space, externalId, ...)")
    try:
        models = load_data_models(data)
    except (TypeError, ValidationError) as error:
        raise _invalid(f"not a data model ({describe_load_error(error)})") from None
    if not models:
        raise _invalid("holds no data model")
    return [ModelSnapshot(data_model=model) for model in models]
