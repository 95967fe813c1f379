"""From the IR to an SDK folder: finding the renderer for a language, and writing its files.

A renderer is a function ``IR -> {relative path: file text}`` (DESIGN.md: a code generator is a
pure function of the IR). ``ir-json`` is built in: it writes the IR itself, which is what a
renderer for any language receives, and lets ``pygen generate`` run before a language renderer
is installed. Other languages come from ``hatch_pygen.render``, whose ``render(ir, language=...)``
returns the files.

Writing replaces the package folder as a whole, so files a model no longer needs disappear; a
folder pygen did not write is never replaced.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from hatch_pygen._atomic import UnwritablePathError
from hatch_pygen._version import __version__
from hatch_pygen.config import GENERATED_MARKER
from hatch_pygen.errors import PygenError
from hatch_pygen.ir import IR

__all__ = ["GENERATED_MARKER", "Renderer", "find_renderer", "render_ir_json", "write_sdk"]

Renderer = Callable[[IR], Mapping[str, str]]
IR_JSON = "ir-json"


def package_path(package: str) -> PurePosixPath:
    """The folder of a dotted package name: ``"acme.wind_sdk"`` -> ``acme/wind_sdk``."""
    return PurePosixPath(*package.split("."))


def render_ir_json(ir: IR) -> dict[str, str]:
    """The built-in ``ir-json`` target: the IR as ``<package>/ir.json``."""
    if ir.package is None:
        raise PygenError("no package name; set package in [tool.pygen] or pass --package")
    return {str(package_path(ir.package) / "ir.json"): ir.to_json()}


def find_renderer(language: str) -> Renderer:
    """The renderer for ``language``; a clear error when this installation has none."""
    if language == IR_JSON:
        return render_ir_json
    try:
        module: Any = importlib.import_module("hatch_pygen.render")
    except ModuleNotFoundError as error:
        if error.name not in ("hatch_pygen.render",):
            raise
        raise PygenError(
            f"this hatch-pygen {__version__} has no renderer for {language!r} yet; "
            f"use --language {IR_JSON} to write the IR, or upgrade hatch-pygen"
        ) from None

    def render(ir: IR) -> Mapping[str, str]:
        files: Mapping[str, str] = module.render(ir, language=language)
        return files

    return render


def _checked_paths(files: Mapping[str, str], root: PurePosixPath) -> dict[PurePosixPath, str]:
    checked: dict[PurePosixPath, str] = {}
    for name, text in files.items():
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or path.parts[: len(root.parts)] != root.parts:
            raise PygenError(f"the renderer produced {name!r}, which is outside the package folder {root}/")
        checked[path.relative_to(root)] = text
    return checked


def write_sdk(files: Mapping[str, str], out_dir: Path, package: str, *, overwrite: bool = True) -> Path:
    """Write ``files`` (relative to ``out_dir``, all inside the package folder); return that folder.

    The new folder is assembled beside the old one and swapped in, so an interrupted run leaves
    the previous SDK in place. Raises :class:`~hatch_pygen.errors.PygenError` when the folder
    exists and ``overwrite`` is false, or when it exists and pygen did not write it, and
    :class:`~hatch_pygen._atomic.UnwritablePathError` (a ``PygenError``) when it cannot be written.
    """
    root = package_path(package)
    checked = _checked_paths(files, root)
    target = out_dir / root
    try:
        _replace_folder(target, checked, overwrite=overwrite)
    except OSError as error:
        raise UnwritablePathError(target, error) from None
    return target


def _replace_folder(target: Path, files: Mapping[PurePosixPath, str], *, overwrite: bool) -> None:
    """Assemble ``files`` in a staging folder beside ``target`` and swap it in."""
    if target.exists():
        if not overwrite:
            raise PygenError(f"{target} exists; remove it, or set overwrite = true (or drop --no-overwrite)")
        if not target.is_dir() or (any(target.iterdir()) and not (target / GENERATED_MARKER).is_file()):
            raise PygenError(
                f"{target} exists and was not written by pygen, so it is left alone; "
                "remove it or choose another --out"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new-"))
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        (staging / GENERATED_MARKER).write_text(
            f"Written by hatch-pygen {__version__}; `pygen generate` replaces this folder.\n",
            encoding="utf-8",
        )
        retired = target.parent / f".{target.name}.old-{os.getpid()}"
        if target.exists():
            os.replace(target, retired)
        os.replace(staging, target)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
