"""``pygen_runtime.typed`` imports its names on first use: every public name still resolves (the
``filters`` submodule included), and importing ``TypedClient`` leaves the rest unloaded."""

from __future__ import annotations

import subprocess
import sys

import pygen_runtime.typed as typed
import pytest


def test_every_public_name_resolves_to_the_object_its_module_defines() -> None:
    from pygen_runtime.typed._client import TypedClient
    from pygen_runtime.typed._lists import NodeReadList

    for name in typed.__all__:
        assert getattr(typed, name) is not None, name
    assert set(typed.__all__) <= set(dir(typed))
    assert typed.TypedClient is TypedClient
    assert typed.NodeReadList is NodeReadList


def test_filters_is_the_submodule_whether_imported_or_read_as_an_attribute() -> None:
    from pygen_runtime.typed import filters

    assert typed.filters is filters
    assert filters.__name__ == "pygen_runtime.typed.filters"
    assert filters.space("s") == {"equals": {"property": ["node", "space"], "value": "s"}}


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'TypedClinet'"):
        typed.TypedClinet  # noqa: B018


def test_importing_typed_client_leaves_the_apis_filters_and_thread_pool_unloaded() -> None:
    script = "import sys\nfrom pygen_runtime.typed import TypedClient\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(done.stdout.split())

    assert "pygen_runtime.typed._client" in loaded
    assert {
        "pygen_runtime.typed.filters",
        "pygen_runtime.typed._instance_api",
        "pygen_runtime.typed._cursor",
        "concurrent.futures",
    }.isdisjoint(loaded)
