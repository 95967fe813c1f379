"""The official CDF data-modeling API contract, as a test oracle.

Loads ``shared/cdf/openapi/dms-openapi.json`` (beside the repository clone), repairs its defects,
and checks request and response bodies against it::

    import openapi_contract

    openapi_contract.validate_request("POST", "/models/instances/list", {"limit": 10})
    openapi_contract.validate_response("POST", "/models/instances/list", 200, response.json())

Both raise ``AssertionError`` naming the operation and the JSON path of the first mismatch.

The repairs: the four defects ``shared/cdf/README.md`` lists (the double-escaped instance
``externalId`` pattern; overlapping ``oneOf`` unions read as ``anyOf`` without ``discriminator``;
``minItems: 1`` on list property values; view and property read fields older dumps lack), and three
more found against real material: a view's property group may be ``{}`` (real reads in
``instances/Omni.nodes.yaml`` hold that), the apply response's ``deleted`` list is only present
when the request deleted something, and the aggregate response does not carry a ``properties``
field (the spec lists the schema keyword's name as a required field).
Paths may be given relative to the project (``/models/...``), as full API paths
(``/api/v1/projects/<project>/models/...``) or as URLs, with or without a query string.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import referencing
import referencing.jsonschema
from jsonschema.exceptions import ValidationError, relevance

__all__ = [
    "SPEC_PATH",
    "is_specified",
    "patched_spec",
    "validate_request",
    "validate_response",
]

_REPO_ROOT = Path(__file__).resolve().parents[3]
SPEC_PATH = _REPO_ROOT.parent / "shared" / "cdf" / "openapi" / "dms-openapi.json"

_SPEC_URI = "urn:pygen:cdf-dms-openapi"
_PROJECT_PREFIX = re.compile(r"^/api/v1/projects/[^/]+")

# Views read from older dumps lack these, although the spec marks them required.
_OPTIONAL_VIEW_READ_FIELDS = frozenset({"queryable", "mappedContainers"})
_OPTIONAL_PROPERTY_READ_FIELDS = frozenset({"constraintState"})


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _patch(spec: dict[str, Any]) -> dict[str, Any]:
    """Repair the documented defects of the published spec in place and return it."""
    for schema in _walk(spec):
        pattern = schema.get("pattern")
        # The instance externalId pattern was escaped twice: `\\x00` matches a backslash and
        # the letters x, 0, 0 instead of the NUL character, so ids containing x or 0 fail.
        if isinstance(pattern, str) and "\\\\x00" in pattern:
            schema["pattern"] = pattern.replace("\\\\x00", "\\x00")
        # Overlapping unions (filters, result sets, equals values) match several branches, so
        # strict oneOf rejects valid bodies; anyOf is what the API means.
        if "oneOf" in schema and isinstance(schema["oneOf"], list):
            schema["anyOf"] = schema.pop("oneOf")
        schema.pop("discriminator", None)

    schemas = spec["components"]["schemas"]
    # Real instances hold empty lists, which the list branches of a property value forbid.
    for branch in schemas["RawPropertyValueV3"]["anyOf"]:
        if branch.get("type") == "array":
            branch.pop("minItems", None)
    # Real CDF reads return `{}` for a view the instance has no values in (see
    # instances/Omni.nodes.yaml), which the property group's minProperties forbids.
    schemas["PropertyValueGroupV3"].pop("minProperties", None)
    # CDF takes null for a property value (it clears the value on write and is how an unset
    # nullable property reads back), which no branch of the value union admits.
    schemas["RawPropertyValueV3"]["anyOf"].append({"type": "null", "title": "null"})
    # The bounds on how many values an enum has sit on each value instead of on the set, so the
    # spec's own example (`"value2": { }`) fails; move them to where they mean something.
    enum_values = schemas["EnumProperty"]["properties"]["values"]
    per_value = enum_values["additionalProperties"]
    for bound in ("minProperties", "maxProperties"):
        if bound in per_value:
            enum_values[bound] = per_value.pop(bound)
    # The apply response lists `deleted` only when the request carried a `delete` list; the spec
    # requires it always, yet forbids the empty list that would satisfy that.
    apply_response = spec["components"]["responses"]["SlimNodeAndEdgeCollectionResponse"]
    apply_schema = apply_response["content"]["application/json"]["schema"]
    apply_schema["required"] = [name for name in apply_schema["required"] if name != "deleted"]
    # The aggregate response lists "properties" as required, the name of the schema keyword
    # beside it: a slip in the spec; responses carry `items` (and `typing` on request) only.
    aggregates = schemas["AggregatedResultItemCollection"]
    aggregates["required"] = [name for name in aggregates["required"] if name != "properties"]
    for part in schemas["ViewDefinition"]["allOf"]:
        if "required" in part:
            part["required"] = [name for name in part["required"] if name not in _OPTIONAL_VIEW_READ_FIELDS]
    for part in schemas["CorePropertyDefinition"]["allOf"]:
        if "required" in part:
            part["required"] = [
                name for name in part["required"] if name not in _OPTIONAL_PROPERTY_READ_FIELDS
            ]
    return spec


@functools.lru_cache(maxsize=1)
def patched_spec() -> dict[str, Any]:
    """The spec with its documented defects repaired (loaded once; do not mutate it)."""
    if not SPEC_PATH.is_file():
        raise FileNotFoundError(
            f"The CDF OpenAPI spec is expected at {SPEC_PATH}: check out the shared material "
            "beside the repository clone (shared/cdf/openapi/dms-openapi.json)."
        )
    return _patch(json.loads(SPEC_PATH.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=1)
def _registry() -> referencing.Registry[Any]:
    resource = referencing.Resource.from_contents(
        patched_spec(), default_specification=referencing.jsonschema.DRAFT202012
    )
    return referencing.Registry().with_resource(_SPEC_URI, resource)


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _split(method: str, path: str) -> tuple[str, str, dict[str, list[str]]]:
    parts = urlsplit(path)
    api_path = _PROJECT_PREFIX.sub("", parts.path).rstrip("/") or "/"
    return method.lower(), api_path, parse_qs(parts.query, keep_blank_values=True)


def _operation(method: str, api_path: str) -> dict[str, Any]:
    operations = patched_spec()["paths"].get(api_path)
    if operations is None:
        raise AssertionError(f"{api_path} is not an endpoint of the CDF data-modeling API spec.")
    operation = operations.get(method)
    if operation is None:
        allowed = ", ".join(sorted(name.upper() for name in operations))
        raise AssertionError(f"{method.upper()} is not allowed on {api_path} (the spec allows {allowed}).")
    return operation  # type: ignore[no-any-return]


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a `$ref` to a reusable response or parameter (schema refs are jsonschema's job)."""
    while "$ref" in node:
        target: Any = patched_spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


