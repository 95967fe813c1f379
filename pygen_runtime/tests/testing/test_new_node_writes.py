"""The fast path for requests that only create nodes stores and answers exactly as the general path.

Each test writes the same requests into two emulators, one through the fast path
(``insert_new_nodes``) and one through the general path alone, and compares the answers and
everything stored (slot order, sequence numbers, rows and their key order). Requests the fast
path does not take must leave the project untouched and the clock unread.
"""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
import yaml
from cdf_material import OMNI_MODEL, SHARED_CDF, WRITE_INSTANCE_FILES
from pygen_runtime.testing import Emulator
from pygen_runtime.testing._encoded_json import encode_json
from pygen_runtime.testing._instance_writes import _delete, _write_instances, write_instances
from pygen_runtime.testing._new_node_writes import insert_new_nodes, slim_answer
from pygen_runtime.testing._project import Project

COGNITE_CORE = SHARED_CDF / "models" / "CogniteCore.yaml"
ASSET = {"type": "view", "space": "cdf_cdm", "externalId": "CogniteAsset", "version": "v1"}
DESCRIBABLE = {"type": "view", "space": "cdf_cdm", "externalId": "CogniteDescribable", "version": "v1"}
SOURCEABLE_CONTAINER = {"type": "container", "space": "cdf_cdm", "externalId": "CogniteSourceable"}
SPACE = "assets"
APPLY_DEFAULTS = {
    "replace": False,
    "skipOnVersionConflict": False,
    "autoCreateDirectRelations": True,
    "autoCreateStartNodes": False,
    "autoCreateEndNodes": False,
}


class CountingClock:
    """A fixed clock that counts how often it is read."""

    def __init__(self) -> None:
        self.reads = 0

    def __call__(self) -> int:
        self.reads += 1
        return 1_700_000_000_000 + self.reads


def _emulator(*models: Any) -> Emulator:
    emulator = Emulator(clock=CountingClock())
    for model in models:
        emulator.load_model(model)
    return emulator


def _stored(project: Project) -> list[tuple[Any, ...]]:
    """Everything the store holds, in slot order, with the key order of every row."""
    return [
        (
            inst.instance_type,
            inst.space,
            inst.external_id,
            inst.version,
            inst.created_time,
            inst.last_updated_time,
            inst.deleted_time,
            inst.type,
            inst.sequence,
            [(container, list(row.items())) for container, row in inst.data.items()],
        )
        for inst in project.store.including_deleted()
    ]


def _assert_same_writes(
    models: list[Any],
    requests: list[list[dict[str, Any]]],
    options: dict[str, Any] | None = None,
    *,
    check_required: bool = True,
) -> None:
    fast, general = _emulator(*models), _emulator(*models)
    for items in requests:
        inserted = insert_new_nodes(
            fast.state, copy.deepcopy(items), options or APPLY_DEFAULTS, check_required=check_required
        )
        general_answers = _write_instances(
            general.state, copy.deepcopy(items), options or APPLY_DEFAULTS, check_required=check_required
        )
        assert inserted is not None, "the fast path declined a request it should take"
        assert inserted.answers() == general_answers
        assert [slim_answer(inst, True) for inst in inserted.nodes] == general_answers
        assert inserted.answers_json() == encode_json(general_answers)
    assert _stored(fast.state) == _stored(general.state)
    assert fast.state.clock.reads == general.state.clock.reads  # type: ignore[attr-defined]


def asset(index: int, **extra: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "name": f"Asset {index}",
        "description": None if index % 3 == 0 else f"Asset number {index}",
        "tags": ["pump", "north"],
        "aliases": [f"A{index}"],
        "sourceId": f"src-{index}",
        "sourceCreatedTime": "2024-05-31T04:12:29+02:00",
        "sourceUpdatedTime": "2024-06-01T10:00:00Z",
        **extra,
    }
    if index:
        properties["parent"] = {"space": SPACE, "externalId": f"asset-{index // 3}"}
    return {
        "instanceType": "node",
        "space": SPACE,
        "externalId": f"asset-{index}",
        "sources": [{"source": ASSET, "properties": properties}],
    }


def test_cognite_assets_with_parents_defaults_and_nulls_are_stored_as_the_general_path_stores_them() -> None:
    # Parents inside the request, stored by an earlier one, and missing ones (created, as CDF does).
    requests = [[asset(index) for index in range(start, start + 20)] for start in (60, 0, 40)]
    requests[0][3]["sources"][0]["properties"]["name"] = None
    _assert_same_writes([COGNITE_CORE, {"spaces": [{"space": SPACE}]}], requests)


