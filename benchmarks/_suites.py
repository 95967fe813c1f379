"""The benchmarks: each runs its clients side by side and returns a ``Section``.

Clients: ``floor`` (bare httpx + json), ``runtime`` (pygen-runtime's generic ``CDFClient``),
``sdk`` (the SDK pygen generates) and cognite-pygen v1's generated SDK. Times are the best of the
repeats (the least disturbed by other work on the machine); memory is the worst.
"""

from __future__ import annotations

import shutil
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from _harness import (
    CLIENTS,
    BenchmarkError,
    EmulatorProcess,
    Interpreter,
    ProcessResult,
    child_environment,
    run_process,
)
from _results import Row, Section, Target, ceiling_target, ratio_target, share_target

SDK_PACKAGE = "cognite_core"
SDK_CLIENT = "CogniteCoreClient"
SDK_MODEL = "CogniteCore"
FLOOR = "floor: httpx + json"
RUNTIME = "ours: runtime CDFClient"
SDK = "ours: generated SDK"
# The read class of one view: importing it is what a program's first use of a view adds.
VIEW_CLASS = "CogniteAsset"
SDK_WITH_VIEW = f"ours: generated SDK + {VIEW_CLASS}"
V1_LIST = "v1: list(limit=-1)"
V1_ITERATE = "v1: iterate(chunk_size=1000)"
V1 = "v1: generated SDK"
OURS = "ours: pygen generate"
MB_PER_MIB = 1024 * 1024 / 1_000_000


@dataclass
class Setup:
    """Everything the benchmarks share: interpreters, models, sizes, and the generated SDKs."""

    ours: Interpreter
    v1: Interpreter | None
    v1_missing_reason: str
    models: Path
    work: Path
    iterate_nodes: int
    memory_nodes: int
    upsert_nodes: int
    repeats: int
    generate_models: Sequence[str]
    generate_repeats: int
    import_repeats: int
    install_repeats: int
    client_timeout: float
    smoke: bool
    sdk_dir: Path | None = None
    sdk_missing_reason: str = ""
    v1_sdk_dir: Path | None = None

    def model(self, name: str) -> Path:
        return self.models / f"{name}.yaml"


# -- generating the SDKs the other benchmarks use ------------------------------------------------


def pygen_command(ours: Interpreter, model: Path, package: str, client_name: str, out: Path) -> list[str]:
    """``pygen generate`` for one model file, as a user runs it (the console script)."""
    script = ours.python.parent / "pygen"
    launcher = [str(script)] if script.exists() else [str(ours.python), "-m", "hatch_pygen.cli"]
    return [
        *launcher,
        "generate",
        "--model",
        str(model),
        "--package",
        package,
        "--client-name",
        client_name,
        "--instance-space",
        "bench",
        "--out",
        str(out),
        "--quiet",
    ]


def v1_generate_command(v1: Interpreter, model: Path, package: str, client_name: str, out: Path) -> list[str]:
    """v1's ``generate_sdk`` on the same model file (see ``clients/v1.py generate``)."""
    return [
        str(v1.python),
        str(CLIENTS / "v1.py"),
        "generate",
        "--model",
        str(model),
        "--package",
        package,
        "--client-name",
        client_name,
        "--out",
        str(out),
    ]


def _last_line(result: ProcessResult) -> str:
    lines = [line for line in (result.stderr + "\n" + result.stdout).splitlines() if line.strip()]
    return lines[-1].strip() if lines else f"exit {result.returncode}"


def prepare_sdks(setup: Setup) -> None:
    """Generate the CogniteCore SDK with pygen and with v1, for the read, write and import runs."""
    ours_dir = setup.work / "sdk-ours"
    shutil.rmtree(ours_dir, ignore_errors=True)
    generated = run_process(
        pygen_command(setup.ours, setup.model(SDK_MODEL), SDK_PACKAGE, SDK_CLIENT, ours_dir), timeout=600
    )
    if generated.returncode == 0 and (ours_dir / SDK_PACKAGE / "__init__.py").exists():
        setup.sdk_dir = ours_dir
    else:
        setup.sdk_missing_reason = f"`pygen generate` could not generate {SDK_MODEL}: {_last_line(generated)}"
    if setup.v1 is not None:
        v1_dir = setup.work / "sdk-v1"
        shutil.rmtree(v1_dir, ignore_errors=True)
        run_process(
            v1_generate_command(setup.v1, setup.model(SDK_MODEL), SDK_PACKAGE, SDK_CLIENT, v1_dir),
            timeout=600,
        ).check("v1 generating CogniteCore")
        setup.v1_sdk_dir = v1_dir


