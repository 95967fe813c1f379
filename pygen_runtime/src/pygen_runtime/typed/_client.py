"""``TypedClient``: the base of generated clients. It owns one ``CDFClient`` and writes and
deletes instances of any view; generated clients add one API attribute per view."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from typing_extensions import Self

from pygen_runtime.client import CDFClient
from pygen_runtime.config import ClientConfig, CogniteClientLike, is_cognite_client
from pygen_runtime.credentials import OAuthClientCredentials, Token
from pygen_runtime.errors import ConfigurationError, InvalidArgumentError

# What writing and deleting need is imported when first used: importing a generated client (this
# module) then costs no pydantic models, which is most of an SDK's import time.
if TYPE_CHECKING:
    import httpx

    from pygen_runtime.schema import EdgeId, NodeId
    from pygen_runtime.typed._content_apis import TypedDatapointsAPI, TypedFilesAPI
    from pygen_runtime.typed._instances import InstanceWrite
    from pygen_runtime.typed._upsert_result import UpsertResult

__all__ = ["TypedClient"]

_ENTRA_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
# TOML keys that are not ClientConfig fields: where to connect and how to authenticate.
_CONNECTION_KEYS = {
    "base_url",
    "cdf_url",
    "cdf_cluster",
    "token",
    "client_id",
    "client_secret",
    "token_url",
    "tenant_id",
    "scopes",
    "audience",
    "instance_space",
}
_PASSED_THROUGH = {f.name for f in fields(ClientConfig)} - {"base_url", "credentials"}


class TypedClient:
    """A client for one data model's typed SDK.

    Give it a ``ClientConfig``, an existing ``CDFClient`` (to share its connection pool), or a
    cognite-sdk ``CogniteClient`` (its project, URL and credentials are used, see
    ``ClientConfig.from_cognite_client``), or build it with ``from_env()`` or ``from_toml(path)``.
    ``instance_space`` is where instances given by external id alone are read and written.
    """

    # Generated clients set this from the SDK's configuration.
    default_instance_space: ClassVar[str | None] = None
    # Generated clients set this: the (space, external id, version) of each data model they serve.
    data_model_ids: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    def __init__(
        self,
        config: ClientConfig | CDFClient | CogniteClientLike,
        *,
        instance_space: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if isinstance(config, CDFClient):
            if transport is not None:
                raise InvalidArgumentError(
                    "transport applies to a new CDFClient; give a ClientConfig instead."
                )
            self.cdf = config
        elif isinstance(config, ClientConfig):
            self.cdf = CDFClient(config, transport=transport)
        elif is_cognite_client(config):
            # A new connection pool of our own, asking the CogniteClient's credential provider for
            # every request's token (so its token refresh carries over).
            self.cdf = CDFClient(ClientConfig.from_cognite_client(config), transport=transport)
        else:
            raise InvalidArgumentError(
                f"{type(self).__name__} expects a ClientConfig (e.g. ClientConfig.from_env()), a CDFClient, "
                f"or a cognite-sdk CogniteClient, got {type(config).__name__}; or build the client with "
                f"{type(self).__name__}.from_env() or .from_toml(path)."
            )
        self._owns_client = self.cdf is not config
        self.instance_space = instance_space or self.default_instance_space

    @classmethod
    def from_env(
        cls,
        *,
        instance_space: str | None = None,
        transport: httpx.BaseTransport | None = None,
        environ: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> Self:
        """A client configured from ``CDF_*`` environment variables (see ``ClientConfig.from_env``);
        ``CDF_INSTANCE_SPACE`` sets the instance space."""
        env = os.environ if environ is None else environ
        space = instance_space or env.get("CDF_INSTANCE_SPACE") or None
        return cls(ClientConfig.from_env(environ, **overrides), instance_space=space, transport=transport)

    @classmethod
    def azure_project(
        cls,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        cdf_cluster: str,
        project: str,
        *,
        instance_space: str | None = None,
        client_name: str = "pygen-runtime",
    ) -> Self:
        """A client for a project on ``https://<cdf_cluster>.cognitedata.com`` signed in to through
        Microsoft Entra ID (Azure AD) client credentials (see ``ClientConfig.for_entra_id``)."""
        config = ClientConfig.for_entra_id(
            tenant_id=tenant_id,
            client_id=client_id,
            client_secret=client_secret,
            cluster=cdf_cluster,
            project=project,
            client_name=client_name,
        )
        return cls(config, instance_space=instance_space)

    @classmethod
    def from_toml(
        cls,
        path: str | os.PathLike[str],
        *,
        section: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> Self:
        """A client configured from a TOML file of ``ClientConfig`` fields.

        Keys: ``base_url`` (or ``cdf_url``, or ``cdf_cluster``), ``project``, and either ``token``
        or ``client_id``, ``client_secret``, ``token_url`` (or ``tenant_id``), ``scopes``,
        ``audience``; optionally ``instance_space`` and any other ``ClientConfig`` field
        (``client_name``, ``timeout``, ``max_retries``, ...). A value ``"$NAME"`` is read from the
        environment variable ``NAME``, so secrets need not sit in the file. ``section`` picks a
        table (e.g. ``"cognite"``); by default the ``[cognite]`` table if there is one, else the
        top level.

        .. code-block:: toml

            [cognite]
            cdf_cluster = "westeurope-1"
            project = "my-project"
            client_id = "my-app"
            client_secret = "$CDF_CLIENT_SECRET"
            tenant_id = "my-tenant"
            instance_space = "my-instances"
        """
        values = _read_toml(Path(path), section)
        config, instance_space = _config_from_table(values, str(path))
        return cls(config, instance_space=instance_space, transport=transport)

    def __repr__(self) -> str:
        project, space = self.cdf.config.project, self.instance_space
        return f"{type(self).__name__}(project={project!r}, instance_space={space!r})"

    def upsert(
        self,
        items: InstanceWrite | Sequence[InstanceWrite],
        *,
        replace: bool = False,
        allow_version_increase: bool = False,
    ) -> UpsertResult:
        """Create or update nodes and edges (and the nodes and edges they hold inline) in one call:
        1,000 per request, several requests at once within the client's limits.

        ``replace=True`` sets every property of the view, clearing those not given; by default
        only the properties given are changed. A write object's ``existing_version`` makes CDF
        refuse the change if the instance has moved on since (``allow_version_increase=True``
        ignores it and writes anyway).
        """
        from pygen_runtime._api._instances import apply_json_chunks
        from pygen_runtime._gc import collection_paused
        from pygen_runtime.typed._upsert_result import UpsertResult, parse_upserted, read_upserted

        listed = _write_objects(items)
        default_space = self.instance_space
        applies: dict[tuple[str, str, str], dict[str, Any]] = {}
        # The items are many new, acyclic dicts: the cyclic collector, run again and again over
        # everything alive (the caller's write objects among it), cost more than building them.
        with collection_paused():
            for item in listed:
                for apply in item._apply_json(default_space):
                    if allow_version_increase:
                        apply.pop("existingVersion", None)
                    key = (apply["instanceType"], apply["space"], apply["externalId"])
                    # CDF refuses an instance twice in one request: the same instance given twice
                    # (explicitly and as an inline target, or through two views) is merged, and a
                    # real contradiction is an error rather than a silent choice.
                    kept = applies.setdefault(key, apply)
                    if kept is not apply:
                        applies[key] = _merged(kept, apply)
            set_aside = _set_aside_from_collection()
        try:
            if not applies:
                return UpsertResult()
            pending = list(applies.values())
            del applies  # the chunks take the items over, and let each go once it is answered
            chunks = apply_json_chunks(
                pending,
                parse_upserted,
                parse_content=read_upserted,
                auto_create_direct_relations=True,
                auto_create_start_nodes=True,
                auto_create_end_nodes=True,
                skip_on_version_conflict=False,
                replace=replace,
            )
            return UpsertResult(self.cdf.instances._http.run_chunks(chunks))
        finally:
            if set_aside:
                gc.unfreeze()

    def delete(
        self,
        items: Any,
        space: str | None = None,
    ) -> list[NodeId | EdgeId]:
        """Delete nodes (with their edges) and edges: by external id (in ``space``, by default the
        instance space), ``(space, external_id)`` pair, ``NodeId``/``EdgeId``, or read and write
        objects. Returns the ids CDF deleted."""
        from pygen_runtime.schema import EdgeId
        from pygen_runtime.typed._instances import EdgeWrite, InstanceRead, NodeWrite, as_node_id

        given = items if isinstance(items, list) else [items]
        default_space = space or self.instance_space
        ids: list[NodeId | EdgeId] = []
        for item in given:
            if isinstance(item, EdgeId):
                ids.append(item)
            elif isinstance(item, InstanceRead):
                ids.append(item.as_id())
            elif isinstance(item, (NodeWrite, EdgeWrite)):
                ids.append(item.as_id(default_space))
            else:
                ids.append(as_node_id(item, default_space, "delete"))
        if not ids:
            return []
        return self.cdf.instances.delete(ids)

    def graphql_query(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        data_model: tuple[str, str, str] | None = None,
    ) -> dict[str, Any]:
        """Run a GraphQL query against the SDK's data model (``data_model=(space, external_id,
        version)`` picks one when the SDK has several); returns the answer's ``data``, with each
        object whose ``__typename`` has a read class in the SDK read into it. Raises
        ``GraphQLQueryError`` with CDF's messages when the query fails. See docs/python-sdk.md."""
        from pygen_runtime.typed._graphql import run_graphql_query

        return run_graphql_query(self, query, variables, data_model)

    @cached_property
    def datapoints(self) -> TypedDatapointsAPI:
        """Data points of time series nodes: ``retrieve``, ``retrieve_dataframe``, ``insert``, taking
        read or write objects, NodeIds, (space, external_id) pairs or external ids (in the
        instance space). See docs/datapoints-and-files.md."""
        from pygen_runtime.typed._content_apis import TypedDatapointsAPI

        return TypedDatapointsAPI(self.cdf.datapoints, self.instance_space)

    @cached_property
    def files(self) -> TypedFilesAPI:
        """Content of file nodes: ``download``, ``download_bytes``, ``upload_bytes``, taking the same
        references as ``datapoints``. See docs/datapoints-and-files.md."""
        from pygen_runtime.typed._content_apis import TypedFilesAPI

        return TypedFilesAPI(self.cdf.files, self.instance_space)

    def close(self) -> None:
        """Close the connection pool (unless the client was given an existing ``CDFClient``)."""
        if self._owns_client:
            self.cdf.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


