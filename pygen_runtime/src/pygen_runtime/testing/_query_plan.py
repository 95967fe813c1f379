"""The ``with`` part of query and sync requests, checked and compiled into result set plans.

Each result set expression becomes a plan with its filters compiled, its sort validated and its
references to other result sets checked; :func:`plan_result_sets` also orders the plans so every
set comes after the sets it reads from. Everything a client can get wrong here raises
:class:`QueryError` (or :class:`FilterError` for a bad filter) naming the place in the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pygen_runtime.testing._errors import QueryError
from pygen_runtime.testing._filter_properties import (
    PropertyAccess,
    PropertyReferenceError,
    resolve_property,
)
from pygen_runtime.testing._filter_values import describe_json
from pygen_runtime.testing._filters import Predicate, compile_filter
from pygen_runtime.testing._limits import QUERY_RESULT_SETS_MAX
from pygen_runtime.testing._query_cursors import fingerprint
from pygen_runtime.testing._sorting import InstanceOrder, compile_sort

if TYPE_CHECKING:
    from pygen_runtime.testing._schema_store import SchemaStore
    from pygen_runtime.testing._store import InstanceStore

__all__ = [
    "EdgeSetPlan",
    "NodeSetPlan",
    "PlanContext",
    "ResultSetPlan",
    "SetOperationPlan",
    "SyncOptions",
    "plan_result_sets",
]

Direction = Literal["outwards", "inwards"]
ChainTo = Literal["source", "destination"]
SetOperator = Literal["union", "unionAll", "intersection"]
SyncMode = Literal["onePhase", "twoPhase", "noBackfill"]


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What compiling a request needs: the schema, the store (for nested filters), parameters."""

    schema: SchemaStore
    store: InstanceStore
    parameters: Mapping[str, Any] | None
    endpoint: Literal["query", "sync"]
    default_limit: int
    max_limit: int


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """The sync-only settings of a result set."""

    mode: SyncMode = "onePhase"
    skip_already_deleted: bool = True
    backfill_order: InstanceOrder = field(default_factory=lambda: InstanceOrder(()))


@dataclass(frozen=True, slots=True)
class NodeSetPlan:
    """A ``nodes`` result set expression."""

    name: str
    digest: str
    limit: int
    source: str | None
    through: PropertyAccess | None
    direction: Direction
    chain_to: ChainTo
    filter: Predicate
    order: InstanceOrder
    sync: SyncOptions

    @property
    def dependencies(self) -> tuple[str, ...]:
        """The result sets this one reads."""
        return () if self.source is None else (self.source,)


@dataclass(frozen=True, slots=True)
class EdgeSetPlan:
    """An ``edges`` result set expression."""

    name: str
    digest: str
    limit: int
    source: str | None
    direction: Direction
    chain_to: ChainTo
    max_distance: int | None
    filter: Predicate
    node_filter: Predicate | None
    termination_filter: Predicate | None
    limit_each: int | None
    order: InstanceOrder
    post_order: InstanceOrder
    sync: SyncOptions

    @property
    def dependencies(self) -> tuple[str, ...]:
        """The result sets this one reads."""
        return () if self.source is None else (self.source,)


@dataclass(frozen=True, slots=True)
class SetOperationPlan:
    """A ``union``, ``unionAll`` or ``intersection`` of result sets, minus the ``except`` sets.

    Operands nested inside another operation have no name of their own.
    """

    name: str
    digest: str
    limit: int | None
    operator: SetOperator
    operands: tuple[str | SetOperationPlan, ...]
    excepted: tuple[str, ...]

    @property
    def dependencies(self) -> tuple[str, ...]:
        """The result sets this one reads, nested operations' included."""
        found: list[str] = []
        for operand in self.operands:
            found.extend(operand.dependencies if isinstance(operand, SetOperationPlan) else (operand,))
        return (*found, *self.excepted)


ResultSetPlan = NodeSetPlan | EdgeSetPlan | SetOperationPlan

