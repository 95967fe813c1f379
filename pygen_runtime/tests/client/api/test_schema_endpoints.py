"""Spaces, data models, views and containers against a loopback server that answers with the
real models of shared/cdf/models (in the API's JSON shape, checked against the official spec)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openapi_contract
import pytest
import yaml
from pygen_runtime.schema import (
    Container,
    ContainerId,
    ContainerProperty,
    DataModel,
    DataModelId,
    MappedProperty,
    Space,
    UnknownPropertyType,
    View,
    ViewId,
)
from werkzeug import Response

from pygen_runtime import InvalidArgumentError

MODELS = openapi_contract.SPEC_PATH.parents[1] / "models"


def load_model(name: str) -> DataModel:
    return DataModel.load(yaml.safe_load(Path(MODELS / f"{name}.yaml").read_text(encoding="utf-8")))


CORE = load_model("CogniteCore")
OMNI = load_model("Omni")


def containers_of(model: DataModel) -> list[Container]:
    """The containers a model's views map, rebuilt from their mapped properties."""
    found: dict[ContainerId, Container] = {}
    for view in model.inline_views:
        for prop in view.properties.values():
            if isinstance(prop, MappedProperty):
                container = found.setdefault(
                    prop.container,
                    Container(space=prop.container.space, external_id=prop.container.external_id),
                )
                container.properties[prop.container_property_identifier] = ContainerProperty(type=prop.type)
    return list(found.values())


def read_shape(body: dict[str, Any]) -> dict[str, Any]:
    """What CDF returns for an applied schema item: the item, stamped."""
    return {**body, "isGlobal": False, "createdTime": 1, "lastUpdatedTime": 2}


def spec_checked(method: str, path: str, body: Any) -> Response:
    openapi_contract.validate_response(method, path, 200, body)
    return Response(json.dumps(body), content_type="application/json")


def test_a_data_model_is_retrieved_with_its_views_inline(cdf: Any, run: Any) -> None:
    # Not checked against the spec: the model file is an older dump, without the targetsList
    # that today's answers carry on reverse direct relations.
    cdf.on("POST", "/models/datamodels/byids", cdf.answer({"items": [CORE.dump()]}))

    [model] = run(lambda client: client.data_models.retrieve(CORE.as_id(), inline_views=True))

    assert model == CORE
    assert len(model.inline_views) == 33
    [request] = cdf.sent()
    assert request.query == {"inlineViews": "true"}
    assert request.body == {"items": [{"space": "cdf_cdm", "externalId": "CogniteCore", "version": "v1"}]}


def test_many_data_model_ids_are_asked_for_100_at_a_time(cdf: Any, run: Any) -> None:
    cdf.on("POST", "/models/datamodels/byids", cdf.answer({"items": []}))
    ids = [DataModelId(space="models", external_id=f"M{n}", version="1") for n in range(150)]

    assert run(lambda client: client.data_models.retrieve(ids, inline_views=False)) == []

    assert sorted(len(request.body["items"]) for request in cdf.sent()) == [50, 100]
    assert {request.query["inlineViews"] for request in cdf.sent()} == {"false"}


def test_listing_follows_cursors_until_everything_is_read(cdf: Any, run: Any) -> None:
    models = [OMNI.model_copy(update={"version": str(n), "views": OMNI.view_ids}) for n in range(1, 4)]
    pages = [
        {"items": [models[0].dump(), models[1].dump()], "nextCursor": "page-2"},
        {"items": [models[2].dump()]},
    ]
    for page in pages:
        openapi_contract.validate_response("GET", "/models/datamodels", 200, page)

    def by_cursor(recorded: Any) -> Response:
        page = pages[1] if recorded.query.get("cursor") == "page-2" else pages[0]
        return cdf.answer(page)

    cdf.on("GET", "/models/datamodels", by_cursor)

    listed = run(lambda client: client.data_models.list(space="sp_pygen_models", all_versions=True))

    assert [model.version for model in listed] == ["1", "2", "3"]
    first, second = cdf.sent()
    assert first.query == {
        "space": "sp_pygen_models",
        "allVersions": "true",
        "inlineViews": "false",
        "includeGlobal": "false",
        "limit": "1000",
    }
    assert second.query["cursor"] == "page-2"


