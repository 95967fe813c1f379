"""The sync endpoint (``POST /models/instances/sync``): what changed in each result set since a cursor.

Every write and soft delete stamps the instance with the store's next sequence number, so "what
changed since" is "members whose sequence is above the cursor's". A cursor records that sequence
(the *watermark*), the sequence when the sync started, and when the cursor was issued; cursors older
than three days are refused as CDF refuses them, unless the request sets
``allowExpiredCursorsAndAcceptMissedDeletes``.

Choices where CDF's documentation is vague:

- **Modes.** ``onePhase`` (the default) returns every live member in change order and then keeps
  returning changes. ``twoPhase`` first returns the members that existed when the sync started,
  ordered by ``backfillSort`` if given, and once a page comes back smaller than ``limit`` it
  continues with changes made since the start. ``noBackfill`` returns nothing on the first call
  and then only later changes.
- **Deletes.** With ``skipAlreadyDeleted`` (the default) only instances deleted after the sync
  started are reported; otherwise every soft-deleted member is. Deleted instances carry
  ``deletedTime``.
- **Chained sets** (``from``) are computed like the query endpoint's, from the *whole* membership
  of the set they read (sync does not page parents), over live instances plus the deleted ones the
  request may report.
- Every selected set gets a cursor in every response, as CDF promises, even when nothing changed.

Cost: a set that reads no other set and is not read by one looks, once past its backfill, only at
the instances changed since its watermark (the store keeps them in change order); other sets are
evaluated whole for every page.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._errors import QueryError
from pygen_runtime.testing._filter_values import describe_json
from pygen_runtime.testing._limits import QUERY_LIMIT_DEFAULT, SYNC_CURSOR_TTL_MS, SYNC_LIMIT_MAX
from pygen_runtime.testing._query import parse_cursors, parse_parameters, refuse_unknown_fields
from pygen_runtime.testing._query_cursors import decode_cursor, encode_cursor
from pygen_runtime.testing._query_plan import (
    EdgeSetPlan,
    NodeSetPlan,
    PlanContext,
    plan_result_sets,
)
from pygen_runtime.testing._query_select import parse_select
from pygen_runtime.testing._query_traversal import InstanceUniverse, members_of, root_member_test

if TYPE_CHECKING:
    from pygen_runtime.testing._schema_store import SchemaStore
    from pygen_runtime.testing._store import InstanceStore, StoredInstance

__all__ = ["run_sync"]

_SYNC_FIELDS = frozenset(
    {
        "with",
        "select",
        "cursors",
        "parameters",
        "includeTyping",
        "allowExpiredCursorsAndAcceptMissedDeletes",
        "debug",
    }
)

SyncPlan = NodeSetPlan | EdgeSetPlan


@dataclass(frozen=True, slots=True)
class _SyncState:
    """Where one result set's sync stands."""

    phase: str  # "backfill" (twoPhase, before the first short page) or "changes"
    watermark: int  # changes with a higher sequence are still to be returned
    started: int  # the store's sequence when the sync started
    after: list[Any] | None = None  # backfill: the key of the last member returned


def _initial_state(plan: SyncPlan, current: int) -> _SyncState:
    if plan.sync.mode == "noBackfill":
        return _SyncState("changes", current, current)
    if plan.sync.mode == "twoPhase":
        return _SyncState("backfill", 0, current)
    return _SyncState("changes", 0, current)


def _decode_state(cursor: str, plan: SyncPlan, now_ms: int, allow_expired: bool) -> _SyncState:
    payload = decode_cursor(cursor, "sync", plan.name, plan.digest)
    issued, phase = payload.get("issued"), payload.get("phase")
    watermark, started, after = payload.get("watermark"), payload.get("started"), payload.get("after")
    well_formed = phase in ("backfill", "changes") and (after is None or isinstance(after, list))
    if not (
        well_formed and isinstance(issued, int) and isinstance(watermark, int) and isinstance(started, int)
    ):
        raise QueryError(f"cursors.{plan.name}: the cursor is damaged; pass nextCursor unchanged")
    if now_ms - issued > SYNC_CURSOR_TTL_MS and not allow_expired:
        raise QueryError(
            f"cursors.{plan.name}: Cursor has expired. Sync cursors are valid for 3 days because "
            "soft-deleted instances are cleaned up after that. Start a new sync without a cursor, or "
            "set allowExpiredCursorsAndAcceptMissedDeletes to true to continue and accept missed deletes."
        )
    return _SyncState(str(phase), watermark, started, after)


def _deleted_threshold(plan: SyncPlan, state: _SyncState) -> int:
    """Deletes with a sequence above this are reported for ``plan`` (backfill reports none)."""
    if state.phase == "backfill":
        return state.started
    if plan.sync.skip_already_deleted:
        return max(state.watermark, state.started)
    return state.watermark


def _is_reported(inst: StoredInstance, plan: SyncPlan, state: _SyncState) -> bool:
    if inst.sequence <= state.watermark:
        return False
    return inst.deleted_time is None or inst.sequence > _deleted_threshold(plan, state)


def _encode(plan: SyncPlan, state: _SyncState, now_ms: int) -> str:
    return encode_cursor(
        "sync",
        plan.name,
        plan.digest,
        {
            "phase": state.phase,
            "watermark": state.watermark,
            "started": state.started,
            "after": state.after,
            "issued": now_ms,
        },
    )


