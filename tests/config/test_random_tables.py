"""Whatever a [tool.pygen] table holds, parsing gives a configuration or a ConfigError, never a crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hatch_pygen.config import PygenConfig, parse_config
from hatch_pygen.config._legacy import V1_CDF_KEYS, V1_TOP_LEVEL_KEYS
from hatch_pygen.config._parse import CDF_KEYS, MODEL_KEYS, TOP_LEVEL_KEYS
from hatch_pygen.errors import ConfigError, ConfigIssue

KEYS = [
    *TOP_LEVEL_KEYS,
    *V1_TOP_LEVEL_KEYS,
    *V1_CDF_KEYS,
    "space",
    "external_id",
    "version",
    "data_models",
    "x",
]
scalars = (
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "s", "$X", "a:b/c", "bad id", "1"])
)
values: Any = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from([*MODEL_KEYS, *CDF_KEYS, "external_id", "y"]), inner, max_size=4)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=6))
def test_any_table_parses_or_reports_problems_with_paths(table: dict[str, Any]) -> None:
    issues: tuple[ConfigIssue, ...] = ()
    config: PygenConfig | None = None
    try:
        config = parse_config(
            {k: v for k, v in table.items() if v is not None}, project_root=Path("/nonexistent")
        )
    except ConfigError as error:
        issues = error.issues
    if config is None:
        assert issues
        assert all(issue.path.startswith("tool.pygen") and issue.message for issue in issues)
    else:
        assert config.models
