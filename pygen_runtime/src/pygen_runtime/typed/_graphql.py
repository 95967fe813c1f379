"""GraphQL queries against a data model, with the answer read into an SDK's typed classes.

CDF serves one GraphQL API per data model. The client posts the query text (no GraphQL library
needed) and walks the ``data`` it gets back: every object whose ``__typename`` names a view the
SDK has a read class for becomes an instance of that class, nested objects included (a direct
relation holds the related object, a list of them or an edge connection holds the list of its
``items``). Objects of other types stay plain dicts; ``{items, pageInfo}`` wrappers at the top
stay dicts too, so paging information is kept.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pygen_runtime._api._calls import Call, UnexpectedResponseError
from pygen_runtime.errors import CDFError, InvalidArgumentError
from pygen_runtime.schema import NodeId
from pygen_runtime.typed._instances import EdgeRead, InstanceRead, NodeRead
from pygen_runtime.typed._parsing import parse_instances

if TYPE_CHECKING:
    from pygen_runtime.typed._client import TypedClient

__all__ = ["GraphQLQueryError", "graphql_path", "run_graphql_query"]

DataModelRef = tuple[str, str, str]
# read_classes by client class and data model space: looked up once per client class.
_classes_by_client: dict[tuple[type, str], dict[str, type[InstanceRead]]] = {}
_INSTANCE_FIELDS = {"space", "externalId", "createdTime", "lastUpdatedTime", "deletedTime", "version"}


class GraphQLQueryError(CDFError):
    """CDF answered a GraphQL query with errors; ``errors`` holds them as CDF sent them."""

    def __init__(self, errors: list[Any], *, path: str) -> None:
        self.errors = errors
        messages = [
            str(error.get("message", error)) if isinstance(error, Mapping) else str(error) for error in errors
        ]
        super().__init__(
            "the GraphQL query failed: " + "; ".join(messages),
            method="POST",
            path=path,
            hint="Check the query against the data model's GraphQL schema (field names are the view "
            "property identifiers; types are the view external ids).",
        )


def graphql_path(data_model: DataModelRef) -> str:
    space, external_id, version = data_model
    return f"/userapis/spaces/{space}/datamodels/{external_id}/versions/{version}/graphql"


def run_graphql_query(
    client: TypedClient,
    query: str,
    variables: Mapping[str, Any] | None,
    data_model: DataModelRef | None,
) -> dict[str, Any]:
    """Post ``query`` to the data model's GraphQL API; its ``data`` with typed objects."""
    if not isinstance(query, str) or not query.strip():
        raise InvalidArgumentError("graphql_query needs the query text as a non-empty string.")
    model = _data_model(client, data_model)
    path = graphql_path(model)
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = dict(variables)
    answer = client.cdf._http.run(Call("POST", path, _expect_graphql_answer, body=body))
    errors = answer.get("errors")
    if errors:
        raise GraphQLQueryError(errors if isinstance(errors, list) else [errors], path=path)
    key = (type(client), model[0])
    classes = _classes_by_client.get(key)
    if classes is None:
        classes = _classes_by_client[key] = read_classes(*key)
    typed: dict[str, Any] = _typed(answer.get("data") or {}, classes)
    return typed


