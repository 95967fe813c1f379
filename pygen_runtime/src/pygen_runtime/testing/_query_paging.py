"""One page of one result set of a query: the members after a cursor, evaluating no more than needed.

Every result set is totally ordered (see :mod:`._query_traversal`) and a cursor carries the order
key of the last member it returned, so a page is "the first ``limit`` members after that key".
How that page is found depends on the set's shape:

- **A set that reads no other set and has no sort** is in storage-slot order, so the page is read
  by seeking in the store from the slot after the cursor's, as ``/list`` pages: the cost is the
  instances looked at to fill the page plus one more member (whether a next page exists), not the
  whole project.
- **A sorted set that reads no other set** is evaluated and sorted once; the sorted members are
  kept in the store until its next write or delete, and later pages find their place by bisection
  (O(log n) plus the page). A write between pages makes the next page evaluate the set again, so
  a page always reflects the data as it is when the page is asked for.
- **Chained sets and set operations** are evaluated from the pages of the sets they read, which
  are small, and then bisected.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._query_plan import EdgeSetPlan, NodeSetPlan, ResultSetPlan
from pygen_runtime.testing._query_traversal import InstanceUniverse, Member, members_of, root_member_test

if TYPE_CHECKING:
    from pygen_runtime.testing._store import StoredInstance

__all__ = ["OrderKey", "SetPage", "page_after"]

OrderKey = tuple[tuple[Any, ...], int, int]
"""A member's place in its set: (sort key, storage slot, occurrence), as :class:`Member` has it."""


@dataclass(frozen=True, slots=True)
class SetPage:
    """The members of one page of a result set, and whether more members follow them."""

    members: list[Member]
    has_more: bool


def _seek_unsorted(
    plan: NodeSetPlan | EdgeSetPlan, after: OrderKey | None, limit: int, universe: InstanceUniverse
) -> SetPage:
    belongs = root_member_test(plan, universe)
    start_slot = 0 if after is None else after[1] + 1
    found: list[Member] = []
    # One member past the page tells whether a next page exists.
    for slot, inst in universe.store.live_from(start_slot):
        if belongs(inst):
            found.append(Member(inst, (), slot))
            if len(found) > limit:
                break
    return SetPage(found[:limit], len(found) > limit)


def _slice_after(members: Sequence[Member], after: OrderKey | None, limit: int) -> SetPage:
    start = 0 if after is None else bisect.bisect_right(members, after, key=lambda member: member.order_key)
    return SetPage(list(members[start : start + limit]), start + limit < len(members))


def page_after(
    plan: ResultSetPlan,
    after: OrderKey | None,
    limit: int,
    pages: Mapping[str, Sequence[StoredInstance]],
    plans: Mapping[str, ResultSetPlan],
    universe: InstanceUniverse,
    request_scope: Hashable,
) -> SetPage:
    """The first ``limit`` members of ``plan`` after the order key ``after`` (from the start if None).

    ``pages`` holds the page each set ``plan`` reads returns in this request. ``request_scope``
    must capture what besides the set's definition and the instances decides its members (the
    request's parameters, the schema's generation): a sorted set evaluated for one scope is
    reused only within it.
    """
    if isinstance(plan, (NodeSetPlan, EdgeSetPlan)) and plan.source is None:
        if not plan.order:
            return _seek_unsorted(plan, after, limit, universe)
        members = universe.store.cached(
            ("query-sorted-set", plan.digest, request_scope),
            lambda: members_of(plan, pages, plans, universe),
        )
        return _slice_after(members, after, limit)
    return _slice_after(members_of(plan, pages, plans, universe), after, limit)
