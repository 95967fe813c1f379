"""Random filters over random instances: compile_filter agrees with a plain-Python reference.

The reference below works on Python values (aware datetimes, dates, tuples) that the instances
and filters are generated from, and spells out each filter's documented meaning in a line or two;
it shares no code with the engine, which only ever sees the JSON renderings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pygen_runtime.testing import Emulator
from pygen_runtime.testing._filters import compile_filter
from pygen_runtime.testing._schema_store import SchemaStore
from pygen_runtime.testing._store import InstanceStore, StoredInstance
from query_testbed import MODELS, OMNI_SPACE, Clock

NULLABLE = (OMNI_SPACE, "PrimitiveNullable")
LISTED = (OMNI_SPACE, "PrimitiveNullableListed")
DIRECTS = (OMNI_SPACE, "ConnectionDirectList")
SPACES = ("sp_a", "sp_b")
NODE_IDS = tuple(f"n{index}" for index in range(8))
EDGE_IDS = tuple(f"e{index}" for index in range(4))
TYPES = ((OMNI_SPACE, "ConnectionItemA"), (OMNI_SPACE, "Other"))


# -- values: what the reference compares, and how the engine receives them -------------------
@dataclass(frozen=True)
class Stamp:
    """A timestamp: the instant the reference compares, and the text the engine is given."""

    moment: datetime
    text: str


def plain(value: Any) -> Any:
    """The value the reference compares: a Stamp is its instant; lists element by element."""
    if isinstance(value, Stamp):
        return value.moment
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def to_json(value: Any) -> Any:
    """The value as the API carries it."""
    if isinstance(value, Stamp):
        return value.text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return {"space": value[0], "externalId": value[1]}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    return value


@st.composite
def stamps(draw: st.DrawFn) -> Stamp:
    moment = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(
        hours=draw(st.integers(0, 2)), milliseconds=draw(st.sampled_from([0, 999]))
    )
    offset = timezone(timedelta(minutes=draw(st.sampled_from([0, 90, -300]))))
    local = moment.astimezone(offset)
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + f".{local.microsecond // 1000:03d}"
    text += (
        draw(st.sampled_from(["Z", "+00:00"]))
        if offset.utcoffset(None) == timedelta(0)
        else local.strftime("%z")
    )
    return Stamp(moment, text)


# Small domains make equal values, shared prefixes and ties common.
TEXTS = st.sampled_from(["", "a", "ab", "abc", "b", "ba"])
NUMBERS = st.sampled_from([-2, 0, 1, 2.5, 7])
DATES = st.sampled_from([date(2024, 1, d) for d in (1, 2, 3)])
# JSON values without booleans or floats, so Python's == is exactly JSON equality.
JSONS = st.sampled_from([{}, {"k": 1}, {"k": "1"}, {"k": [1, 2]}, {"a": {"b": 1}}])
NODE_REFS = st.tuples(st.sampled_from(SPACES[:1]), st.sampled_from([*NODE_IDS, "missing"]))


@dataclass(frozen=True)
class Prop:
    """A property the generated filters use: its reference, its kind and how to read it."""

    reference: tuple[str, ...]
    values: st.SearchStrategy[Any]
    read: Callable[[Record], Any]
    ordered: bool = False
    is_list: bool = False
    is_text: bool = False


@dataclass
class Record:
    """One instance as the reference sees it."""

    instance_type: str
    space: str
    external_id: str
    version: int
    created_time: int
    type: tuple[str, str] | None
    start_node: tuple[str, str] | None = None
    end_node: tuple[str, str] | None = None
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def value(self, container: tuple[str, str], name: str) -> Any:
        return self.data.get(container, {}).get(name)


def own(field_name: str, instance_type: str) -> Callable[[Record], Any]:
    def read(record: Record) -> Any:
        return getattr(record, field_name) if record.instance_type == instance_type else None

    return read


def stored(container: tuple[str, str], name: str) -> Callable[[Record], Any]:
    return lambda record: record.value(container, name)


def view(external_id: str, name: str) -> tuple[str, ...]:
    return (OMNI_SPACE, f"{external_id}/1", name)


SCALARS = {
    "text": (TEXTS, True, True),
    "int32": (st.integers(-2, 2), True, False),
    "float64": (NUMBERS, True, False),
    "boolean": (st.booleans(), False, False),
    "timestamp": (stamps(), True, False),
    "date": (DATES, True, False),
    "json": (JSONS, False, False),
}
PROPS = [
    Prop(
        ("node", "externalId"),
        st.sampled_from([*NODE_IDS, "n", ""]),
        own("external_id", "node"),
        True,
        is_text=True,
    ),
    Prop(("node", "space"), st.sampled_from(SPACES), own("space", "node"), True, is_text=True),
    Prop(("node", "version"), st.integers(1, 3), own("version", "node"), True),
    Prop(("node", "createdTime"), st.sampled_from([10, 20, 30]), own("created_time", "node"), True),
    Prop(("node", "type"), st.sampled_from(TYPES), own("type", "node")),
    Prop(("edge", "externalId"), st.sampled_from(EDGE_IDS), own("external_id", "edge"), True, is_text=True),
    Prop(("edge", "startNode"), NODE_REFS, own("start_node", "edge")),
    *(
        Prop(view("PrimitiveNullable", name), values, stored(NULLABLE, name), ordered, is_text=is_text)
        for name, (values, ordered, is_text) in SCALARS.items()
    ),
    # The same container property read through another view and through the container.
    Prop(view("Empty", "int32"), st.integers(-2, 2), stored(NULLABLE, "int32"), True),
    Prop((*NULLABLE, "text"), TEXTS, stored(NULLABLE, "text"), True, is_text=True),
    *(
        Prop(view("PrimitiveNullableListed", name), values, stored(LISTED, name), is_list=True)
        for name, (values, _, _) in SCALARS.items()
    ),
]
DIRECT_PROPS = [
    Prop(view("ConnectionItemD", "directSingle"), NODE_REFS, stored(DIRECTS, "directNoList")),
    Prop(view("ConnectionItemD", "directMulti"), NODE_REFS, stored(DIRECTS, "directList"), is_list=True),
]
HAS_DATA = {
    "PrimitiveNullable container": (
        {"type": "container", "space": OMNI_SPACE, "externalId": "PrimitiveNullable"}
    ),
    "PrimitiveNullableListed view": (
        {"type": "view", "space": OMNI_SPACE, "externalId": "PrimitiveNullableListed", "version": "1"}
    ),
    "ConnectionItemA view": {
        "type": "view",
        "space": OMNI_SPACE,
        "externalId": "ConnectionItemA",
        "version": "1",
    },
}


def has_data(record: Record, source: str) -> bool:
    """The reference meaning of hasData for each source the tests use."""
    if source == "PrimitiveNullable container":
        return NULLABLE in record.data
    if source == "PrimitiveNullableListed view":
        return LISTED in record.data
    # ConnectionItemA has a view filter: its nodes are those of type ConnectionItemA.
    return record.instance_type == "node" and record.type == (OMNI_SPACE, "ConnectionItemA")


# -- filters: a tree of tuples the reference evaluates and the renderer turns into JSON -------
SCALAR_PROPS = [prop for prop in PROPS if not prop.is_list]
LIST_PROPS = [prop for prop in PROPS if prop.is_list]
# matchAll comes last: hypothesis leans towards the first choices.
LEAF_KINDS = (
    "equals",
    "in",
    "range",
    "prefix",
    "equals list",
    "prefix list",
    "contains",
    "exists",
    "instanceReferences",
    "hasData",
    "overlaps",
    "matchAll",
)
BOUND_NAMES = st.sampled_from(
    [("gt",), ("gte",), ("lt",), ("lte",), ("gt", "lt"), ("gte", "lte"), ("gt", "lte")]
)


@st.composite
def leaf(draw: st.DrawFn) -> tuple[Any, ...]:
    # Each kind of filter is drawn equally often, whatever its number of variants.
    kind = draw(st.sampled_from(LEAF_KINDS))
    if kind == "matchAll":
        return ("matchAll",)
    if kind == "exists":
        return ("exists", draw(st.sampled_from(PROPS + DIRECT_PROPS)))
    if kind == "instanceReferences":
        pairs = st.tuples(st.sampled_from(SPACES), st.sampled_from(NODE_IDS + EDGE_IDS))
        return ("instanceReferences", draw(st.lists(pairs, max_size=3)))
    if kind == "hasData":
        return ("hasData", draw(st.lists(st.sampled_from(sorted(HAS_DATA)), min_size=1, max_size=2)))
    if kind == "overlaps":
        names = draw(BOUND_NAMES)
        return ("overlaps", {name: draw(stamps()) for name in names})
    if kind == "range":
        prop = draw(st.sampled_from([prop for prop in SCALAR_PROPS if prop.ordered]))
        return ("range", prop, {name: draw(prop.values) for name in draw(BOUND_NAMES)})
    if kind == "prefix":
        prop = draw(st.sampled_from([prop for prop in SCALAR_PROPS if prop.is_text]))
        return ("prefix", prop, draw(TEXTS))
    if kind in ("equals list", "prefix list"):
        prop = draw(st.sampled_from(LIST_PROPS))
        return (kind.split()[0], prop, draw(st.lists(prop.values, max_size=2)))
    if kind == "contains":
        prop = draw(st.sampled_from(LIST_PROPS + DIRECT_PROPS[1:]))
        return (
            draw(st.sampled_from(["containsAny", "containsAll"])),
            prop,
            draw(st.lists(prop.values, max_size=3)),
        )
    prop = draw(st.sampled_from(SCALAR_PROPS))
    if kind == "in":
        return ("in", prop, draw(st.lists(prop.values, min_size=1, max_size=3)))
    return ("equals", prop, draw(prop.values))


@st.composite
def filters(draw: st.DrawFn, depth: int = 0) -> tuple[Any, ...]:
    if depth == 2 or draw(st.integers(0, 9)) < 6:
        return draw(leaf())
    kind = draw(st.sampled_from(["and", "or", "not", "nested"]))
    if kind == "not":
        return ("not", draw(filters(depth + 1)))
    if kind == "nested":
        return ("nested", draw(st.sampled_from(DIRECT_PROPS)), draw(filters(depth + 1)))
    return (kind, draw(st.lists(filters(depth + 1), min_size=1, max_size=3)))


def render(flt: tuple[Any, ...], parameters: dict[str, Any], use_parameters: bool) -> dict[str, Any]:
    """The filter as JSON; with ``use_parameters`` values go through the request's parameters."""

    def value(raw: Any) -> Any:
        rendered = to_json(raw)
        if not use_parameters:
            return rendered
        name = f"p{len(parameters)}"
        parameters[name] = rendered
        return {"parameter": name}

    kind = flt[0]
    if kind in ("and", "or"):
        return {kind: [render(part, parameters, use_parameters) for part in flt[1]]}
    if kind == "not":
        return {"not": render(flt[1], parameters, use_parameters)}
    if kind == "matchAll":
        return {"matchAll": {}}
    if kind == "exists":
        return {"exists": {"property": list(flt[1].reference)}}
    if kind in ("equals", "prefix"):
        return {kind: {"property": list(flt[1].reference), "value": value(flt[2])}}
    if kind in ("in", "containsAny", "containsAll"):
        return {kind: {"property": list(flt[1].reference), "values": value(flt[2])}}
    if kind == "range":
        return {"range": {"property": list(flt[1].reference), **{k: value(v) for k, v in flt[2].items()}}}
    if kind == "instanceReferences":
        return {"instanceReferences": [{"space": s, "externalId": x} for s, x in flt[1]]}
    if kind == "hasData":
        return {"hasData": [HAS_DATA[source] for source in flt[1]]}
    if kind == "nested":
        return {
            "nested": {"scope": list(flt[1].reference), "filter": render(flt[2], parameters, use_parameters)}
        }
    assert kind == "overlaps"
    return {
        "overlaps": {
            "startProperty": list(view("ConnectionEdgeA", "startTime")),
            "endProperty": list(view("ConnectionEdgeA", "endTime")),
            **{k: value(v) for k, v in flt[1].items()},
        }
    }


