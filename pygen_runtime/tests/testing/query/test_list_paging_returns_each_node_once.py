"""The list endpoint pages any set of nodes, with any limit and sort, returning each node once."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from pygen_runtime.testing import Emulator

VIEW = {"type": "view", "space": "s", "externalId": "Thing", "version": "1"}
MAX_PAGES = 100


def thing_view() -> dict[str, Any]:
    def prop(name: str, kind: str) -> dict[str, Any]:
        return {
            "container": {"type": "container", "space": "s", "externalId": "Thing"},
            "containerPropertyIdentifier": name,
            "type": {"type": kind, "list": False},
            "nullable": True,
        }

    return {
        "space": "s",
        "externalId": "Thing",
        "version": "1",
        "usedFor": "node",
        "properties": {"size": prop("size", "int32"), "label": prop("label", "text")},
    }


things = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(0, 2)), st.one_of(st.none(), st.sampled_from(["a", "b"]))),
    max_size=15,
)
sorts = st.lists(
    st.tuples(st.sampled_from(["size", "label"]), st.booleans(), st.booleans()),
    max_size=2,
    unique_by=lambda s: s[0],
)


@settings(max_examples=40, deadline=None)
@given(rows=things, limit=st.integers(1, 6), sort=sorts)
def test_every_node_comes_back_once_in_sort_order(
    rows: list[tuple[int | None, str | None]], limit: int, sort: list[tuple[str, bool, bool]]
) -> None:
    emulator = Emulator(clock=lambda: 0)
    emulator.load_model({"space": "s", "externalId": "M", "version": "1", "views": [thing_view()]})
    written = {f"t{index:02d}": {"size": size, "label": label} for index, (size, label) in enumerate(rows)}
    if written:
        emulator.load_instances(
            [
                {
                    "instanceType": "node",
                    "space": "s",
                    "externalId": xid,
                    "sources": [{"source": VIEW, "properties": values}],
                }
                for xid, values in written.items()
            ]
        )
    body: dict[str, Any] = {"instanceType": "node", "limit": limit, "sources": [{"source": VIEW}]}
    if sort:
        body["sort"] = [
            {
                "property": ["s", "Thing/1", name],
                "direction": "descending" if descending else "ascending",
                "nullsFirst": nulls_first,
            }
            for name, descending, nulls_first in sort
        ]
    seen: list[str] = []
    with httpx.Client(transport=emulator.transport()) as client:
        for _ in range(MAX_PAGES):
            response = client.post(emulator.api_url("/models/instances/list"), json=body)
            assert response.status_code == 200, response.text
            page = response.json()
            seen.extend(item["externalId"] for item in page["items"])
            if not page.get("nextCursor"):
                break
            body["cursor"] = page["nextCursor"]
        else:
            raise AssertionError("paging did not end")
    assert sorted(seen) == sorted(written)
    for before, after in itertools.pairwise(seen):
        for name, descending, nulls_first in sort:
            a, b = written[before][name], written[after][name]
            if a == b:
                continue
            if a is None or b is None:
                assert (a is None) == nulls_first
            else:
                assert (a > b) if descending else (a < b)
            break