def test_several_sources_a_container_source_and_values_written_twice_keep_the_general_order() -> None:
    node = asset(1)
    node["sources"] = [
        {"source": DESCRIBABLE, "properties": {"name": None, "tags": ["a"], "description": "first"}},
        {"source": ASSET, "properties": {"name": "second", "description": None, "aliases": []}},
        {"source": SOURCEABLE_CONTAINER, "properties": {"sourceId": "s", "sourceContext": None}},
        {"source": DESCRIBABLE, "properties": {"description": "third"}},
    ]
    bare = {"instanceType": "node", "space": SPACE, "externalId": "bare", "existingVersion": 0}
    typed = {**asset(2), "type": {"space": "types", "externalId": "pumpType"}}
    _assert_same_writes(
        [COGNITE_CORE, {"spaces": [{"space": SPACE}, {"space": "types"}]}], [[node, bare, typed]]
    )


@pytest.mark.parametrize("path", [path for path in WRITE_INSTANCE_FILES if path.name.endswith(".node.yaml")])
def test_cdf_write_format_nodes_of_every_omni_view_are_stored_as_the_general_path_stores_them(
    path: Any,
) -> None:
    items = yaml.safe_load(path.read_text())
    # CDF's own files point to nodes of other files; created on the way, as the general path does.
    instance_space = {"spaces": [{"space": "sp_omni_instances"}]}
    _assert_same_writes([OMNI_MODEL, instance_space], [items])
    _assert_same_writes([OMNI_MODEL, instance_space], [items], check_required=False)


SHOP = {
    "spaces": [{"space": "shop"}],
    "containers": [
        {
            "space": "shop",
            "externalId": "Item",
            "properties": {
                "label": {"type": {"type": "text"}, "nullable": False},
                "state": {"type": {"type": "text"}, "defaultValue": "new"},
                "count": {"type": {"type": "int32"}, "defaultValue": 1},
                "born": {"type": {"type": "date"}},
                "extra": {"type": {"type": "json"}},
                "shelf": {
                    "type": {
                        "type": "direct",
                        "container": {"type": "container", "space": "shop", "externalId": "Shelf"},
                    }
                },
            },
        },
        {"space": "shop", "externalId": "Shelf", "properties": {"row": {"type": {"type": "int64"}}}},
        {
            "space": "shop",
            "externalId": "Link",
            "properties": {
                "first": {"type": {"type": "direct"}},
                "second": {"type": {"type": "direct"}},
                "others": {"type": {"type": "direct", "list": True}},
            },
        },
        {
            "space": "shop",
            "externalId": "Ticket",
            "properties": {"number": {"type": {"type": "int64"}, "autoIncrement": True}},
        },
    ],
}
ITEM = {"type": "container", "space": "shop", "externalId": "Item"}
SHELF = {"type": "container", "space": "shop", "externalId": "Shelf"}
TICKET = {"type": "container", "space": "shop", "externalId": "Ticket"}
LINK = {"type": "container", "space": "shop", "externalId": "Link"}


