"""Writing a file so that a reader sees the old content or the new, never half of either, and
saying plainly why a path cannot be written.

Two builds may fill the same cache at once; each writes a private temporary file beside the
target and renames it into place, which POSIX and Windows both do atomically on one volume.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from hatch_pygen.errors import PygenError

__all__ = ["UnwritablePathError", "unwritable_reason", "write_text_atomically"]

_NO_PERMISSION = (errno.EACCES, errno.EPERM, errno.EROFS)


class UnwritablePathError(PygenError, OSError):
    """A path pygen must write cannot be written: the message names it, the reason and the way out.

    It is an ``OSError`` too (with the original's errno, strerror and filename), so a caller that
    treats an unwritable cache as a cache miss still catches it.
    """

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(error.errno, error.strerror, error.filename)
        self.path = path
        self.message = unwritable_reason(path, error)

    def __str__(self) -> str:
        return self.message


def _nearest_existing_folder(path: Path) -> Path:
    return next((ancestor for ancestor in path.parents if ancestor.is_dir()), Path(path.anchor))


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` that is a file, not a folder (so nothing can be
    created under it); None when every existing ancestor is a folder."""
    for ancestor in reversed(path.parents):
        if not ancestor.exists():
            return None
        if not ancestor.is_dir():
            return ancestor
    return None


def unwritable_reason(path: Path, error: OSError) -> str:
    """Why writing ``path`` failed with ``error``, and what to do, in one line."""
    blocker = _file_in_the_way(path)
    if blocker is not None:
        return (
            f"cannot write {path}: {blocker} is a file, not a folder; move that file away or write elsewhere"
        )
    if error.errno == errno.EISDIR or (path.is_dir() and error.errno == errno.ENOTDIR):
        return f"cannot write {path}: it is a folder, not a file; give the path of a file"
    if error.errno in _NO_PERMISSION:
        return (
            f"cannot write {path}: no permission to write in {_nearest_existing_folder(path)} "
            f"({error.strerror}); "
            "choose a folder you can write to, or change its permissions"
        )
    return f"cannot write {path} ({error.strerror or error}); check the path and the free space"


def _default_file_mode() -> int:
    # os.umask can only be read by setting it; it is set straight back.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and ``os.replace``.

    The file gets the permissions a plain ``open()`` would give it: mkstemp's private 0600 would
    otherwise leak into files users commit and share, such as ``pygen.lock``. Raises
    :class:`UnwritablePathError` when the path cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise UnwritablePathError(path, error) from None
    try:
        os.chmod(temporary, _default_file_mode())
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise UnwritablePathError(path, error) from None
        raise
