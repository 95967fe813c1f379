"""Which handler serves which ``METHOD /models/...`` path, and which concurrency budget it uses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pygen_runtime.testing import _instance_reads, _instance_search, _instance_writes, _schema_api
from pygen_runtime.testing._api_request import ApiRequest
from pygen_runtime.testing._encoded_json import EncodedJson
from pygen_runtime.testing._project import Project

__all__ = ["Route", "find_route", "known_methods"]

Handler = Callable[[Project, ApiRequest], dict[str, Any] | EncodedJson]


@dataclass(frozen=True)
class Route:
    """An endpoint: its handler and the concurrency budget (``apply``, ``delete``, ``query``) it draws on."""

    handler: Handler
    budget: str | None = None


def _query(project: Project, request: ApiRequest) -> dict[str, Any]:
    from pygen_runtime.testing._query import run_query

    return run_query(request.json_body(), project.store, project.schema)


def _sync(project: Project, request: ApiRequest) -> dict[str, Any]:
    from pygen_runtime.testing._sync import run_sync

    return run_sync(request.json_body(), project.store, project.schema, project.now())


def _retrieve_datapoints(project: Project, request: ApiRequest) -> dict[str, Any]:
    from pygen_runtime.testing._datapoints import retrieve_datapoints

    return retrieve_datapoints(project, request)


def _insert_datapoints(project: Project, request: ApiRequest) -> dict[str, Any]:
    from pygen_runtime.testing._datapoints import insert_datapoints

    return insert_datapoints(project, request)


def _download_links(project: Project, request: ApiRequest) -> dict[str, Any]:
    from pygen_runtime.testing._files import download_links

    return download_links(project, request)


def _upload_link(project: Project, request: ApiRequest) -> dict[str, Any]:
    from pygen_runtime.testing._files import upload_link

    return upload_link(project, request)


def _graphql(project: Project, request: ApiRequest) -> dict[str, Any]:
    from pygen_runtime.testing._graphql import run_graphql

    return run_graphql(project, request)


# The one endpoint whose path holds identifiers: a data model's GraphQL API.
_GRAPHQL_PATH = re.compile(r"^/userapis/spaces/[^/]+/datamodels/[^/]+/versions/[^/]+/graphql$")
_GRAPHQL_ROUTE = Route(_graphql, "query")

_ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/models/spaces"): Route(_schema_api.apply_spaces),
    ("GET", "/models/spaces"): Route(_schema_api.list_spaces),
    ("POST", "/models/spaces/byids"): Route(_schema_api.spaces_by_ids),
    ("POST", "/models/spaces/delete"): Route(_schema_api.delete_spaces),
    ("POST", "/models/containers"): Route(_schema_api.apply_containers),
    ("GET", "/models/containers"): Route(_schema_api.list_containers),
    ("POST", "/models/containers/byids"): Route(_schema_api.containers_by_ids),
    ("POST", "/models/containers/delete"): Route(_schema_api.delete_containers),
    ("POST", "/models/views"): Route(_schema_api.apply_views),
    ("GET", "/models/views"): Route(_schema_api.list_views),
    ("POST", "/models/views/byids"): Route(_schema_api.views_by_ids),
    ("POST", "/models/views/delete"): Route(_schema_api.delete_views),
    ("POST", "/models/datamodels"): Route(_schema_api.apply_data_models),
    ("GET", "/models/datamodels"): Route(_schema_api.list_data_models),
    ("POST", "/models/datamodels/byids"): Route(_schema_api.data_models_by_ids),
    ("POST", "/models/datamodels/delete"): Route(_schema_api.delete_data_models),
    ("POST", "/models/instances"): Route(_instance_writes.apply_instances, "apply"),
    ("POST", "/models/instances/delete"): Route(_instance_writes.delete_instances, "delete"),
    ("POST", "/models/instances/list"): Route(_instance_reads.list_instances, "query"),
    ("POST", "/models/instances/byids"): Route(_instance_reads.by_ids, "query"),
    ("POST", "/models/instances/search"): Route(_instance_search.search_instances, "query"),
    ("POST", "/models/instances/aggregate"): Route(_instance_search.aggregate_instances, "query"),
    ("POST", "/models/instances/query"): Route(_query, "query"),
    ("POST", "/models/instances/sync"): Route(_sync, "query"),
    ("POST", "/timeseries/data/list"): Route(_retrieve_datapoints),
    ("POST", "/timeseries/data"): Route(_insert_datapoints),
    ("POST", "/files/downloadlink"): Route(_download_links),
    ("POST", "/files/uploadlink"): Route(_upload_link),
}


def find_route(method: str, path: str) -> Route | None:
    """The route for ``method path`` (path below ``/api/v1/projects/{project}``), or None."""
    clean = path.rstrip("/") or "/"
    if _GRAPHQL_PATH.match(clean):
        return _GRAPHQL_ROUTE if method.upper() == "POST" else None
    return _ROUTES.get((method.upper(), clean))


def known_methods(path: str) -> list[str]:
    """The methods some route serves at ``path`` (for a 405's message)."""
    clean = path.rstrip("/") or "/"
    if _GRAPHQL_PATH.match(clean):
        return ["POST"]
    return sorted(method for method, route_path in _ROUTES if route_path == clean)
