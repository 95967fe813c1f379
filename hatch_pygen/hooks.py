"""Registers the ``pygen`` build hook with hatchling (entry point group ``hatch``, name ``pygen``)."""

from __future__ import annotations

from hatchling.plugin import hookimpl

from hatch_pygen.hook import PygenBuildHook


@hookimpl
def hatch_register_build_hook() -> type[PygenBuildHook]:
    """The hook class hatchling instantiates for ``[tool.hatch.build.hooks.pygen]``."""
    return PygenBuildHook
