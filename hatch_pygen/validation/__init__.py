"""Validation with graceful degradation: problems as values, the rest generated.

``validate()`` takes model snapshots and returns a :class:`ValidatedSchema`: the views and
properties to generate with their name hints and fallbacks, and the problems found.
"""

from hatch_pygen.validation._naming import RESERVED_PROPERTY_NAMES, snake_key
from hatch_pygen.validation._plan import ModelPlan, PropertyPlan, SupportedProperty, ValidatedSchema, ViewPlan
from hatch_pygen.validation._validate import validate

__all__ = [
    "RESERVED_PROPERTY_NAMES",
    "ModelPlan",
    "PropertyPlan",
    "SupportedProperty",
    "ValidatedSchema",
    "ViewPlan",
    "snake_key",
    "validate",
]
