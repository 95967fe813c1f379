"""The hatchling build hook ``pygen``: a thin shell over plain functions.

Enabled by ``[tool.hatch.build.hooks.pygen]`` (with ``hatch-pygen`` in ``build-system.requires``)
and configured by ``[tool.pygen]``. For a wheel (standard or editable) it generates the SDK and
force-includes it; for an sdist it adds ``pygen.lock``, the snapshots and model files. Progress
goes through ``self.app.display_*``; a user's mistake ends the build with one line through
``self.app.abort``, never a traceback.

Options of ``[tool.hatch.build.hooks.pygen]`` besides hatchling's own:

``language``
    The renderer to use: ``"python"`` (default) or ``"ir-json"``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Any, NoReturn

from hatchling.builders.config import BuilderConfig, env_var_enabled
from hatchling.builders.constants import BuildEnvVars
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

from hatch_pygen.errors import ConfigError, PygenError

__all__ = ["HOOK_OPTIONS", "PygenBuildHook", "one_line"]

DEFAULT_LANGUAGE = "python"
HOOK_OPTIONS = ("language",)
# Options hatchling reads from every hook's table.
_HATCHLING_OPTIONS = (
    "dependencies",
    "require-runtime-dependencies",
    "require-runtime-features",
    "enable-by-default",
)
_TABLE = "tool.hatch.build.hooks.pygen"


def one_line(error: PygenError) -> str:
    """The error as one line: a configuration error's problems joined by ``; ``, whitespace collapsed."""
    if isinstance(error, ConfigError):
        # The build may run in a temp copy of the project (pip, build); its path says nothing.
        source = Path(error.source).name if error.source.endswith(".toml") else error.source
        issues = "; ".join(str(issue) for issue in error.issues)
        count = len(error.issues)
        return f"{source}: {issues}" if count == 1 else f"{source}: {count} configuration problems: {issues}"
    return " ".join(str(error).split())


class _AppReporter:
    """Sends the stages' messages to hatchling's application (it knows the user's verbosity)."""

    def __init__(self, hook: PygenBuildHook) -> None:
        self._hook = hook

    def info(self, message: str) -> None:
        self._hook.app.display_info(message)

    def warning(self, message: str) -> None:
        self._hook.app.display_warning(message)


class PygenBuildHook(BuildHookInterface[BuilderConfig]):
    """Generates the SDK ``[tool.pygen]`` describes into wheels; makes sdists self-sufficient."""

    PLUGIN_NAME = "pygen"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The staging folder of each version built, until finalize() removes it.
        self._staged: dict[str, Path] = {}

    def _abort(self, error: PygenError) -> NoReturn:
        self.app.abort(f"pygen: error: {one_line(error)}")
        raise SystemExit(1)  # abort exits; this line only convinces the type checker

    def _language(self) -> str:
        unknown = sorted(set(self.config) - set(HOOK_OPTIONS) - set(_HATCHLING_OPTIONS))
        if unknown:
            raise PygenError(
                f"{_TABLE}.{unknown[0]}: unknown option; the options are: {', '.join(HOOK_OPTIONS)} "
                "(everything else goes in [tool.pygen])"
            )
        language = self.config.get("language", DEFAULT_LANGUAGE)
        if not isinstance(language, str) or not language:
            raise PygenError(f'{_TABLE}.language: expected a name such as "python", got {language!r}')
        return language

    def dependencies(self) -> list[str]:
        """Build requirements this build needs beyond hatch-pygen's own (PEP 517 ``get_requires_for_*``)."""
        from hatch_pygen.hook._requirements import build_requirements

        try:
            language = self._language()
        except PygenError:
            return []  # the build itself reports the option
        return build_requirements(
            Path(self.root),
            self.target_name,
            language=language,
            dependencies=self._project_dependencies(),
            environ=os.environ,
        )

    def _project_dependencies(self) -> list[str]:
        dependencies: list[str] = list(self.metadata.core.dependencies)
        return dependencies

    def _shipped_files(self) -> list[str]:
        """Wheel paths of the files the project ships itself (none when hatchling would find none)."""
        try:
            return [
                item.distribution_path for item in self.build_config.builder.recurse_selected_project_files()
            ]
        except ValueError:
            # hatchling's "unable to determine which files to ship": the project ships nothing of
            # its own, and the force-included SDK will be the whole wheel.
            return []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Before each build: generate and stage the SDK (wheel), or list what the sdist carries."""
        root = Path(self.root)
        reporter = _AppReporter(self)
        try:
            language = self._language()
            if self.target_name == "wheel":
                self._stage_wheel(root, version, build_data, language, reporter)
            elif self.target_name == "sdist":
                from hatch_pygen.hook._sdist import sdist_inclusions

                build_data["force_include"].update(
                    sdist_inclusions(
                        root, language=language, dependencies=self._project_dependencies(), reporter=reporter
                    )
                )
            else:
                self.app.display_debug(f"pygen: nothing to do for the {self.target_name} target")
        except PygenError as error:
            self._abort(error)

    def _stage_wheel(
        self, root: Path, version: str, build_data: dict[str, Any], language: str, reporter: _AppReporter
    ) -> None:
        from hatch_pygen.hook._wheel import new_staging_folder, stage_sdk

        folder = new_staging_folder(root, self.target_name, version)
        try:
            staged = stage_sdk(
                root,
                language=language,
                dependencies=self._project_dependencies(),
                shipped_files=self._shipped_files,
                folder=folder,
                reporter=reporter,
            )
        except BaseException:
            self._remove(folder)
            self._remove_if_empty(folder.parent)
            raise
        self._staged[version] = folder
        build_data["force_include"].update(staged.force_include)
        # With --hooks-only no wheel is built and the staged package is what there is to look at;
        # hatch passes that as a flag the hook cannot see, so the place is also a debug message.
        where = f"pygen: the generated package is in {folder} (`hatch clean` removes it)"
        if env_var_enabled(BuildEnvVars.HOOKS_ONLY):
            self.app.display_info(where)
        else:
            self.app.display_debug(where)

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """After a wheel is built its staged files are in it: remove them."""
        folder = self._staged.pop(version, None)
        if folder is not None:
            self._remove(folder)
            self._remove_if_empty(folder.parent)

    def clean(self, versions: list[str]) -> None:
        """``hatch clean``: remove whatever builds of this target staged and left behind.

        Every version's folders go, not only ``versions``: hatch passes the default versions
        (``standard``), and an editable build's leftovers are just as stale.
        """
        from hatch_pygen.hook._wheel import staging_root

        parent = staging_root(Path(self.root))
        for folder in sorted(parent.glob(f"{self.target_name}-*")):
            self._remove(folder)
        self._remove_if_empty(parent)

    def _remove(self, folder: Path) -> None:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            self.app.display_debug(f"pygen: removed {folder}")

    @staticmethod
    def _remove_if_empty(folder: Path) -> None:
        # Not empty (another build of the project is staging), or already gone: leave it.
        with contextlib.suppress(OSError):
            folder.rmdir()
