"""run_sync: change streams per result set, soft deletes, sync modes and cursor expiry.

Changes are made through the emulator's own HTTP API (in process), as a client would make them.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pygen_runtime.testing import Emulator
from pygen_runtime.testing._errors import QueryError
from pygen_runtime.testing._sync import run_sync
from query_testbed import INSTANCE_SPACE, OMNI_SPACE, Clock, checked_sync, external_ids, view_ref

Written = dict[str, list[dict[str, Any]]]
Fresh = tuple[Emulator, Clock]
THREE_DAYS_MS = 3 * 24 * 60 * 60 * 1000


def of_type(node_type: str) -> dict[str, Any]:
    return {"equals": {"property": ["node", "type"], "value": {"space": OMNI_SPACE, "externalId": node_type}}}


def api(emulator: Emulator, path: str, body: dict[str, Any]) -> dict[str, Any]:
    with httpx.Client(transport=emulator.transport()) as client:
        response = client.post(emulator.api_url(path), json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def rename(emulator: Emulator, external_id: str, name: str) -> None:
    item = {
        "instanceType": "node",
        "space": INSTANCE_SPACE,
        "externalId": external_id,
        "type": {"space": OMNI_SPACE, "externalId": "ConnectionItemA"},
        "sources": [{"source": view_ref("ConnectionItemA"), "properties": {"name": name}}],
    }
    api(emulator, "/models/instances", {"items": [item]})


def delete(emulator: Emulator, external_id: str) -> None:
    api(
        emulator,
        "/models/instances/delete",
        {"items": [{"instanceType": "node", "space": INSTANCE_SPACE, "externalId": external_id}]},
    )


def drain(emulator: Emulator, body: dict[str, Any], name: str, pages: int = 50) -> list[dict[str, Any]]:
    """Follow ``name``'s cursor until a page comes back empty; returns every item seen."""
    seen: list[dict[str, Any]] = []
    for _ in range(pages):
        response = checked_sync(emulator, body)
        body["cursors"] = {**body.get("cursors", {}), name: response["nextCursor"][name]}
        if not response["items"][name]:
            return seen
        seen.extend(response["items"][name])
    raise AssertionError(f"{name} did not catch up within {pages} pages")


def a_sync(**expression: Any) -> dict[str, Any]:
    """A sync of the ConnectionItemA nodes, as result set ``a``."""
    return {
        "with": {"a": {"nodes": {"filter": of_type("ConnectionItemA")}, **expression}},
        "select": {"a": {}},
    }


def a_nodes(written: Written) -> list[str]:
    return [item["externalId"] for item in written["ConnectionItemA.node"]]


