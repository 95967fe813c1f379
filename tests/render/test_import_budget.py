"""The import budget of a generated SDK: ``from cognite_core_sdk import CogniteCoreClient`` (the
golden CogniteCore SDK) must stay under 0.25 s, so it loads only what the client class needs.

Not a timing test: it names the modules that are costly to import and that a client class does
not need until it is used, and checks that a fresh interpreter has not loaded them. A change
that imports one of them at import time again fails here with the module's name.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GOLDEN_CORE = Path(__file__).resolve().parents[1] / "golden" / "python" / "CogniteCore"

# Loaded on first use, not by importing the client class; each with why it is costly.
NOT_AT_IMPORT = {
    "httpx": "the HTTP stack, loaded when the client opens its connection pool",
    "asyncio": "the async client only",
    "concurrent.futures": "the thread pool behind prefetching cursors and parallel writes",
    "logging": "only the instance parser logs",
    "pandas": "only to_pandas() needs it",
    "pygen_runtime.query": "the query builder",
    "pygen_runtime.testing": "the emulator",
    "pygen_runtime.schema._containers": "container classes, for schema work only",
    "pygen_runtime.schema._views": "view classes, for schema work only",
    "pygen_runtime.schema._data_models": "data-model classes, for schema work only",
    "pygen_runtime.schema._types": "property-type classes, for schema work only",
    "pygen_runtime.typed.filters": "filter builders, needed by a view's API",
    "pygen_runtime.typed._instance_api": "the per-view API base classes",
    "pygen_runtime.typed._cursor": "prefetching cursors",
    "pygen_runtime.typed._lists": "list classes of read and write objects",
    "pygen_runtime.typed._parsing": "reading CDF's items into typed classes",
    "pygen_runtime.typed._split_filters": "splitting long in-filters",
    "pygen_runtime.typed._graphql": "graphql_query() only",
    "pydantic": "every model class: loaded with the first view's API",
    "pygen_runtime.typed._instances": "the read and write base classes",
    "pygen_runtime.typed._upsert_result": "upsert() only",
    "pygen_runtime.schema._instances": "instance schema classes",
    "pygen_runtime._api._instances": "the instance endpoints",
}


def modules_after(statement: str) -> set[str]:
    script = (
        f"import sys\nsys.path.insert(0, {str(GOLDEN_CORE)!r})\n{statement}\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_importing_the_client_class_loads_none_of_the_modules_it_needs_only_when_used() -> None:
    loaded = modules_after("from cognite_core_sdk import CogniteCoreClient")

    assert "cognite_core_sdk._client" in loaded
    over_budget = {name: why for name, why in NOT_AT_IMPORT.items() if name in loaded}
    assert over_budget == {}, (
        "loaded by importing the client class; import these where they are first used "
        "(inside the function, or under TYPE_CHECKING for annotations), not at module level"
    )
    sdk_modules = {name for name in loaded if name.startswith("cognite_core_sdk.")}
    assert sdk_modules == {"cognite_core_sdk._client"}


def test_first_use_loads_what_the_import_left_out() -> None:
    # Proves the budget above is met by deferring, not by losing behaviour: one API and a filter
    # of it work in the same fresh interpreter.
    loaded = modules_after(
        "from cognite_core_sdk import CogniteCoreClient\n"
        "from pygen_runtime import ClientConfig, Token\n"
        "config = ClientConfig(base_url='http://cdf.invalid', project='p', credentials=Token('t'))\n"
        "api = CogniteCoreClient(config).cognite_asset\n"
        "assert type(api).__name__ == 'CogniteAssetAPI'\n"
        "from pygen_runtime.typed import filters\n"
        "assert filters.external_id_prefix('a') == "
        "{'prefix': {'property': ['node', 'externalId'], 'value': 'a'}}\n"
    )

    assert {
        "httpx",
        "cognite_core_sdk._api._cognite_asset",
        "pygen_runtime.typed._instance_api",
        "pygen_runtime.typed.filters",
    } <= loaded
