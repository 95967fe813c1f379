"""The runtime link: the project must depend on a ``pygen-runtime`` the generated code works with.

Generated code declares the range of ``pygen-runtime`` it needs (``pygen-runtime>=0.1,<1``). The
project's ``[project].dependencies`` must hold a requirement on it whose every allowed version
lies in that range; otherwise an installer could pick a runtime the code was never written for.
The hook does not add the requirement itself: ``build_data["dependencies"]`` reaches the wheel but
not the sdist or ``prepare_metadata``, so the two would disagree. It stops with the line to add.

Version ranges are compared as intervals: ``>=``, ``>``, ``<=``, ``<``, ``==`` (with or without
``.*``), ``~=`` and ``===`` bound the interval; ``!=`` only removes points, so it never widens a
range and is ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import Specifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from hatch_pygen.errors import PygenError

__all__ = ["RuntimeLinkError", "VersionInterval", "check_runtime_link", "interval_of"]


class RuntimeLinkError(PygenError):
    """``[project].dependencies`` does not pin the runtime to a range the generated code supports."""


@dataclass(frozen=True)
class _Bound:
    version: Version
    inclusive: bool


@dataclass(frozen=True)
class VersionInterval:
    """The versions between ``lower`` and ``upper``; ``None`` is unbounded on that side."""

    lower: _Bound | None = None
    upper: _Bound | None = None

    def narrowed(self, lower: _Bound | None = None, upper: _Bound | None = None) -> VersionInterval:
        """This interval intersected with ``[lower, upper]``."""
        new_lower, new_upper = self.lower, self.upper
        if lower is not None and (new_lower is None or _tighter_lower(lower, new_lower)):
            new_lower = lower
        if upper is not None and (new_upper is None or _tighter_upper(upper, new_upper)):
            new_upper = upper
        return VersionInterval(new_lower, new_upper)

    @property
    def empty(self) -> bool:
        """Whether no version lies in the interval."""
        if self.lower is None or self.upper is None:
            return False
        if self.lower.version != self.upper.version:
            return self.lower.version > self.upper.version
        return not (self.lower.inclusive and self.upper.inclusive)

    def within(self, other: VersionInterval) -> bool:
        """Whether every version in this interval is also in ``other``."""
        if self.empty:
            return False
        lower_ok = other.lower is None or (
            self.lower is not None and (self.lower == other.lower or _tighter_lower(self.lower, other.lower))
        )
        upper_ok = other.upper is None or (
            self.upper is not None and (self.upper == other.upper or _tighter_upper(self.upper, other.upper))
        )
        return lower_ok and upper_ok


def _tighter_lower(candidate: _Bound, current: _Bound) -> bool:
    if candidate.version != current.version:
        return candidate.version > current.version
    return current.inclusive and not candidate.inclusive


def _tighter_upper(candidate: _Bound, current: _Bound) -> bool:
    if candidate.version != current.version:
        return candidate.version < current.version
    return current.inclusive and not candidate.inclusive


def _next_release(release: Sequence[int]) -> Version:
    """The first version after every version starting with ``release``: ``1.2`` -> ``1.3``."""
    bumped = [*release[:-1], release[-1] + 1]
    return Version(".".join(str(part) for part in bumped))


def _apply(interval: VersionInterval, specifier: Specifier) -> VersionInterval | None:
    """``interval`` narrowed by one specifier; None when the specifier cannot be read as a range."""
    operator, text = specifier.operator, specifier.version
    if operator == "!=":
        return interval
    if operator == "==" and text.endswith(".*"):
        release = Version(text[:-2]).release
        return interval.narrowed(_Bound(Version(text[:-2]), True), _Bound(_next_release(release), False))
    try:
        version = Version(text)
    except InvalidVersion:
        return None  # an arbitrary string after ===
    if operator in ("==", "==="):
        return interval.narrowed(_Bound(version, True), _Bound(version, True))
    if operator == ">=":
        return interval.narrowed(lower=_Bound(version, True))
    if operator == ">":
        return interval.narrowed(lower=_Bound(version, False))
    if operator == "<=":
        return interval.narrowed(upper=_Bound(version, True))
    if operator == "<":
        return interval.narrowed(upper=_Bound(version, False))
    # "~=X.Y.Z" means ">=X.Y.Z, ==X.Y.*"
    return interval.narrowed(_Bound(version, True), _Bound(_next_release(version.release[:-1]), False))


def interval_of(specifiers: SpecifierSet) -> VersionInterval | None:
    """The versions ``specifiers`` allow, as one interval; None when one cannot be read as a range."""
    interval: VersionInterval | None = VersionInterval()
    for specifier in sorted(specifiers, key=str):
        if interval is None:
            break
        interval = _apply(interval, specifier)
    return interval


def _applies(requirement: Requirement) -> bool:
    """Whether a requirement's environment marker holds here (one without a marker always does)."""
    return requirement.marker is None or requirement.marker.evaluate({"extra": ""})


def check_runtime_link(required: str, dependencies: Sequence[str]) -> Requirement:
    """Check that ``dependencies`` pin the package ``required`` names to versions within its range.

    Returns the project's requirement (all that apply, combined). Raises
    :class:`RuntimeLinkError` with the exact line to add or to replace it with. A requirement
    given as a URL (``pygen-runtime @ file:///...``) names no versions and is accepted as it is.

    Example::

        check_runtime_link("pygen-runtime>=0.1,<1", ["pygen-runtime>=0.1.2,<1", "pandas"])
    """
    needed = Requirement(required)
    name = canonicalize_name(needed.name)
    line = f'"{required.strip()}",'
    found: list[Requirement] = []
    for text in dependencies:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue  # hatchling reports malformed dependencies itself
        if canonicalize_name(requirement.name) == name and _applies(requirement):
            found.append(requirement)
    if not found:
        raise RuntimeLinkError(
            f"the generated code imports {needed.name}, which [project].dependencies does not list; "
            f"add this line to dependencies in pyproject.toml: {line}"
        )
    if any(requirement.url for requirement in found):
        return found[0]
    combined = SpecifierSet()
    for requirement in found:
        combined &= requirement.specifier
    own = interval_of(combined)
    wanted = interval_of(needed.specifier)
    if own is None or wanted is None or not own.within(wanted):
        listed = ", ".join(f"'{requirement}'" for requirement in found)
        raise RuntimeLinkError(
            f"[project].dependencies allows {needed.name} versions the generated code does not support "
            f"({listed}; it needs {required.strip()}); replace it in pyproject.toml with: {line}"
        )
    merged = Requirement(str(found[0]))
    merged.specifier = combined
    return merged
