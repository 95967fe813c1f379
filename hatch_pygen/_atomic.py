"""Writing a file so that a reader sees the old content or the new, never half of either.

Two builds may fill the same cache at once; each writes a private temporary file beside the
target and renames it into place, which POSIX and Windows both do atomically on one volume.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _default_file_mode() -> int:
    # os.umask can only be read by setting it; it is set straight back.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and ``os.replace``.

    The file gets the permissions a plain ``open()`` would give it: mkstemp's private 0600 would
    otherwise leak into files users commit and share, such as ``pygen.lock``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, _default_file_mode())
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