# -- the reference ------------------------------------------------------------------------
def in_range(value: Any, bounds: dict[str, Any]) -> bool:
    checks = {
        "gt": lambda bound: value > bound,
        "gte": lambda bound: value >= bound,
        "lt": lambda bound: value < bound,
        "lte": lambda bound: value <= bound,
    }
    return all(checks[name](plain(bound)) for name, bound in bounds.items())


def reference(flt: tuple[Any, ...], record: Record, records: dict[tuple[str, str], Record]) -> bool:
    kind = flt[0]
    if kind == "and":
        return all(reference(part, record, records) for part in flt[1])
    if kind == "or":
        return any(reference(part, record, records) for part in flt[1])
    if kind == "not":
        return not reference(flt[1], record, records)
    if kind == "matchAll":
        return True
    if kind == "instanceReferences":
        return (record.space, record.external_id) in flt[1]
    if kind == "hasData":
        return all(has_data(record, source) for source in flt[1])
    if kind == "overlaps":
        start, end = plain(record.value(EDGE_TIMES, "startTime")), plain(record.value(EDGE_TIMES, "endTime"))
        if start is None and end is None:
            return False
        lower = {k: v for k, v in flt[1].items() if k in ("gt", "gte")}
        upper = {k: v for k, v in flt[1].items() if k in ("lt", "lte")}
        return (end is None or in_range(end, lower)) and (start is None or in_range(start, upper))
    prop: Prop = flt[1]
    value = plain(prop.read(record))
    if kind == "exists":
        return value is not None
    if kind == "nested":
        targets = value if prop.is_list else [value]
        return any(
            (target := records.get(tuple(pointer))) is not None
            and target.instance_type == "node"
            and reference(flt[2], target, records)
            for pointer in targets or []
            if pointer is not None
        )
    if value is None:
        return False
    wanted = plain(flt[2])
    if kind == "equals":
        return bool(value == wanted)
    if kind == "in":
        return value in wanted
    if kind == "range":
        return in_range(value, flt[2])
    if kind == "prefix":
        return bool(value[: len(wanted)] == wanted)
    if kind == "containsAny":
        return any(item in value for item in wanted)
    assert kind == "containsAll"
    return all(item in value for item in wanted)


