"""hatch-pygen: generate typed SDKs for CDF data models inside a Python build."""

from hatch_pygen._version import __version__

__all__ = ["__version__"]
