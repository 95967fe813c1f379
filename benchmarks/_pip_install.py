"""``pip install`` of example-project with its lock and pygen's cache warm, against the same
project with the build hook taken out.

The project without the hook is what a team has without pygen's build integration: the same
package, generated once and committed as source, built by plain hatchling. Both are installed by
pip as users do (an isolated build environment holding the build requirements, then the wheel),
offline from a wheelhouse filled beforehand: wheels of pygen-runtime and hatch-pygen built from
this checkout, and every other distribution the builds need, taken through pip's cache.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import tomli_w
from _harness import ROOT, ProcessResult, child_environment, run_process
from _results import Row, Section, ratio_target
from _suites import Setup

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

EXAMPLE_PROJECT = ROOT / "example-project"
WITH_HOOK = "example-project (build hook, lock)"
WITHOUT_HOOK = "same project, SDK committed as source"
DESCRIPTION = (
    "`pip install --force-reinstall --no-deps ./project` into a virtual environment that already "
    "holds pygen-runtime, offline from a wheelhouse (pip builds in an isolated environment, as "
    "users get it): example-project, whose wheel pygen's build hook generates from `pygen.lock`, "
    "against a copy whose SDK was generated once and committed as source, without `[tool.pygen]` "
    "and the hook. One warm-up install first, then the best of the repeats."
)


def _pip(python: Path, *args: str, timeout: float = 900) -> ProcessResult:
    environment = child_environment({"PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    # The wheelhouse is the only source: no index, no find-links of the machine.
    for name in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CONSTRAINT"):
        environment.pop(name, None)
    return run_process([str(python), "-m", "pip", *args], timeout=timeout, env=environment)


def fill_wheelhouse(setup: Setup, wheelhouse: Path) -> None:
    """Wheels of this checkout's two distributions and of everything both builds need."""
    wheelhouse.mkdir(parents=True, exist_ok=True)
    _pip(
        setup.ours.python,
        "wheel",
        "--quiet",
        "--no-build-isolation",
        "--wheel-dir",
        str(wheelhouse),
        str(ROOT / "pygen_runtime"),
        # The generate extra: what the first build asks for (later builds reuse its output).
        f"{ROOT}[generate]",
        "hatchling>=1.21",
        "editables",
    ).check("filling the wheelhouse (pip wheel; needs the package index or pip's cache)")


def _without_hook(project: Path, setup: Setup) -> None:
    """Turn a copy of example-project into the same project without pygen's build integration."""
    pyproject = project / "pyproject.toml"
    with pyproject.open("rb") as file:
        document: dict[str, Any] = tomllib.load(file)
    # `pygen generate` reads the project's own [tool.pygen] and lock: the same code the hook writes.
    pygen = setup.ours.python.parent / "pygen"
    run_process(
        [str(pygen), "generate", "--quiet", "--config", str(pyproject)], timeout=300, cwd=project
    ).check("generating example-project's SDK as source")
    document["build-system"]["requires"] = [
        requirement
        for requirement in document["build-system"]["requires"]
        if "hatch-pygen" not in requirement
    ]
    del document["tool"]["pygen"]
    hooks = document["tool"].get("hatch", {}).get("build", {}).get("hooks", {})
    hooks.pop("pygen", None)
    pyproject.write_text(tomli_w.dumps(document), encoding="utf-8")
    (project / "pygen.lock").unlink()
    shutil.rmtree(project / "pygen-models")


def _install_runs(python: Path, project: Path, wheelhouse: Path, repeats: int) -> list[ProcessResult]:
    runs = []
    for attempt in range(repeats + 1):
        finished = _pip(
            python,
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            str(wheelhouse),
            "--force-reinstall",
            "--no-deps",
            str(project),
        ).check(f"pip install {project.name}")
        if attempt:  # the first install warms pip's and pygen's caches
            runs.append(finished)
    return runs


def pip_install(setup: Setup) -> Section:
    """Install both projects; the hook's cost is the ratio of the two."""
    section = Section("pip-install", DESCRIPTION)
    if not (EXAMPLE_PROJECT / "pyproject.toml").exists():
        section.skipped.append(f"{EXAMPLE_PROJECT.name}/ is not in the repository")
        return section
    if setup.smoke:
        section.skipped.append(
            "smoke run: filling the wheelhouse needs the package index (or pip's cache), which tests "
            "must not use; scripts/bench.sh runs this benchmark"
        )
        return section
    work = setup.work / "pip-install"
    shutil.rmtree(work, ignore_errors=True)
    wheelhouse = work / "wheelhouse"
    fill_wheelhouse(setup, wheelhouse)
    projects = {
        WITH_HOOK: work / "with-hook",
        WITHOUT_HOOK: work / "without-hook",
    }
    for project in projects.values():
        shutil.copytree(
            EXAMPLE_PROJECT, project, ignore=shutil.ignore_patterns("build", "dist", "*.egg-info")
        )
    _without_hook(projects[WITHOUT_HOOK], setup)
    environment = child_environment()
    for label, project in projects.items():
        venv = work / f"venv-{project.name}"
        run_process([sys.executable, "-m", "venv", str(venv)], timeout=300, env=environment).check(
            "creating a venv"
        )
        python = venv / "bin" / "python"
        _pip(
            python, "install", "--quiet", "--no-index", "--find-links", str(wheelhouse), "pygen-runtime"
        ).check("installing pygen-runtime from the wheelhouse")
        runs = _install_runs(python, project, wheelhouse, setup.install_repeats)
        section.rows.append(
            Row(
                client=label,
                wall_seconds=min(run.wall_seconds for run in runs),
                cpu_seconds=min(run.cpu_seconds for run in runs),
                peak_rss_mib=max(run.peak_rss_mib for run in runs),
                extra={"runs": len(runs)},
            )
        )
    hook, plain = section.row(WITH_HOOK), section.row(WITHOUT_HOOK)
    for measure in ("wall", "CPU"):
        hook_value = None if hook is None else (hook.wall_seconds if measure == "wall" else hook.cpu_seconds)
        plain_value = (
            None if plain is None else (plain.wall_seconds if measure == "wall" else plain.cpu_seconds)
        )
        target = ratio_target(
            f"pip install, warm: {measure}, with hook ÷ without", "≤2×", hook_value, plain_value, 0
        )
        if target.met is not None and hook_value is not None and plain_value:
            target.met = hook_value / plain_value <= 2
        if measure == "CPU":
            target.target, target.met = "(shown)", None
        section.targets.append(target)
    return section