class TestOnePhase:
    def test_the_first_calls_return_every_live_member_once(self, fresh_omni: Fresh, written: Written) -> None:
        emulator, _ = fresh_omni
        body: dict[str, Any] = {
            "with": {"a": {"nodes": {"filter": of_type("ConnectionItemA")}, "limit": 2}},
            "select": {"a": {}},
        }
        seen = drain(emulator, body, "a")
        assert sorted(external_ids(seen)) == sorted(a_nodes(written))
        assert all("deletedTime" not in item for item in seen)

    def test_then_only_changes_and_deletes_arrive(self, fresh_omni: Fresh, written: Written) -> None:
        emulator, clock = fresh_omni
        body: dict[str, Any] = {
            "with": {"a": {"nodes": {"filter": of_type("ConnectionItemA")}, "limit": 100}},
            "select": {"a": {"sources": [{"source": view_ref("ConnectionItemA"), "properties": ["name"]}]}},
        }
        drain(emulator, body, "a")
        renamed, removed = a_nodes(written)[:2]
        clock.now += 1000
        rename(emulator, renamed, "a new name")
        clock.now += 1000
        delete(emulator, removed)
        changes = drain(emulator, body, "a")
        assert external_ids(changes) == [renamed, removed]
        assert changes[0]["properties"][OMNI_SPACE]["ConnectionItemA/1"]["name"] == "a new name"
        assert changes[1]["deletedTime"] == clock.now
        assert drain(emulator, body, "a") == []

    def test_a_change_made_while_paging_is_returned_again(self, fresh_omni: Fresh, written: Written) -> None:
        emulator, _ = fresh_omni
        body: dict[str, Any] = {
            "with": {"a": {"nodes": {"filter": of_type("ConnectionItemA")}, "limit": 2}},
            "select": {"a": {}},
        }
        first = checked_sync(emulator, body)
        already_seen = external_ids(first["items"]["a"])[0]
        rename(emulator, already_seen, "changed during backfill")
        body["cursors"] = {"a": first["nextCursor"]["a"]}
        rest = drain(emulator, body, "a")
        assert external_ids(rest)[-1] == already_seen
        assert sorted(external_ids(first["items"]["a"]) + external_ids(rest)[:-1]) == sorted(a_nodes(written))

    def test_deletes_made_before_the_sync_started_are_skipped_unless_asked_for(
        self, fresh_omni: Fresh, written: Written
    ) -> None:
        emulator, _ = fresh_omni
        gone = a_nodes(written)[0]
        delete(emulator, gone)
        skipping = {"with": {"a": {"nodes": {"filter": of_type("ConnectionItemA")}}}, "select": {"a": {}}}
        assert gone not in external_ids(drain(emulator, skipping, "a"))
        keeping: dict[str, Any] = {
            "with": {"a": {"nodes": {"filter": of_type("ConnectionItemA")}, "skipAlreadyDeleted": False}},
            "select": {"a": {}},
        }
        everything = drain(emulator, keeping, "a")
        assert [item["externalId"] for item in everything if "deletedTime" in item] == [gone]

    def test_a_chained_set_reports_edges_deleted_with_their_node(
        self, fresh_omni: Fresh, written: Written
    ) -> None:
        emulator, _ = fresh_omni
        body: dict[str, Any] = {
            "with": {
                "a": {"nodes": {"filter": of_type("ConnectionItemA")}, "limit": 1000},
                "out": {"edges": {"from": "a", "direction": "outwards", "maxDistance": 1}, "limit": 1000},
            },
            "select": {"out": {}},
        }
        initial = drain(emulator, body, "out")
        start = initial[0]["startNode"]["externalId"]
        delete(emulator, start)
        deleted = drain(emulator, body, "out")
        assert {item["externalId"] for item in deleted} == {
            item["externalId"] for item in initial if item["startNode"]["externalId"] == start
        }
        assert all("deletedTime" in item for item in deleted)

    def test_a_set_chained_inwards_through_a_relation_reports_the_nodes_pointing_in(
        self, fresh_omni: Fresh, written: Written
    ) -> None:
        emulator, _ = fresh_omni
        d_items = {
            item["externalId"]: item["sources"][0]["properties"] for item in written["ConnectionItemD.node"]
        }
        target = next(
            props["directSingle"]["externalId"] for props in d_items.values() if props.get("directSingle")
        )
        through = {"source": view_ref("ConnectionItemD"), "identifier": "directSingle"}
        body: dict[str, Any] = {
            "with": {
                "target": {
                    "nodes": {"filter": {"in": {"property": ["node", "externalId"], "values": [target]}}}
                },
                "pointing": {"nodes": {"from": "target", "through": through, "direction": "inwards"}},
                # Neither selected nor read by another set: costs nothing, changes nothing.
                "unused": {"nodes": {}},
            },
            "select": {"pointing": {}},
        }
        pointing = drain(emulator, body, "pointing")
        assert pointing
        assert sorted(external_ids(pointing)) == sorted(
            xid
            for xid, props in d_items.items()
            if (props.get("directSingle") or {}).get("externalId") == target
        )


class TestModes:
    def test_no_backfill_starts_with_nothing_and_then_streams(
        self, fresh_omni: Fresh, written: Written
    ) -> None:
        emulator, _ = fresh_omni
        body: dict[str, Any] = {
            "with": {"a": {"nodes": {"filter": of_type("ConnectionItemA")}, "mode": "noBackfill"}},
            "select": {"a": {}},
        }
        assert drain(emulator, body, "a") == []
        rename(emulator, a_nodes(written)[0], "later")
        assert external_ids(drain(emulator, body, "a")) == [a_nodes(written)[0]]

    def test_two_phase_backfills_in_sort_order_then_streams(
        self, fresh_omni: Fresh, written: Written
    ) -> None:
        emulator, _ = fresh_omni
        body: dict[str, Any] = {
            "with": {
                "a": {
                    "nodes": {"filter": of_type("ConnectionItemA")},
                    "mode": "twoPhase",
                    "backfillSort": [{"property": ["node", "externalId"], "direction": "descending"}],
                    "limit": 2,
                }
            },
            "select": {"a": {}},
        }
        backfill: list[str] = []
        for _ in range(10):
            response = checked_sync(emulator, body)
            body["cursors"] = {"a": response["nextCursor"]["a"]}
            backfill.extend(external_ids(response["items"]["a"]))
            if len(response["items"]["a"]) < 2:
                break
        assert backfill == sorted(a_nodes(written), reverse=True)
        rename(emulator, a_nodes(written)[-1], "after the backfill")
        assert external_ids(drain(emulator, body, "a")) == [a_nodes(written)[-1]]


