"""What validation decided: the views and properties to generate, their name hints and fallbacks."""

from __future__ import annotations

from dataclasses import dataclass

from pygen_runtime.schema import (
    DataModel,
    DataModelId,
    EdgeConnection,
    MappedProperty,
    ReverseDirectRelation,
    View,
    ViewId,
)

from hatch_pygen.problems import Problem, Severity

SupportedProperty = MappedProperty | EdgeConnection | ReverseDirectRelation


@dataclass(frozen=True)
class PropertyPlan:
    """A property that will be generated.

    ``name`` is the collision-free name hint (the identifier unless it had to be renamed);
    ``target`` is the view a relation's other end reads through, or None when that view is not
    generated (the SDK then holds plain node ids); ``edge_source`` is an edge's properties view,
    None when it has none or it is not generated.
    """

    identifier: str
    name: str
    definition: SupportedProperty
    target: ViewId | None = None
    edge_source: ViewId | None = None
    # The nearest ancestor that has this same property, None when this view introduces it.
    inherited_from: ViewId | None = None


@dataclass(frozen=True)
class ViewPlan:
    """A view that will be generated, with its cleaned ``parents`` and planned properties."""

    view: View
    name: str
    parents: tuple[ViewId, ...]
    properties: tuple[PropertyPlan, ...]
    data_models: tuple[DataModelId, ...]

    @property
    def view_id(self) -> ViewId:
        """The view's identifier."""
        return self.view.as_id()


@dataclass(frozen=True)
class ModelPlan:
    """A data model and the views of it that will be generated, in identifier order."""

    data_model: DataModel
    views: tuple[ViewId, ...]


@dataclass(frozen=True)
class ValidatedSchema:
    """The result of validation: what to generate, and every problem found on the way."""

    models: tuple[ModelPlan, ...]
    views: tuple[ViewPlan, ...]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of severity error."""
        return tuple(problem for problem in self.problems if problem.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems of severity warning."""
        return tuple(problem for problem in self.problems if problem.severity is Severity.WARNING)
