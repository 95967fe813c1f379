"""pandas, imported when a ``to_pandas()`` needs it: it is an optional dependency."""

from __future__ import annotations

from typing import Any

__all__ = ["PandasMissingError", "import_pandas"]


class PandasMissingError(ImportError):
    """``to_pandas()`` was called without pandas installed."""


def import_pandas() -> Any:
    """The pandas module, or ``PandasMissingError`` saying how to install it."""
    try:
        import pandas  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise PandasMissingError(
            "to_pandas() needs pandas, which is not installed: pip install 'pygen-runtime[pandas]'"
        ) from None
    return pandas
