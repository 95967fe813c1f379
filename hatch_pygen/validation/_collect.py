"""Gathering the views of several snapshots into one set, and applying the exclusions.

Views shared by several data models are kept once; the data models that list a view are
remembered so a renderer can put it in each model's sub-client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pygen_runtime.schema import DataModelId, View, ViewId

from hatch_pygen.config import ViewSelector
from hatch_pygen.problems import Location, Problem, Severity
from hatch_pygen.sources import ModelSnapshot


def model_label(model: DataModelId) -> str:
    """How a data model is named in problem locations: ``space:ExternalId/version``."""
    return f"{model.space}:{model.external_id}/{model.version}"


def view_label(view: ViewId) -> str:
    """How a view is named in problem locations: ``space:ExternalId/version``."""
    return f"{view.space}:{view.external_id}/{view.version}"


def view_order(view: ViewId) -> tuple[str, str, str]:
    """The order views are listed and decided in: space, external id, version."""
    return (view.space, view.external_id, view.version)


def _comparable(view: View) -> dict[str, object]:
    dumped = view.dump()
    for key in ("createdTime", "lastUpdatedTime", "queryable", "mappedContainers", "isGlobal"):
        dumped.pop(key, None)
    return dumped


@dataclass
class CollectedViews:
    """Every distinct view, the models listing each one, and what each model lists."""

    views: dict[ViewId, View] = field(default_factory=dict)
    listed_by: dict[ViewId, list[DataModelId]] = field(default_factory=dict)
    model_views: dict[DataModelId, list[ViewId]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def collect_views(
    snapshots: Sequence[ModelSnapshot],
    exclude_views: Sequence[ViewSelector] = (),
    exclude_spaces: Sequence[str] = (),
) -> CollectedViews:
    """Merge the snapshots' views (first definition wins) and drop the excluded ones."""
    result = CollectedViews()
    defined_in: dict[ViewId, DataModelId] = {}

    def add(view: View, model: DataModelId) -> None:
        view_id = view.as_id()
        known = result.views.get(view_id)
        if known is None:
            result.views[view_id] = view
            defined_in[view_id] = model
        elif _comparable(known) != _comparable(view):
            result.problems.append(
                Problem(
                    "view-defined-twice",
                    Severity.WARNING,
                    Location(model=model_label(model), view=view_label(view_id)),
                    f"this view is defined differently in {model_label(defined_in[view_id])}; "
                    "the first definition is used",
                    "make both sources hold the same version of the view",
                )
            )

    for snapshot in snapshots:
        model_id = snapshot.model_id
        if model_id in result.model_views:
            result.problems.append(
                Problem(
                    "model-listed-twice",
                    Severity.WARNING,
                    Location(model=model_label(model_id)),
                    "this data model comes from two sources; the first is used",
                    "list each data model once in tool.pygen.models",
                )
            )
            continue
        listed = result.model_views.setdefault(model_id, [])
        for entry in snapshot.data_model.views:
            if isinstance(entry, View):
                add(entry, model_id)
            entry_id = entry.as_id() if isinstance(entry, View) else entry
            if entry_id not in listed:
                listed.append(entry_id)
                result.listed_by.setdefault(entry_id, []).append(model_id)
        for view in snapshot.implemented_views:
            add(view, model_id)

    for model_id, listed in result.model_views.items():
        for view_id in listed:
            if view_id not in result.views:
                result.problems.append(
                    Problem(
                        "view-not-defined",
                        Severity.WARNING,
                        Location(model=model_label(model_id), view=view_label(view_id)),
                        "the data model lists this view without its definition, and no source defines it; "
                        "it is skipped",
                        "fetch the model with its views inline, or add a file that defines the view",
                    )
                )
    _exclude(result, exclude_views, exclude_spaces)
    return result


def _exclude(
    result: CollectedViews, exclude_views: Sequence[ViewSelector], exclude_spaces: Sequence[str]
) -> None:
    used: set[ViewSelector] = set()
    spaces_used: set[str] = set()
    for view_id in list(result.views):
        hits = [s for s in exclude_views if s.matches(view_id.space, view_id.external_id, view_id.version)]
        used.update(hits)
        if view_id.space in exclude_spaces:
            spaces_used.add(view_id.space)
        if hits or view_id.space in exclude_spaces:
            del result.views[view_id]
    for selector in exclude_views:
        if selector not in used:
            result.problems.append(
                Problem(
                    "exclude-matches-nothing",
                    Severity.WARNING,
                    Location(),
                    f"exclude-views entry {str(selector)!r} matches no view",
                    "check the spelling: 'ExternalId', 'space:ExternalId' or 'space:ExternalId/version'",
                )
            )
    for space in exclude_spaces:
        if space not in spaces_used:
            result.problems.append(
                Problem(
                    "exclude-matches-nothing",
                    Severity.WARNING,
                    Location(),
                    f"exclude-spaces entry {space!r} matches no view",
                    "check the spelling of the space",
                )
            )
