"""Validation: each problem is a value with a location, the bad part degrades, the rest is generated."""

from __future__ import annotations

from typing import Any

import pytest
from model_builder import direct, edge, mapped, reverse, snapshot, view, view_ref
from pygen_runtime.schema import ViewId

from hatch_pygen.config import ViewSelector
from hatch_pygen.errors import NothingToGenerateError
from hatch_pygen.problems import Location, Severity
from hatch_pygen.validation import ValidatedSchema, validate


def vid(external_id: str, space: str = "test_space", version: str = "1") -> ViewId:
    return ViewId(space=space, external_id=external_id, version=version)


def codes(schema: ValidatedSchema) -> list[tuple[str, str | None, str | None]]:
    return [(p.code, p.location.view, p.location.property) for p in schema.problems]


def plan(schema: ValidatedSchema, external_id: str, space: str = "test_space", version: str = "1") -> Any:
    return next(v for v in schema.views if v.view_id == vid(external_id, space, version))


def prop(schema: ValidatedSchema, external_id: str, identifier: str) -> Any:
    return next(p for p in plan(schema, external_id).properties if p.identifier == identifier)


def test_a_clean_model_has_no_problems_and_keeps_everything() -> None:
    schema = validate(
        [
            snapshot(
                [
                    view("Pump", {"name": mapped(), "station": direct("Station"), "valves": edge("Valve")}),
                    view("Station", {"pumps": reverse("Pump", "station")}),
                    view("Valve", {"open": mapped("boolean")}),
                ]
            )
        ]
    )
    assert schema.problems == ()
    assert [v.name for v in schema.views] == ["Pump", "Station", "Valve"]
    assert prop(schema, "Pump", "station").target == vid("Station")
    assert prop(schema, "Pump", "valves").target == vid("Valve")
    assert prop(schema, "Station", "pumps").target == vid("Pump")
    assert [m.views for m in schema.models] == [(vid("Pump"), vid("Station"), vid("Valve"))]
    assert schema.errors == ()
    assert schema.warnings == ()


def test_an_unknown_property_type_is_skipped_with_a_warning() -> None:
    schema = validate([snapshot([view("A", {"x": mapped("vector3d"), "y": mapped()})])])
    [problem] = schema.problems
    assert problem.code == "unsupported-property-type"
    assert problem.severity is Severity.WARNING
    assert problem.location == Location(view="test_space:A/1", property="x")
    assert "'vector3d'" in problem.message
    assert problem.hint
    assert [p.identifier for p in plan(schema, "A").properties] == ["y"]


def test_an_unknown_kind_of_view_property_is_skipped() -> None:
    schema = validate([snapshot([view("A", {"odd": {"connectionType": "future_kind"}, "y": mapped()})])])
    assert codes(schema) == [("unsupported-property-kind", "test_space:A/1", "odd")]
    assert [p.identifier for p in plan(schema, "A").properties] == ["y"]


def test_relations_to_views_outside_the_model_fall_back_to_plain_ids() -> None:
    schema = validate(
        [
            snapshot(
                [
                    view(
                        "A",
                        {
                            "elsewhere": direct("Missing"),
                            "untyped": direct(None),
                            "edges": edge("Missing", edge_source="MissingProps"),
                            "back": reverse("Missing", "a"),
                        },
                    )
                ]
            )
        ]
    )
    assert codes(schema) == [
        ("relation-target-not-generated", "test_space:A/1", "back"),
        ("edge-properties-view-not-generated", "test_space:A/1", "edges"),
        ("relation-target-not-generated", "test_space:A/1", "edges"),
        ("relation-target-not-generated", "test_space:A/1", "elsewhere"),
    ]
    for identifier in ("elsewhere", "untyped", "edges", "back"):
        assert prop(schema, "A", identifier).target is None
    assert prop(schema, "A", "edges").edge_source is None


def test_an_edge_keeps_its_properties_view_when_it_is_generated() -> None:
    schema = validate(
        [snapshot([view("A", {"e": edge("A", edge_source="Props")}), view("Props", usedFor="edge")])]
    )
    assert schema.problems == ()
    assert prop(schema, "A", "e").edge_source == vid("Props")


@pytest.mark.parametrize(
    ("through_props", "found"),
    [({}, "does not exist"), ({"a": mapped()}, "is not a direct relation")],
)
def test_a_reverse_relation_through_a_property_that_is_not_a_relation_is_skipped(
    through_props: dict[str, Any], found: str
) -> None:
    schema = validate([snapshot([view("A", {"back": reverse("B", "a")}), view("B", through_props)])])
    [problem] = schema.problems
    assert problem.code == "reverse-relation-through-invalid"
    assert found in problem.message
    assert plan(schema, "A").properties == ()


