"""The Python renderer: IR in, the files of a typed SDK package out.

Decisions (names, types, filters, layout of long statements) are made in Python
(``_names``, ``_model``, ``_package``, ``_layout``); the Jinja templates in
``hatch_pygen/templates/python/`` only place the results.
"""

from __future__ import annotations

import functools

import jinja2

from hatch_pygen.ir import IR
from hatch_pygen.render.python._package import client_class_name, package_files

__all__ = ["client_class_name", "render_python"]


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("hatch_pygen", "templates/python"),
        autoescape=False,  # Python source, not HTML; model text is escaped by _literals instead.
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render_python(ir: IR) -> dict[str, str]:
    """The files of the Python SDK for ``ir``, by path (``"wind_sdk/__init__.py"``, ...)."""
    environment = _environment()
    files: dict[str, str] = {}
    for source in package_files(ir):
        if source.template is None:
            files[source.path] = source.text
            continue
        text = environment.get_template(source.template).render(source.context)
        files[source.path] = text.rstrip("\n") + "\n"
    return dict(sorted(files.items()))
