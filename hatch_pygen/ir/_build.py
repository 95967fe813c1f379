"""``build_ir()``: from a validated schema to the IR."""

from __future__ import annotations

from typing import get_args

from pygen_runtime.schema import (
    ContainerId,
    DirectRelationType,
    EdgeConnection,
    EnumType,
    MappedProperty,
    ReverseDirectRelation,
    ViewId,
)

from hatch_pygen.ir._filters import supported_filters
from hatch_pygen.ir._model import (
    IR,
    ContainerRef,
    DataModelIR,
    DataModelRef,
    EdgeIR,
    EnumValueIR,
    NodeRef,
    PrimitiveType,
    PropertyIR,
    ThroughIR,
    UsedFor,
    ViewIR,
    ViewRef,
)
from hatch_pygen.validation import PropertyPlan, ValidatedSchema, ViewPlan

_PRIMITIVE_TYPES: frozenset[str] = frozenset(get_args(PrimitiveType))
_USED_FOR: frozenset[str] = frozenset(get_args(UsedFor))


def _view_ref(view: ViewId) -> ViewRef:
    return ViewRef(space=view.space, external_id=view.external_id, version=view.version)


def _container_ref(container: ContainerId) -> ContainerRef:
    return ContainerRef(space=container.space, external_id=container.external_id)


def _mapped_property(plan: PropertyPlan, prop: MappedProperty) -> PropertyIR:
    prop_type = prop.type
    is_list = prop_type.is_list
    common = {
        "identifier": plan.identifier,
        "name": plan.name,
        "display_name": prop.name,
        "description": prop.description,
        "list": is_list,
        "max_list_size": prop_type.max_list_size,
        "nullable": prop.nullable,
        "immutable": prop.immutable,
        "auto_increment": prop.auto_increment,
        "required": not prop.nullable and prop.default_value is None and not prop.auto_increment,
        "default": prop.default_value,
        "container": _container_ref(prop.container),
        "container_property": prop.container_property_identifier,
        "inherited_from": _view_ref(plan.inherited_from) if plan.inherited_from else None,
    }
    if isinstance(prop_type, DirectRelationType):
        return PropertyIR(
            **common,
            kind="direct_relation",
            target=_view_ref(plan.target) if plan.target else None,
            filters=supported_filters("direct_relation", None, is_list),
        )
    if isinstance(prop_type, EnumType):
        values = tuple(
            EnumValueIR(value=key, display_name=value.name, description=value.description)
            for key, value in sorted(prop_type.values.items())
        )
        return PropertyIR(
            **common,
            kind="enum",
            enum_values=values,
            enum_unknown_value=prop_type.unknown_value,
            filters=supported_filters("enum", None, is_list),
        )
    # Validation let only known types through, so this is one of CDF's primitive type names.
    primitive: PrimitiveType = prop_type.type  # type: ignore[assignment]
    return PropertyIR(
        **common, kind="primitive", type=primitive, filters=supported_filters("primitive", primitive, is_list)
    )


def _property(plan: PropertyPlan) -> PropertyIR:
    prop = plan.definition
    inherited = _view_ref(plan.inherited_from) if plan.inherited_from else None
    target = _view_ref(plan.target) if plan.target else None
    if isinstance(prop, MappedProperty):
        return _mapped_property(plan, prop)
    if isinstance(prop, EdgeConnection):
        return PropertyIR(
            identifier=plan.identifier,
            name=plan.name,
            display_name=prop.name,
            description=prop.description,
            kind="edge",
            list=prop.is_list,
            target=target,
            edge=EdgeIR(
                type=NodeRef(space=prop.type.space, external_id=prop.type.external_id),
                direction=prop.direction,
                edge_properties=_view_ref(plan.edge_source) if plan.edge_source else None,
            ),
            inherited_from=inherited,
        )
    reverse: ReverseDirectRelation = prop
    source = reverse.through.source
    return PropertyIR(
        identifier=plan.identifier,
        name=plan.name,
        display_name=reverse.name,
        description=reverse.description,
        kind="reverse_relation",
        list=reverse.is_list,
        target=target,
        through=ThroughIR(
            view=_view_ref(source) if isinstance(source, ViewId) else None,
            container=_container_ref(source) if isinstance(source, ContainerId) else None,
            identifier=reverse.through.identifier,
        ),
        inherited_from=inherited,
    )


def _ancestors(plan: ViewPlan, plans: dict[ViewId, ViewPlan]) -> tuple[ViewRef, ...]:
    found: list[ViewId] = []
    frontier = list(plan.parents)
    while frontier:
        following: list[ViewId] = []
        for parent in frontier:
            if parent not in found:
                found.append(parent)
                following.extend(plans[parent].parents)
        frontier = following
    return tuple(_view_ref(view) for view in found)


def _view(plan: ViewPlan, plans: dict[ViewId, ViewPlan]) -> ViewIR:
    view = plan.view
    containers = {
        (prop.container.space, prop.container.external_id): prop.container
        for prop in view.properties.values()
        if isinstance(prop, MappedProperty)
    }
    used_for: UsedFor = view.used_for if view.used_for in _USED_FOR else "node"  # type: ignore[assignment]
    return ViewIR(
        space=view.space,
        external_id=view.external_id,
        version=view.version,
        name=plan.name,
        display_name=view.name,
        description=view.description,
        used_for=used_for,
        writable=view.writable,
        implements=tuple(_view_ref(parent) for parent in plan.parents),
        ancestors=_ancestors(plan, plans),
        data_models=tuple(
            DataModelRef(space=model.space, external_id=model.external_id, version=model.version)
            for model in plan.data_models
        ),
        mapped_containers=tuple(_container_ref(containers[key]) for key in sorted(containers)),
        filter=view.filter,
        properties=tuple(_property(prop) for prop in plan.properties),
    )


def build_ir(
    schema: ValidatedSchema,
    *,
    package: str | None = None,
    client_name: str | None = None,
    instance_space: str | None = None,
) -> IR:
    """The IR of a validated schema; the keyword arguments are carried over from the configuration.

    Example::

        ir = build_ir(validate(load_model_file(Path("model.yaml"))), package="my_sdk")
        print(ir.to_json())
    """
    plans = {plan.view_id: plan for plan in schema.views}
    return IR(
        package=package,
        client_name=client_name,
        instance_space=instance_space,
        data_models=tuple(
            DataModelIR(
                space=model.data_model.space,
                external_id=model.data_model.external_id,
                version=model.data_model.version,
                display_name=model.data_model.name,
                description=model.data_model.description,
                views=tuple(_view_ref(view) for view in model.views),
            )
            for model in schema.models
        ),
        views=tuple(_view(plan, plans) for plan in schema.views),
    )
