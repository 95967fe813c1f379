"""The runtime link: which ``[project].dependencies`` satisfy the range generated code declares."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet

from hatch_pygen.hook._runtime_link import RuntimeLinkError, check_runtime_link, interval_of

NEEDED = "pygen-runtime>=0.1,<0.2"


@pytest.mark.parametrize(
    "dependencies",
    [
        ["pygen-runtime>=0.1,<0.2"],
        ["pygen-runtime<0.2,>=0.1"],
        ["pygen_runtime>=0.1,<0.2"],  # names compare normalised
        ["Pygen.Runtime>=0.1.3,<0.2"],  # narrower is fine
        ["pygen-runtime~=0.1.0"],  # >=0.1.0, ==0.1.*
        ["pygen-runtime==0.1.*"],
        ["pygen-runtime==0.1.7"],
        ["pygen-runtime===0.1.7"],
        ["pygen-runtime>0.1,<=0.1.9,!=0.1.4"],
        ["pygen-runtime[http2]>=0.1,<0.2"],
        ["pygen-runtime>=0.1", "pygen-runtime<0.2"],  # several requirements combine
        ["pygen-runtime>=0.1,<0.2; python_version >= '3.8'"],
        ["pandas>=2", "pygen-runtime>=0.1,<0.2", "not a requirement !"],
        ["pygen-runtime @ file:///wheels/pygen_runtime-0.1.0-py3-none-any.whl"],  # a URL: the user's call
    ],
)
def test_requirements_within_the_range_are_accepted(dependencies: list[str]) -> None:
    found = check_runtime_link(NEEDED, dependencies)
    assert found.name.lower().replace("_", "-").replace(".", "-") == "pygen-runtime"


def test_the_accepted_requirement_combines_every_line_that_applies() -> None:
    found = check_runtime_link(
        NEEDED, ["pygen-runtime>=0.1", "pygen-runtime<0.2", "pygen-runtime>=9; python_version<'3'"]
    )
    assert found.specifier == SpecifierSet(">=0.1,<0.2")


@pytest.mark.parametrize(
    "dependencies",
    [
        [],
        ["pandas>=2"],
        ["pygen-runtime>=0.1,<0.2; python_version < '3'"],  # a marker that never holds here
        ["pygen-runtime-extras>=0.1,<0.2"],
    ],
)
def test_a_missing_requirement_names_the_line_to_add(dependencies: list[str]) -> None:
    with pytest.raises(RuntimeLinkError) as caught:
        check_runtime_link(NEEDED, dependencies)
    message = str(caught.value)
    assert "does not list" in message
    assert message.endswith('add this line to dependencies in pyproject.toml: "pygen-runtime>=0.1,<0.2",')


@pytest.mark.parametrize(
    "dependency",
    [
        "pygen-runtime",  # no bounds at all
        "pygen-runtime>=0.1",  # no upper bound
        "pygen-runtime<0.2",  # no lower bound
        "pygen-runtime>=0.0.9,<0.2",  # reaches below
        "pygen-runtime>=0.1,<=0.2",  # reaches 0.2 itself
        "pygen-runtime>=0.1,<1",  # reaches into 0.2..1
        "pygen-runtime~=0.1",  # >=0.1, ==0.* : up to 1
        "pygen-runtime==0.*",
        "pygen-runtime==0.2.0",
        "pygen-runtime>=0.2,<0.1",  # empty: nothing installable
        "pygen-runtime===local-build",  # not a version at all
    ],
)
def test_a_requirement_reaching_outside_the_range_names_the_replacement(dependency: str) -> None:
    with pytest.raises(RuntimeLinkError) as caught:
        check_runtime_link(NEEDED, ["httpx", dependency])
    message = str(caught.value)
    assert "versions the generated code does not support" in message
    assert f"it needs {NEEDED})" in message
    assert message.endswith('replace it in pyproject.toml with: "pygen-runtime>=0.1,<0.2",')


@pytest.mark.parametrize(
    ("specifiers", "inside", "outside"),
    [
        (">=1.2,<2", ["1.2", "1.9.9"], ["1.1.9", "2.0"]),
        (">1.2,<=2", ["1.2.1", "2.0"], ["1.2", "2.0.1"]),
        ("~=1.4.2", ["1.4.2", "1.4.99"], ["1.4.1", "1.5"]),
        ("==3.*", ["3.0", "3.99"], ["2.99", "4.0"]),
    ],
)
def test_intervals_hold_exactly_the_versions_the_specifiers_allow(
    specifiers: str, inside: list[str], outside: list[str]
) -> None:
    interval = interval_of(SpecifierSet(specifiers))
    assert interval is not None
    for version in inside:
        point = interval_of(SpecifierSet(f"=={version}"))
        assert point is not None
        assert point.within(interval), version
        assert version in SpecifierSet(specifiers)
    for version in outside:
        point = interval_of(SpecifierSet(f"=={version}"))
        assert point is not None
        assert not point.within(interval), version
        assert version not in SpecifierSet(specifiers)


def test_an_unbounded_interval_holds_every_bounded_one() -> None:
    everything = interval_of(SpecifierSet(""))
    bounded = interval_of(SpecifierSet(">=1,<2"))
    assert everything is not None
    assert bounded is not None
    assert bounded.within(everything)
    assert not everything.within(bounded)
    assert not everything.empty
