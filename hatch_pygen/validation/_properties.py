"""Checking each view property: is it a kind and type pygen supports, and do its relations resolve?

A property of an unknown kind or type is skipped; a relation whose other end is not generated
keeps its place with plain node ids; an edge whose properties view is missing loses its edge
properties. Each such fallback comes with a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pygen_runtime.schema import (
    DirectRelationType,
    EdgeConnection,
    MappedProperty,
    ReverseDirectRelation,
    UnknownPropertyType,
    View,
    ViewId,
)

from hatch_pygen.problems import Location, Problem, Severity
from hatch_pygen.validation._collect import view_label
from hatch_pygen.validation._plan import SupportedProperty


@dataclass(frozen=True)
class CheckedProperty:
    """A property that passed the checks, with the fallbacks applied to its relations."""

    identifier: str
    definition: SupportedProperty
    target: ViewId | None
    edge_source: ViewId | None


def _direct_target(prop: MappedProperty) -> ViewId | None:
    if isinstance(prop.type, DirectRelationType) and prop.type.source is not None:
        return prop.type.source
    return prop.source if isinstance(prop.type, DirectRelationType) else None


def check_properties(
    view: View, views: Mapping[ViewId, View], report: Callable[[Problem], None]
) -> list[CheckedProperty]:
    """The supported properties of ``view`` in identifier order; problems go to ``report``."""
    checked: list[CheckedProperty] = []
    view_id = view.as_id()

    def warn(identifier: str, code: str, message: str, hint: str) -> None:
        location = Location(view=view_label(view_id), property=identifier)
        report(Problem(code, Severity.WARNING, location, message, hint))

    def resolve(identifier: str, target: ViewId, what: str) -> ViewId | None:
        if target in views:
            return target
        warn(
            identifier,
            "relation-target-not-generated",
            f"{what} {view_label(target)}, which is not generated; it is typed as plain node ids",
            "add the data model holding that view to tool.pygen.models, or stop excluding it",
        )
        return None

    for identifier in sorted(view.properties):
        prop = view.properties[identifier]
        if isinstance(prop, MappedProperty):
            if isinstance(prop.type, UnknownPropertyType):
                warn(
                    identifier,
                    "unsupported-property-type",
                    f"property type {prop.type.type!r} is not supported by this pygen; "
                    "the property is skipped",
                    "upgrade hatch-pygen, or exclude the view if you do not need it",
                )
                continue
            source = _direct_target(prop)
            target = resolve(identifier, source, "points at") if source is not None else None
            checked.append(CheckedProperty(identifier, prop, target, None))
        elif isinstance(prop, EdgeConnection):
            target = resolve(identifier, prop.source, "connects by edges to")
            edge_source = prop.edge_source
            if edge_source is not None and edge_source not in views:
                warn(
                    identifier,
                    "edge-properties-view-not-generated",
                    f"the edge properties view {view_label(edge_source)} is not generated; "
                    "the edges are generated without their properties",
                    "add the data model holding that view to tool.pygen.models, or stop excluding it",
                )
                edge_source = None
            checked.append(CheckedProperty(identifier, prop, target, edge_source))
        elif isinstance(prop, ReverseDirectRelation):
            if not _through_is_usable(identifier, prop, views, warn):
                continue
            target = resolve(identifier, prop.source, "is the reverse of a relation from")
            checked.append(CheckedProperty(identifier, prop, target, None))
        else:
            warn(
                identifier,
                "unsupported-property-kind",
                "this kind of view property is not supported by this pygen; the property is skipped",
                "upgrade hatch-pygen, or exclude the view if you do not need it",
            )
    return checked


def _through_is_usable(
    identifier: str,
    prop: ReverseDirectRelation,
    views: Mapping[ViewId, View],
    warn: Callable[[str, str, str, str], None],
) -> bool:
    """Whether the direct relation a reverse relation goes through exists (when it can be checked)."""
    through = prop.through
    if not isinstance(through.source, ViewId) or through.source not in views:
        # A container, or a view that is not generated: nothing to check against, and the
        # reference alone is enough to query by.
        return True
    other = views[through.source].properties.get(through.identifier)
    if isinstance(other, MappedProperty) and isinstance(other.type, DirectRelationType):
        return True
    found = "does not exist" if other is None else "is not a direct relation"
    warn(
        identifier,
        "reverse-relation-through-invalid",
        f"goes through {view_label(through.source)}.{through.identifier}, which {found}; "
        "the property is skipped",
        "point the reverse relation at a direct relation property of its source view",
    )
    return False
