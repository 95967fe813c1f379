"""pandas, imported when a ``to_pandas()`` needs it: it is an optional dependency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["PandasMissingError", "import_pandas", "notebook_table"]


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


def notebook_table(make_frame: Callable[[], Any]) -> str | None:
    """The HTML a notebook shows for the DataFrame ``make_frame()`` builds: pandas' table, which
    escapes every value. None without pandas, so that the notebook shows the plain ``repr``
    instead of an error."""
    try:
        frame = make_frame()
    except PandasMissingError:
        return None
    html: str | None = frame._repr_html_()
    return html
