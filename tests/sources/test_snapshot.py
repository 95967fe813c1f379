"""Snapshots normalise a model so that the same model always has the same digest."""

from __future__ import annotations

import json

import model_builder
from shared_cdf import model_file

from hatch_pygen.sources import ModelSnapshot, load_model_file


def test_timestamps_and_view_order_do_not_change_the_digest() -> None:
    a = model_builder.view("A", {"x": model_builder.mapped()})
    b = model_builder.view("B", {"y": model_builder.mapped("int64")})
    first = model_builder.snapshot([a, b])
    later = model_builder.snapshot(
        [{**b, "lastUpdatedTime": 99}, {**a, "createdTime": 50}], external_id="Model"
    )
    assert first.digest() == later.digest()
    assert first.digest().startswith("sha256:")
    assert len(first.digest()) == len("sha256:") + 64


def test_a_changed_property_changes_the_digest() -> None:
    before = model_builder.snapshot([model_builder.view("A", {"x": model_builder.mapped()})])
    after = model_builder.snapshot([model_builder.view("A", {"x": model_builder.mapped("int32")})])
    assert before.digest() != after.digest()


def test_the_json_text_is_sorted_and_free_of_timestamps() -> None:
    [snapshot] = load_model_file(model_file("WindTurbine"))
    text = snapshot.to_json_text()
    assert "createdTime" not in text
    assert "lastUpdatedTime" not in text
    data = json.loads(text)
    assert list(data) == sorted(data)
    views = data["dataModel"]["views"]
    keys = [(view["space"], view["externalId"], view["version"]) for view in views]
    assert keys == sorted(keys)
    assert ModelSnapshot.from_json_dict(data, origin="test").digest() == snapshot.digest()


def test_implemented_views_from_outside_the_model_are_part_of_the_snapshot() -> None:
    parent = model_builder.view("Parent", {"x": model_builder.mapped()}, space="other")
    child = model_builder.snapshot([model_builder.view("Child", implements=["Parent"])])
    with_parent = ModelSnapshot(
        data_model=child.data_model,
        implemented_views=(
            ModelSnapshot.from_json_dict(
                {"snapshotFormat": 1, "dataModel": model_builder.data_model([parent])}, origin="t"
            ).data_model.inline_views[0],
        ),
    )
    data = with_parent.to_json_dict()
    assert [view["externalId"] for view in data["implementedViews"]] == ["Parent"]
    assert with_parent.digest() != child.digest()