def _expect_graphql_answer(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or ("data" not in body and "errors" not in body):
        raise UnexpectedResponseError("a GraphQL answer is an object with 'data' or 'errors'")
    return body


def _data_model(client: TypedClient, given: DataModelRef | None) -> DataModelRef:
    known = type(client).data_model_ids
    if given is not None:
        if not (
            isinstance(given, tuple) and len(given) == 3 and all(isinstance(part, str) for part in given)
        ):
            raise InvalidArgumentError(
                f"data_model must be a (space, external_id, version) tuple of strings, got {given!r}."
            )
        return given
    if len(known) == 1:
        return known[0]
    if not known:
        raise InvalidArgumentError(
            f"{type(client).__name__} does not name its data model; pass "
            "data_model=(space, external_id, version)."
        )
    choices = ", ".join(repr(model) for model in known)
    raise InvalidArgumentError(
        f"{type(client).__name__} serves several data models; pass data_model= one of {choices}."
    )


def _import_data_classes(name: str) -> None:
    """Import the modules of an SDK's ``data_classes`` package: generated SDKs import a view's
    classes only when they are first used, and an answer may hold any view."""
    try:
        package = importlib.import_module(name)
    except ImportError:
        return  # an SDK laid out differently has its classes imported with its client
    for module in pkgutil.iter_modules(getattr(package, "__path__", [])):
        importlib.import_module(f"{name}.{module.name}")


def read_classes(client_class: type, model_space: str) -> dict[str, type[InstanceRead]]:
    """The SDK's read classes by view external id (the GraphQL ``__typename``).

    An SDK's classes live in the package of its client class, or of a client class it derives
    from (in ``data_classes`` when generated).
    When two views share an external id, the one in the data model's space wins; node classes are
    preferred to edge classes of the same view.
    """
    packages = tuple(
        f"{klass.__module__.rpartition('.')[0] or klass.__module__}."
        for klass in client_class.__mro__
        if klass.__module__.partition(".")[0] != "pygen_runtime" and klass is not object
    )
    for package in packages:
        _import_data_classes(f"{package}data_classes")
    found: dict[str, type[InstanceRead]] = {}
    for cls in _subclasses(InstanceRead):
        if not cls.__module__.startswith(packages) or "_view_id" not in cls.__dict__:
            continue
        view = cls._view_id
        kept = found.get(view.external_id)
        if kept is None or _rank(cls, model_space) > _rank(kept, model_space):
            found[view.external_id] = cls
    return found


def _rank(cls: type[InstanceRead], model_space: str) -> tuple[bool, bool]:
    return (cls._view_id.space == model_space, issubclass(cls, NodeRead))


def _subclasses(cls: type[InstanceRead]) -> Iterator[type[InstanceRead]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _typed(value: Any, classes: Mapping[str, type[InstanceRead]]) -> Any:
    if isinstance(value, list):
        return [_typed(item, classes) for item in value]
    if not isinstance(value, Mapping):
        return value
    cls = classes.get(str(value.get("__typename")))
    # An object is an instance only with its id: without space and externalId it stays a dict.
    if cls is None or not (isinstance(value.get("space"), str) and isinstance(value.get("externalId"), str)):
        return {key: _typed(item, classes) for key, item in value.items()}
    return _read_object(cls, value, classes)


def _wire_names(cls: type[InstanceRead]) -> dict[str, str]:
    """Python field name by GraphQL field name (the view's property identifier)."""
    return {
        (info.serialization_alias or info.alias or name): name
        for name, info in cls.model_fields.items()
        if name not in cls._instance_fields
    }


def _read_object(
    cls: type[InstanceRead], value: Mapping[str, Any], classes: Mapping[str, type[InstanceRead]]
) -> Any:
    fields = _wire_names(cls)
    properties: dict[str, Any] = {}
    nested: dict[str, Any] = {}
    for key, item in value.items():
        if key == "__typename" or key in _INSTANCE_FIELDS:
            continue
        if key in fields and isinstance(item, Mapping) and isinstance(item.get("items"), list):
            # A connection (list of direct relations, edges, reverse relations): its items.
            nested[fields[key]] = _relation_value(_typed(item["items"], classes), item["items"])
        elif key in fields and _is_object(item):
            nested[fields[key]] = _relation_value(_typed(item, classes), item)
        elif key not in fields and isinstance(item, (Mapping, list)):
            properties[key] = _typed(item, classes)  # not in the SDK's class: kept in model_extra
        else:
            properties[key] = item
    raw = {
        "space": value.get("space"),
        "externalId": value.get("externalId"),
        # GraphQL gives no version; the times only when the query asks for them.
        "version": value.get("version", 0),
        "createdTime": _epoch_ms(value.get("createdTime")),
        "lastUpdatedTime": _epoch_ms(value.get("lastUpdatedTime")),
        "properties": {
            cls._view_id.space: {f"{cls._view_id.external_id}/{cls._view_id.version}": properties}
        },
    }
    if issubclass(cls, EdgeRead):
        raw["startNode"] = value.get("startNode")
        raw["endNode"] = value.get("endNode")
    item = parse_instances(cls, [raw])[0]
    for name, typed_value in nested.items():
        # As retrieve_connections="full" does: relation fields hold the related typed objects.
        setattr(item, name, typed_value)
    return item


def _is_object(value: Any) -> bool:
    """Whether a field's value is a related object rather than a stored (JSON or list) value."""
    if isinstance(value, list):
        return bool(value) and all(_is_object(item) for item in value)
    return isinstance(value, Mapping) and ("__typename" in value or "externalId" in value)


def _relation_value(typed: Any, raw: Any) -> Any:
    """A relation field's value: the typed objects, or ``NodeId``s of objects the SDK has no class
    for (or whose ``__typename`` the query did not ask for), else what CDF sent."""
    if isinstance(typed, list) and isinstance(raw, list):
        return [_relation_value(one, raw_one) for one, raw_one in zip(typed, raw, strict=True)]
    if isinstance(typed, InstanceRead) or not isinstance(raw, Mapping):
        return typed
    if isinstance(raw.get("space"), str) and isinstance(raw.get("externalId"), str):
        return NodeId(space=raw["space"], external_id=raw["externalId"])
    return typed


def _epoch_ms(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return 0
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return int(moment.timestamp() * 1000)
    return 0