# -- helpers ----------------------------------------------------------------------------------


def _best_of(runs: list[dict[str, Any]], client: str) -> Row:
    """One row from repeated runs: the fastest wall and CPU time, the highest peak memory."""
    first = runs[0]
    extra = {key: value for key, value in first.items() if key not in ("wall_seconds", "cpu_seconds")}
    extra["runs"] = len(runs)
    return Row(
        client=client,
        wall_seconds=min(run["wall_seconds"] for run in runs),
        cpu_seconds=min(run["cpu_seconds"] for run in runs),
        peak_rss_mib=max(run["process_peak_rss_mib"] for run in runs),
        extra=extra,
    )


def _expect_nodes(result: dict[str, Any], expected: int, what: str) -> None:
    if result.get("nodes") != expected:
        raise BenchmarkError(f"{what} handled {result.get('nodes')} nodes, expected {expected}")
    if "named" in result and result["named"] != expected:
        raise BenchmarkError(f"{what} read {result['named']} names of {expected} nodes")


def _run_checked(
    section: Section, client: _Client, args: Sequence[str], *, timeout: float, expected_nodes: int | None
) -> dict[str, Any] | None:
    """Run one client; a failure or a wrong count is recorded in ``section.failed`` (None back)."""
    try:
        result = client.interpreter.run_client(
            client.script, [*client.args, *args], timeout=timeout, what=client.label
        )
        if expected_nodes is not None:
            _expect_nodes(result, expected_nodes, client.label)
    except BenchmarkError as error:
        section.failed.append(str(error))
        return None
    return result


def _cpu(row: Row | None) -> float | None:
    return None if row is None else row.cpu_seconds


def _wall(row: Row | None) -> float | None:
    return None if row is None else row.wall_seconds


@dataclass(frozen=True)
class _Client:
    label: str
    interpreter: Interpreter
    script: str
    args: tuple[str, ...]


def _read_clients(setup: Setup) -> tuple[list[_Client], list[str]]:
    clients = [
        _Client(FLOOR, setup.ours, "floor.py", ("iterate",)),
        _Client(RUNTIME, setup.ours, "runtime.py", ("iterate",)),
    ]
    skipped = []
    if setup.sdk_dir is not None:
        sdk = ("--sdk", str(setup.sdk_dir), "--package", SDK_PACKAGE, "--client-name", SDK_CLIENT)
        clients.append(_Client(SDK, setup.ours, "sdk.py", ("iterate", *sdk)))
    else:
        skipped.append(f"{SDK}: {setup.sdk_missing_reason}")
    if setup.v1 is not None and setup.v1_sdk_dir is not None:
        v1 = ("--sdk", str(setup.v1_sdk_dir), "--package", SDK_PACKAGE, "--client-name", SDK_CLIENT)
        clients.append(_Client(V1_LIST, setup.v1, "v1.py", ("list", *v1)))
        clients.append(_Client(V1_ITERATE, setup.v1, "v1.py", ("iterate", *v1)))
    else:
        skipped.append(f"v1: {setup.v1_missing_reason}")
    return clients, skipped


def _ours(section: Section) -> tuple[str, Row | None]:
    """The row that stands for this project: the generated SDK, or the runtime client without it."""
    sdk = section.row(SDK)
    return (SDK, sdk) if sdk is not None else (RUNTIME, section.row(RUNTIME))


# -- the benchmarks -----------------------------------------------------------------------------


