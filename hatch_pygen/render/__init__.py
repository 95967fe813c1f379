"""Renderers: from the IR to the files of an SDK, one renderer per language.

``render(ir, language="python")`` returns ``{relative path: file text}``, every path inside the
package folder (``hatch_pygen.sdk.write_sdk`` writes them; the build hook hands them to
hatchling). ``runtime_requirement()`` is the pygen-runtime range a generated SDK needs, which the
build hook checks against the project's dependencies.

Example::

    files = render(ir, language="python")
    files["wind_sdk/__init__.py"]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from hatch_pygen.errors import PygenError
from hatch_pygen.ir import IR, IR_VERSION
from hatch_pygen.render._runtime import RUNTIME_DISTRIBUTION, runtime_requirement

__all__ = ["LANGUAGES", "RUNTIME_DISTRIBUTION", "render", "runtime_requirement"]


def _python(ir: IR) -> Mapping[str, str]:
    from hatch_pygen.render.python import render_python

    return render_python(ir)


_RENDERERS: dict[str, Callable[[IR], Mapping[str, str]]] = {"python": _python}
LANGUAGES: tuple[str, ...] = tuple(sorted(_RENDERERS))


def render(ir: IR, *, language: str = "python") -> dict[str, str]:
    """The files of the SDK for ``ir`` in ``language``, by path relative to the output folder."""
    if ir.ir_version != IR_VERSION:
        raise PygenError(
            f"this hatch-pygen renders IR version {IR_VERSION}, not {ir.ir_version}; "
            "use the hatch-pygen that wrote the IR, or build the IR again with this one"
        )
    renderer = _RENDERERS.get(language)
    if renderer is None:
        known = ", ".join(LANGUAGES)
        raise PygenError(
            f"no renderer for language {language!r}; this hatch-pygen renders {known} (or ir-json)"
        )
    return dict(renderer(ir))
