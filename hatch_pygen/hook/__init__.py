"""The hatchling build hook: the SDK generated into wheels, the lock and snapshots carried in sdists.

See docs/build-hook.md. ``hatch_pygen.hooks`` registers :class:`PygenBuildHook` with hatchling.
"""

from hatch_pygen.hook._plugin import PygenBuildHook

__all__ = ["PygenBuildHook"]