def iterate(setup: Setup) -> Section:
    """List and iterate every node of a CogniteAsset view, through every client."""
    nodes = setup.iterate_nodes
    section = Section(
        "iterate",
        f"Read {nodes:,} CogniteAsset nodes (10 properties each) from the emulator on loopback, page by "
        "page, reading each node's external id and name. Times cover the reading only: each "
        "client is imported and created before its measured section (the import is measured on its own "
        "below); `server CPU` is the emulator's share of the run.",
    )
    clients, section.skipped = _read_clients(setup)
    with EmulatorProcess(setup.ours, setup.model(SDK_MODEL), nodes=nodes) as server:
        for client in clients:
            runs = []
            # v1 reads 100,000 nodes in minutes where the others take seconds: once is enough to
            # tell them apart, and repeats would cost most of the run's time budget.
            repeats = 1 if client.interpreter is setup.v1 else setup.repeats
            for _ in range(repeats):
                server_cpu = server.cpu_seconds()
                result = _run_checked(
                    section, client, server.client_args(), timeout=setup.client_timeout, expected_nodes=nodes
                )
                if result is None:
                    break
                result["server_cpu_seconds"] = round(server.cpu_seconds() - server_cpu, 2)
                runs.append(result)
            else:
                section.rows.append(_best_of(runs, client.label))
    label, ours = _ours(section)
    v1_rows = [row for row in (section.row(V1_LIST), section.row(V1_ITERATE)) if row is not None]
    v1_cpu = min((row.cpu_seconds for row in v1_rows if row.cpu_seconds), default=None)
    v1_wall = min((row.wall_seconds for row in v1_rows if row.wall_seconds), default=None)
    floor = section.row(FLOOR)
    section.targets += [
        ratio_target(f"iterate {nodes:,}: client CPU, v1 ÷ {label}", "≥10×", v1_cpu, _cpu(ours), 10),
        ratio_target(f"iterate {nodes:,}: wall, v1 ÷ {label}", "≥10×", v1_wall, _wall(ours), 10),
        share_target(f"iterate {nodes:,}: client CPU, floor ÷ {label}", "≥60%", _cpu(floor), _cpu(ours), 0.6),
        share_target(f"iterate {nodes:,}: wall, floor ÷ {label}", "≥60%", _wall(floor), _wall(ours), 0.6),
    ]
    return section