def test_a_listing_stops_at_its_limit_and_asks_only_for_what_is_left(cdf: Any, run: Any) -> None:
    spaces = [read_shape({"space": f"s{n}"}) for n in range(4)]
    cdf.on(
        "GET",
        "/models/spaces",
        cdf.answer({"items": spaces[:2], "nextCursor": "more"}),
        cdf.answer({"items": spaces[2:], "nextCursor": "even-more"}),
    )

    listed = run(lambda client: client.spaces.list(include_global=True, limit=3))

    assert [space.space for space in listed] == ["s0", "s1", "s2"]
    assert [request.query["limit"] for request in cdf.sent()] == ["3", "1"]
    assert cdf.sent()[0].query["includeGlobal"] == "true"


def test_a_server_repeating_a_cursor_does_not_page_forever(cdf: Any, client: Any) -> None:
    cdf.on("GET", "/models/spaces", cdf.answer({"items": [read_shape({"space": "s"})], "nextCursor": "same"}))

    assert len(client.spaces.list()) == 2
    assert len(cdf.sent()) == 2


def test_iterate_fetches_a_page_only_when_it_is_needed(cdf: Any, client: Any) -> None:
    cdf.on(
        "GET",
        "/models/views",
        cdf.answer({"items": [view.dump() for view in OMNI.inline_views[:2]], "nextCursor": "next"}),
        cdf.answer({"items": [view.dump() for view in OMNI.inline_views[2:3]]}),
    )

    pages = client.views.iterate(space="sp_pygen_models")
    first = next(pages)

    assert len(cdf.sent()) == 1
    assert (len(first), first.next_cursor) == (2, "next")
    assert [view.external_id for view in first] == [view.external_id for view in OMNI.inline_views[:2]]
    rest = list(pages)
    assert [len(page) for page in rest] == [1]
    assert len(cdf.sent()) == 2


def test_every_schema_group_iterates_page_by_page(cdf: Any, client: Any) -> None:
    cdf.on("GET", "/models/spaces", cdf.answer({"items": [read_shape({"space": "s"})]}))
    cdf.on("GET", "/models/containers", cdf.answer({"items": [read_shape(containers_of(OMNI)[0].dump())]}))
    cdf.on("GET", "/models/datamodels", cdf.answer({"items": [OMNI.model_copy(update={"views": []}).dump()]}))

    spaces = list(client.spaces.iterate(limit=5))
    containers = list(client.containers.iterate(space="sp_pygen_models"))
    models = list(client.data_models.iterate(inline_views=True))

    assert [len(pages) for pages in (spaces, containers, models)] == [1, 1, 1]
    assert models[0].items[0].as_id() == OMNI.as_id()
    assert cdf.sent("/models/datamodels")[0].query["inlineViews"] == "true"


async def test_async_iterate_fetches_pages_as_they_are_needed(cdf: Any) -> None:
    from pygen_runtime import AsyncCDFClient

    cdf.on(
        "GET",
        "/models/containers",
        cdf.answer({"items": [read_shape(c.dump()) for c in containers_of(OMNI)[:1]], "nextCursor": "next"}),
        cdf.answer({"items": [read_shape(c.dump()) for c in containers_of(OMNI)[1:2]]}),
    )

    async with AsyncCDFClient(cdf.config()) as client:
        seen = [len(page) async for page in client.containers.iterate(space="sp_pygen_models")]
        views_pages = client.views.iterate()
        spaces_pages = client.spaces.iterate()
        models_pages = client.data_models.iterate()

    assert seen == [1, 1]
    assert len(cdf.sent()) == 2
    for unused in (views_pages, spaces_pages, models_pages):
        await unused.aclose()  # type: ignore[attr-defined]


