"""Distributions only some runs need, and what to say when one of them is missing.

A build from ``pygen.lock`` needs neither PyYAML nor tomli-w, so they are not requirements of
hatch-pygen itself: the ``cli`` extra brings them for the ``pygen`` command, and the build hook
asks the build frontend for PyYAML when a build reads a YAML model file
(``hatch_pygen.hook._requirements``). platformdirs is a requirement of hatch-pygen (every build
looks for its output in pygen's cache folder) but is imported only where the folder is needed.
Code that needs one of them imports it where it is used; when it is missing anyway (a build
without isolation, say), the run ends with :func:`missing_message` instead of a traceback.

This module imports nothing heavy: the hook consults it before every build.
"""

from __future__ import annotations

from pathlib import PurePath

__all__ = [
    "CACHE_FOLDER_REQUIREMENT",
    "LOCK_WRITER_REQUIREMENT",
    "YAML_REQUIREMENT",
    "missing_message",
    "reads_as_yaml",
]

# Reading model files that are not JSON (hatch_pygen.sources._file).
YAML_REQUIREMENT = "pyyaml>=6"
# Finding the user cache folder when PYGEN_CACHE_DIR is not set (hatch_pygen.cache); a
# requirement of hatch-pygen, named here for the message when it is missing all the same.
CACHE_FOLDER_REQUIREMENT = "platformdirs>=4"
# Writing pygen.lock (hatch_pygen.lock); only `pygen lock` writes it, never a build.
LOCK_WRITER_REQUIREMENT = "tomli-w>=1"


def reads_as_yaml(path: PurePath) -> bool:
    """Whether a model file is parsed as YAML: every model file that is not ``.json``."""
    return path.suffix.lower() != ".json"


def missing_message(purpose: str, requirement: str, alternative: str = "") -> str:
    """One line: ``purpose`` needs ``requirement``, which is not installed, and how to get it.

    ``alternative`` is another way out (``"or set PYGEN_CACHE_DIR"``), appended after a comma.
    """
    name = requirement.split(">", 1)[0].split("=", 1)[0].split("<", 1)[0].strip()
    line = f"{purpose} needs {name}, which is not installed; install it (pip install '{requirement}')"
    return f"{line} {alternative}" if alternative else line
