"""A model snapshot: one data model with its views inline, as pygen reads it and as the lock pins it.

The normalised JSON of a snapshot (sorted keys, views in identifier order, no timestamps) is
what ``pygen.lock`` records the digest of, so the same model fetched twice gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pygen_runtime.schema import DataModel, DataModelId, View, ViewId

from hatch_pygen.errors import SourceError

SNAPSHOT_FORMAT = 1
# Read-only bookkeeping CDF adds; it changes without the model changing, so it stays out.
_VOLATILE_KEYS = ("createdTime", "lastUpdatedTime")


def _view_order(view: View | ViewId) -> tuple[str, str, str]:
    return (view.space, view.external_id, view.version)


def _normalised_view(view: View) -> dict[str, Any]:
    dumped = view.dump()
    for key in _VOLATILE_KEYS:
        dumped.pop(key, None)
    return dumped


@dataclass(frozen=True)
class ModelSnapshot:
    """A data model and the views it implements from outside itself (``implemented_views``)."""

    data_model: DataModel
    implemented_views: tuple[View, ...] = ()

    @property
    def model_id(self) -> DataModelId:
        """The data model's identifier."""
        return self.data_model.as_id()

    def to_json_dict(self) -> dict[str, Any]:
        """The normalised JSON form: stable order, no timestamps."""
        model = self.data_model.dump()
        for key in _VOLATILE_KEYS:
            model.pop(key, None)
        model["views"] = [
            _normalised_view(view) if isinstance(view, View) else view.dump()
            for view in sorted(self.data_model.views, key=_view_order)
        ]
        return {
            "snapshotFormat": SNAPSHOT_FORMAT,
            "dataModel": model,
            "implementedViews": [
                _normalised_view(view) for view in sorted(self.implemented_views, key=_view_order)
            ],
        }

    def to_json_text(self) -> str:
        """The normalised JSON text; the bytes the lock's digest covers."""
        return json.dumps(self.to_json_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    def digest(self) -> str:
        """``sha256:<hex>`` of :meth:`to_json_text`."""
        return "sha256:" + hashlib.sha256(self.to_json_text().encode("utf-8")).hexdigest()

    @classmethod
    def from_json_dict(cls, data: object, *, origin: str) -> ModelSnapshot:
        """Load the form :meth:`to_json_dict` writes; ``origin`` names the source in errors."""
        if not isinstance(data, Mapping):
            raise SourceError(f"{origin}: not a pygen model snapshot (expected a JSON object)")
        if data.get("snapshotFormat") != SNAPSHOT_FORMAT:
            raise SourceError(
                f"{origin}: unsupported snapshot format {data.get('snapshotFormat')!r} "
                f"(this pygen reads format {SNAPSHOT_FORMAT}); refresh it with `pygen lock --upgrade`"
            )
        try:
            model = DataModel.load(data["dataModel"])
            implemented = tuple(View.load(view) for view in data.get("implementedViews", []))
        except (KeyError, TypeError, ValidationError) as error:
            raise SourceError(
                f"{origin}: not a pygen model snapshot ({describe_load_error(error)})"
            ) from None
        return cls(data_model=model, implemented_views=implemented)


def is_snapshot(data: object) -> bool:
    """Whether parsed JSON/YAML looks like a snapshot rather than a plain data model."""
    return isinstance(data, Mapping) and "snapshotFormat" in data


def describe_load_error(error: Exception) -> str:
    """A short, one-line account of why a model did not load (at most three field errors)."""
    if isinstance(error, ValidationError):
        parts = []
        for detail in error.errors()[:3]:
            where = ".".join(str(part) for part in detail["loc"]) or "top level"
            parts.append(f"{where}: {detail['msg']}")
        more = error.error_count() - len(parts)
        return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
    if isinstance(error, KeyError):
        return f"missing {error.args[0]!r}"
    return str(error)