def test_views_are_retrieved_with_inherited_properties_by_default(cdf: Any, run: Any) -> None:
    views = OMNI.inline_views[:5]
    cdf.on(
        "POST",
        "/models/views/byids",
        spec_checked("POST", "/models/views/byids", {"items": [v.dump() for v in views]}),
    )

    result = run(lambda client: client.views.retrieve([view.as_id() for view in views]))

    assert result == views
    [request] = cdf.sent()
    assert request.query == {"includeInheritedProperties": "true"}
    assert request.body["items"][0] == {
        "space": "sp_pygen_models",
        "externalId": views[0].external_id,
        "version": "1",
    }


def test_views_apply_and_delete(cdf: Any, run: Any) -> None:
    # CDF answers an apply with the views as it now stores them: the read shape.
    cdf.on("POST", "/models/views", cdf.answer({"items": [view.dump() for view in OMNI.inline_views]}))
    cdf.on("POST", "/models/views/delete", lambda recorded: cdf.answer({"items": recorded.body["items"]}))

    applied = run(lambda client: client.views.apply(OMNI.inline_views))
    deleted = run(lambda client: client.views.delete(OMNI.view_ids[:2]))

    assert [view.as_id() for view in applied] == OMNI.view_ids
    assert deleted == OMNI.view_ids[:2]
    assert cdf.sent("/models/views")[0].body["items"][0] == OMNI.inline_views[0].dump_apply()


def test_data_models_apply_and_delete(cdf: Any, run: Any) -> None:
    def echo(recorded: Any) -> Response:
        return cdf.answer({"items": [read_shape(item) for item in recorded.body["items"]]})

    cdf.on("POST", "/models/datamodels", echo)
    cdf.on(
        "POST", "/models/datamodels/delete", lambda recorded: cdf.answer({"items": recorded.body["items"]})
    )
    reference_only = OMNI.model_copy(update={"views": OMNI.view_ids})

    [applied] = run(lambda client: client.data_models.apply(reference_only))
    deleted = run(lambda client: client.data_models.delete([OMNI.as_id()]))

    assert applied.view_ids == OMNI.view_ids
    assert deleted == [OMNI.as_id()]


def test_containers_apply_retrieve_list_and_delete(cdf: Any, run: Any) -> None:
    containers = containers_of(OMNI)
    stored = {"items": [read_shape(container.dump()) for container in containers]}
    cdf.on(
        "POST",
        "/models/containers",
        lambda recorded: cdf.answer({"items": [read_shape(i) for i in recorded.body["items"]]}),
    )
    cdf.on("POST", "/models/containers/byids", spec_checked("POST", "/models/containers/byids", stored))
    cdf.on("GET", "/models/containers", cdf.answer(stored))
    cdf.on(
        "POST", "/models/containers/delete", lambda recorded: cdf.answer({"items": recorded.body["items"]})
    )
    ids = [container.as_id() for container in containers]

    applied = run(lambda client: client.containers.apply(containers))
    retrieved = run(lambda client: client.containers.retrieve(ids))
    listed = run(lambda client: client.containers.list(space="sp_pygen_models", limit=None))
    deleted = run(lambda client: client.containers.delete(ids[0]))

    assert [container.as_id() for container in applied] == ids
    assert [container.properties for container in retrieved] == [
        container.properties for container in containers
    ]
    assert len(listed) == len(containers)
    assert deleted == ids[:1]
    assert cdf.sent("/models/containers/byids")[0].body["items"][0] == {
        "space": ids[0].space,
        "externalId": ids[0].external_id,
    }


