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

__all__ = [
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
