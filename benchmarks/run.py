"""Side-by-side benchmarks: pygen's generated SDK and runtime, cognite-pygen v1, and bare httpx.

    ./scripts/bench.sh                       # the real run; writes docs/performance.md
    python benchmarks/run.py --smoke --no-v1 --output /tmp/perf.md

Benchmarks (``--only`` picks some): ``iterate`` (read every node of a CogniteAsset view),
``memory`` (peak memory reading many nodes), ``generate`` (whole-process SDK generation of
CogniteCore, WindTurbine and Omni), ``import`` (importing the generated CogniteCore SDK),
``upsert`` (creating many nodes within CDF's concurrency limits) and ``pip-install`` (installing
example-project with lock and cache warm, against the same project without the build hook).

Every client runs in its own process against the CDF emulator, itself in another process, on
127.0.0.1. v1 runs under its own interpreter (``--v1-python``; ``scripts/bench.sh`` creates it
from the ``bench`` dependency group). The run reports; it never fails on a missed target. It
fails only when a benchmark cannot run or a client returns wrong answers.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from _harness import ROOT, BenchmarkError, Interpreter, this_interpreter
from _report import RunInfo, load_average, machine_description, results_markdown, write_results
from _results import Section
from _suites import Setup, generate, imports, iterate, memory, prepare_sdks, upsert

BENCHMARKS = ("iterate", "memory", "generate", "import", "upsert", "pip-install")
DEFAULT_V1_PYTHON = ROOT / "build" / "bench" / "v1-venv" / "bin" / "python"
# The shared model files sit beside the repository, as in CI.
DEFAULT_MODELS = ROOT.parent / "shared" / "cdf" / "models"
REAL = {"iterate_nodes": 100_000, "memory_nodes": 1_000_000, "upsert_nodes": 100_000, "repeats": 3}
SMOKE = {"iterate_nodes": 2_500, "memory_nodes": 3_000, "upsert_nodes": 2_000, "repeats": 1}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Side-by-side benchmarks of pygen, cognite-pygen v1 and bare httpx.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Sizes default to the real run's (100,000 / 1,000,000 / 100,000 nodes); --smoke: tiny ones.",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one repeat: checks that every benchmark works"
    )
    parser.add_argument("--only", help=f"comma-separated benchmarks to run (of {', '.join(BENCHMARKS)})")
    parser.add_argument("--iterate-nodes", type=int, help="nodes to iterate (real run: 100,000)")
    parser.add_argument(
        "--memory-nodes", type=int, help="nodes for the peak-memory run (real run: 1,000,000)"
    )
    parser.add_argument("--upsert-nodes", type=int, help="nodes to upsert (real run: 100,000)")
    parser.add_argument("--repeats", type=int, help="runs of each read client; the best counts (real run: 3)")
    parser.add_argument(
        "--v1-python", type=Path, help=f"interpreter with cognite-pygen v1 (default {DEFAULT_V1_PYTHON})"
    )
    parser.add_argument("--no-v1", action="store_true", help="leave cognite-pygen v1 out")
    parser.add_argument(
        "--models", type=Path, help="folder of model files (default: shared/cdf/models beside the repository)"
    )
    parser.add_argument(
        "--output", type=Path, help="Markdown file to write the results into (real run: docs/performance.md)"
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument(
        "--work", type=Path, help="folder for generated SDKs and builds (default: a temporary one)"
    )
    return parser


def _versions(ours: Interpreter, v1: Interpreter | None) -> dict[str, str]:
    versions = {"Python": platform.python_version()}
    for distribution in ("pygen-runtime", "hatch-pygen", "httpx", "pydantic"):
        versions[distribution] = ours.version_of(distribution) or "not installed"
    if v1 is not None:
        for distribution in ("cognite-pygen", "cognite-sdk"):
            versions[distribution] = v1.version_of(distribution) or "not installed"
        versions["v1's pydantic"] = v1.version_of("pydantic") or "not installed"
    return versions


def _selected(only: str | None, parser: argparse.ArgumentParser) -> list[str]:
    if not only:
        return list(BENCHMARKS)
    chosen = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(
            f"--only: unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}"
        )
    return chosen


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, work: Path) -> int:
    sizes = dict(SMOKE if args.smoke else REAL)
    for key in sizes:
        value = getattr(args, key)
        if value is not None:
            if value < 1:
                parser.error(f"--{key.replace('_', '-')} must be at least 1")
            sizes[key] = value
    selected = _selected(args.only, parser)
    ours = this_interpreter()
    v1: Interpreter | None = None
    v1_missing = "left out (--no-v1)"
    if not args.no_v1:
        v1_python = args.v1_python or DEFAULT_V1_PYTHON
        if v1_python.exists():
            v1 = Interpreter("v1", v1_python)
        else:
            v1_missing = f"no v1 interpreter at {v1_python}: run scripts/bench.sh, which creates it"
    models = args.models if args.models is not None else DEFAULT_MODELS
    if not (models / "CogniteCore.yaml").exists():
        parser.error(f"--models: {models} has no CogniteCore.yaml; point --models at shared/cdf/models")
    setup = Setup(
        ours=ours,
        v1=v1,
        v1_missing_reason=v1_missing,
        models=models,
        work=work,
        iterate_nodes=sizes["iterate_nodes"],
        memory_nodes=sizes["memory_nodes"],
        upsert_nodes=sizes["upsert_nodes"],
        repeats=sizes["repeats"],
        generate_models=("CogniteCore",) if args.smoke else ("CogniteCore", "WindTurbine", "Omni"),
        generate_repeats=1 if args.smoke else 2,
        import_repeats=1 if args.smoke else 5,
        install_repeats=1 if args.smoke else 2,
        client_timeout=120 if args.smoke else 900,
        smoke=args.smoke,
    )
    started = time.perf_counter()
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = load_average()
    suites = {"iterate": iterate, "memory": memory, "generate": generate, "import": imports, "upsert": upsert}
    if any(name in selected for name in ("iterate", "memory", "import", "upsert")):
        _progress("generating the CogniteCore SDKs")
        prepare_sdks(setup)
    sections: list[Section] = []
    for name in selected:
        _progress(f"running {name}")
        if name == "pip-install":
            from _pip_install import pip_install

            sections.append(pip_install(setup))
        else:
            sections.append(suites[name](setup))
    info = RunInfo(
        date=date,
        machine=machine_description(),
        load_average=load,
        versions=_versions(ours, v1),
        sizes={
            "iterate nodes": setup.iterate_nodes,
            "memory nodes": setup.memory_nodes,
            "upsert nodes": setup.upsert_nodes,
            "read repeats": setup.repeats,
        },
        duration_seconds=time.perf_counter() - started,
        smoke=args.smoke,
        command=" ".join(["benchmarks/run.py", *_shown_arguments(sys.argv[1:])]),
    )
    block = results_markdown(info, sections)
    output = (
        args.output if args.output is not None else (None if args.smoke else ROOT / "docs" / "performance.md")
    )
    if output is not None:
        write_results(output, block)
        _progress(f"results written to {output}")
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {"run": asdict(info), "sections": [section.to_json() for section in sections]}, indent=2
            ),
            encoding="utf-8",
        )
    print(block)
    failures = [failure for section in sections for failure in section.failed]
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _shown_arguments(arguments: list[str]) -> list[str]:
    """The options that change what is measured (sizes, selection), not where files go."""
    hidden = {"--output", "--json", "--work", "--v1-python", "--models"}
    shown: list[str] = []
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument in hidden:
            skip = True
        elif argument.split("=", 1)[0] not in hidden:
            shown.append(argument)
    return shown


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.work is not None:
            args.work.mkdir(parents=True, exist_ok=True)
            return run(args, parser, args.work.resolve())
        with tempfile.TemporaryDirectory(prefix="pygen-bench-") as work:
            return run(args, parser, Path(work))
    except BenchmarkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