# -- instances --------------------------------------------------------------------------------
EDGE_TIMES = (OMNI_SPACE, "ConnectionEdge")


def maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), values)


@st.composite
def records(draw: st.DrawFn) -> list[Record]:
    result = []
    for external_id in draw(st.lists(st.sampled_from(NODE_IDS), unique=True, max_size=len(NODE_IDS))):
        data: dict[tuple[str, str], dict[str, Any]] = {}
        if draw(st.booleans()):
            data[NULLABLE] = {name: draw(maybe(values)) for name, (values, _, _) in SCALARS.items()}
        if draw(st.booleans()):
            data[LISTED] = {
                name: draw(maybe(st.lists(values, max_size=3))) for name, (values, _, _) in SCALARS.items()
            }
        if draw(st.booleans()):
            data[DIRECTS] = {
                "directNoList": draw(maybe(NODE_REFS)),
                "directList": draw(maybe(st.lists(NODE_REFS, max_size=3))),
            }
        node = Record(
            "node", SPACES[0], external_id, draw(st.integers(1, 3)), draw(st.sampled_from([10, 20, 30])), None
        )
        node.type = draw(maybe(st.sampled_from(TYPES)))
        node.data = data
        result.append(node)
    for external_id in draw(
        st.lists(st.sampled_from(EDGE_IDS), unique=True, min_size=1, max_size=len(EDGE_IDS))
    ):
        edge = Record("edge", draw(st.sampled_from(SPACES)), external_id, 1, 10, draw(st.sampled_from(TYPES)))
        edge.start_node, edge.end_node = draw(NODE_REFS), draw(NODE_REFS)
        edge.data = {EDGE_TIMES: {"startTime": draw(maybe(stamps())), "endTime": draw(maybe(stamps()))}}
        result.append(edge)
    return result