@functools.lru_cache(maxsize=256)
def _validator(pointer: str) -> jsonschema.protocols.Validator:
    schema = {"$ref": f"{_SPEC_URI}#/{pointer}"}
    return jsonschema.Draft202012Validator(schema, registry=_registry())


def _closest(error: ValidationError) -> ValidationError:
    """Descend into union failures, following the branch that came closest to matching.

    The closest branch is the one with the fewest errors (an instance that is a node fails the
    node branch once and the edge branch many times), and among equals the one whose error lies
    deepest in the instance (it matched the most before failing); within it, the deepest error
    is the most specific one.
    """
    while error.context:
        by_branch: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branch = sub.relative_schema_path[0] if sub.relative_schema_path else None
            by_branch.setdefault(branch, []).append(sub)
        closest = min(
            by_branch.values(),
            key=lambda errors: (len(errors), -max(len(sub.absolute_path) for sub in errors)),
        )
        error = max(closest, key=lambda sub: len(sub.absolute_path))
    return error


def _check(validator: jsonschema.protocols.Validator, instance: Any, what: str) -> None:
    errors = list(validator.iter_errors(instance))
    if not errors:
        return
    error = _closest(max(errors, key=relevance))
    detail = error.message
    if len(detail) > 500:
        detail = detail[:500] + "..."
    raise AssertionError(f"{what} does not match the CDF API spec at {error.json_path}: {detail}")