def test_a_reverse_relation_through_a_container_is_kept() -> None:
    through_container = {
        "source": view_ref("B"),
        "through": {
            "source": {"type": "container", "space": "test_space", "externalId": "C"},
            "identifier": "a",
        },
        "connectionType": "single_reverse_direct_relation",
    }
    schema = validate([snapshot([view("A", {"back": through_container}), view("B")])])
    assert schema.problems == ()
    assert prop(schema, "A", "back").target == vid("B")


def test_views_with_the_same_external_id_get_qualified_name_hints() -> None:
    schema = validate(
        [
            snapshot(
                [
                    view("Pump", version="1"),
                    view("Pump", version="2"),
                    view("Pump", space="other", version="1"),
                    view("pump", space="third", version="9"),
                    view("Valve"),
                ]
            )
        ]
    )
    names = {(v.view_id.space, v.view_id.external_id, v.view_id.version): v.name for v in schema.views}
    assert names == {
        ("other", "Pump", "1"): "other_Pump_1",
        ("test_space", "Pump", "1"): "test_space_Pump_1",
        ("test_space", "Pump", "2"): "test_space_Pump_2",
        ("third", "pump", "9"): "third_pump_9",
        ("test_space", "Valve", "1"): "Valve",
    }
    assert [c for c, *_ in codes(schema)] == ["view-name-collision"] * 4


def test_views_told_apart_by_version_are_qualified_by_version_only() -> None:
    schema = validate([snapshot([view("Pump", version="v1"), view("Pump", version="v2"), view("Pump_v1")])])
    names = sorted(v.name for v in schema.views)
    # A view literally called Pump_v1 keeps its name; the qualified one gets a numeric suffix.
    assert names == ["Pump_v1", "Pump_v1_2", "Pump_v2"]
    assert plan(schema, "Pump_v1").name == "Pump_v1"


def test_reserved_and_colliding_property_names_are_renamed() -> None:
    schema = validate(
        [
            snapshot(
                [
                    view(
                        "A",
                        {
                            "type": mapped(),
                            "type_": mapped(),
                            "externalId": mapped(),
                            "fooBar": mapped(),
                            "foo_bar": mapped(),
                        },
                    )
                ]
            )
        ]
    )
    names = {p.identifier: p.name for p in plan(schema, "A").properties}
    assert names == {
        "externalId": "externalId_",
        "fooBar": "fooBar",
        "foo_bar": "foo_bar_2",
        "type": "type__2",
        "type_": "type_",
    }
    assert sorted(codes(schema)) == [
        ("property-name-collision", "test_space:A/1", "foo_bar"),
        ("reserved-property-name", "test_space:A/1", "externalId"),
        ("reserved-property-name", "test_space:A/1", "type"),
    ]


def test_inherited_properties_keep_their_ancestors_name_and_are_marked() -> None:
    schema = validate(
        [
            snapshot(
                [
                    view("Base", {"type": mapped(), "name": mapped()}),
                    view(
                        "Child",
                        {"type": mapped(), "name": mapped(container="Other"), "extra": mapped()},
                        implements=["Base"],
                    ),
                    view(
                        "GrandChild",
                        {"type": mapped(), "name": mapped(container="Other")},
                        implements=["Child"],
                    ),
                ]
            )
        ]
    )
    assert prop(schema, "Child", "type").name == "type_"
    assert prop(schema, "Child", "type").inherited_from == vid("Base")
    # Same identifier, different container: an override, not an inheritance.
    assert prop(schema, "Child", "name").inherited_from is None
    assert prop(schema, "GrandChild", "name").inherited_from == vid("Child")
    assert prop(schema, "GrandChild", "type").inherited_from == vid("Child")
    # The rename is reported once, where the property is introduced.
    assert codes(schema) == [("reserved-property-name", "test_space:Base/1", "type")]


def test_cycles_in_implements_lose_one_link_deterministically() -> None:
    views = [
        view("A", {"a": mapped()}, implements=["C"]),
        view("B", implements=["A"]),
        view("C", implements=["B"]),
        view("Self", implements=["Self"]),
    ]
    first = validate([snapshot(views)])
    again = validate([snapshot(list(reversed(views)))])
    assert [p.parents for p in first.views] == [p.parents for p in again.views]
    assert sorted(codes(first)) == [
        ("implements-cycle", "test_space:B/1", None),
        ("implements-cycle", "test_space:Self/1", None),
    ]
    # The search starts at A (identifier order) and drops the link that leads back to it.
    parents = {p.view_id.external_id: [x.external_id for x in p.parents] for p in first.views}
    assert parents == {"A": ["C"], "B": [], "C": ["B"], "Self": []}


