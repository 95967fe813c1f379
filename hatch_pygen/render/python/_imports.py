"""The import block of a generated module, sorted as ruff's isort rules sort it.

Sections: the standard library, third-party packages (pydantic, the runtime),
then the SDK's own modules (relative imports, which keep the SDK movable to any package name).
Names within an import: constants, then classes, then the rest, each alphabetically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from hatch_pygen.render.python._layout import bracketed, fits

__all__ = ["import_block", "name_order", "natural_key"]

_STANDARD_LIBRARY = frozenset({"collections.abc", "datetime", "functools", "importlib", "pathlib", "typing"})


def _section(module: str) -> int:
    if module in _STANDARD_LIBRARY:
        return 1
    if module.startswith("."):
        return 3
    return 2


def natural_key(text: str, *, fold_case: bool = True) -> tuple[tuple[tuple[str, int], ...], str]:
    """Natural order, as ruff sorts: ``"x3"`` before ``"x360"``; case-insensitive first unless
    ``fold_case`` is false."""
    parts = re.split(r"(\d+)", text)
    numbers = [int(part) for part in parts[1::2]] + [-1]
    words = (part.lower() if fold_case else part for part in parts[::2])
    return (tuple(zip(words, numbers, strict=True)), text)


def name_order(name: str, *, fold_case: bool = True) -> tuple[int, tuple[tuple[tuple[str, int], ...], str]]:
    """isort's order of imported names (and, case-sensitive, ruff's order of ``__all__``):
    CONSTANTS, then Classes, then the rest."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, natural_key(name, fold_case=fold_case))


def import_block(imports: Mapping[str, Iterable[str]], *, indent: str = "") -> str:
    """``from module import names`` lines for ``{module: names}``, a blank line between sections.

    >>> print(import_block({"typing": ["Any"], ".pump": ["Pump"], "pydantic": ["Field"]}))
    from typing import Any
    <BLANKLINE>
    from pydantic import Field
    <BLANKLINE>
    from .pump import Pump
    """
    sections: dict[int, list[str]] = {}
    # A module with no names left to import is left out.
    for module in sorted((module for module in imports if imports[module]), key=natural_key):
        names = sorted(set(imports[module]), key=name_order)
        one_line = f"{indent}from {module} import {', '.join(names)}"
        sections.setdefault(_section(module), []).append(
            one_line if fits(one_line) else bracketed(f"from {module} import ", names, indent=indent)
        )
    return "\n\n".join("\n".join(lines) for _, lines in sorted(sections.items()))