def is_specified(method: str, path: str) -> bool:
    """Whether the spec describes this operation (the emulator's token endpoint, for one, is not)."""
    verb, api_path, _ = _split(method, path)
    return verb in patched_spec()["paths"].get(api_path, {})


def _coerce_query_value(raw: list[str], schema: Mapping[str, Any]) -> Any:
    kind = schema.get("type")
    if kind == "array":
        return [_coerce_query_value([item], schema.get("items", {})) for item in raw]
    value = raw[-1]
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            return value
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    return value


def validate_request(method: str, path: str, body: Any = None) -> None:
    """Check a request's query parameters and JSON body against the spec.

    Raises ``AssertionError`` for an unknown operation, an unknown or invalid query parameter, a
    missing required body, or a body that does not match the request schema.
    """
    verb, api_path, query = _split(method, path)
    operation = _operation(verb, api_path)
    what = f"{verb.upper()} {api_path} request"

    parameters = {
        resolved["name"]: (index, resolved)
        for index, raw in enumerate(operation.get("parameters", []))
        for resolved in [_resolve(raw)]
    }
    for name, raw_values in query.items():
        if name not in parameters:
            known = ", ".join(sorted(parameters)) or "none"
            raise AssertionError(
                f"{what} has query parameter {name!r}, which the spec does not define (known: {known})."
            )
        index, parameter = parameters[name]
        value = _coerce_query_value(raw_values, parameter.get("schema", {}))
        if "$ref" in operation["parameters"][index]:
            pointer = operation["parameters"][index]["$ref"].removeprefix("#/") + "/schema"
        else:
            pointer = _pointer("paths", api_path, verb, "parameters", str(index), "schema")
        _check(_validator(pointer), value, f"{what} query parameter {name!r}")

    request_body = operation.get("requestBody")
    if request_body is None:
        if body is not None:
            raise AssertionError(f"{what} carries a body, but the spec defines none for it.")
        return
    if body is None:
        if request_body.get("required", False):
            raise AssertionError(f"{what} has no body, but the spec requires one.")
        return
    pointer = _pointer("paths", api_path, verb, "requestBody", "content", "application/json", "schema")
    _check(_validator(pointer), body, f"{what} body")


def validate_response(method: str, path: str, status: int, body: Any) -> None:
    """Check a JSON response body against the spec's schema for that operation and status.

    Error statuses the spec does not list for an operation (401, 429, 5xx) are checked against the
    shared ``ErrorResponse``, since CDF answers every error with that body. A success status the
    operation does not declare raises ``AssertionError``.
    """
    verb, api_path, _ = _split(method, path)
    operation = _operation(verb, api_path)
    what = f"{verb.upper()} {api_path} response {status}"
    responses = operation["responses"]
    key = str(status)
    if key in responses:
        raw = responses[key]
        if "$ref" in raw:
            base = raw["$ref"].removeprefix("#/")
        else:
            base = _pointer("paths", api_path, verb, "responses", key)
    elif status >= 400:
        base = "components/responses/ErrorResponse"
    else:
        declared = ", ".join(sorted(responses))
        raise AssertionError(
            f"{what}: the spec declares no such status for this operation (declared: {declared})."
        )
    response = _resolve({"$ref": f"#/{base}"})
    if "content" not in response:
        if body not in (None, b"", ""):
            raise AssertionError(f"{what} carries a body, but the spec defines none for it.")
        return
    _check(_validator(base + "/" + _pointer("content", "application/json", "schema")), body, f"{what} body")
