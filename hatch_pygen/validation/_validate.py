"""``validate()``: from model snapshots to a :class:`ValidatedSchema`, problems as values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pygen_runtime.schema import View, ViewId

from hatch_pygen.config import ViewSelector
from hatch_pygen.errors import NothingToGenerateError
from hatch_pygen.problems import Location, Problem, Severity
from hatch_pygen.sources import ModelSnapshot
from hatch_pygen.validation._collect import collect_views, model_label, view_label, view_order
from hatch_pygen.validation._inheritance import ancestors, break_cycles, parents_first
from hatch_pygen.validation._naming import (
    RESERVED_PROPERTY_NAMES,
    property_name_hint,
    snake_key,
    view_name_hints,
)
from hatch_pygen.validation._plan import ModelPlan, PropertyPlan, SupportedProperty, ValidatedSchema, ViewPlan
from hatch_pygen.validation._properties import CheckedProperty, check_properties


def _definition(prop: SupportedProperty) -> dict[str, Any]:
    """What makes two properties the same, leaving out their display name and description."""
    dumped = prop.dump()
    dumped.pop("name", None)
    dumped.pop("description", None)
    return dumped


def _problem_order(problem: Problem) -> tuple[str, ...]:
    where = problem.location
    return (where.model or "", where.view or "", where.property or "", problem.code, problem.message)


def _clean_parents(views: dict[ViewId, View], problems: list[Problem]) -> dict[ViewId, tuple[ViewId, ...]]:
    declared: dict[ViewId, list[ViewId]] = {}
    for view_id, view in views.items():
        kept: list[ViewId] = []
        for parent in view.implements:
            if parent in views:
                if parent not in kept:
                    kept.append(parent)
                continue
            problems.append(
                Problem(
                    "implements-not-generated",
                    Severity.WARNING,
                    Location(view=view_label(view_id)),
                    f"implements {view_label(parent)}, which is not generated; the inherited "
                    "properties stay, the class relationship is dropped",
                    "add the data model holding that view to tool.pygen.models, or stop excluding it",
                )
            )
        declared[view_id] = kept
    acyclic, removed = break_cycles(declared)
    for child, parent in removed:
        problems.append(
            Problem(
                "implements-cycle",
                Severity.WARNING,
                Location(view=view_label(child)),
                f"implements {view_label(parent)}, which closes a cycle; that link is dropped",
                "remove the cycle from the views' implements lists",
            )
        )
    return acyclic


def _name_properties(
    view_id: ViewId,
    checked: list[CheckedProperty],
    lineage: list[ViewId],
    planned: dict[ViewId, ViewPlan],
    problems: list[Problem],
) -> tuple[PropertyPlan, ...]:
    """Name hints for one view's properties; inherited ones keep the name their ancestor has."""
    origins: dict[str, tuple[ViewId, str]] = {}
    for prop in checked:
        for ancestor in lineage:
            twin = next((p for p in planned[ancestor].properties if p.identifier == prop.identifier), None)
            if twin is not None and _definition(twin.definition) == _definition(prop.definition):
                origins[prop.identifier] = (ancestor, twin.name)
                break
    taken: set[str] = set()
    names: dict[str, str] = {}
    inherited = [prop for prop in checked if prop.identifier in origins]
    own = [prop for prop in checked if prop.identifier not in origins]
    # Names that need no change claim theirs before renamed ones, so a literal ``type_``
    # property keeps its name and ``type`` becomes ``type__2`` rather than the other way round.
    own.sort(key=lambda prop: snake_key(prop.identifier) in RESERVED_PROPERTY_NAMES)
    for prop in inherited:
        wanted = origins[prop.identifier][1]
        names[prop.identifier] = property_name_hint(wanted, taken) if snake_key(wanted) in taken else wanted
        taken.add(snake_key(names[prop.identifier]))
    for prop in own:
        names[prop.identifier] = property_name_hint(prop.identifier, taken)
    for prop in checked:
        name = names[prop.identifier]
        expected = origins[prop.identifier][1] if prop.identifier in origins else prop.identifier
        if name == expected:
            continue
        location = Location(view=view_label(view_id), property=prop.identifier)
        if snake_key(prop.identifier) in RESERVED_PROPERTY_NAMES and prop.identifier not in origins:
            problems.append(
                Problem(
                    "reserved-property-name",
                    Severity.WARNING,
                    location,
                    f"{prop.identifier!r} is the name of a field every instance has; "
                    f"it is generated as {name!r}",
                    "rename the view property in the data model if the generated name is unwelcome",
                )
            )
        else:
            problems.append(
                Problem(
                    "property-name-collision",
                    Severity.WARNING,
                    location,
                    f"{prop.identifier!r} reads the same as another property of this view once re-cased; "
                    f"it is generated as {name!r}",
                    "give the view properties names that differ by more than case or underscores",
                )
            )
    return tuple(
        PropertyPlan(
            identifier=prop.identifier,
            name=names[prop.identifier],
            definition=prop.definition,
            target=prop.target,
            edge_source=prop.edge_source,
            inherited_from=origins[prop.identifier][0] if prop.identifier in origins else None,
        )
        for prop in checked
    )