_NODE_KEYS = frozenset({"from", "chainTo", "through", "direction", "filter"})
_EDGE_KEYS = frozenset(
    {"from", "chainTo", "maxDistance", "direction", "filter", "nodeFilter", "terminationFilter", "limitEach"}
)
_QUERY_TOP_KEYS = {
    "nodes": frozenset({"nodes", "sort", "limit"}),
    "edges": frozenset({"edges", "sort", "postSort", "limit"}),
}
_SYNC_TOP_KEYS = frozenset({"limit", "skipAlreadyDeleted", "mode", "backfillSort"})
_SET_OPERATORS: tuple[SetOperator, ...] = ("union", "unionAll", "intersection")


def _refuse_unknown(obj: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise QueryError(
            f"{where}: unknown field(s) {', '.join(unknown)}; allowed here: {', '.join(sorted(allowed))}"
        )


def _mapping(obj: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise QueryError(f"{where}: expected a JSON object, got {describe_json(obj)}")
    return obj


def _choice(obj: Mapping[str, Any], key: str, choices: tuple[str, ...], default: str, where: str) -> Any:
    value = obj.get(key)
    if value is None:
        return default
    if value not in choices:
        raise QueryError(f"{where}.{key}: expected one of {', '.join(choices)}, got {describe_json(value)}")
    return value


def _positive_int(obj: Mapping[str, Any], key: str, where: str, maximum: int | None = None) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise QueryError(f"{where}.{key}: expected a positive integer, got {describe_json(value)}")
    if maximum is not None and value > maximum:
        raise QueryError(f"{where}.{key}: {value} is over the maximum of {maximum}")
    return value


class _Planner:
    def __init__(self, with_: Mapping[str, Any], context: PlanContext) -> None:
        self._with = with_
        self._context = context

    def _limit(self, expression: Mapping[str, Any], where: str) -> int:
        limit = _positive_int(expression, "limit", where, self._context.max_limit)
        return self._context.default_limit if limit is None else limit

    def _filter(self, body: Mapping[str, Any], key: str, where: str) -> Predicate | None:
        if body.get(key) is None:
            return None
        context = self._context
        return compile_filter(
            body[key], context.schema, context.parameters, store=context.store, location=f"{where}.{key}"
        )

    def _source(self, body: Mapping[str, Any], name: str, where: str) -> str | None:
        source = body.get("from")
        if source is None:
            return None
        if not isinstance(source, str) or source not in self._with:
            raise QueryError(
                f"{where}.from: {describe_json(source)} is not a result set of this request; "
                f"name one of {', '.join(sorted(self._with))}"
            )
        if source == name:
            raise QueryError(f"{where}.from: a result set cannot chain from itself")
        return source

    def _sync_options(self, expression: Mapping[str, Any], where: str) -> SyncOptions:
        if self._context.endpoint != "sync":
            return SyncOptions()
        mode = _choice(expression, "mode", ("onePhase", "twoPhase", "noBackfill"), "onePhase", where)
        skip = expression.get("skipAlreadyDeleted", True)
        if not isinstance(skip, bool):
            raise QueryError(f"{where}.skipAlreadyDeleted: expected true or false, got {describe_json(skip)}")
        backfill_sort = expression.get("backfillSort")
        if backfill_sort and mode != "twoPhase":
            raise QueryError(f"{where}.backfillSort: only allowed with mode 'twoPhase'")
        order = compile_sort(backfill_sort, self._context.schema, location=f"{where}.backfillSort")
        return SyncOptions(mode, skip, order)

    def _top_keys(self, kind: str) -> frozenset[str]:
        if self._context.endpoint == "sync":
            return _SYNC_TOP_KEYS | {kind}
        return _QUERY_TOP_KEYS[kind]

    def _digest(self, expression: Mapping[str, Any]) -> str:
        # The limit may change between pages without invalidating cursors.
        return fingerprint({key: value for key, value in expression.items() if key != "limit"})

    def plan(self, name: str) -> ResultSetPlan:
        where = f"with.{name}"
        expression = _mapping(self._with[name], where)
        if "nodes" in expression:
            return self._nodes(name, expression, where)
        if "edges" in expression:
            return self._edges(name, expression, where)
        operators = [op for op in _SET_OPERATORS if op in expression]
        if operators and self._context.endpoint == "query":
            operation = self._set_operation(name, expression, where)
            _refuse_unknown(expression, frozenset({operation.operator, "except", "limit"}), where)
            limit = self._limit(expression, where)
            return SetOperationPlan(
                name,
                self._digest(expression),
                limit,
                operation.operator,
                operation.operands,
                operation.excepted,
            )
        kinds = (
            "nodes or edges"
            if self._context.endpoint == "sync"
            else "nodes, edges, union, unionAll or intersection"
        )
        raise QueryError(
            f"{where}: a result set expression has one of {kinds}; got {describe_json(expression)}"
        )

    def _nodes(self, name: str, expression: Mapping[str, Any], where: str) -> NodeSetPlan:
        _refuse_unknown(expression, self._top_keys("nodes"), where)
        at = f"{where}.nodes"
        body = _mapping(expression["nodes"], at)
        _refuse_unknown(body, _NODE_KEYS, at)
        source = self._source(body, name, at)
        through = self._through(body.get("through"), f"{at}.through")
        if through is not None and source is None:
            raise QueryError(f"{at}.through: `through` needs `from`, the result set whose nodes to start at")
        source_expression = self._with.get(source) if source is not None else None
        if through is not None and isinstance(source_expression, Mapping) and "edges" in source_expression:
            raise QueryError(
                f"{at}.through: `from` names the edge result set {source!r}; `through` follows a direct "
                "relation from nodes, so chain from a node result set"
            )
        return NodeSetPlan(
            name=name,
            digest=self._digest(expression),
            limit=self._limit(expression, where),
            source=source,
            through=through,
            direction=_choice(body, "direction", ("outwards", "inwards"), "inwards", at),
            chain_to=_choice(body, "chainTo", ("source", "destination"), "destination", at),
            filter=self._filter(body, "filter", at) or (lambda inst: True),
            order=compile_sort(expression.get("sort"), self._context.schema, location=f"{where}.sort"),
            sync=self._sync_options(expression, where),
        )

    def _through(self, through: Any, where: str) -> PropertyAccess | None:
        if through is None:
            return None
        through = _mapping(through, where)
        identifier = through.get("identifier")
        source = through.get("source", through.get("view"))
        if not isinstance(identifier, str) or not isinstance(source, Mapping):
            raise QueryError(
                f"{where}: expected {{source: a view or container reference, identifier: property}}, "
                f"got {describe_json(through)}"
            )
        space, external_id = source.get("space"), source.get("externalId")
        version = source.get("version")
        is_view = source.get("type", "view" if version is not None else "container") == "view"
        if is_view:
            reference = [space, f"{external_id}/{version}", identifier]
        else:
            reference = [space, external_id, identifier]
        try:
            access = resolve_property(reference, self._context.schema)
        except PropertyReferenceError as error:
            raise QueryError(f"{where}: {error}") from None
        if access.kind != "direct":
            raise QueryError(f"{where}: {access.label} is not a direct relation; `through` follows one")
        return access

    def _edges(self, name: str, expression: Mapping[str, Any], where: str) -> EdgeSetPlan:
        _refuse_unknown(expression, self._top_keys("edges"), where)
        at = f"{where}.edges"
        body = _mapping(expression["edges"], at)
        _refuse_unknown(body, _EDGE_KEYS, at)
        source = self._source(body, name, at)
        max_distance = _positive_int(body, "maxDistance", at)
        limit_each = _positive_int(body, "limitEach", at, 2000)
        if limit_each is not None and (source is None or max_distance != 1):
            raise QueryError(f"{at}.limitEach: only allowed together with `from` and maxDistance 1")
        schema = self._context.schema
        return EdgeSetPlan(
            name=name,
            digest=self._digest(expression),
            limit=self._limit(expression, where),
            source=source,
            direction=_choice(body, "direction", ("outwards", "inwards"), "outwards", at),
            chain_to=_choice(body, "chainTo", ("source", "destination"), "destination", at),
            max_distance=max_distance,
            filter=self._filter(body, "filter", at) or (lambda inst: True),
            node_filter=self._filter(body, "nodeFilter", at),
            termination_filter=self._filter(body, "terminationFilter", at),
            limit_each=limit_each,
            order=compile_sort(expression.get("sort"), schema, location=f"{where}.sort"),
            post_order=compile_sort(expression.get("postSort"), schema, location=f"{where}.postSort"),
            sync=self._sync_options(expression, where),
        )

    def _set_operation(self, name: str, expression: Mapping[str, Any], where: str) -> SetOperationPlan:
        operators = [op for op in _SET_OPERATORS if op in expression]
        if len(operators) != 1:
            raise QueryError(
                f"{where}: a set operation has exactly one of union, unionAll, intersection; "
                f"got {describe_json(expression)}"
            )
        operator = operators[0]
        operands_raw = expression[operator]
        if not isinstance(operands_raw, list) or not operands_raw:
            raise QueryError(
                f"{where}.{operator}: expected a non-empty list of result set names or operations"
            )
        operands: list[str | SetOperationPlan] = []
        for index, operand in enumerate(operands_raw):
            at = f"{where}.{operator}[{index}]"
            if isinstance(operand, Mapping):
                nested = self._set_operation(name, operand, at)
                _refuse_unknown(operand, frozenset({nested.operator, "except", "limit"}), at)
                limit = _positive_int(operand, "limit", at, self._context.max_limit)
                operands.append(
                    SetOperationPlan("", "", limit, nested.operator, nested.operands, nested.excepted)
                )
            else:
                operands.append(self._named(operand, name, at))
        excepted_raw = expression.get("except", [])
        if not isinstance(excepted_raw, list):
            raise QueryError(f"{where}.except: expected a list of result set names")
        excepted = tuple(
            self._named(item, name, f"{where}.except[{index}]") for index, item in enumerate(excepted_raw)
        )
        return SetOperationPlan(name, "", None, operator, tuple(operands), excepted)

    def _named(self, operand: Any, name: str, where: str) -> str:
        if not isinstance(operand, str) or operand not in self._with:
            raise QueryError(
                f"{where}: {describe_json(operand)} is not a result set of this request; "
                f"name one of {', '.join(sorted(self._with))}"
            )
        if operand == name:
            raise QueryError(f"{where}: a set operation cannot include itself")
        return operand


def plan_result_sets(with_: Any, context: PlanContext) -> list[ResultSetPlan]:
    """Every result set of ``with``, compiled, each after the sets it depends on."""
    with_ = _mapping(with_, "with")
    if not with_:
        raise QueryError("with: give at least one result set expression")
    if len(with_) > QUERY_RESULT_SETS_MAX:
        raise QueryError(
            f"with: {len(with_)} result set expressions is over the maximum of {QUERY_RESULT_SETS_MAX}"
        )
    planner = _Planner(with_, context)
    plans = {name: planner.plan(name) for name in with_}
    ordered: list[ResultSetPlan] = []
    state: dict[str, str] = {}

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = " -> ".join((*chain[chain.index(name) :], name))
            raise QueryError(f"with: result sets depend on each other in a cycle ({cycle}); break the cycle")
        state[name] = "visiting"
        for dependency in plans[name].dependencies:
            visit(dependency, (*chain, name))
        state[name] = "done"
        ordered.append(plans[name])

    for name in with_:
        visit(name, ())
    return ordered
