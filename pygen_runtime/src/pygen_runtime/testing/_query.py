"""The query endpoint (``POST /models/instances/query``): result sets, traversal, paging.

Choices where CDF's documentation is vague (each fixed here so clients see consistent answers):

- **Chaining follows pages.** A result set that reads another (``from``, set operations,
  ``except``) sees the instances that set returns in this response, after its cursor and limit,
  as CDF does. To walk all children of all parents, page the children for one page of parents
  (passing the children's cursor) and then advance the parents' cursor, dropping the children's.
- **Cursors are per result set.** A cursor continues its own set right after the last item it
  returned (keyset paging on the set's sort, then storage order), so paging with any limit returns
  every member exactly once while the data stands still; a cursor is refused when handed to another
  set or to a changed definition of its set (the ``limit`` may change between pages).
  ``nextCursor`` holds an entry only for selected sets with more items. Cursors are not a
  snapshot: a page reads the data as it is when asked for, continuing after the cursor's place
  (docs/emulator.md, "Paging a query"). How a page is found cheaply is :mod:`._query_paging`'s.
- **Only selected sets are returned**; the others are computed because selected sets read them.
- **Defaults**: a ``nodes`` set with ``through`` follows the relation ``inwards`` unless
  ``direction`` says ``outwards`` (the API's documented default); edges go ``outwards``; an edge
  traversal without ``maxDistance`` goes as deep as the graph does (each node is expanded once).
- **Edges**: ``filter`` applies to every edge walked; an edge is taken only if the node it leads to
  matches ``nodeFilter``; a node matching ``terminationFilter`` is reached but not walked on from;
  ``limitEach`` keeps the first edges per start node in the set's order.
- **Sorting**: ``sort`` orders the whole set before paging; ``postSort`` (edges) and a select's
  ``sort`` reorder only the page returned; a select's ``limit`` lowers the set's page size.
- **Set operations** order their result by storage order; ``unionAll`` keeps duplicates,
  ``union`` and ``intersection`` do not; nested operations are unlimited unless they set a limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._errors import QueryError
from pygen_runtime.testing._filter_values import describe_json
from pygen_runtime.testing._limits import QUERY_LIMIT_DEFAULT, QUERY_LIMIT_MAX
from pygen_runtime.testing._query_cursors import decode_cursor, encode_cursor, fingerprint
from pygen_runtime.testing._query_paging import OrderKey, page_after
from pygen_runtime.testing._query_plan import (
    EdgeSetPlan,
    PlanContext,
    ResultSetPlan,
    SetOperationPlan,
    plan_result_sets,
)
from pygen_runtime.testing._query_select import parse_select
from pygen_runtime.testing._query_traversal import InstanceUniverse, Member
from pygen_runtime.testing._sorting import InstanceOrder

if TYPE_CHECKING:
    from pygen_runtime.testing._schema_store import SchemaStore
    from pygen_runtime.testing._store import InstanceStore, StoredInstance

__all__ = ["QueryError", "parse_cursors", "parse_parameters", "refuse_unknown_fields", "run_query"]

_QUERY_FIELDS = frozenset({"with", "select", "cursors", "parameters", "includeTyping", "debug"})


def refuse_unknown_fields(body: Any, allowed: frozenset[str], endpoint: str) -> Mapping[str, Any]:
    """The request body as a mapping, refusing fields the endpoint does not know."""
    if not isinstance(body, Mapping):
        raise QueryError(f"the {endpoint} request body must be a JSON object, got {describe_json(body)}")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise QueryError(
            f"unknown field(s) {', '.join(unknown)} in the {endpoint} request; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    for required in ("with", "select"):
        if required not in body:
            raise QueryError(f"the {endpoint} request needs `{required}`")
    typing = body.get("includeTyping", False)
    if not isinstance(typing, bool):
        raise QueryError(f"includeTyping: expected true or false, got {describe_json(typing)}")
    return body


def parse_parameters(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The request's ``parameters`` object (empty when absent)."""
    parameters = body.get("parameters")
    parameters = {} if parameters is None else parameters
    if not isinstance(parameters, Mapping):
        raise QueryError(f"parameters: expected an object of name: value, got {describe_json(parameters)}")
    return parameters


