"""Which pygen-runtime versions a generated SDK works with.

Generated code uses the runtime's public API as it is in the version installed beside the
generator. The runtime follows semantic versioning, so an SDK needs at least that minor version
and accepts every later one up to the next breaking release: the next major version, or, before
1.0, the next minor version (``0.1.4`` -> ``pygen-runtime>=0.1,<0.2``).
"""

from __future__ import annotations

import re

__all__ = ["RUNTIME_DISTRIBUTION", "runtime_requirement"]

RUNTIME_DISTRIBUTION = "pygen-runtime"
_RELEASE = re.compile(r"(\d+)\.(\d+)")


def runtime_requirement(runtime_version: str | None = None) -> str:
    """The requirement a generated SDK declares, e.g. ``"pygen-runtime>=0.1,<0.2"``.

    ``runtime_version`` defaults to the installed pygen-runtime's version.
    """
    if runtime_version is None:
        from pygen_runtime import __version__

        runtime_version = __version__
    found = _RELEASE.match(runtime_version)
    if found is None:
        raise ValueError(f"pygen-runtime version {runtime_version!r} does not start with MAJOR.MINOR")
    major, minor = int(found.group(1)), int(found.group(2))
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f"{RUNTIME_DISTRIBUTION}>={major}.{minor},<{upper}"
