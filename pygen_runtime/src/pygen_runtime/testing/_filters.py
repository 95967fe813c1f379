"""The filter language: a filter from a request becomes a predicate over stored instances.

``compile_filter`` checks the whole filter once (property references, value types, parameters)
and returns a plain function, so evaluating it per instance does no parsing and no schema look-ups.
Every mistake becomes a :class:`FilterError` naming where in the filter it is and how to fix it.

Semantics where the API documentation leaves room (each chosen to be simple and predictable):

- A missing or null value matches no leaf filter except through ``not``.
- ``equals`` on a list property compares the whole list (order matters); use ``containsAny`` or
  ``containsAll`` to match elements. ``in`` and ``range`` are refused on list properties.
- ``prefix`` works on text, and on list properties where the value is a list: ``[1, 2]`` is a
  prefix of ``[1, 2, 3]``.
- ``containsAll`` with no values matches every instance whose list is set; ``containsAny`` and
  ``in`` with no values match nothing.
- ``overlaps`` reads a null start as "since forever" and a null end as "still ongoing"; an
  instance with neither set has no range and does not match. Bounds are inclusive for
  ``gte``/``lte`` and exclusive for ``gt``/``lt``.
- ``hasData`` matches instances that have data in *every* listed source. For a container that
  means a row in it; for a view with a ``filter`` it means matching that filter, otherwise having
  data in every container the view maps (a view mapping none has no data).
- ``nested`` follows a direct relation (a list of them matches when any target matches) to a live
  node and applies the inner filter to it.
- ``{"parameter": name}`` may stand for any value or value list; an unknown name is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._errors import FilterError
from pygen_runtime.testing._filter_properties import (
    PropertyAccess,
    PropertyReferenceError,
    resolve_property,
)
from pygen_runtime.testing._filter_values import coerce_request_value, describe_json

if TYPE_CHECKING:
    from pygen_runtime.testing._schema_store import SchemaStore
    from pygen_runtime.testing._store import InstanceStore, StoredInstance

__all__ = ["FilterError", "Predicate", "compile_filter"]

Predicate = Callable[["StoredInstance"], bool]

_RANGE_KINDS = frozenset({"text", "number", "timestamp", "date"})
_LOWER_BOUNDS = ("gt", "gte")
_UPPER_BOUNDS = ("lt", "lte")


def _always(_: StoredInstance) -> bool:
    return True


def compile_filter(
    filter: Mapping[str, Any] | None,
    schema: SchemaStore,
    parameters: Mapping[str, Any] | None = None,
    *,
    store: InstanceStore | None = None,
    location: str = "filter",
) -> Predicate:
    """Compile a filter from a request into a predicate over stored instances.

    ``parameters`` are the request's ``parameters`` (query and sync only). ``store`` is needed
    only by ``nested`` filters, which look up the node a direct relation points to. ``location``
    names the filter's place in the request for error messages (for example
    ``with.pumps.nodes.filter``).

    >>> matches = compile_filter({"prefix": {"property": ["node", "externalId"], "value": "wt-"}}, schema)
    >>> [inst.external_id for inst in store.live() if matches(inst)]  # doctest: +SKIP
    ['wt-1', 'wt-2']

    Raises :class:`FilterError` (a 400 in the API) for any malformed part of the filter.
    """
    if filter is None:
        return _always
    return _FilterCompiler(schema, parameters, store).compile(filter, location)


class _FilterCompiler:
    def __init__(
        self,
        schema: SchemaStore,
        parameters: Mapping[str, Any] | None,
        store: InstanceStore | None,
    ) -> None:
        self._schema = schema
        self._parameters = parameters
        self._store = store
        # Views whose own filter is being expanded by hasData, to stop a view filter that refers
        # to its own view from expanding forever.
        self._expanding_views: set[tuple[str, str, str]] = set()
        self._leaves: dict[str, Callable[[Any, str], Predicate]] = {
            "equals": self._equals,
            "in": self._in,
            "range": self._range,
            "prefix": self._prefix,
            "exists": self._exists,
            "containsAny": self._contains_any,
            "containsAll": self._contains_all,
            "matchAll": self._match_all,
            "nested": self._nested,
            "overlaps": self._overlaps,
            "hasData": self._has_data,
            "instanceReferences": self._instance_references,
        }

    # -- structure -------------------------------------------------------------------------
    def compile(self, flt: Any, where: str) -> Predicate:
        if not isinstance(flt, Mapping):
            raise FilterError(f"{where}: a filter must be a JSON object, got {describe_json(flt)}")
        if len(flt) != 1:
            keys = ", ".join(sorted(map(str, flt))) or "no keys"
            raise FilterError(
                f"{where}: a filter object must have exactly one key (the filter's kind), got {keys}; "
                "combine several filters with `and`"
            )
        ((kind, body),) = flt.items()
        at = f"{where}.{kind}"
        if kind in ("and", "or"):
            return self._boolean(kind, body, at)
        if kind == "not":
            inner = self.compile(body, at)
            return lambda inst: not inner(inst)
        leaf = self._leaves.get(kind)
        if leaf is None:
            known = ", ".join(("and", "or", "not", *self._leaves))
            raise FilterError(f"{where}: unknown filter {kind!r}; the filters are {known}")
        return leaf(body, at)

    def _boolean(self, kind: str, body: Any, where: str) -> Predicate:
        if not isinstance(body, list) or not body:
            raise FilterError(f"{where}: expected a non-empty list of filters, got {describe_json(body)}")
        parts = [self.compile(part, f"{where}[{index}]") for index, part in enumerate(body)]
        if kind == "and":
            return lambda inst: all(part(inst) for part in parts)
        return lambda inst: any(part(inst) for part in parts)

    # -- pieces of a leaf ------------------------------------------------------------------
    @staticmethod
    def _body(body: Any, where: str, required: Sequence[str]) -> Mapping[str, Any]:
        if not isinstance(body, Mapping):
            raise FilterError(f"{where}: expected a JSON object, got {describe_json(body)}")
        missing = [name for name in required if name not in body]
        if missing:
            raise FilterError(f"{where}: missing {', '.join(repr(name) for name in missing)}")
        return body

    def _property(self, reference: Any, where: str) -> PropertyAccess:
        try:
            return resolve_property(reference, self._schema)
        except PropertyReferenceError as error:
            raise FilterError(f"{where}: {error}") from None

    def _value(self, raw: Any, where: str) -> Any:
        """The request value with ``{"parameter": name}`` replaced by the parameter's value."""
        if isinstance(raw, Mapping) and set(raw) == {"parameter"}:
            name = raw["parameter"]
            if self._parameters is None:
                raise FilterError(
                    f"{where}: parameter {describe_json(name)} used, but parameters are only "
                    "available in query and sync requests (their `parameters` object)"
                )
            if not isinstance(name, str) or name not in self._parameters:
                defined = ", ".join(sorted(self._parameters)) or "none"
                raise FilterError(
                    f"{where}: parameter {describe_json(name)} is not defined; add it to the "
                    f"request's `parameters` (defined: {defined})"
                )
            return self._parameters[name]
        if isinstance(raw, Mapping) and set(raw) == {"property"}:
            raise FilterError(
                f"{where}: comparing with another property's value ({describe_json(raw)}) is not "
                "supported by the emulator; compare with a literal value or a parameter"
            )
        return raw

    @staticmethod
    def _coerce(access: PropertyAccess, value: Any, where: str) -> Any:
        try:
            return coerce_request_value(access.kind, value, f"{where} on {access.label}")
        except ValueError as error:
            raise FilterError(str(error)) from None

    def _value_list(self, access: PropertyAccess, raw: Any, where: str) -> list[Any]:
        values = self._value(raw, where)
        if not isinstance(values, list):
            raise FilterError(f"{where}: expected a list of values, got {describe_json(values)}")
        return [self._coerce(access, value, where) for value in values]

    @staticmethod
    def _require_list(access: PropertyAccess, where: str, advice: str) -> None:
        if not access.is_list:
            raise FilterError(f"{where}: {access.label} is not a list property; {advice}")

    @staticmethod
    def _refuse_list(access: PropertyAccess, where: str, advice: str) -> None:
        if access.is_list:
            raise FilterError(f"{where}: {access.label} is a list property; {advice}")

    def _bounds(self, access: PropertyAccess, body: Mapping[str, Any], where: str) -> dict[str, Any]:
        if access.kind not in _RANGE_KINDS:
            raise FilterError(
                f"{where}: {access.label} holds {access.kind} values, which have no order; "
                "range and overlaps work on text, numbers, timestamps and dates"
            )
        for pair in (_LOWER_BOUNDS, _UPPER_BOUNDS):
            if all(name in body for name in pair):
                raise FilterError(f"{where}: give either {pair[0]!r} or {pair[1]!r}, not both")
        return {
            name: self._coerce(access, self._value(body[name], f"{where}.{name}"), f"{where}.{name}")
            for name in (*_LOWER_BOUNDS, *_UPPER_BOUNDS)
            if name in body
        }

    # -- leaves ----------------------------------------------------------------------------
    def _equals(self, body: Any, where: str) -> Predicate:
        body = self._body(body, where, ("property", "value"))
        access = self._property(body["property"], where)
        value = self._value(body["value"], f"{where}.value")
        if access.is_list:
            if not isinstance(value, list):
                raise FilterError(
                    f"{where}: {access.label} is a list property and equals compares the whole list; "
                    "give a list value, or use containsAny / containsAll to match elements"
                )
            whole = [self._coerce(access, item, where) for item in value]
            return lambda inst: access.canonical(inst) == whole
        wanted = self._coerce(access, value, where)
        return lambda inst: access.canonical(inst) == wanted

    def _in(self, body: Any, where: str) -> Predicate:
        body = self._body(body, where, ("property", "values"))
        access = self._property(body["property"], where)
        self._refuse_list(access, where, "use containsAny to match any of several elements")
        wanted = set(self._value_list(access, body["values"], f"{where}.values"))

        def matches(inst: StoredInstance) -> bool:
            value = access.canonical(inst)
            return value is not None and value in wanted

        return matches

    def _range(self, body: Any, where: str) -> Predicate:
        body = self._body(body, where, ("property",))
        access = self._property(body["property"], where)
        self._refuse_list(access, where, "range compares single values")
        bounds = self._bounds(access, body, where)
        if not bounds:
            raise FilterError(f"{where}: give at least one bound: gt, gte, lt or lte")
        gt, gte, lt, lte = (bounds.get(name) for name in ("gt", "gte", "lt", "lte"))

        def matches(inst: StoredInstance) -> bool:
            value = access.canonical(inst)
            if value is None:
                return False
            return (
                (gt is None or value > gt)
                and (gte is None or value >= gte)
                and (lt is None or value < lt)
                and (lte is None or value <= lte)
            )

        return matches

    def _prefix(self, body: Any, where: str) -> Predicate:
        body = self._body(body, where, ("property", "value"))
        access = self._property(body["property"], where)
        value = self._value(body["value"], f"{where}.value")
        if access.is_list:
            if not isinstance(value, list):
                raise FilterError(
                    f"{where}: {access.label} is a list property; its prefix is a list of values"
                )
            start = [self._coerce(access, item, where) for item in value]

            def list_starts_with(inst: StoredInstance) -> bool:
                items = access.canonical(inst)
                return items is not None and items[: len(start)] == start

            return list_starts_with
        if access.kind != "text":
            raise FilterError(f"{where}: prefix works on text properties; {access.label} holds {access.kind}")
        text_start = self._coerce(access, value, where)

        def starts_with(inst: StoredInstance) -> bool:
            text = access.canonical(inst)
            return text is not None and text.startswith(text_start)

        return starts_with

    def _exists(self, body: Any, where: str) -> Predicate:
        body = self._body(body, where, ("property",))
        access = self._property(body["property"], where)
        return lambda inst: access.read(inst) is not None

    def _contains_any(self, body: Any, where: str) -> Predicate:
        body = self._body(body, where, ("property", "values"))
        access = self._property(body["property"], where)
        self._require_list(access, where, "use `in` to match a single value against several")
        wanted = set(self._value_list(access, body["values"], f"{where}.values"))

        def matches(inst: StoredInstance) -> bool:
            items = access.canonical(inst)
            return items is not None and any(item in wanted for item in items)

        return matches

    def _contains_all(self, body: Any, where: str) -> Predicate:
        body = self._body(body, where, ("property", "values"))
        access = self._property(body["property"], where)
        self._require_list(access, where, "use `equals` to match a single value")
        wanted = set(self._value_list(access, body["values"], f"{where}.values"))

        def matches(inst: StoredInstance) -> bool:
            items = access.canonical(inst)
            return items is not None and wanted.issubset(items)

        return matches

    def _match_all(self, body: Any, where: str) -> Predicate:
        if body != {}:
            raise FilterError(f"{where}: matchAll takes an empty object, got {describe_json(body)}")
        return _always

    def _nested(self, body: Any, where: str) -> Predicate:
        body = self._body(body, where, ("scope", "filter"))
        scope = self._property(body["scope"], f"{where}.scope")
        if scope.kind != "direct":
            raise FilterError(
                f"{where}.scope: {scope.label} is not a direct relation; nested follows a direct "
                "relation to the node it points to"
            )
        inner = self.compile(body["filter"], f"{where}.filter")
        store = self._store
        if store is None:
            raise FilterError(
                f"{where}: nested filters are not available here (the emulator evaluated this "
                "filter without its instance store); report this as an emulator bug"
            )

        def target_matches(pair: tuple[str, str]) -> bool:
            target = store.get("node", pair[0], pair[1])
            return target is not None and inner(target)

        if scope.is_list:
            return lambda inst: any(target_matches(pair) for pair in scope.canonical(inst) or ())

        def matches(inst: StoredInstance) -> bool:
            pair = scope.canonical(inst)
            return pair is not None and target_matches(pair)

        return matches

    def _overlaps(self, body: Any, where: str) -> Predicate:
        body = self._body(body, where, ("startProperty", "endProperty"))
        start = self._property(body["startProperty"], f"{where}.startProperty")
        end = self._property(body["endProperty"], f"{where}.endProperty")
        for access in (start, end):
            self._refuse_list(access, where, "overlaps compares single values")
        if start.kind != end.kind:
            raise FilterError(
                f"{where}: startProperty {start.label} holds {start.kind} values but endProperty "
                f"{end.label} holds {end.kind}; both ends of a range must have the same type"
            )
        bounds = self._bounds(start, body, where)
        gt, gte, lt, lte = (bounds.get(name) for name in ("gt", "gte", "lt", "lte"))

        def matches(inst: StoredInstance) -> bool:
            begins, ends = start.canonical(inst), end.canonical(inst)
            if begins is None and ends is None:
                return False
            after_lower = ends is None or ((gt is None or ends > gt) and (gte is None or ends >= gte))
            before_upper = begins is None or ((lt is None or begins < lt) and (lte is None or begins <= lte))
            return after_lower and before_upper

        return matches

    def _has_data(self, body: Any, where: str) -> Predicate:
        if not isinstance(body, list):
            raise FilterError(
                f"{where}: expected a list of view or container references, got {describe_json(body)}"
            )
        checks = [self._has_data_in(source, f"{where}[{index}]") for index, source in enumerate(body)]
        return lambda inst: all(check(inst) for check in checks)

    def _has_data_in(self, source: Any, where: str) -> Predicate:
        if not isinstance(source, Mapping) or not all(
            isinstance(source.get(key), str) for key in ("space", "externalId")
        ):
            raise FilterError(
                f"{where}: expected a view reference {{type: 'view', space, externalId, version}} or a "
                f"container reference {{type: 'container', space, externalId}}, got {describe_json(source)}"
            )
        source_type = source.get("type", "view" if "version" in source else "container")
        space, external_id = source["space"], source["externalId"]
        if source_type == "container":
            if self._schema.container_properties(space, external_id) is None:
                raise FilterError(f"{where}: the container {space}:{external_id} does not exist")
            container = (space, external_id)
            return lambda inst: container in inst.data
        if source_type != "view" or not isinstance(source.get("version"), str):
            raise FilterError(
                f"{where}: a source is either {{type: 'view', space, externalId, version}} or "
                f"{{type: 'container', space, externalId}}, got {describe_json(source)}"
            )
        view_id = (space, external_id, source["version"])
        view = self._schema.view(*view_id)
        if view is None:
            raise FilterError(f"{where}: the view {space}:{external_id}(version={view_id[2]}) does not exist")
        view_filter = view.get("filter")
        if view_filter is not None and view_id not in self._expanding_views:
            self._expanding_views.add(view_id)
            try:
                return self.compile(view_filter, f"{where} (the filter of view {external_id})")
            finally:
                self._expanding_views.discard(view_id)
        containers = {
            (str(definition["container"].get("space")), str(definition["container"].get("externalId")))
            for definition in (self._schema.view_properties(*view_id) or {}).values()
            if isinstance(definition.get("container"), Mapping)
        }
        if not containers:
            return lambda inst: False
        return lambda inst: all(container in inst.data for container in containers)

    def _instance_references(self, body: Any, where: str) -> Predicate:
        if not isinstance(body, list):
            raise FilterError(f"{where}: expected a list of {{space, externalId}}, got {describe_json(body)}")
        wanted: set[tuple[str, str]] = set()
        for index, item in enumerate(body):
            if not (
                isinstance(item, Mapping)
                and isinstance(item.get("space"), str)
                and isinstance(item.get("externalId"), str)
            ):
                raise FilterError(
                    f"{where}[{index}]: expected {{space, externalId}} strings, got {describe_json(item)}"
                )
            wanted.add((item["space"], item["externalId"]))
        return lambda inst: (inst.space, inst.external_id) in wanted