def validate(
    snapshots: Sequence[ModelSnapshot],
    *,
    exclude_views: Sequence[ViewSelector] = (),
    exclude_spaces: Sequence[str] = (),
) -> ValidatedSchema:
    """Check the snapshots' views together and decide what to generate.

    Problems come back as values in :attr:`ValidatedSchema.problems`; the affected part is
    skipped, renamed or given plain ids, and the rest is kept. Raises
    :class:`~hatch_pygen.errors.NothingToGenerateError` only when no view is left.

    Example::

        schema = validate(load_model_file(Path("model.yaml")))
        for problem in schema.problems:
            print(problem)
    """
    collected = collect_views(snapshots, exclude_views, exclude_spaces)
    problems = list(collected.problems)
    views = collected.views
    if not views:
        names = ", ".join(model_label(model) for model in collected.model_views) or "no data model"
        details = "".join(f"\n  {problem}" for problem in sorted(problems, key=_problem_order))
        raise NothingToGenerateError(
            f"nothing to generate: {names} leaves no view after validation and exclusions{details}"
        )
    parents = _clean_parents(views, problems)
    checked = {
        view_id: check_properties(views[view_id], views, problems.append)
        for view_id in sorted(views, key=view_order)
    }
    view_names = view_name_hints(views)
    for view_id, name in view_names.items():
        if name != view_id.external_id:
            problems.append(
                Problem(
                    "view-name-collision",
                    Severity.WARNING,
                    Location(view=view_label(view_id)),
                    "another generated view has the same external id (up to case); "
                    f"this one is named {name!r}",
                    "exclude the views you do not need with exclude-views",
                )
            )
    planned: dict[ViewId, ViewPlan] = {}
    for view_id in parents_first(parents):
        planned[view_id] = ViewPlan(
            view=views[view_id],
            name=view_names[view_id],
            parents=parents[view_id],
            properties=_name_properties(
                view_id, checked[view_id], ancestors(view_id, parents), planned, problems
            ),
            data_models=tuple(collected.listed_by.get(view_id, ())),
        )
    models: list[ModelPlan] = []
    for model_id, listed in collected.model_views.items():
        kept = tuple(sorted((v for v in listed if v in views), key=view_order))
        if not kept:
            problems.append(
                Problem(
                    "model-without-views",
                    Severity.WARNING,
                    Location(model=model_label(model_id)),
                    "no view of this data model is generated",
                    "check exclude-views and exclude-spaces",
                )
            )
        snapshot = next(s for s in snapshots if s.model_id == model_id)
        models.append(ModelPlan(data_model=snapshot.data_model, views=kept))
    ordered_views = tuple(planned[view_id] for view_id in sorted(planned, key=view_order))
    return ValidatedSchema(
        models=tuple(models), views=ordered_views, problems=tuple(sorted(problems, key=_problem_order))
    )
