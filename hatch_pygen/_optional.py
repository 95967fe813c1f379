"""Distributions only some runs need, and what to say when one of them is missing.

Generating needs pydantic, jinja2, httpx and pygen-runtime (the ``generate`` extra), yet a build
whose output is in pygen's cache needs none of them; a build from ``pygen.lock`` needs neither
PyYAML nor tomli-w. So none of these are requirements of hatch-pygen itself: the build hook asks
the build frontend for the generator's libraries when it has to generate, and for PyYAML when it
reads a YAML model file (``hatch_pygen.hook._requirements``); the ``cli`` extra brings all of
them for the ``pygen`` command. platformdirs is a requirement of hatch-pygen (every build looks
for its output in pygen's cache folder) but is imported only where the folder is needed. Code
that needs one of them imports it where it is used; when it is missing anyway (a build without
isolation, say), the run ends with one line (:func:`missing_message`, :func:`generator_imports`)
instead of a traceback.

This module imports nothing heavy: the hook consults it before every build.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache
from importlib import metadata
from pathlib import PurePath

from hatch_pygen.errors import PygenError

__all__ = [
    "CACHE_FOLDER_REQUIREMENT",
    "GENERATE_EXTRA",
    "GENERATOR_MODULES",
    "LOCK_WRITER_REQUIREMENT",
    "YAML_REQUIREMENT",
    "generator_imports",
    "generator_missing_message",
    "generator_requirements",
    "missing_message",
    "reads_as_yaml",
]

# hatch-pygen's extra that holds what generating needs (pyproject.toml is its one list).
GENERATE_EXTRA = "generate"
_DISTRIBUTION = "hatch-pygen"
# The top-level modules of the generate extra's distributions and what they bring: a
# ModuleNotFoundError naming one of them means the extra is not installed.
GENERATOR_MODULES = frozenset(
    {
        "pygen_runtime",
        "pydantic",
        "pydantic_core",
        "annotated_types",
        "typing_inspection",
        "jinja2",
        "markupsafe",
        "httpx",
        "httpcore",
        "h11",
        "anyio",
        "idna",
        "certifi",
        "sniffio",
    }
)

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


@cache
def generator_requirements() -> tuple[str, ...]:
    """The requirements of hatch-pygen's ``generate`` extra, as installed metadata lists them.

    The markers that select the extra are dropped (a build frontend installs the requirements
    as they are); requirements whose other markers exclude this interpreter are left out.

    Example::

        generator_requirements()  # ("httpx>=0.27", "jinja2>=3.1", "pydantic<3,>=2.6", ...)
    """
    # Imported here: the other helpers of this module are used where packaging is not needed.
    from packaging.requirements import Requirement

    found = []
    for text in metadata.requires(_DISTRIBUTION) or []:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or not marker.evaluate({"extra": GENERATE_EXTRA}):
            continue
        if marker.evaluate({"extra": ""}):
            continue  # not the extra's own: a requirement every installation has
        requirement.marker = None
        found.append(str(requirement))
    return tuple(found)


def generator_missing_message(purpose: str) -> str:
    """One line: ``purpose`` needs the ``generate`` extra, which is not installed, and how to get it."""
    return (
        f"{purpose} needs hatch-pygen's {GENERATE_EXTRA} extra (pydantic, jinja2, httpx and "
        f"pygen-runtime), which is not installed; install it (pip install "
        f"'{_DISTRIBUTION}[{GENERATE_EXTRA}]')"
    )


@contextlib.contextmanager
def generator_imports(purpose: str, hint: str = "") -> Iterator[None]:
    """Turn a missing generator library, imported inside the block, into one line naming the extra
    (and ``hint``, appended after a semicolon: another way out).

    Example::

        with generator_imports("generating the SDK"):
            from hatch_pygen.pipeline import build
    """
    try:
        yield
    except ModuleNotFoundError as error:
        if (error.name or "").split(".", 1)[0] not in GENERATOR_MODULES:
            raise
        message = generator_missing_message(purpose)
        raise PygenError(f"{message}; {hint}" if hint else message) from None