def memory(setup: Setup) -> Section:
    """Peak memory of a client iterating many nodes, above a bare interpreter's."""
    nodes = setup.memory_nodes
    section = Section(
        "memory",
        f"Iterate {nodes:,} CogniteAsset nodes once; peak resident memory of the client process "
        "(`wait4`'s maxrss) minus that of the same interpreter just started.",
    )
    clients, skipped = _read_clients(setup)
    # The target is the generated SDK's; the floor shows what the interpreter, httpx and one page
    # take anyway. The runtime client reads through the same pages as the SDK, and v1 holds every
    # node it lists (its peak at the `iterate` size is in that table): neither is run at this size.
    clients = [client for client in clients if client.label in (FLOOR, SDK)]
    section.skipped = [reason for reason in skipped if not reason.startswith("v1")]
    section.skipped.append(f"{RUNTIME}: not run here (the generated SDK reads through it)")
    if setup.v1 is not None:
        section.skipped.append(
            f"v1: not run at {nodes:,} nodes; its peak at {setup.iterate_nodes:,} is under `iterate`"
        )
    bare = setup.ours.bare_rss_mib()
    with EmulatorProcess(setup.ours, setup.model(SDK_MODEL), nodes=nodes) as server:
        timeout = setup.client_timeout * max(1, nodes // max(setup.iterate_nodes, 1))
        for client in clients:
            result = _run_checked(
                section, client, server.client_args(), timeout=timeout, expected_nodes=nodes
            )
            if result is None:
                continue
            result["above_start_mb"] = round((result["process_peak_rss_mib"] - bare) * MB_PER_MIB, 1)
            result["interpreter_start_mib"] = bare
            section.rows.append(_best_of([result], client.label))
    label, ours = _ours(section)
    above = None if ours is None else ours.extra["above_start_mb"]
    section.targets.append(
        ceiling_target(
            f"iterate {nodes:,}: peak memory above interpreter start, {label}", "≤100 MB", above, 100, "MB"
        )
    )
    return section


def generate(setup: Setup) -> Section:
    """Whole-process generation time of each model: ``pygen generate`` against v1."""
    section = Section(
        "generate",
        "Generate an SDK from a local model file, whole process (interpreter start, imports, "
        "reading the model, writing the package), each tool with its default settings; one "
        "warm-up run first, then the best of the repeats.",
    )
    for name in setup.generate_models:
        model = setup.model(name)
        package = name.lower().replace("-", "_") + "_sdk"
        commands: list[tuple[str, Callable[[Path], list[str]]]] = [
            (f"{OURS} {name}", partial(pygen_command, setup.ours, model, package, f"{name}Client")),
        ]
        if setup.v1 is not None:
            commands.append(
                (
                    f"v1: generate_sdk {name}",
                    partial(v1_generate_command, setup.v1, model, package, f"{name}Client"),
                )
            )
        for label, command in commands:
            out = setup.work / "generate" / label.split(":")[0] / name
            runs = []
            for attempt in range(setup.generate_repeats + 1):
                shutil.rmtree(out, ignore_errors=True)
                finished = run_process(command(out), timeout=600, env=child_environment())
                if finished.returncode != 0:
                    section.skipped.append(f"{label}: {_last_line(finished)}")
                    break
                if attempt:  # the first run only warms the file cache and writes bytecode
                    runs.append(finished)
            if runs:
                files = sum(1 for _ in out.rglob("*.py"))
                section.rows.append(
                    Row(
                        client=label,
                        wall_seconds=min(run.wall_seconds for run in runs),
                        cpu_seconds=min(run.cpu_seconds for run in runs),
                        peak_rss_mib=max(run.peak_rss_mib for run in runs),
                        extra={"files": files, "runs": len(runs)},
                    )
                )
    if setup.v1 is None:
        section.skipped.append(f"v1: {setup.v1_missing_reason}")
    for name in setup.generate_models:
        ours, v1 = section.row(f"{OURS} {name}"), section.row(f"v1: generate_sdk {name}")
        if name != SDK_MODEL and (ours is None or v1 is None):
            continue
        # DESIGN.md's target is CogniteCore's; the other models are shown for their ratios.
        for measure, value in (("wall", _wall), ("CPU", _cpu)):
            target = ratio_target(f"generate {name}: {measure}, v1 ÷ ours", "≥5×", value(v1), value(ours), 5)
            if name != SDK_MODEL:
                target.target, target.met = "(shown)", None
            section.targets.append(target)
    return section


def imports(setup: Setup) -> Section:
    """Importing the generated CogniteCore package: ours against v1's."""
    section = Section(
        "import",
        f"`from {SDK_PACKAGE} import {SDK_CLIENT}` of the generated CogniteCore SDK in a fresh "
        "interpreter (bytecode already written by a warm-up import): seconds spent in the import "
        "(median of the repeats) and the resident memory it added. `whole process` adds the "
        "interpreter's start and exit. Our package loads each view's classes, and pydantic with "
        f"them, when first used: `{SDK_WITH_VIEW}` also imports `{VIEW_CLASS}`, the read class of "
        "one view, to show what that first use adds (v1's import loads every class already).",
    )
    candidates: list[tuple[str, Interpreter, Path | None, str, tuple[str, ...]]] = [
        (SDK, setup.ours, setup.sdk_dir, setup.sdk_missing_reason, (SDK_CLIENT,)),
        (SDK_WITH_VIEW, setup.ours, setup.sdk_dir, setup.sdk_missing_reason, (SDK_CLIENT, VIEW_CLASS)),
    ]
    if setup.v1 is not None:
        candidates.append((V1, setup.v1, setup.v1_sdk_dir, "v1 SDK not generated", (SDK_CLIENT,)))
    else:
        section.skipped.append(f"v1: {setup.v1_missing_reason}")
    for label, interpreter, sdk_dir, missing, names in candidates:
        if sdk_dir is None:
            section.skipped.append(f"{label}: {missing}")
            continue
        client = _Client(
            label,
            interpreter,
            "import_sdk.py",
            (
                "--sdk",
                str(sdk_dir),
                "--package",
                SDK_PACKAGE,
                *(arg for name in names for arg in ("--name", name)),
            ),
        )
        runs = []
        for attempt in range(setup.import_repeats + 1):
            result = _run_checked(section, client, (), timeout=120, expected_nodes=None)
            if result is None:
                break
            if attempt:  # the first import writes the bytecode of the generated package
                runs.append(result)
        if len(runs) < setup.import_repeats:
            continue
        section.rows.append(
            Row(
                client=label,
                wall_seconds=statistics.median(run["wall_seconds"] for run in runs),
                cpu_seconds=statistics.median(run["cpu_seconds"] for run in runs),
                peak_rss_mib=max(run["process_peak_rss_mib"] for run in runs),
                extra={
                    "modules_loaded": runs[0]["modules_loaded"],
                    "rss_added_mib": max(run["rss_added_mib"] for run in runs),
                    "process_wall_seconds": statistics.median(run["process_wall_seconds"] for run in runs),
                    "runs": len(runs),
                },
            )
        )
    ours, v1 = section.row(SDK), section.row(V1)
    section.targets += [
        ratio_target("import CogniteCore SDK: v1 ÷ ours", "≥5×", _wall(v1), _wall(ours), 5),
        ceiling_target("import CogniteCore SDK: ours", "≤0.25 s", _wall(ours), 0.25, "s"),
    ]
    return section


def upsert(setup: Setup) -> Section:
    """Writing many new nodes, with CDF's default concurrency limits emulated."""
    nodes = setup.upsert_nodes
    section = Section(
        "upsert",
        f"Create {nodes:,} CogniteAsset nodes (10 properties each) in an empty project, from "
        "building the client's write objects to the last answer. The emulator answers 429 above "
        "CDF's default of 4 concurrent applies, as CDF does (`429s` counts those answers, which the "
        "client must wait out and retry); each client runs against a fresh emulator.",
    )
    clients = [
        _Client(FLOOR, setup.ours, "floor.py", ("upsert",)),
        _Client(RUNTIME, setup.ours, "runtime.py", ("upsert",)),
    ]
    if setup.sdk_dir is not None:
        sdk = ("--sdk", str(setup.sdk_dir), "--package", SDK_PACKAGE, "--client-name", SDK_CLIENT)
        clients.append(_Client(SDK, setup.ours, "sdk.py", ("upsert", *sdk)))
    else:
        section.skipped.append(f"{SDK}: {setup.sdk_missing_reason}")
    if setup.v1 is not None and setup.v1_sdk_dir is not None:
        v1 = ("--sdk", str(setup.v1_sdk_dir), "--package", SDK_PACKAGE, "--client-name", SDK_CLIENT)
        clients.append(_Client(V1, setup.v1, "v1.py", ("upsert", *v1)))
    else:
        section.skipped.append(f"v1: {setup.v1_missing_reason}")
    for index, client in enumerate(clients):
        request_log = setup.work / f"upsert-requests-{index}.log"
        request_log.unlink(missing_ok=True)
        with EmulatorProcess(
            setup.ours, setup.model(SDK_MODEL), concurrency_limits=True, request_log=request_log
        ) as server:
            server_cpu = server.cpu_seconds()
            result = _run_checked(
                section,
                client,
                [*server.client_args(), "--nodes", str(nodes)],
                timeout=setup.client_timeout * 3,
                expected_nodes=nodes,
            )
            if result is None:
                continue
            result["server_cpu_seconds"] = round(server.cpu_seconds() - server_cpu, 2)
            answers = server.answers_by_status()
            result["requests"] = sum(answers.values())
            result["answered_429"] = answers.get("429", 0)
        section.rows.append(_best_of([result], client.label))
    label, ours = _ours(section)
    v1_row = section.row(V1)
    section.targets += [
        ratio_target(f"upsert {nodes:,}: client CPU, v1 ÷ {label}", "≥5×", _cpu(v1_row), _cpu(ours), 5),
        ratio_target(f"upsert {nodes:,}: wall, v1 ÷ {label}", "≥5×", _wall(v1_row), _wall(ours), 5),
    ]
    return section


def not_run(name: str, description: str, reason: str, targets: Sequence[Target] = ()) -> Section:
    """A section for a benchmark that could not run here, with the reason."""
    return Section(name, description, targets=list(targets), skipped=[reason])