def _set_aside_from_collection() -> bool:
    """Let the cyclic collector leave alone every object alive now, until ``gc.unfreeze()``;
    True if it was done.

    While an upsert's requests are sent, the objects alive (the caller's write objects and the
    items to send: millions of containers for 100,000 nodes) are not garbage, yet each full
    collection, set off by the answers' objects, would walk all of them again. Objects are set
    aside only when nothing else has frozen any (the emulator's server does, for one): unfreezing
    would undo what another part of the program set up.
    """
    if gc.get_freeze_count():
        return False
    gc.freeze()
    return True


def _write_objects(items: InstanceWrite | Sequence[InstanceWrite]) -> list[InstanceWrite]:
    from pygen_runtime.typed._instances import InstanceRead, InstanceWrite

    listed = [items] if isinstance(items, InstanceWrite) else list(items)
    # Checked once per class: an isinstance check against a pydantic model class goes through
    # ABCMeta, a cost paid for every item otherwise.
    if not all(issubclass(kind, InstanceWrite) for kind in set(map(type, listed))):
        for index, item in enumerate(listed):
            if not isinstance(item, InstanceWrite):
                hint = " Convert a read object with .as_write()." if isinstance(item, InstanceRead) else ""
                raise InvalidArgumentError(
                    f"upsert expects write objects or a list of them; item {index} is "
                    f"{type(item).__name__}.{hint}"
                )
    return listed


