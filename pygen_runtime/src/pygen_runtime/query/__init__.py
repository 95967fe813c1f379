"""Queries over connected data: start from nodes of a view, follow relations and edges, and get
typed, connected results back, fetched lazily and page by page.

>>> from pygen_runtime.query import Query
>>> from pygen_runtime.schema import ViewId
>>> asset = ViewId(space="cdf_cdm", external_id="CogniteAsset", version="v1")
>>> roots = Query.nodes(asset, limit=10)
>>> children = roots.reverse("children", through=asset, property="parent")
>>> print(roots.explain().strategy)
query

See ``docs/query-builder.md`` for the whole guide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pygen_runtime._lazy import lazy_exports

if TYPE_CHECKING:
    from pygen_runtime.query._async import AsyncQueryResults
    from pygen_runtime.query._connections import fill_connections
    from pygen_runtime.query._filters import (
        and_,
        contains_all,
        contains_any,
        equals,
        has_data,
        in_,
        instance_references,
        node_reference,
        prefix,
        property_reference,
        range_,
    )
    from pygen_runtime.query._limits import QueryLimits, QueryTooLargeError
    from pygen_runtime.query._plan import PlanChoice, QueryPlan, Strategy
    from pygen_runtime.query._results import QueryResults, ResultItem, ResultList
    from pygen_runtime.query._select import (
        BooleanFilter,
        BooleanProperty,
        DirectRelationFilter,
        DirectRelationProperty,
        DirectTraversal,
        EdgeTraversal,
        EnumFilter,
        EnumProperty,
        ListFilter,
        ListProperty,
        NumberFilter,
        NumberProperty,
        ReadClass,
        ReverseTraversal,
        Select,
        TextFilter,
        TextProperty,
        TimeFilter,
        TimeProperty,
    )
    from pygen_runtime.query._steps import Direction, Query, Step, StepKind

# Where each public name is defined; a module is imported when one of its names is first used, so a
# generated SDK that only declares select classes does not load the executor.
_EXPORTS: dict[str, str] = {
    "AsyncQueryResults": "pygen_runtime.query._async",
    "BooleanFilter": "pygen_runtime.query._select",
    "BooleanProperty": "pygen_runtime.query._select",
    "DirectRelationFilter": "pygen_runtime.query._select",
    "DirectRelationProperty": "pygen_runtime.query._select",
    "DirectTraversal": "pygen_runtime.query._select",
    "Direction": "pygen_runtime.query._steps",
    "EdgeTraversal": "pygen_runtime.query._select",
    "EnumFilter": "pygen_runtime.query._select",
    "EnumProperty": "pygen_runtime.query._select",
    "ListFilter": "pygen_runtime.query._select",
    "ListProperty": "pygen_runtime.query._select",
    "NumberFilter": "pygen_runtime.query._select",
    "NumberProperty": "pygen_runtime.query._select",
    "PlanChoice": "pygen_runtime.query._plan",
    "Query": "pygen_runtime.query._steps",
    "QueryLimits": "pygen_runtime.query._limits",
    "QueryPlan": "pygen_runtime.query._plan",
    "QueryResults": "pygen_runtime.query._results",
    "QueryTooLargeError": "pygen_runtime.query._limits",
    "ReadClass": "pygen_runtime.query._select",
    "ResultItem": "pygen_runtime.query._results",
    "ResultList": "pygen_runtime.query._results",
    "ReverseTraversal": "pygen_runtime.query._select",
    "Select": "pygen_runtime.query._select",
    "Step": "pygen_runtime.query._steps",
    "StepKind": "pygen_runtime.query._steps",
    "Strategy": "pygen_runtime.query._plan",
    "TextFilter": "pygen_runtime.query._select",
    "TextProperty": "pygen_runtime.query._select",
    "TimeFilter": "pygen_runtime.query._select",
    "TimeProperty": "pygen_runtime.query._select",
    "and_": "pygen_runtime.query._filters",
    "contains_all": "pygen_runtime.query._filters",
    "contains_any": "pygen_runtime.query._filters",
    "equals": "pygen_runtime.query._filters",
    "fill_connections": "pygen_runtime.query._connections",
    "has_data": "pygen_runtime.query._filters",
    "in_": "pygen_runtime.query._filters",
    "instance_references": "pygen_runtime.query._filters",
    "node_reference": "pygen_runtime.query._filters",
    "prefix": "pygen_runtime.query._filters",
    "property_reference": "pygen_runtime.query._filters",
    "range_": "pygen_runtime.query._filters",
}

__all__ = [
    "AsyncQueryResults",
    "BooleanFilter",
    "BooleanProperty",
    "DirectRelationFilter",
    "DirectRelationProperty",
    "DirectTraversal",
    "Direction",
    "EdgeTraversal",
    "EnumFilter",
    "EnumProperty",
    "ListFilter",
    "ListProperty",
    "NumberFilter",
    "NumberProperty",
    "PlanChoice",
    "Query",
    "QueryLimits",
    "QueryPlan",
    "QueryResults",
    "QueryTooLargeError",
    "ReadClass",
    "ResultItem",
    "ResultList",
    "ReverseTraversal",
    "Select",
    "Step",
    "StepKind",
    "Strategy",
    "TextFilter",
    "TextProperty",
    "TimeFilter",
    "TimeProperty",
    "and_",
    "contains_all",
    "contains_any",
    "equals",
    "fill_connections",
    "has_data",
    "in_",
    "instance_references",
    "node_reference",
    "prefix",
    "property_reference",
    "range_",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
