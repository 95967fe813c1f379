"""The client module of a generated SDK: the client class, and a sub-client per data model
when the SDK holds several."""

from __future__ import annotations

from typing import Any

from hatch_pygen.ir import IR
from hatch_pygen.render.python._fields import INDENT
from hatch_pygen.render.python._imports import import_block
from hatch_pygen.render.python._layout import Call, flat, statement
from hatch_pygen.render.python._literals import docstring, string_literal
from hatch_pygen.render.python._model import RESERVED_CLIENT_ATTRIBUTES, ViewModel, models_with_views
from hatch_pygen.render.python._names import claim, python_attribute
from hatch_pygen.render.python._source import (
    API_PACKAGE,
    CLIENT_MODULE,
    METHOD_INDENT,
    SourceFile,
    all_statement,
    api_property,
)

__all__ = ["client_module"]


def client_module(
    ir: IR,
    header: str,
    root: str,
    client_name: str,
    sub_clients: dict[tuple[str, str, str], str],
    views: list[ViewModel],
) -> SourceFile:
    api_imports: dict[str, list[str]] = {}
    for model in views:
        api_imports.setdefault(f".{API_PACKAGE}.{model.module}", []).append(model.api)

    def view_properties(
        members: list[ViewModel], argument: str, attributes: list[str]
    ) -> list[dict[str, str]]:
        return [
            api_property(
                attribute,
                model.api,
                f".{API_PACKAGE}.{model.module}",
                argument,
                f"{model.read} {model.kind}s ({model.label}).",
            )
            for model, attribute in zip(members, attributes, strict=True)
        ]

    instance_space = string_literal(ir.instance_space) if ir.instance_space else "None"
    model_ids = [
        Call("", tuple(string_literal(part) for part in (model.space, model.external_id, model.version)))
        for model in models_with_views(ir)
    ]
    # The type comes from TypedClient. One model is written flat (ruff joins a one-item tuple
    # whatever its trailing comma); several one per line, as ruff keeps them.
    ids_statement = (
        statement(f"data_model_ids = ({flat(model_ids[0])},)", indent=INDENT)
        if len(model_ids) == 1
        else statement(Call("", tuple(model_ids)), indent=INDENT, prefix="data_model_ids = ", explode=True)
    )
    client_lines = [
        statement(f"default_instance_space: ClassVar[str | None] = {instance_space}", indent=INDENT),
        ids_statement,
    ]
    clients: list[dict[str, Any]] = []
    if sub_clients:
        attributes: set[str] = set()
        properties = []
        for data_model in models_with_views(ir):
            key = (data_model.space, data_model.external_id, data_model.version)
            members = [
                model
                for ref in data_model.views
                for model in views
                if (model.view.space, model.view.external_id, model.view.version)
                == (ref.space, ref.external_id, ref.version)
            ]
            clients.append(
                {
                    "header": statement(f"class {sub_clients[key]}:"),
                    "doc": docstring(
                        f"The views of {data_model.display_name or data_model.external_id} "
                        f"({data_model.space}:{data_model.external_id}/{data_model.version}).",
                        INDENT,
                    ),
                    "class_lines": [_SUB_CLIENT_INIT],
                    "properties": view_properties(members, "self._client", _sub_client_attributes(members)),
                }
            )
            properties.append(
                api_property(
                    claim(python_attribute(data_model.external_id, RESERVED_CLIENT_ATTRIBUTES), attributes),
                    sub_clients[key],
                    None,
                    "self",
                    f"The views of {data_model.display_name or data_model.external_id}.",
                )
            )
        clients.append(_client_class(ir, client_name, client_lines, properties))
    else:
        clients.append(
            _client_class(
                ir,
                client_name,
                client_lines,
                view_properties(views, "self", [model.attribute for model in views]),
            )
        )
    names = [client_name, *sub_clients.values()]
    return SourceFile(
        f"{root}/{CLIENT_MODULE}.py",
        "client_module.py.j2",
        {
            "header": header,
            "docstring": docstring(f"The {client_name}: one attribute per view, each created on first use."),
            "imports": import_block(
                {
                    "functools": ["cached_property"],
                    "typing": ["TYPE_CHECKING", "ClassVar"],
                    "pygen_runtime.typed": ["TypedClient"],
                }
            ),
            "type_checking_imports": import_block(api_imports, indent=INDENT),
            "all": all_statement(names),
            "clients": clients,
        },
    )


_SUB_CLIENT_INIT = (
    f"{INDENT}def __init__(self, client: TypedClient) -> None:\n{METHOD_INDENT}self._client = client"
)


def _client_class(ir: IR, name: str, lines: list[str], properties: list[dict[str, str]]) -> dict[str, Any]:
    models = ", ".join(f"{model.space}:{model.external_id}/{model.version}" for model in ir.data_models)
    text = (
        f"The client of {models or 'the SDK'}.\n\n"
        f"Create it with ``{name}.from_env()``, ``{name}.from_toml(path)`` or "
        f"``{name}(config)``; write with ``upsert()``, delete with ``delete()``."
    )
    return {
        "header": statement(f"class {name}(TypedClient):"),
        "doc": docstring(text, INDENT),
        "class_lines": lines,
        "properties": properties,
    }


def _sub_client_attributes(members: list[ViewModel]) -> list[str]:
    """The attributes of a data model's views in its sub-client: the view's external id when no
    other view of that model reads the same (``client.omni_multi_b.implementation1``), else the
    SDK-wide name, which validation made unique (``implementation1_2``)."""
    local = [
        python_attribute(model.view.external_id, RESERVED_CLIENT_ATTRIBUTES)
        + ("_edge" if model.kind == "edge" and model.view.used_for == "all" else "")
        for model in members
    ]
    return [
        name if local.count(name) == 1 else model.attribute
        for name, model in zip(local, members, strict=True)
    ]
