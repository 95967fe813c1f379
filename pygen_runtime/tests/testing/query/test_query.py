"""run_query over Omni's real graph: direct relations, edges, set operations, select, cursors.

Expected result sets come from the instance files, walked with plain Python; every request and
response is checked against the official API spec.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pygen_runtime.testing import Emulator
from pygen_runtime.testing._errors import FilterError, QueryError
from pygen_runtime.testing._query import run_query
from query_testbed import (
    INSTANCE_SPACE,
    MODELS,
    OMNI_SPACE,
    Clock,
    checked_query,
    external_ids,
    load_omni,
    view_property,
    view_ref,
)

Written = dict[str, list[dict[str, Any]]]
Query = Callable[[dict[str, Any]], dict[str, Any]]


def node_ids(written: Written, stem: str) -> set[str]:
    return {item["externalId"] for item in written[stem]}


def edges(written: Written) -> dict[str, tuple[str, str, str]]:
    """edge external id -> (type, start node, end node); later files overwrite earlier ones."""
    return {
        item["externalId"]: (
            item["type"]["externalId"],
            item["startNode"]["externalId"],
            item["endNode"]["externalId"],
        )
        for stem, items in written.items()
        if stem.endswith(".edge")
        for item in items
    }


def of_type(node_type: str) -> dict[str, Any]:
    return {"equals": {"property": ["node", "type"], "value": {"space": OMNI_SPACE, "externalId": node_type}}}


def edge_type(name: str) -> dict[str, Any]:
    return {"equals": {"property": ["edge", "type"], "value": {"space": OMNI_SPACE, "externalId": name}}}


def by_ids(*external_ids: str) -> dict[str, Any]:
    return {"instanceReferences": [{"space": INSTANCE_SPACE, "externalId": xid} for xid in external_ids]}


def items_of(response: dict[str, Any], name: str) -> set[str]:
    return set(external_ids(response["items"][name]))


class TestNodeSets:
    def test_filter_sort_and_limit(self, query: Query, written: Written) -> None:
        response = query(
            {
                "with": {
                    "items": {
                        "nodes": {"filter": of_type("ConnectionItemA")},
                        "sort": [{"property": ["node", "externalId"], "direction": "descending"}],
                        "limit": 3,
                    }
                },
                "select": {"items": {}},
            }
        )
        assert (
            external_ids(response["items"]["items"])
            == sorted(node_ids(written, "ConnectionItemA.node"))[::-1][:3]
        )
        assert "items" in response["nextCursor"]

    def test_only_selected_sets_are_returned_with_the_selected_properties(self, query: Query) -> None:
        response = query(
            {
                "with": {
                    "all": {"nodes": {"filter": of_type("ConnectionItemD")}},
                    "named": {
                        "nodes": {
                            "from": "all",
                            "filter": {"exists": {"property": view_property("ConnectionItemD", "name")}},
                        }
                    },
                },
                "select": {
                    "named": {"sources": [{"source": view_ref("ConnectionItemD"), "properties": ["name"]}]}
                },
            }
        )
        assert set(response["items"]) == {"named"}
        for item in response["items"]["named"]:
            assert set(item["properties"][OMNI_SPACE]["ConnectionItemD/1"]) == {"name"}

    def test_a_star_selects_every_property_and_typing_describes_them(self, query: Query) -> None:
        response = query(
            {
                "with": {
                    "p": {
                        "nodes": {
                            "filter": {
                                "prefix": {"property": ["node", "externalId"], "value": "PrimitiveNullable:"}
                            }
                        }
                    }
                },
                "select": {
                    "p": {"sources": [{"source": view_ref("PrimitiveNullable"), "properties": ["*"]}]}
                },
                "includeTyping": True,
            }
        )
        typed = response["typing"]["p"][OMNI_SPACE]["PrimitiveNullable/1"]
        assert typed["int64"]["type"]["type"] == "int64"
        assert set(typed) >= {"text", "timestamp", "json"}
        returned = set().union(
            *(item["properties"][OMNI_SPACE]["PrimitiveNullable/1"] for item in response["items"]["p"])
        )
        assert returned == set(typed)

    def test_a_source_without_properties_selects_all_of_them(self, omni: Emulator) -> None:
        body = {
            "with": {"a": {"nodes": {"filter": of_type("ConnectionItemA")}}},
            "select": {"a": {"sources": [{"source": view_ref("ConnectionItemA")}]}},
        }
        everything = {
            **body,
            "select": {"a": {"sources": [{"source": view_ref("ConnectionItemA"), "properties": ["*"]}]}},
        }
        store, schema = omni.state.store, omni.state.schema
        items = run_query(body, store, schema)["items"]["a"]
        assert items == run_query(everything, store, schema)["items"]["a"]
        assert any(item["properties"][OMNI_SPACE]["ConnectionItemA/1"] for item in items)

    def test_typing_lists_only_the_selected_properties(self, query: Query) -> None:
        response = query(
            {
                "with": {
                    "p": {
                        "nodes": {
                            "filter": {
                                "prefix": {"property": ["node", "externalId"], "value": "PrimitiveNullable:"}
                            }
                        }
                    }
                },
                "select": {
                    "p": {"sources": [{"source": view_ref("PrimitiveNullable"), "properties": ["text"]}]}
                },
                "includeTyping": True,
            }
        )
        assert set(response["typing"]["p"][OMNI_SPACE]["PrimitiveNullable/1"]) == {"text"}


class TestDirectRelations:
    def test_outwards_follows_the_relation_to_its_targets(self, query: Query, written: Written) -> None:
        d_items = {
            item["externalId"]: item["sources"][0]["properties"] for item in written["ConnectionItemD.node"]
        }
        start = sorted(xid for xid, props in d_items.items() if props.get("directSingle"))[:2]
        through = {"source": view_ref("ConnectionItemD"), "identifier": "directSingle"}
        response = query(
            {
                "with": {
                    "start": {"nodes": {"filter": by_ids(*start)}},
                    "targets": {"nodes": {"from": "start", "through": through, "direction": "outwards"}},
                },
                "select": {"targets": {}},
            }
        )
        assert items_of(response, "targets") == {d_items[xid]["directSingle"]["externalId"] for xid in start}

    def test_inwards_finds_the_nodes_pointing_at_the_set(self, query: Query, written: Written) -> None:
        d_items = {
            item["externalId"]: item["sources"][0]["properties"] for item in written["ConnectionItemD.node"]
        }
        target = next(
            props["directSingle"]["externalId"] for props in d_items.values() if props.get("directSingle")
        )
        # The deprecated {view, identifier} spelling of `through` still works.
        through = {"view": view_ref("ConnectionItemD"), "identifier": "directSingle"}
        response = query(
            {
                "with": {
                    "target": {"nodes": {"filter": by_ids(target)}},
                    "pointing": {"nodes": {"from": "target", "through": through, "direction": "inwards"}},
                },
                "select": {"pointing": {}},
            }
        )
        assert items_of(response, "pointing") == {
            xid
            for xid, props in d_items.items()
            if (props.get("directSingle") or {}).get("externalId") == target
        }

    def test_list_relations_both_ways_through_the_container(self, query: Query, written: Written) -> None:
        d_items = {
            item["externalId"]: item["sources"][0]["properties"] for item in written["ConnectionItemD.node"]
        }
        start = next(xid for xid, props in d_items.items() if props.get("directMulti"))
        through = {
            "source": {"type": "container", "space": OMNI_SPACE, "externalId": "ConnectionDirectList"},
            "identifier": "directList",
        }
        response = query(
            {
                "with": {
                    "start": {"nodes": {"filter": by_ids(start)}},
                    "targets": {"nodes": {"from": "start", "through": through, "direction": "outwards"}},
                    "back": {"nodes": {"from": "targets", "through": through, "direction": "inwards"}},
                },
                "select": {"targets": {}, "back": {}},
            }
        )
        targets = {ref["externalId"] for ref in d_items[start]["directMulti"]}
        assert items_of(response, "targets") == targets
        # D, F and H map the same container property; a later write of it replaces an earlier one.
        names = {
            "ConnectionItemD": "directMulti",
            "ConnectionItemF": "directList",
            "ConnectionItemH": "directParentMulti",
        }
        stored: dict[str, list[dict[str, str]]] = {}
        for items in written.values():
            for item in items:
                for source in item.get("sources") or []:
                    name = names.get(source["source"]["externalId"])
                    if name is not None and name in source["properties"]:
                        stored[item["externalId"]] = source["properties"][name] or []
        pointing_back = {
            xid for xid, refs in stored.items() if any(ref["externalId"] in targets for ref in refs)
        }
        assert items_of(response, "back") == pointing_back
        assert start in pointing_back


class TestEdges:
    def test_outwards_from_nodes_and_on_to_the_far_ends(self, query: Query, written: Written) -> None:
        graph = edges(written)
        start = sorted(node_ids(written, "ConnectionItemA.node"))[:2]
        response = query(
            {
                "with": {
                    "a": {"nodes": {"filter": by_ids(*start)}},
                    "links": {
                        "edges": {
                            "from": "a",
                            "direction": "outwards",
                            "maxDistance": 1,
                            "filter": edge_type("bidirectional"),
                        }
                    },
                    "b": {"nodes": {"from": "links"}},
                    "back_to_a": {"nodes": {"from": "links", "chainTo": "source"}},
                },
                "select": {"links": {}, "b": {}, "back_to_a": {}},
            }
        )
        expected = {xid for xid, (kind, s, _) in graph.items() if kind == "bidirectional" and s in start}
        assert items_of(response, "links") == expected
        assert items_of(response, "b") == {graph[xid][2] for xid in expected}
        assert items_of(response, "back_to_a") == {graph[xid][1] for xid in expected}

    def test_inwards_reaches_the_start_nodes_and_chain_to_swaps(self, query: Query, written: Written) -> None:
        graph = edges(written)
        target = next(end for kind, _, end in graph.values() if kind == "unidirectional")
        response = query(
            {
                "with": {
                    "t": {"nodes": {"filter": by_ids(target)}},
                    "in": {"edges": {"from": "t", "direction": "inwards", "maxDistance": 1}},
                    "sources": {"nodes": {"from": "in", "chainTo": "destination"}},
                    "itself": {"nodes": {"from": "in", "chainTo": "source"}},
                },
                "select": {"in": {}, "sources": {}, "itself": {}},
            }
        )
        expected = {xid for xid, (_, _, end) in graph.items() if end == target}
        assert items_of(response, "in") == expected
        assert items_of(response, "sources") == {graph[xid][1] for xid in expected}
        assert items_of(response, "itself") == {target}

    def test_without_a_limit_on_distance_walks_the_whole_reachable_graph(
        self, query: Query, written: Written
    ) -> None:
        graph = edges(written)
        reflexive = {xid: (s, e) for xid, (kind, s, e) in graph.items() if kind == "reflexive"}
        start = next(s for s, _ in reflexive.values())
        reached, frontier, walked = {start}, [start], set()
        while frontier:  # plain breadth-first search over the files' edges
            nxt = []
            for node in frontier:
                for xid, (s, e) in reflexive.items():
                    if s == node:
                        walked.add(xid)
                        if e not in reached:
                            reached.add(e)
                            nxt.append(e)
            frontier = nxt
        response = query(
            {
                "with": {
                    "s": {"nodes": {"filter": by_ids(start)}},
                    "walk": {"edges": {"from": "s", "filter": edge_type("reflexive")}, "limit": 1000},
                    "one": {"edges": {"from": "s", "filter": edge_type("reflexive"), "maxDistance": 1}},
                },
                "select": {"walk": {}, "one": {}},
            }
        )
        assert items_of(response, "walk") == walked
        assert items_of(response, "one") == {xid for xid, (s, _) in reflexive.items() if s == start}
        assert len(walked) > len(items_of(response, "one"))

    def test_node_filter_and_termination_filter(self, query: Query, written: Written) -> None:
        graph = edges(written)
        reflexive = {xid: (s, e) for xid, (kind, s, e) in graph.items() if kind == "reflexive"}
        start = next(s for s, _ in reflexive.values())
        first_hop = {e for s, e in reflexive.values() if s == start}
        stop_at = sorted(first_hop)[0]
        response = query(
            {
                "with": {
                    "s": {"nodes": {"filter": by_ids(start)}},
                    "only_to": {"edges": {"from": "s", "maxDistance": 1, "nodeFilter": by_ids(stop_at)}},
                    "stopped": {
                        "edges": {
                            "from": "s",
                            "filter": edge_type("reflexive"),
                            "terminationFilter": {"not": by_ids(start)},
                        }
                    },
                },
                "select": {"only_to": {}, "stopped": {}},
            }
        )
        assert items_of(response, "only_to") == {
            xid for xid, (_, s, e) in graph.items() if s == start and e == stop_at
        }
        # Every node but the start terminates, so the walk ends after the first hop.
        assert items_of(response, "stopped") == {xid for xid, (s, _) in reflexive.items() if s == start}

    def test_limit_each_keeps_that_many_edges_per_start_node(self, query: Query, written: Written) -> None:
        graph = edges(written)
        starts = node_ids(written, "ConnectionItemC.node")
        response = query(
            {
                "with": {
                    "c": {"nodes": {"filter": of_type("ConnectionItemC")}},
                    "first": {
                        "edges": {"from": "c", "maxDistance": 1, "limitEach": 1},
                        "sort": [{"property": ["edge", "externalId"]}],
                    },
                },
                "select": {"first": {}},
            }
        )
        expected = set()
        for node in starts:
            outgoing = sorted(xid for xid, (_, s, _) in graph.items() if s == node)
            expected.update(outgoing[:1])
        assert items_of(response, "first") == expected

    def test_edges_without_from_are_all_matching_edges(self, query: Query, written: Written) -> None:
        graph = edges(written)
        response = query(
            {
                "with": {
                    "e": {
                        "edges": {
                            "filter": edge_type("unidirectional"),
                            "nodeFilter": of_type("ConnectionItemA"),
                        },
                        "limit": 1000,
                    }
                },
                "select": {"e": {}},
            }
        )
        a_nodes = node_ids(written, "ConnectionItemA.node")
        assert items_of(response, "e") == {
            xid for xid, (k, _, e) in graph.items() if k == "unidirectional" and e in a_nodes
        }

    def test_post_sort_orders_the_returned_page(self, query: Query) -> None:
        response = query(
            {
                "with": {
                    "e": {
                        "edges": {"filter": edge_type("reflexive")},
                        "sort": [{"property": ["edge", "externalId"]}],
                        "postSort": [{"property": ["edge", "externalId"], "direction": "descending"}],
                        "limit": 4,
                    },
                    "f": {
                        "edges": {"filter": edge_type("reflexive")},
                        "sort": [{"property": ["edge", "externalId"]}],
                        "limit": 4,
                    },
                },
                "select": {
                    "e": {},
                    "f": {"sort": [{"property": ["edge", "externalId"], "direction": "descending"}]},
                },
            }
        )
        page = external_ids(response["items"]["e"])
        assert page == sorted(page, reverse=True)
        assert external_ids(response["items"]["f"]) == page


class TestSetOperations:
    @pytest.fixture
    def sets(self) -> dict[str, Any]:
        return {
            "a": {"nodes": {"filter": of_type("ConnectionItemA")}},
            "b": {"nodes": {"filter": of_type("ConnectionItemB")}},
            "first_a": {
                "nodes": {"filter": of_type("ConnectionItemA")},
                "sort": [{"property": ["node", "externalId"]}],
                "limit": 2,
            },
        }

    def test_union_intersection_and_except(
        self, query: Query, written: Written, sets: dict[str, Any]
    ) -> None:
        a, b = node_ids(written, "ConnectionItemA.node"), node_ids(written, "ConnectionItemB.node")
        first_two = set(sorted(a)[:2])
        response = query(
            {
                "with": {
                    **sets,
                    "both": {"union": ["a", "b"]},
                    "twice": {"unionAll": ["a", "first_a"]},
                    "twice_but": {"unionAll": ["a", "first_a", "b"], "except": ["first_a"]},
                    "common": {"intersection": ["a", "first_a"]},
                    "rest": {"union": ["a", {"intersection": ["b", "b"]}], "except": ["first_a"]},
                },
                "select": {"both": {}, "twice": {}, "twice_but": {}, "common": {}, "rest": {}},
            }
        )
        assert items_of(response, "both") == a | b
        assert len(response["items"]["both"]) == len(a | b)
        assert sorted(external_ids(response["items"]["twice"])) == sorted([*a, *first_two])
        assert sorted(external_ids(response["items"]["twice_but"])) == sorted((a | b) - first_two)
        assert items_of(response, "common") == first_two
        assert items_of(response, "rest") == (a | b) - first_two

    def test_a_set_operation_pages_with_its_cursor(
        self, written: Written, omni: Emulator, sets: dict[str, Any]
    ) -> None:
        body = {"with": {**sets, "all": {"unionAll": ["a", "b", "a"], "limit": 3}}, "select": {"all": {}}}
        seen: list[str] = []
        for _ in range(20):
            response = checked_query(omni, body)
            seen.extend(external_ids(response["items"]["all"]))
            if "all" not in response["nextCursor"]:
                break
            body["cursors"] = {"all": response["nextCursor"]["all"]}
        a, b = node_ids(written, "ConnectionItemA.node"), node_ids(written, "ConnectionItemB.node")
        assert sorted(seen) == sorted([*a, *b, *a])


class TestDeletedInstances:
    def test_a_direct_relation_to_a_deleted_node_leads_nowhere(self, written: Written) -> None:
        emulator = load_omni(Emulator(clock=Clock()))
        d_items = {
            item["externalId"]: item["sources"][0]["properties"] for item in written["ConnectionItemD.node"]
        }
        start, props = next((xid, props) for xid, props in d_items.items() if props.get("directSingle"))
        target = props["directSingle"]["externalId"]
        body = {
            "with": {
                "start": {"nodes": {"filter": by_ids(start)}},
                "target": {
                    "nodes": {
                        "from": "start",
                        "through": {"source": view_ref("ConnectionItemD"), "identifier": "directSingle"},
                        "direction": "outwards",
                    }
                },
            },
            "select": {"target": {}},
        }
        assert items_of(checked_query(emulator, body), "target") == {target}
        with httpx.Client(transport=emulator.transport()) as client:
            deleted = client.post(
                emulator.api_url("/models/instances/delete"),
                json={"items": [{"instanceType": "node", "space": INSTANCE_SPACE, "externalId": target}]},
            )
        assert deleted.status_code == 200
        assert items_of(checked_query(emulator, body), "target") == set()


class TestCursors:
    def test_a_root_set_pages_through_every_member_once(self, omni: Emulator, written: Written) -> None:
        body: dict[str, Any] = {
            "with": {"b": {"nodes": {"filter": of_type("ConnectionItemB")}, "limit": 2}},
            "select": {"b": {}},
        }
        seen: list[str] = []
        for _ in range(20):
            response = checked_query(omni, body)
            seen.extend(external_ids(response["items"]["b"]))
            cursor = response["nextCursor"].get("b")
            if cursor is None:
                break
            body["cursors"] = {"b": cursor}
            body["with"]["b"]["limit"] = 3  # the limit may change between pages
        assert sorted(seen) == sorted(node_ids(written, "ConnectionItemB.node"))

    def test_a_dependent_set_pages_within_its_parents_page(self, omni: Emulator, written: Written) -> None:
        graph = edges(written)
        body: dict[str, Any] = {
            "with": {
                "c": {
                    "nodes": {"filter": of_type("ConnectionItemC")},
                    "sort": [{"property": ["node", "externalId"]}],
                    "limit": 2,
                },
                "out": {"edges": {"from": "c", "maxDistance": 1}, "limit": 3},
            },
            "select": {"c": {}, "out": {}},
        }
        walked: list[str] = []
        for _ in range(50):
            response = checked_query(omni, body)
            walked.extend(external_ids(response["items"]["out"]))
            cursors = response["nextCursor"]
            if "out" in cursors:  # more children of this page of parents
                body["cursors"] = {**body.get("cursors", {}), "out": cursors["out"]}
            elif "c" in cursors:  # next page of parents, children from the start
                body["cursors"] = {"c": cursors["c"]}
            else:
                break
        c_nodes = node_ids(written, "ConnectionItemC.node")
        assert sorted(walked) == sorted(xid for xid, (_, s, _) in graph.items() if s in c_nodes)

    def test_a_cursor_for_another_set_or_definition_is_refused(self, omni: Emulator) -> None:
        body: dict[str, Any] = {
            "with": {
                "a": {"nodes": {"filter": of_type("ConnectionItemA")}, "limit": 1},
                "b": {"nodes": {}, "limit": 1},
            },
            "select": {"a": {}, "b": {}},
        }
        cursor = checked_query(omni, body)["nextCursor"]["a"]
        with pytest.raises(QueryError, match=r"cursors\.b: this cursor belongs to result set 'a', not 'b'"):
            run_query({**body, "cursors": {"b": cursor}}, omni.state.store, omni.state.schema)
        changed = {**body, "with": {**body["with"], "a": {"nodes": {"filter": of_type("ConnectionItemB")}}}}
        with pytest.raises(QueryError, match=r"cursors\.a: the cursor was issued for a different definition"):
            run_query({**changed, "cursors": {"a": cursor}}, omni.state.store, omni.state.schema)

    def test_a_null_cursor_means_the_first_page(self, omni: Emulator) -> None:
        # cognite-sdk sends {"cursors": {"name": null}} on a first request.
        body = {"with": {"a": {"nodes": {}, "limit": 2}}, "select": {"a": {}}}
        first = run_query(body, omni.state.store, omni.state.schema)
        again = run_query({**body, "cursors": {"a": None}}, omni.state.store, omni.state.schema)
        assert external_ids(again["items"]["a"]) == external_ids(first["items"]["a"])

    @pytest.mark.parametrize("cursor", ["", "not base64!", "eyJ2IjogMn0", 42])
    def test_a_foreign_cursor_is_refused(self, omni: Emulator, cursor: Any) -> None:
        body = {"with": {"a": {"nodes": {}}}, "select": {"a": {}}, "cursors": {"a": cursor}}
        with pytest.raises(QueryError, match=r"^cursors\.a: "):
            run_query(body, omni.state.store, omni.state.schema)

    def test_a_damaged_cursor_is_refused(self, omni: Emulator) -> None:
        from pygen_runtime.testing._query_cursors import encode_cursor
        from pygen_runtime.testing._query_plan import PlanContext, plan_result_sets

        with_ = {"a": {"nodes": {}}}
        context = PlanContext(omni.state.schema, omni.state.store, None, "query", 100, 10000)
        digest = plan_result_sets(with_, context)[0].digest
        cursor = encode_cursor("query", "a", digest, {"after": ["x"]})
        with pytest.raises(QueryError, match=r"cursors\.a: the cursor is damaged"):
            run_query(
                {"with": with_, "select": {"a": {}}, "cursors": {"a": cursor}},
                omni.state.store,
                omni.state.schema,
            )


class TestParameters:
    def test_parameters_fill_filter_values(self, query: Query, written: Written) -> None:
        some = sorted(node_ids(written, "ConnectionItemA.node"))[:2]
        response = query(
            {
                "with": {
                    "a": {
                        "nodes": {
                            "filter": {
                                "in": {"property": ["node", "externalId"], "values": {"parameter": "ids"}}
                            }
                        }
                    }
                },
                "select": {"a": {}},
                "parameters": {"ids": some},
            }
        )
        assert items_of(response, "a") == set(some)


def _many(n: int) -> dict[str, Any]:
    return {f"s{i}": {"nodes": {}} for i in range(n)}


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ([], QueryError, r"^the query request body must be a JSON object"),
        ({"with": {"a": {"nodes": {}}}}, QueryError, r"^the query request needs `select`"),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"a": {}}, "limit": 3},
            QueryError,
            r"unknown field\(s\) limit in the query",
        ),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"a": {}}, "includeTyping": "yes"},
            QueryError,
            r"^includeTyping: expected",
        ),
        ({"with": {}, "select": {"a": {}}}, QueryError, r"^with: give at least one result set expression"),
        (
            {"with": _many(51), "select": {"s0": {}}},
            QueryError,
            r"^with: 51 result set expressions is over the maximum of 50",
        ),
        ({"with": {"a": []}, "select": {"a": {}}}, QueryError, r"^with\.a: expected a JSON object"),
        (
            {"with": {"a": {"rows": {}}}, "select": {"a": {}}},
            QueryError,
            r"^with\.a: a result set expression has one of nodes, edges",
        ),
        (
            {"with": {"a": {"nodes": {}, "limit": 10001}}, "select": {"a": {}}},
            QueryError,
            r"^with\.a\.limit: 10001 is over the maximum of 10000",
        ),
        (
            {"with": {"a": {"nodes": {}, "limit": 0}}, "select": {"a": {}}},
            QueryError,
            r"^with\.a\.limit: expected a positive integer",
        ),
        (
            {"with": {"a": {"nodes": {}, "postSort": []}}, "select": {"a": {}}},
            QueryError,
            r"^with\.a: unknown field\(s\) postSort",
        ),
        (
            {"with": {"a": {"nodes": {"from": "x"}}}, "select": {"a": {}}},
            QueryError,
            r"^with\.a\.nodes\.from: \"x\" is not a result set",
        ),
        (
            {"with": {"a": {"nodes": {"from": "a"}}}, "select": {"a": {}}},
            QueryError,
            r"cannot chain from itself",
        ),
        (
            {"with": {"a": {"nodes": {"from": "b"}}, "b": {"nodes": {"from": "a"}}}, "select": {"a": {}}},
            QueryError,
            r"^with: result sets depend on each other in a cycle \(a -> b -> a\)",
        ),
        (
            {"with": {"a": {"nodes": {"direction": "up"}}}, "select": {"a": {}}},
            QueryError,
            r"direction: expected one of outwards, inwards",
        ),
        (
            {
                "with": {
                    "a": {
                        "nodes": {
                            "through": {"source": view_ref("ConnectionItemD"), "identifier": "directSingle"}
                        }
                    }
                },
                "select": {"a": {}},
            },
            QueryError,
            r"`through` needs `from`",
        ),
        (
            {
                "with": {
                    "e": {"edges": {}},
                    "a": {
                        "nodes": {
                            "from": "e",
                            "through": {"source": view_ref("ConnectionItemD"), "identifier": "directSingle"},
                        }
                    },
                },
                "select": {"a": {}},
            },
            QueryError,
            r"`from` names the edge result set 'e'",
        ),
        (
            {
                "with": {"s": {"nodes": {}}, "a": {"nodes": {"from": "s", "through": {"identifier": "x"}}}},
                "select": {"a": {}},
            },
            QueryError,
            r"through: expected \{source: a view or container reference, identifier: property\}",
        ),
        (
            {
                "with": {
                    "s": {"nodes": {}},
                    "a": {
                        "nodes": {
                            "from": "s",
                            "through": {"source": view_ref("ConnectionItemD"), "identifier": "name"},
                        }
                    },
                },
                "select": {"a": {}},
            },
            QueryError,
            r"is not a direct relation; `through` follows one",
        ),
        (
            {
                "with": {
                    "s": {"nodes": {}},
                    "a": {"nodes": {"from": "s", "through": {"source": view_ref("Nope"), "identifier": "x"}}},
                },
                "select": {"a": {}},
            },
            QueryError,
            r"which does not exist",
        ),
        (
            {"with": {"e": {"edges": {"limitEach": 2}}}, "select": {"e": {}}},
            QueryError,
            r"limitEach: only allowed together with `from` and maxDistance 1",
        ),
        (
            {"with": {"e": {"edges": {"maxDistance": -1}}}, "select": {"e": {}}},
            QueryError,
            r"maxDistance: expected a positive integer",
        ),
        (
            {"with": {"e": {"edges": {"flter": {}}}}, "select": {"e": {}}},
            QueryError,
            r"^with\.e\.edges: unknown field\(s\) flter",
        ),
        (
            {"with": {"u": {"union": "a"}}, "select": {"u": {}}},
            QueryError,
            r"^with\.u\.union: expected a non-empty list",
        ),
        (
            {"with": {"u": {"union": ["zz"]}}, "select": {"u": {}}},
            QueryError,
            r"^with\.u\.union\[0\]: \"zz\" is not a result set",
        ),
        (
            {"with": {"u": {"union": ["u"]}}, "select": {"u": {}}},
            QueryError,
            r"a set operation cannot include itself",
        ),
        (
            {"with": {"a": {"nodes": {}}, "u": {"union": ["a"], "intersection": ["a"]}}, "select": {"u": {}}},
            QueryError,
            r"exactly one of union",
        ),
        (
            {"with": {"a": {"nodes": {}}, "u": {"union": ["a"], "except": "a"}}, "select": {"u": {}}},
            QueryError,
            r"except: expected a list",
        ),
        (
            {
                "with": {"a": {"nodes": {}}, "u": {"union": [{"unionAll": ["a"], "sort": []}]}},
                "select": {"u": {}},
            },
            QueryError,
            r"union\[0\]: unknown field\(s\) sort",
        ),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"b": {}}},
            QueryError,
            r"^select\.b: 'b' is not a result set in `with`",
        ),
        (
            {"with": {"a": {"nodes": {}}}, "select": {}},
            QueryError,
            r"^select: expected an object naming at least one",
        ),
        ({"with": {"a": {"nodes": {}}}, "select": {"a": []}}, QueryError, r"^select\.a: expected an object"),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"a": {"view": 1}}},
            QueryError,
            r"^select\.a: unknown field\(s\) view",
        ),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"a": {"sources": {}}}},
            QueryError,
            r"^select\.a\.sources: expected a list",
        ),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"a": {"limit": 0}}},
            QueryError,
            r"^select\.a\.limit: expected a positive integer",
        ),
        (
            {
                "with": {"a": {"nodes": {}}},
                "select": {
                    "a": {"sources": [{"source": view_ref("ConnectionItemA"), "properties": ["name"]}] * 11}
                },
            },
            QueryError,
            r"at most 10 views per result set, got 11",
        ),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"a": {"sources": [{"properties": ["*"]}]}}},
            QueryError,
            r"sources\[0\]: expected \{source",
        ),
        (
            {
                "with": {"a": {"nodes": {}}},
                "select": {
                    "a": {"sources": [{"source": view_ref("ConnectionItemA"), "properties": ["*"], "x": 1}]}
                },
            },
            QueryError,
            r"sources\[0\]: unknown field\(s\) x",
        ),
        (
            {
                "with": {"a": {"nodes": {}}},
                "select": {
                    "a": {
                        "sources": [
                            {
                                "source": view_ref("ConnectionItemA"),
                                "properties": ["*"],
                                "targetUnits": [{"property": "x"}],
                            }
                        ]
                    }
                },
            },
            QueryError,
            r"unit conversion is not supported",
        ),
        (
            {
                "with": {"a": {"nodes": {}}},
                "select": {
                    "a": {
                        "sources": [
                            {
                                "source": {"type": "container", "space": "s", "externalId": "c"},
                                "properties": ["*"],
                            }
                        ]
                    }
                },
            },
            QueryError,
            r"sources\[0\]\.source: expected \{type: 'view'",
        ),
        (
            {
                "with": {"a": {"nodes": {}}},
                "select": {"a": {"sources": [{"source": view_ref("ConnectionItemA"), "properties": "name"}]}},
            },
            QueryError,
            r"properties: expected a list of property names",
        ),
        (
            {
                "with": {"a": {"nodes": {}}},
                "select": {
                    "a": {
                        "sources": [{"source": view_ref("ConnectionItemA"), "properties": ["name", "x", "y"]}]
                    }
                },
            },
            QueryError,
            r"has no properties x, y",
        ),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"a": {}}, "cursors": []},
            QueryError,
            r"^cursors: expected an object",
        ),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"a": {}}, "cursors": {"b": "x"}},
            QueryError,
            r"^cursors\.b: 'b' is not a result set",
        ),
        (
            {"with": {"a": {"nodes": {}}}, "select": {"a": {}}, "parameters": []},
            QueryError,
            r"^parameters: expected an object",
        ),
        (
            {"with": {"a": {"nodes": {"filter": {"bad": 1}}}}, "select": {"a": {}}},
            FilterError,
            r"^with\.a\.nodes\.filter: unknown filter 'bad'",
        ),
    ],
)
def test_a_bad_request_gets_a_400_naming_the_problem(
    omni: Emulator, body: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        run_query(body, omni.state.store, omni.state.schema)
    assert getattr(caught.value, "status", None) == 400


def test_an_unknown_view_in_select_is_reported_as_missing(omni: Emulator) -> None:
    body = {
        "with": {"a": {"nodes": {}}},
        "select": {"a": {"sources": [{"source": view_ref("Nope"), "properties": ["*"]}]}},
    }
    with pytest.raises(QueryError) as caught:
        run_query(body, omni.state.store, omni.state.schema)
    assert caught.value.missing == [view_ref("Nope")]


ASSET = {"type": "view", "space": "cdf_cdm", "externalId": "CogniteAsset", "version": "v1"}
HIERARCHY_SIZE = 10_000


def asset_tree(size: int, fan_out: int) -> dict[str, list[str]]:
    """external id -> its path from the root (itself last), breadth first: root, root.0, ... ."""
    paths = {"root": ["root"]}
    level = ["root"]
    while len(paths) < size:
        next_level = []
        for parent in level:
            for index in range(fan_out):
                if len(paths) == size:
                    break
                child = f"{parent}.{index}"
                paths[child] = [*paths[parent], child]
                next_level.append(child)
        level = next_level
    return paths


Hierarchy = tuple[Emulator, dict[str, list[str]]]


@pytest.fixture(scope="module")
def hierarchy() -> Hierarchy:
    """CogniteCore with 10,000 assets, ten children per asset, written through CogniteAsset."""
    emulator = Emulator(clock=Clock())
    emulator.load_model(MODELS / "CogniteCore.yaml")
    paths = asset_tree(HIERARCHY_SIZE, fan_out=10)

    def ref(external_id: str) -> dict[str, str]:
        return {"space": "assets", "externalId": external_id}

    items = [
        {
            "instanceType": "node",
            "space": "assets",
            "externalId": xid,
            "sources": [
                {
                    "source": ASSET,
                    "properties": {
                        "name": xid,
                        "parent": ref(path[-2]) if len(path) > 1 else None,
                        "path": [ref(step) for step in path],
                    },
                }
            ],
        }
        for xid, path in paths.items()
    ]
    for start in range(0, len(items), 1000):
        emulator.load_instances(items[start : start + 1000])
    return emulator, paths


class TestAssetHierarchy:
    """CogniteCore's assets: 10,000 nodes walked through `parent` and the list relation `path`."""

    def test_walks_down_level_by_level_through_parent(self, hierarchy: Hierarchy) -> None:
        emulator, paths = hierarchy
        parent = {"source": ASSET, "identifier": "parent"}
        depth = max(len(path) for path in paths.values())
        with_: dict[str, Any] = {
            "l1": {"nodes": {"filter": {"equals": {"property": ["node", "externalId"], "value": "root"}}}}
        }
        for level in range(2, depth + 1):
            with_[f"l{level}"] = {
                "nodes": {"from": f"l{level - 1}", "through": parent, "direction": "inwards"},
                "limit": 10_000,
            }
        response = checked_query(emulator, {"with": with_, "select": {name: {} for name in with_}})
        for level in range(1, depth + 1):
            expected = {xid for xid, path in paths.items() if len(path) == level}
            assert items_of(response, f"l{level}") == expected

    def test_a_list_relation_inwards_finds_a_whole_subtree(self, hierarchy: Hierarchy) -> None:
        emulator, paths = hierarchy
        response = checked_query(
            emulator,
            {
                "with": {
                    "top": {
                        "nodes": {
                            "filter": {"equals": {"property": ["node", "externalId"], "value": "root.3"}}
                        }
                    },
                    "subtree": {
                        "nodes": {"from": "top", "through": {"source": ASSET, "identifier": "path"}},
                        "limit": 10_000,
                    },
                },
                "select": {"subtree": {"sources": [{"source": ASSET, "properties": ["name"]}]}},
            },
        )
        assert items_of(response, "subtree") == {xid for xid, path in paths.items() if "root.3" in path}

    def test_outwards_from_a_subtree_reaches_the_parents(self, hierarchy: Hierarchy) -> None:
        emulator, paths = hierarchy
        response = checked_query(
            emulator,
            {
                "with": {
                    "leaves": {
                        "nodes": {
                            "filter": {"prefix": {"property": ["node", "externalId"], "value": "root.5.5"}}
                        },
                        "limit": 10_000,
                    },
                    "parents": {
                        "nodes": {
                            "from": "leaves",
                            "through": {"source": ASSET, "identifier": "parent"},
                            "direction": "outwards",
                        }
                    },
                },
                "select": {"parents": {}},
            },
        )
        chosen = {xid for xid in paths if xid.startswith("root.5.5")}
        assert items_of(response, "parents") == {paths[xid][-2] for xid in chosen}