def store_of(all_records: Iterable[Record]) -> InstanceStore:
    store = InstanceStore()
    for record in all_records:
        data = {
            container: {name: to_json(value) for name, value in values.items()}
            for container, values in record.data.items()
        }
        store.put(
            StoredInstance(
                instance_type=record.instance_type,
                space=record.space,
                external_id=record.external_id,
                version=record.version,
                created_time=record.created_time,
                last_updated_time=record.created_time,
                deleted_time=None,
                type=record.type,
                start_node=record.start_node,
                end_node=record.end_node,
                data=data,
            )
        )
    return store


@pytest.fixture(scope="module")
def schema() -> SchemaStore:
    emulator = Emulator(clock=Clock())
    emulator.load_model(MODELS / "Omni.yaml")
    return emulator.state.schema


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(all_records=records(), flts=st.lists(filters(), min_size=8, max_size=8), use_parameters=st.booleans())
def test_every_filter_matches_what_the_reference_says(
    schema: SchemaStore, all_records: list[Record], flts: list[tuple[Any, ...]], use_parameters: bool
) -> None:
    # Several filters per example: hypothesis varies the instances and the filters independently.
    store = store_of(all_records)
    by_key = {(record.space, record.external_id): record for record in all_records}
    for flt in flts:
        parameters: dict[str, Any] = {}
        rendered = render(flt, parameters, use_parameters)
        predicate = compile_filter(rendered, schema, parameters, store=store)
        expected = sorted(record.external_id for record in all_records if reference(flt, record, by_key))
        assert sorted(inst.external_id for inst in store.live() if predicate(inst)) == expected, rendered
