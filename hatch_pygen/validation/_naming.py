"""Name hints: deterministic, collision-free names for views and properties.

The IR keeps raw identifiers; renderers turn names into each language's casing. What they cannot
do alone is see a collision that only shows after re-casing (``WindTurbine`` and ``wind_turbine``),
or decide consistently which of two same-named views gets which name. That is decided once, here,
by comparing names in a case-folded snake form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pygen_runtime.schema import ViewId

# Fields every generated instance class carries for the instance itself (identity, bookkeeping,
# node type and edge ends). A property with one of these names would hide them, in any language.
RESERVED_PROPERTY_NAMES = frozenset(
    {
        "space",
        "external_id",
        "version",
        "type",
        "instance_type",
        "created_time",
        "last_updated_time",
        "deleted_time",
        "start_node",
        "end_node",
        "node_type",
        "edge_type",
        "data_record",
    }
)

_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^A-Za-z0-9_]+")


def snake_key(name: str) -> str:
    """The case-folded snake form names are compared in: ``"WindTurbine"`` -> ``"wind_turbine"``."""
    return _HUMP.sub("_", _NOT_WORD.sub("_", name)).lower()


def word_parts(text: str) -> list[str]:
    """The words of a name at the boundaries :func:`snake_key` uses: ``"isUploaded"`` -> ``["is",
    "Uploaded"]``; renderers case them, so names validation kept apart stay apart."""
    return [word for word in _HUMP.sub("_", _NOT_WORD.sub("_", text)).split("_") if word]


def _word(text: str) -> str:
    return _NOT_WORD.sub("_", text)


def view_name_hints(views: Iterable[ViewId]) -> dict[ViewId, str]:
    """A unique name per view: its external id, qualified when external ids collide.

    Colliding views are qualified by version, or by space and version when versions do not
    tell them apart; a numeric suffix settles anything still equal. The result depends only on
    the set of views, never on their order.
    """
    ordered = sorted(set(views), key=lambda view: (view.space, view.external_id, view.version))
    groups: dict[str, list[ViewId]] = {}
    for view in ordered:
        groups.setdefault(snake_key(view.external_id), []).append(view)
    names: dict[ViewId, str] = {}
    for members in groups.values():
        if len(members) == 1:
            names[members[0]] = members[0].external_id
            continue
        by_version = {f"{view.external_id}_{_word(view.version)}" for view in members}
        qualify_space = len({snake_key(name) for name in by_version}) < len(members)
        for view in members:
            parts = (
                [view.space, view.external_id, view.version]
                if qualify_space
                else [view.external_id, view.version]
            )
            names[view] = "_".join(_word(part) for part in parts)
    return _settle(names)


def _settle(names: Mapping[ViewId, str]) -> dict[ViewId, str]:
    """Give a numeric suffix to any name still equal to another (e.g. a view called ``Pump_1``)."""
    taken: set[str] = set()
    settled: dict[ViewId, str] = {}
    # Views that kept their plain external id claim their names before qualified ones.
    order = sorted(
        names, key=lambda view: (names[view] != view.external_id, view.space, view.external_id, view.version)
    )
    for view in order:
        name = names[view]
        candidate, counter = name, 2
        while snake_key(candidate) in taken:
            candidate, counter = f"{name}_{counter}", counter + 1
        taken.add(snake_key(candidate))
        settled[view] = candidate
    return settled


def property_name_hint(identifier: str, taken: set[str]) -> str:
    """A name for a property that avoids reserved names and the ``taken`` ones (snake forms).

    A reserved name gets a trailing underscore (``type`` -> ``type_``); a name equal to another
    property's after re-casing gets a numeric suffix. ``taken`` is updated.
    """
    candidate = f"{identifier}_" if snake_key(identifier) in RESERVED_PROPERTY_NAMES else identifier
    base, counter = candidate, 2
    while snake_key(candidate) in taken:
        candidate, counter = f"{base}_{counter}", counter + 1
    taken.add(snake_key(candidate))
    return candidate