def _read_toml(path: Path, section: str | None) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        try:
            import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise ConfigurationError(["from_toml needs tomli on Python 3.10: pip install tomli"]) from None
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(
            [f"{path}: no such file; give the path of a TOML file with the client settings."]
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError([f"{path} is not valid TOML: {error}"]) from None
    if section is None:
        section = "cognite" if isinstance(document.get("cognite"), dict) else None
    if section is None:
        return dict(document)
    table = document.get(section)
    if not isinstance(table, dict):
        raise ConfigurationError([f"{path} has no [{section}] table."])
    return table


def _config_from_table(values: Mapping[str, Any], where: str) -> tuple[ClientConfig, str | None]:
    problems: list[str] = []
    resolved: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            continue  # another table, such as [tool.pygen]
        if key not in _CONNECTION_KEYS and key not in _PASSED_THROUGH:
            known = ", ".join(sorted(_CONNECTION_KEYS | _PASSED_THROUGH))
            problems.append(f"{where}: unknown key {key!r}; known keys are {known}.")
            continue
        if isinstance(value, str) and value.startswith("$"):
            variable = value[1:]
            if variable not in os.environ:
                problems.append(
                    f"{where}: {key} = {value!r} names the environment variable {variable}, which is not set."
                )
                continue
            value = os.environ[variable]
        resolved[key] = value
    base_url = resolved.get("base_url") or resolved.get("cdf_url")
    if base_url is None and "cdf_cluster" in resolved:
        base_url = f"https://{resolved['cdf_cluster']}.cognitedata.com"
    if base_url is None:
        problems.append(f"{where}: base_url (or cdf_url, or cdf_cluster) is missing.")
    if "project" not in resolved:
        problems.append(f"{where}: project is missing.")
    credentials = _credentials(resolved, base_url, where, problems)
    if problems or base_url is None or credentials is None:
        raise ConfigurationError(problems)
    overrides = {key: value for key, value in resolved.items() if key in _PASSED_THROUGH}
    config = ClientConfig(base_url=base_url, credentials=credentials, **overrides)
    instance_space = resolved.get("instance_space")
    return config, instance_space if isinstance(instance_space, str) else None


def _credentials(
    values: Mapping[str, Any], base_url: str | None, where: str, problems: list[str]
) -> Token | OAuthClientCredentials | None:
    if "token" in values:
        if "client_id" in values or "client_secret" in values:
            problems.append(f"{where}: both token and client_id/client_secret are set; keep one.")
            return None
        return Token(values["token"])
    missing = [key for key in ("client_id", "client_secret") if key not in values]
    token_url = values.get("token_url")
    if token_url is None and "tenant_id" in values:
        token_url = _ENTRA_TOKEN_URL.format(tenant=values["tenant_id"])
    if token_url is None:
        missing.append("token_url (or tenant_id)")
    if missing or token_url is None:
        problems.append(
            f"{where}: no credentials: set token, or client credentials ({', '.join(missing)} missing)."
        )
        return None
    scopes = values.get("scopes")
    if isinstance(scopes, str):
        scopes = [scopes]
    if scopes is None:
        scopes = [f"{str(base_url).rstrip('/')}/.default"] if base_url else []
    return OAuthClientCredentials(
        token_url=token_url,
        client_id=values["client_id"],
        client_secret=values["client_secret"],
        scopes=list(scopes),
        audience=values.get("audience"),
    )


def _merged(kept: dict[str, Any], again: dict[str, Any]) -> dict[str, Any]:
    """One apply item (CDF's JSON) holding both: the values of each view combined,
    contradictions refused."""
    if kept == again:
        return kept
    name = f"{kept['instanceType']} {kept['space']}:{kept['externalId']}"
    for key, field_name in _INSTANCE_KEYS.items():
        first, second = kept.get(key), again.get(key)
        if first is not None and second is not None and first != second:
            raise InvalidArgumentError(
                f"upsert got {name} twice with different {field_name} ({_shown(first)} and "
                f"{_shown(second)}); give each instance once, or the same values each time"
            )
    by_source: dict[tuple[str, ...], dict[str, Any]] = {}
    source_of: dict[tuple[str, ...], dict[str, Any]] = {}
    for source in [*kept["sources"], *again["sources"]]:
        source_key = tuple(sorted(f"{k}={v}" for k, v in source["source"].items()))
        source_of.setdefault(source_key, source["source"])
        properties = by_source.setdefault(source_key, {})
        for prop, value in source["properties"].items():
            if prop in properties and properties[prop] != value:
                raise InvalidArgumentError(
                    f"upsert got {name} twice with different values for {prop!r} of "
                    f"{_shown(source['source'])}: {properties[prop]!r} and {value!r}; give each "
                    "instance once, or the same values"
                )
            properties[prop] = value
    merged = {**again, **kept}
    for key in ("type", "existingVersion"):
        if kept.get(key) is None and again.get(key) is not None:
            merged[key] = again[key]
    merged["sources"] = [
        {"source": source_of[source_key], "properties": properties}
        for source_key, properties in by_source.items()
    ]
    return merged


# The instance fields two items for one instance must agree on, by wire and Python name.
_INSTANCE_KEYS = {
    "type": "type",
    "startNode": "start_node",
    "endNode": "end_node",
    "existingVersion": "existing_version",
}


def _shown(value: Any) -> str:
    """A reference from an apply item as errors show it: ``space:externalId`` (with
    ``/version`` for a view)."""
    if isinstance(value, dict) and "space" in value and "externalId" in value:
        version = f"/{value['version']}" if "version" in value else ""
        return f"{value['space']}:{value['externalId']}{version}"
    return str(value)
