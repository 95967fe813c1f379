"""Package namespaces whose names are imported on first use.

``import pygen_runtime`` (and each subpackage a generated SDK touches) should cost almost nothing:
a package lists where each public name lives, and the module defining it is imported only when the
name is first read. Static type checkers see the names through ``if TYPE_CHECKING:`` imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: MutableMapping[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` for ``package``.

    ``exports`` maps each public name to the module defining it, or a submodule's name to the
    submodule itself (``"filters": f"{package}.filters"``); ``namespace`` is the package's
    ``globals()``, where a name is stored once imported so later reads skip the lookup.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        imported = importlib.import_module(module)
        value = imported if module == f"{package}.{name}" else getattr(imported, name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