def test_a_parent_that_is_not_generated_drops_the_link_but_keeps_the_properties() -> None:
    schema = validate([snapshot([view("Child", {"inherited": mapped()}, implements=["Gone"])])])
    assert codes(schema) == [("implements-not-generated", "test_space:Child/1", None)]
    assert plan(schema, "Child").parents == ()
    assert [p.identifier for p in plan(schema, "Child").properties] == ["inherited"]


def test_views_shared_by_several_models_are_generated_once() -> None:
    shared = view("Shared", {"x": mapped()})
    first = snapshot([shared, view("OnlyFirst")], external_id="First")
    second = snapshot([shared, view("OnlySecond")], external_id="Second")
    schema = validate([first, second])
    assert [v.view_id.external_id for v in schema.views] == ["OnlyFirst", "OnlySecond", "Shared"]
    assert [m.external_id for m in plan(schema, "Shared").data_models] == ["First", "Second"]
    assert [[v.external_id for v in m.views] for m in schema.models] == [
        ["OnlyFirst", "Shared"],
        ["OnlySecond", "Shared"],
    ]
    assert schema.problems == ()


def test_the_same_view_defined_differently_keeps_the_first_definition() -> None:
    first = snapshot([view("V", {"x": mapped()})], external_id="First")
    second = snapshot([view("V", {"x": mapped("int32")})], external_id="Second")
    schema = validate([first, second])
    assert codes(schema) == [("view-defined-twice", "test_space:V/1", None)]
    assert schema.problems[0].location.model == "test_space:Second/1"
    assert prop(schema, "V", "x").definition.type.type == "text"


def test_a_model_given_twice_is_used_once() -> None:
    model = snapshot([view("V")])
    schema = validate([model, model])
    assert codes(schema) == [("model-listed-twice", None, None)]
    assert len(schema.models) == 1


def test_a_view_listed_without_definition_is_skipped() -> None:
    schema = validate([snapshot([view("V"), view_ref("Elsewhere")])])
    assert codes(schema) == [("view-not-defined", "test_space:Elsewhere/1", None)]
    assert [v.view_id.external_id for v in schema.views] == ["V"]


def test_exclusions_remove_views_and_report_entries_that_match_nothing() -> None:
    schema = validate(
        [
            snapshot(
                [
                    view("Keep", {"link": direct("Scratch")}, implements=["Base"]),
                    view("Base", space="base_space"),
                    view("Scratch"),
                ]
            )
        ],
        exclude_views=[ViewSelector("Scratch", space="test_space"), ViewSelector("Typo")],
        exclude_spaces=["base_space", "nowhere"],
    )
    assert [v.view_id.external_id for v in schema.views] == ["Keep"]
    assert sorted(codes(schema)) == [
        ("exclude-matches-nothing", None, None),
        ("exclude-matches-nothing", None, None),
        ("implements-not-generated", "test_space:Keep/1", None),
        ("relation-target-not-generated", "test_space:Keep/1", "link"),
    ]
    messages = " ".join(p.message for p in schema.problems)
    assert "'Typo'" in messages
    assert "'nowhere'" in messages


def test_a_model_whose_views_are_all_excluded_is_reported() -> None:
    schema = validate(
        [snapshot([view("A")], external_id="Kept"), snapshot([view("B")], external_id="Emptied")],
        exclude_views=[ViewSelector("B")],
    )
    assert codes(schema) == [("model-without-views", None, None)]
    assert schema.problems[0].location.model == "test_space:Emptied/1"


def test_nothing_left_to_generate_stops_the_run_with_the_reasons() -> None:
    with pytest.raises(NothingToGenerateError) as caught:
        validate([snapshot([view("A"), view_ref("B")])], exclude_spaces=["test_space"])
    message = str(caught.value)
    assert message.startswith("nothing to generate: test_space:Model/1 leaves no view")
    assert "view-not-defined" in message
    assert caught.value.exit_code == 1
    with pytest.raises(NothingToGenerateError, match="no data model leaves no view"):
        validate([])


def test_problems_render_as_one_readable_line() -> None:
    schema = validate([snapshot([view("A", {"x": mapped("vector3d")})])])
    assert str(schema.problems[0]) == (
        "warning[unsupported-property-type] view test_space:A/1, property x: property type 'vector3d' is not "
        "supported by this pygen; the property is skipped (hint: upgrade hatch-pygen, or exclude the view if "
        "you do not need it)"
    )
    assert schema.problems[0].as_dict()["location"] == {
        "model": None,
        "view": "test_space:A/1",
        "property": "x",
    }
    assert str(Location()) == "project"
    assert str(Location(model="s:M/1")) == "model s:M/1"