def node(external_id: str, *sources: tuple[dict[str, Any], dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "instanceType": "node",
        "space": "shop",
        "externalId": external_id,
        "sources": [{"source": source, "properties": properties} for source, properties in sources],
        **extra,
    }


def test_defaults_values_the_full_check_decides_and_required_container_targets_match() -> None:
    shelf = {"space": "shop", "externalId": "s1"}
    items = [
        node("s1", (SHELF, {"row": 3})),
        node("i1", (ITEM, {"label": "a", "born": "2024-02-29", "extra": {"k": [1]}, "shelf": shelf})),
        node("i2", (ITEM, {"label": "b", "state": None, "count": 5.0})),
    ]
    _assert_same_writes([SHOP], [items])


def test_nodes_created_for_direct_relations_come_in_the_general_order() -> None:
    def ref(external_id: str) -> dict[str, str]:
        return {"space": "shop", "externalId": external_id}

    items = [
        # The row's order, not the container's: second before first.
        node("l1", (LINK, {"second": ref("x2"), "others": [ref("x3"), ref("x1")], "first": ref("x1")})),
        node("s1", (SHELF, {"row": 1})),
        # Two entries: the rows and their values in the order of writing.
        node(
            "l2",
            (LINK, {"first": ref("y1")}),
            (ITEM, {"label": "a", "shelf": ref("s1")}),
            (LINK, {"first": None, "second": ref("y2"), "others": [ref("y3")]}),
            type=ref("linkType"),
        ),
    ]
    _assert_same_writes([SHOP], [items[:2], items[2:]])


def _declined(emulator: Emulator, items: list[dict[str, Any]], options: dict[str, Any] | None = None) -> None:
    before = _stored(emulator.state)
    clock: CountingClock = emulator.state.clock  # type: ignore[assignment]
    reads = clock.reads
    answers = insert_new_nodes(emulator.state, items, options or APPLY_DEFAULTS, check_required=True)
    assert answers is None
    assert _stored(emulator.state) == before
    assert clock.reads == reads


DECLINED = {
    "an edge": [{**node("e1"), "instanceType": "edge"}],
    "an auto-increment to number": [node("t1", (TICKET, {}))],
    "a required value left out": [node("i1", (ITEM, {"state": "x"}))],
    "a value of the wrong type": [node("i1", (ITEM, {"label": 5}))],
    "an invalid date": [node("i1", (ITEM, {"label": "a", "born": "2024-02-30"}))],
    "a property the source lacks": [node("i1", (ITEM, {"label": "a", "colour": "red"}))],
    "a source that does not exist": [node("i1", ({**ITEM, "externalId": "Nothing"}, {}))],
    "a source whose version is a number": [
        node("i1", ({"type": "view", "space": "shop", "externalId": "V", "version": 1}, {}))
    ],
    "a source that is not a view or container": [node("i1", ({"type": "space", "space": "shop"}, {}))],
    "a space that does not exist": [{**node("i1", (ITEM, {"label": "a"})), "space": "elsewhere"}],
    "an invalid space": [{**node("i1", (ITEM, {"label": "a"})), "space": "1bad"}],
    "an invalid external id": [node("", (ITEM, {"label": "a"}))],
    "a node named twice": [node("s1", (SHELF, {})), node("s1", (SHELF, {}))],
    "a negative existing version": [node("s1", (SHELF, {}), existingVersion=-1)],
    "an existing version that is not a number": [node("s1", (SHELF, {}), existingVersion="1")],
    "a node type that is not a reference": [node("s1", (SHELF, {}), type="shelfType")],
    "a node type in an invalid space": [node("s1", (SHELF, {}), type={"space": "", "externalId": "x"})],
    "a required container the target lacks": [
        node("i1", (ITEM, {"label": "a", "shelf": {"space": "shop", "externalId": "nowhere"}}))
    ],
    "a target to create in a space that does not exist": [
        node("s1", (SHELF, {}), type={"space": "missing", "externalId": "shelfType"})
    ],
    "sources that are not a list": [{**node("s1"), "sources": {"source": SHELF}}],
    "properties that are not an object": [{**node("s1"), "sources": [{"source": SHELF, "properties": [1]}]}],
}


@pytest.mark.parametrize("case", sorted(DECLINED))
def test_requests_the_fast_path_does_not_take_leave_the_project_and_the_clock_untouched(case: str) -> None:
    _declined(_emulator(SHOP), copy.deepcopy(DECLINED[case]))


def test_existing_identities_and_missing_targets_without_auto_creation_are_declined() -> None:
    emulator = _emulator(SHOP)
    write_instances(emulator.state, [node("s1", (SHELF, {"row": 1}))], APPLY_DEFAULTS)
    _declined(emulator, [node("s1", (SHELF, {"row": 2}))])
    shelf_type = {"space": "shop", "externalId": "shelfType"}
    _declined(emulator, [node("s2", (SHELF, {}), type=shelf_type)], {"autoCreateDirectRelations": False})


def test_a_declined_request_gets_the_general_path_s_answer() -> None:
    emulator = _emulator(SHOP)
    with httpx.Client(transport=emulator.transport(), base_url=emulator.api_url()) as api:
        response = api.post("/models/instances", json={"items": DECLINED["a value of the wrong type"]})
    assert response.status_code == 400
    assert (
        "items[0] (node shop:i1) property 'label': 5 is not a valid value"
        in response.json()["error"]["message"]
    )
    assert list(emulator.state.store.including_deleted()) == []


def test_an_apply_of_new_nodes_with_deletes_answers_the_bytes_the_general_path_answers() -> None:
    items = [
        node("s1", (SHELF, {"row": 1})),
        node("s2", (SHELF, {"row": 2}), type={"space": "shop", "externalId": "t"}),
    ]
    deletes = [{"instanceType": "node", "space": "shop", "externalId": "old"}]
    fast, general = _emulator(SHOP), _emulator(SHOP)
    for emulator in (fast, general):
        write_instances(emulator.state, [node("old", (SHELF, {}))], APPLY_DEFAULTS)

    with httpx.Client(transport=fast.transport(), base_url=fast.api_url()) as api:
        response = api.post("/models/instances", json={"items": items, "delete": deletes})
    written = _write_instances(general.state, copy.deepcopy(items), APPLY_DEFAULTS, check_required=True)
    deleted = _delete(general.state, deletes, False)

    assert response.status_code == 200
    assert response.content == encode_json({"items": written, "deleted": deleted}).encode("utf-8")
    assert _stored(fast.state) == _stored(general.state)


def test_the_answer_text_of_nodes_in_several_spaces_with_quotes_and_non_ascii_ids_is_the_general_one() -> (
    None
):
    items = [asset(1), {**asset(2), "space": "other", "externalId": 'Pumpe "Ærø" \\ 2\u2028'}, asset(3)]
    _assert_same_writes([COGNITE_CORE, {"spaces": [{"space": SPACE}, {"space": "other"}]}], [items])