def test_spaces_apply_retrieve_and_delete(cdf: Any, run: Any) -> None:
    cdf.on(
        "POST",
        "/models/spaces",
        lambda recorded: cdf.answer({"items": [read_shape(i) for i in recorded.body["items"]]}),
    )
    cdf.on(
        "POST",
        "/models/spaces/byids",
        cdf.answer({"items": [read_shape({"space": "plant", "name": "Plant"})]}),
    )
    cdf.on("POST", "/models/spaces/delete", lambda recorded: cdf.answer({"items": recorded.body["items"]}))

    [applied] = run(lambda client: client.spaces.apply(Space(space="plant", name="Plant")))
    [retrieved] = run(lambda client: client.spaces.retrieve(["plant"]))
    deleted = run(lambda client: client.spaces.delete("plant"))

    assert applied == retrieved == Space(space="plant", name="Plant", created_time=1, last_updated_time=2)
    assert deleted == ["plant"]
    assert cdf.sent("/models/spaces/delete")[0].body == {"items": [{"space": "plant"}]}


def test_unknown_property_types_and_fields_in_an_answer_are_kept(cdf: Any, client: Any) -> None:
    view = OMNI.inline_views[0].dump()
    view["properties"]["embedding"] = {
        "container": {"type": "container", "space": "sp_pygen_models", "externalId": "Vectors"},
        "containerPropertyIdentifier": "embedding",
        "type": {"type": "vector", "dimensions": 384},
    }
    view["someFutureField"] = {"x": 1}
    cdf.on("POST", "/models/views/byids", cdf.answer({"items": [view]}))

    [loaded] = client.views.retrieve(OMNI.view_ids[0])

    embedding = loaded.properties["embedding"]
    assert isinstance(embedding, MappedProperty)
    assert isinstance(embedding.type, UnknownPropertyType)
    assert embedding.type.dump() == {"type": "vector", "dimensions": 384, "list": False}
    assert loaded.dump()["someFutureField"] == {"x": 1}


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(
            lambda client: client.data_models.retrieve("CogniteCore"),
            "data_models.retrieve expects DataModelId (or a list of them); item 0 is str 'CogniteCore'",
            id="a name for a data model id",
        ),
        pytest.param(
            lambda client: client.views.retrieve(
                [ViewId(space="s", external_id="V", version="1"), ("s", "W")]
            ),
            "views.retrieve expects ViewId (or a list of them); item 1 is tuple ('s', 'W')",
            id="a tuple among view ids",
        ),
        pytest.param(
            lambda client: client.spaces.apply({"space": "s"}),
            "spaces.apply expects Space (or a list of them); item 0 is dict",
            id="a dict for a space",
        ),
        pytest.param(
            lambda client: client.spaces.list(limit=-1), "limit must be a whole number >= 0", id="limit"
        ),
        pytest.param(
            lambda client: client.containers.delete([None]),
            "containers.delete expects ContainerId",
            id="None",
        ),
    ],
)
def test_wrong_arguments_are_refused_before_anything_is_sent(
    cdf: Any, client: Any, call: Any, expected: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        call(client)

    assert expected in str(caught.value)
    assert cdf.sent() == []


def test_a_limit_of_zero_asks_for_nothing(cdf: Any, client: Any) -> None:
    assert client.views.list(limit=0) == []
    assert cdf.sent() == []


def test_a_view_read_shape_loads_with_what_the_spec_requires(cdf: Any, client: Any) -> None:
    # CDF's current answers carry queryable and mappedContainers, which older model dumps lack.
    view = View.load(
        {
            **OMNI.inline_views[1].dump(),
            "queryable": True,
            "mappedContainers": [{"type": "container", "space": "sp_pygen_models", "externalId": "X"}],
        }
    )
    cdf.on("POST", "/models/views/byids", cdf.answer({"items": [view.dump()]}))

    [loaded] = client.views.retrieve(view.as_id())

    assert loaded.queryable is True
    assert loaded.mapped_containers == [ContainerId(space="sp_pygen_models", external_id="X")]
