"""The bounds a query runs within, and the error it stops with when it would go past them.

A query over a highly connected graph can reach far more nodes than anyone wants to hold; rather
than fetching until memory runs out, it stops with :class:`QueryTooLargeError`, naming the step
and how to bound it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pygen_runtime.errors import InvalidArgumentError, PygenRuntimeError

__all__ = ["QueryLimits", "QueryTooLargeError", "limit_or_all"]


def limit_or_all(limit: Any) -> Any:
    """``limit`` with the other spellings of "everything" read as None: ``-1`` and
    ``float("inf")``, which code written for pygen v1 passes. Anything else is returned as it is,
    for the caller to check."""
    if type(limit) is int and limit == -1:
        return None
    if type(limit) is float and limit == math.inf:
        return None
    return limit


class QueryTooLargeError(PygenRuntimeError):
    """A query went past one of its :class:`QueryLimits`; nothing more was fetched."""


@dataclass(frozen=True)
class QueryLimits:
    """How large a query may grow, and how it pages.

    - ``max_depth``: steps below the start (a traversal deeper than this is refused up front).
    - ``max_instances``: nodes and edges fetched over the whole query, all pages together.
    - ``max_requests``: requests sent over the whole query.
    - ``page_size``: instances per page of each result set (halved on 408 and timeouts, down to
      ``min_page_size``, then the error is raised).
    - ``ids_per_request``: ids per by-ids request and per ``in`` / ``instanceReferences`` filter;
      longer lists are split over several requests.
    - ``max_result_sets``: result sets in one query request (CDF takes at most 50).
    """

    max_depth: int = 6
    max_instances: int = 1_000_000
    max_requests: int = 10_000
    page_size: int = 1000
    min_page_size: int = 10
    ids_per_request: int = 1000
    max_result_sets: int = 50

    def __post_init__(self) -> None:
        for name in (
            "max_depth",
            "max_instances",
            "max_requests",
            "page_size",
            "min_page_size",
            "ids_per_request",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidArgumentError(f"QueryLimits.{name} must be a whole number >= 1, got {value!r}.")
        if self.page_size > 10_000:
            raise InvalidArgumentError(
                f"QueryLimits.page_size is at most 10,000 (CDF's limit), got {self.page_size}."
            )
        if self.ids_per_request > 1000:
            raise InvalidArgumentError(
                f"QueryLimits.ids_per_request is at most 1,000 (CDF's limit), got {self.ids_per_request}."
            )
        if not 1 <= self.max_result_sets <= 50:
            raise InvalidArgumentError(
                f"QueryLimits.max_result_sets must be 1 to 50 (CDF's limit), got {self.max_result_sets}."
            )