def parse_cursors(body: Mapping[str, Any], names: Sequence[str]) -> dict[str, str]:
    """The non-null cursors of the request, each naming a result set of ``with``."""
    cursors = body.get("cursors")
    cursors = {} if cursors is None else cursors
    if not isinstance(cursors, Mapping):
        raise QueryError(
            f"cursors: expected an object of result set name: cursor, got {describe_json(cursors)}"
        )
    for name in cursors:
        if name not in names:
            raise QueryError(f"cursors.{name}: {name!r} is not a result set in `with`")
    return {name: cursor for name, cursor in cursors.items() if cursor is not None}


def _order_of(plan: ResultSetPlan) -> InstanceOrder:
    return InstanceOrder(()) if isinstance(plan, SetOperationPlan) else plan.order


def _resume_key(plan: ResultSetPlan, state: Mapping[str, Any]) -> OrderKey:
    """The order key of the last member a cursor returned; the page starts right after it."""
    after = state.get("after")
    if isinstance(after, list) and len(after) == 3:
        sort_key = _order_of(plan).load_key(after[0])
        position, occurrence = after[1], after[2]
        if (
            sort_key is not None
            and isinstance(position, int)
            and not isinstance(position, bool)
            and isinstance(occurrence, int)
            and not isinstance(occurrence, bool)
        ):
            return (sort_key, position, occurrence)
    raise QueryError(f"cursors.{plan.name}: the cursor is damaged; pass nextCursor unchanged")


def _cursor_after(member: Member, plan: ResultSetPlan) -> str:
    after = [_order_of(plan).dump_key(member.sort_key), member.position, member.occurrence]
    return encode_cursor("query", plan.name, plan.digest, {"after": after})


def run_query(body: Mapping[str, Any], store: InstanceStore, schema: SchemaStore) -> dict[str, Any]:
    """Answer a query request with the API's response body.

    Raises :class:`QueryError` (or ``FilterError``), both 400s, for a request CDF would refuse.
    See the module docstring for how result sets chain and page.
    """
    body = refuse_unknown_fields(body, _QUERY_FIELDS, "query")
    context = PlanContext(
        schema=schema,
        store=store,
        parameters=parse_parameters(body),
        endpoint="query",
        default_limit=QUERY_LIMIT_DEFAULT,
        max_limit=QUERY_LIMIT_MAX,
    )
    plans = plan_result_sets(body["with"], context)
    by_name = {plan.name: plan for plan in plans}
    selections = parse_select(body["select"], list(by_name), schema, endpoint="query")
    cursors = parse_cursors(body, list(by_name))

    universe = InstanceUniverse(store, schema_generation=schema.generation)
    # Besides a set's definition and the instances, only these decide what a set holds.
    request_scope = (fingerprint(context.parameters), schema.generation)
    pages: dict[str, list[StoredInstance]] = {}
    next_cursors: dict[str, str] = {}
    for plan in plans:
        limit = plan.limit or QUERY_LIMIT_DEFAULT
        selection = selections.get(plan.name)
        if selection is not None and selection.limit is not None:
            limit = min(limit, selection.limit)
        after = None
        if plan.name in cursors:
            state = decode_cursor(cursors[plan.name], "query", plan.name, plan.digest)
            after = _resume_key(plan, state)
        page = page_after(plan, after, limit, pages, by_name, universe, request_scope)
        pages[plan.name] = [member.instance for member in page.members]
        if page.has_more and page.members:
            next_cursors[plan.name] = _cursor_after(page.members[-1], plan)

    items: dict[str, list[dict[str, Any]]] = {}
    for name, selection in selections.items():
        page_instances = pages[name]
        plan = by_name[name]
        if isinstance(plan, EdgeSetPlan) and plan.post_order:
            page_instances = plan.post_order.sort(page_instances)
        if selection.order:
            page_instances = selection.order.sort(page_instances)
        items[name] = selection.render_all(page_instances, schema)
    response: dict[str, Any] = {
        "items": items,
        "nextCursor": {name: cursor for name, cursor in next_cursors.items() if name in selections},
    }
    if body.get("includeTyping"):
        response["typing"] = {name: selection.typing(schema) for name, selection in selections.items()}
    return response
