"""``POST /userapis/spaces/{space}/datamodels/{externalId}/versions/{version}/graphql``: CDF's
GraphQL endpoint of one data model, answering ``{"data": ..., "errors": [...]}``.

The schema (see :mod:`._graphql_schema`) is built from the data model's views on first use and
kept until the schema store changes. Needs graphql-core (``pip install 'pygen-runtime[testing]'``).
"""

from __future__ import annotations

import re
from typing import Any

from pygen_runtime.testing._api_request import ApiRequest
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._project import Project

__all__ = ["GRAPHQL_PATH", "run_graphql"]

GRAPHQL_PATH = re.compile(r"^/userapis/spaces/([^/]+)/datamodels/([^/]+)/versions/([^/]+)/graphql/?$")


def run_graphql(project: Project, request: ApiRequest) -> dict[str, Any]:
    """Run the body's ``query`` (with its ``variables``) against the data model in the path."""
    try:
        import graphql
    except ImportError:  # pragma: no cover - graphql-core ships with the testing extra
        raise EmulatorRequestError(
            "The emulator's GraphQL endpoint needs graphql-core: pip install 'pygen-runtime[testing]'.",
            status=501,
        ) from None
    from pygen_runtime.testing._graphql_schema import build_schema

    match = GRAPHQL_PATH.match(request.path)
    if match is None:  # the router only sends matching paths
        raise EmulatorRequestError(f"No GraphQL endpoint at {request.path}.", status=404)
    key = (match.group(1), match.group(2), match.group(3))
    model = project.schema.data_models.get(key)
    if model is None:
        raise EmulatorRequestError(
            f"Data model {key[0]}:{key[1]}/{key[2]} does not exist; apply it before querying it.",
            status=404,
        )
    body = request.json_body()
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise EmulatorRequestError("The body needs 'query': the GraphQL query as a string.")
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise EmulatorRequestError("'variables' must be a JSON object of variable values.")
    schema = project.schema.cached(("graphql", key), lambda: build_schema(project.schema, model))
    result = graphql.graphql_sync(schema, query, variable_values=variables, context_value=project)
    answer: dict[str, Any] = {"data": result.data}
    if result.errors:
        answer["errors"] = [error.formatted for error in result.errors]
    return answer
