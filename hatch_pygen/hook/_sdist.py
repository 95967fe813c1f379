"""What an sdist must carry so that a wheel built from it needs no network and no credentials.

``python -m build`` builds the sdist, unpacks it elsewhere and builds the wheel from there, so
everything generation reads must travel inside the sdist: ``pygen.lock``, the snapshots it
names, and model files. They are force-included, so a project whose sdist file selection is
narrow still ships them. The lock is checked here too (every CDF model covered, every snapshot
intact), so a broken lock fails the sdist and not, later, somebody else's wheel build.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from hatch_pygen._optional import generator_imports
from hatch_pygen.config import LOCK_FILE_NAME, SNAPSHOT_DIR_NAME, FileModel, load_config
from hatch_pygen.errors import LockError, PygenError
from hatch_pygen.hook._runtime_link import check_runtime_link
from hatch_pygen.hook._wheel import Reporter, required_runtime
from hatch_pygen.lock import read_lock, read_locked_snapshot

__all__ = ["sdist_inclusions"]


def _inside(root: Path, path: Path, what: str) -> str:
    """``path`` relative to ``root`` (POSIX form); an error when it lies outside the project."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise PygenError(
            f"{what} {path} lies outside the project folder, so the sdist cannot carry it and a "
            "wheel built from the sdist would not find it; move it into the project"
        ) from None


def sdist_inclusions(
    root: Path, *, language: str, dependencies: Sequence[str], reporter: Reporter
) -> dict[str, str]:
    """The files the sdist must carry (absolute path -> path in the sdist), after checking them."""
    config = load_config(root / "pyproject.toml")
    for note in config.notes:
        reporter.info(f"pygen: note: {note}")
    # The renderer's existence and the runtime range are checked now, not when a wheel is built
    # from the sdist somewhere else; the build asks for the generator's libraries for it.
    with generator_imports("building an sdist"):
        from hatch_pygen.sdk import find_renderer

        find_renderer(language)
    runtime = required_runtime(language)
    if runtime is not None:
        check_runtime_link(runtime, dependencies)
    carried: dict[str, str] = {}
    for model in config.models:
        if isinstance(model, FileModel):
            carried[str(model.path)] = _inside(root, model.path, f"the model file {model.declared}")
    if config.cdf_models:
        lock = read_lock(config.lock_path)
        if lock is None:
            reporter.warning(
                f"pygen: warning: no {LOCK_FILE_NAME}; a wheel built from this sdist will fetch the models "
                f"from CDF (network and credentials needed) and is not reproducible; run `pygen lock` "
                f"and commit {LOCK_FILE_NAME} and {SNAPSHOT_DIR_NAME}/"
            )
        else:
            unlocked = [str(model) for model in config.cdf_models if lock.find(model) is None]
            if unlocked:
                raise LockError(
                    f"{LOCK_FILE_NAME} does not cover {', '.join(unlocked)}, listed in tool.pygen.models; "
                    "run `pygen lock` to add them"
                )
            for model in config.cdf_models:
                entry = lock.find(model)
                assert entry is not None  # every model is covered, checked above
                read_locked_snapshot(root, entry)
                snapshot = root.joinpath(*PurePosixPath(entry.snapshot).parts)
                carried[str(snapshot)] = _inside(root, snapshot, f"the snapshot of {model}")
            carried[str(config.lock_path)] = LOCK_FILE_NAME
            reporter.info(
                f"pygen: the sdist carries {LOCK_FILE_NAME} and {len(config.cdf_models)} snapshot(s)"
            )
    return dict(sorted(carried.items(), key=lambda item: item[1]))