class TestCursorExpiry:
    def test_a_cursor_older_than_three_days_is_refused(self, fresh_omni: Fresh) -> None:
        emulator, clock = fresh_omni
        body: dict[str, Any] = {
            "with": {"a": {"nodes": {"filter": of_type("ConnectionItemA")}}},
            "select": {"a": {}},
        }
        body["cursors"] = {"a": checked_sync(emulator, body)["nextCursor"]["a"]}
        clock.now += THREE_DAYS_MS
        checked_sync(emulator, body)  # exactly three days old is still valid
        clock.now += 1
        with pytest.raises(QueryError, match=r"cursors\.a: Cursor has expired") as caught:
            run_sync(body, emulator.state.store, emulator.state.schema, emulator.state.now())
        assert caught.value.status == 400
        body["allowExpiredCursorsAndAcceptMissedDeletes"] = True
        assert checked_sync(emulator, body)["items"]["a"] == []


class TestTyping:
    def test_include_typing_describes_the_selected_properties(self, omni: Emulator) -> None:
        body = {
            "with": {"a": {"nodes": {"filter": of_type("ConnectionItemA")}}},
            "select": {"a": {"sources": [{"source": view_ref("ConnectionItemA"), "properties": ["name"]}]}},
            "includeTyping": True,
        }
        response = checked_sync(omni, body)
        assert set(response["typing"]["a"][OMNI_SPACE]["ConnectionItemA/1"]) == {"name"}


def sync_of(expression: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"with": {"a": expression}, "select": {"a": {}}, **top}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (sync_of({"nodes": {}, "limit": 2001}), r"^with\.a\.limit: 2001 is over the maximum of 2000"),
        (sync_of({"nodes": {}, "sort": []}), r"^with\.a: unknown field\(s\) sort"),
        (sync_of({"edges": {}, "postSort": []}), r"^with\.a: unknown field\(s\) postSort"),
        (sync_of({"union": ["a"]}), r"^with\.a: a result set expression has one of nodes or edges"),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"a": {"sort": []}}},
            r"^select\.a: unknown field\(s\) sort",
        ),
        (
            sync_of({"nodes": {}, "mode": "fast"}),
            r"^with\.a\.mode: expected one of onePhase, twoPhase, noBackfill",
        ),
        (
            sync_of({"nodes": {}, "backfillSort": [{"property": ["node", "externalId"]}]}),
            r"^with\.a\.backfillSort: only allowed with mode 'twoPhase'",
        ),
        (sync_of({"nodes": {}, "skipAlreadyDeleted": "no"}), r"skipAlreadyDeleted: expected true or false"),
        (sync_of({"nodes": {}}, allowExpiredCursorsAndAcceptMissedDeletes=1), r"^allowExpired"),
        (sync_of({"nodes": {}}, cursors={"a": "nope"}), r"^cursors\.a: not a sync cursor"),
    ],
)
def test_a_bad_sync_request_gets_a_400_naming_the_problem(omni: Emulator, body: Any, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        run_sync(body, omni.state.store, omni.state.schema, omni.state.now())


def test_a_query_cursor_is_not_a_sync_cursor(omni: Emulator) -> None:
    from pygen_runtime.testing._query import run_query

    body: dict[str, Any] = {"with": {"a": {"nodes": {}, "limit": 1}}, "select": {"a": {}}}
    cursor = run_query(body, omni.state.store, omni.state.schema)["nextCursor"]["a"]
    with pytest.raises(QueryError, match=r"^cursors\.a: not a sync cursor issued by this service"):
        run_sync({**body, "cursors": {"a": cursor}}, omni.state.store, omni.state.schema, omni.state.now())


@pytest.mark.parametrize(
    "state",
    [
        {"phase": "later", "watermark": 0, "started": 0, "after": None, "issued": 0},
        {"phase": "changes", "watermark": "0", "started": 0, "after": None, "issued": 0},
        {"phase": "backfill", "watermark": 0, "started": 0, "after": ["x"], "issued": 0},
    ],
)
def test_a_damaged_sync_cursor_is_refused(omni: Emulator, state: dict[str, Any]) -> None:
    from pygen_runtime.testing._query_cursors import encode_cursor
    from pygen_runtime.testing._query_plan import PlanContext, plan_result_sets

    with_ = {"a": {"nodes": {}, "mode": "twoPhase"}}
    context = PlanContext(omni.state.schema, omni.state.store, None, "sync", 100, 2000)
    digest = plan_result_sets(with_, context)[0].digest
    body = {"with": with_, "select": {"a": {}}, "cursors": {"a": encode_cursor("sync", "a", digest, state)}}
    with pytest.raises(QueryError, match=r"^cursors\.a: the cursor is damaged"):
        run_sync(body, omni.state.store, omni.state.schema, state["issued"])
