"""Reading a model document posted to the service: the YAML or JSON a model file holds.

The same shapes ``pygen generate --model`` reads (one data model, a list, an API response with
``items``, the cognite-sdk dump shape, a pygen snapshot), parsed from the request body rather
than a file, and with errors naming the request body instead of a path.
"""

from __future__ import annotations

from hatch_pygen.errors import SourceError
from hatch_pygen.service._errors import ServiceError
from hatch_pygen.sources import ModelSnapshot
from hatch_pygen.sources._file import read_model_text

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
    # The reading and its wording are the model files' (`pygen generate --model`), with the
    # request body named where a file's path would be.
    try:
        return read_model_text(text, origin=BODY, as_yaml=media_type not in JSON_MEDIA_TYPES, aliases=False)
    except SourceError as error:
        raise ServiceError(422, "invalid-model-document", str(error)) from None