def _backfill_page(
    plan: SyncPlan, state: _SyncState, members: Sequence[StoredInstance], universe: InstanceUniverse
) -> tuple[list[StoredInstance], _SyncState]:
    order = plan.sync.backfill_order
    existing = [inst for inst in members if inst.deleted_time is None and inst.sequence <= state.started]
    keyed = sorted(((order.key(inst), universe.position(inst)), inst) for inst in existing)
    start = 0
    if state.after is not None:
        loaded = order.load_key(state.after[0]) if len(state.after) == 2 else None
        if loaded is None or not isinstance(state.after[1], int):
            raise QueryError(f"cursors.{plan.name}: the cursor is damaged; pass nextCursor unchanged")
        start = bisect.bisect_right(keyed, (loaded, state.after[1]), key=lambda pair: pair[0])
    chosen = keyed[start : start + plan.limit]
    page = [inst for _, inst in chosen]
    if len(page) < plan.limit:
        # A short page ends the backfill; from here on, changes made since the sync started.
        return page, _SyncState("changes", state.started, state.started)
    last_key, last_position = chosen[-1][0]
    return page, _SyncState(
        "backfill", state.watermark, state.started, [order.dump_key(last_key), last_position]
    )


def _changes_page(
    plan: SyncPlan, state: _SyncState, members: Sequence[StoredInstance], current: int
) -> tuple[list[StoredInstance], _SyncState]:
    changed = sorted(
        (inst for inst in members if _is_reported(inst, plan, state)), key=lambda inst: inst.sequence
    )
    page = changed[: plan.limit]
    watermark = page[-1].sequence if len(changed) > plan.limit else current
    return page, _SyncState("changes", watermark, state.started)


def _root_changes_page(
    plan: SyncPlan, state: _SyncState, universe: InstanceUniverse, current: int
) -> tuple[list[StoredInstance], _SyncState]:
    """:func:`_changes_page` for a set that reads no other set: only instances changed since the
    watermark are looked at, oldest change first, so a page costs the changes it passes over
    rather than the whole membership."""
    belongs = root_member_test(plan, universe)
    changed: list[StoredInstance] = []
    for inst in universe.store.changed_since(state.watermark):
        if universe.sees(inst) and _is_reported(inst, plan, state) and belongs(inst):
            changed.append(inst)
            if len(changed) > plan.limit:
                break
    page = changed[: plan.limit]
    watermark = page[-1].sequence if len(changed) > plan.limit else current
    return page, _SyncState("changes", watermark, state.started)


def run_sync(
    body: Mapping[str, Any], store: InstanceStore, schema: SchemaStore, now_ms: int
) -> dict[str, Any]:
    """Answer a sync request with the API's response body (``now_ms`` stamps new cursors).

    Raises :class:`QueryError` (or ``FilterError``), both 400s, for a request CDF would refuse,
    an expired cursor included.
    """
    body = refuse_unknown_fields(body, _SYNC_FIELDS, "sync")
    allow_expired = body.get("allowExpiredCursorsAndAcceptMissedDeletes", False)
    if not isinstance(allow_expired, bool):
        raise QueryError(
            "allowExpiredCursorsAndAcceptMissedDeletes: expected true or false, "
            f"got {describe_json(allow_expired)}"
        )
    context = PlanContext(
        schema=schema,
        store=store,
        parameters=parse_parameters(body),
        endpoint="sync",
        default_limit=QUERY_LIMIT_DEFAULT,
        max_limit=SYNC_LIMIT_MAX,
    )
    plans: list[SyncPlan] = [
        plan
        for plan in plan_result_sets(body["with"], context)
        # The planner refuses set operations in sync requests; this narrows the type.
        if isinstance(plan, (NodeSetPlan, EdgeSetPlan))
    ]
    by_name = {plan.name: plan for plan in plans}
    selections = parse_select(body["select"], list(by_name), schema, endpoint="sync")
    cursors = parse_cursors(body, list(by_name))

    current = store.current_sequence()
    states = {
        plan.name: (
            _decode_state(cursors[plan.name], plan, now_ms, allow_expired)
            if plan.name in cursors
            else _initial_state(plan, current)
        )
        for plan in plans
    }
    threshold = min(_deleted_threshold(plan, states[plan.name]) for plan in plans)
    universe = InstanceUniverse(store, show_deleted=lambda inst: inst.sequence > threshold)

    read_by_others = {name for plan in plans for name in plan.dependencies}
    memberships: dict[str, list[StoredInstance]] = {}
    items: dict[str, list[dict[str, Any]]] = {}
    next_cursors: dict[str, str] = {}
    for plan in plans:
        selection = selections.get(plan.name)
        state = states[plan.name]
        if plan.source is None and plan.name not in read_by_others and state.phase == "changes":
            if selection is None:
                continue
            page, new_state = _root_changes_page(plan, state, universe, current)
        else:
            members = [member.instance for member in members_of(plan, memberships, by_name, universe)]
            memberships[plan.name] = members
            if selection is None:
                continue
            if state.phase == "backfill":
                page, new_state = _backfill_page(plan, state, members, universe)
            else:
                page, new_state = _changes_page(plan, state, members, current)
        items[plan.name] = selection.render_all(page, schema)
        next_cursors[plan.name] = _encode(plan, new_state, now_ms)
    response: dict[str, Any] = {"items": items, "nextCursor": next_cursors}
    if body.get("includeTyping"):
        response["typing"] = {name: selection.typing(schema) for name, selection in selections.items()}
    return response
