"""The package's public surface: every name in ``__all__`` resolves, and importing the package
stays cheap (httpx, pydantic and asyncio load only when something needs them)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pygen_runtime


def test_every_public_name_resolves() -> None:
    for name in pygen_runtime.__all__:
        assert getattr(pygen_runtime, name) is not None
    assert set(pygen_runtime.__all__) <= set(dir(pygen_runtime))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'CDFCleint'"):
        pygen_runtime.CDFCleint  # noqa: B018


def loaded_after(statement: str) -> set[str]:
    script = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(output.stdout.split())


def test_importing_the_package_loads_neither_httpx_nor_pydantic() -> None:
    modules = loaded_after("import pygen_runtime")

    assert {"httpx", "pydantic", "asyncio", "pygen_runtime.client"}.isdisjoint(modules)


def test_a_sync_client_does_not_load_asyncio_or_the_endpoint_groups_it_does_not_use() -> None:
    modules = loaded_after(
        "from pygen_runtime import CDFClient, ClientConfig, Token\n"
        "CDFClient(ClientConfig(base_url='https://api.cognitedata.com', project='p', credentials=Token('t')))"
    )

    assert "httpx" in modules
    assert "asyncio" not in modules
    assert "pygen_runtime._api._instances" not in modules
    assert "pygen_runtime._http._async" not in modules
