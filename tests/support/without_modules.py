"""Run Python in a fresh interpreter in which some top-level modules cannot be imported.

A build environment without hatch-pygen's ``generate`` extra, or a ``pygen`` installed without
its ``cli`` extra, is this interpreter with those distributions gone. Removing them from the
test environment is not possible (the suite itself needs them), so the child interpreter refuses
to import them, as it would if they were not installed: ``import pydantic`` raises
``ModuleNotFoundError`` naming ``pydantic``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Sequence

__all__ = ["run_without"]

_PRELUDE = """
import sys
from importlib.abc import MetaPathFinder


class _NotInstalled(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".", 1)[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, _NotInstalled())
"""


def run_without(
    modules: Iterable[str], code: str, args: Sequence[str] = (), timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (with ``sys.argv[1:] == args``) where ``modules`` are not importable."""
    script = _PRELUDE.format(blocked=sorted(set(modules))) + code
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=dict(os.environ),
    )
