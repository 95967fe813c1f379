"""The ``pygen`` command: generate, lock, check, ir, serve, and the emulator.

Exit codes: 0 success; 1 validation errors (``check``) or nothing left to generate; 2 a usage,
configuration, lock or source error. Errors print as ``error: ...`` without a traceback.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from hatch_pygen._atomic import write_text_atomically
from hatch_pygen.cli._console import Console
from hatch_pygen.cli._flags import config_from_flags
from hatch_pygen.config import PygenConfig, load_config
from hatch_pygen.errors import EXIT_OK, EXIT_USAGE, EXIT_VALIDATION, PygenError
from hatch_pygen.pipeline import Generation, build, load_models, lock_models
from hatch_pygen.sdk import IR_JSON, find_renderer, write_sdk

app = typer.Typer(
    name="pygen",
    help="Generate typed SDKs for Cognite Data Fusion data models.",
    no_args_is_help=True,
    add_completion=False,
    # A rich traceback would print local variables, and a local may hold a credential.
    pretty_exceptions_enable=False,
    # Plain text: help strings mention [tool.pygen], which rich markup would swallow.
    rich_markup_mode=None,
)
emulator_app = typer.Typer(
    help="The in-memory CDF emulator of pygen-runtime.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(emulator_app, name="emulator")

T = TypeVar("T")


def _examples(*commands: str) -> str:
    """An epilog listing example commands, one per line (``\\b`` keeps click from rewrapping it)."""
    return "\b\nExamples:\n" + "\n".join(f"  {command}" for command in commands)


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="The pyproject.toml to read [tool.pygen] from (default: the nearest one)."
    ),
]
ModelOption = Annotated[
    list[Path] | None,
    typer.Option("--model", "-m", help="A model file (YAML or JSON) instead of [tool.pygen]; repeatable."),
]
SpaceOption = Annotated[
    str | None, typer.Option("--space", help="Space of a CDF data model (with --external-id).")
]
ExternalIdOption = Annotated[
    str | None, typer.Option("--external-id", help="External id of a CDF data model.")
]
VersionOption = Annotated[str | None, typer.Option("--version", help="Version of a CDF data model.")]
PackageOption = Annotated[str | None, typer.Option("--package", help="Import name of the generated package.")]
ClientNameOption = Annotated[
    str | None, typer.Option("--client-name", help="Name of the generated client class.")
]
InstanceSpaceOption = Annotated[
    str | None, typer.Option("--instance-space", help="Default space for the SDK's instances.")
]
CdfUrlOption = Annotated[str | None, typer.Option("--cdf-url", help="CDF URL (default: CDF_URL).")]
CdfProjectOption = Annotated[
    str | None, typer.Option("--cdf-project", help="CDF project (default: CDF_PROJECT).")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print no progress messages.")]


def _run(console: Console, action: Callable[[], T]) -> T:
    """Run ``action``; a pygen error ends the command with its message and exit code.

    An operating-system error that slipped past a more specific message (a path that cannot be
    read or written) is the user's to fix too: it ends the command with exit code 2, naming the
    path, and no traceback.
    """
    try:
        return action()
    except PygenError as error:
        console.error(str(error))
        raise typer.Exit(error.exit_code) from None
    except OSError as error:
        where = f"{error.filename}: " if error.filename is not None else ""
        console.error(f"{where}{error.strerror or error}; check the path and its permissions")
        raise typer.Exit(EXIT_USAGE) from None


def _resolve_config(
    console: Console,
    config_path: Path | None,
    models: list[Path] | None,
    space: str | None,
    external_id: str | None,
    version: str | None,
    package: str | None = None,
    client_name: str | None = None,
    instance_space: str | None = None,
    cdf_url: str | None = None,
    cdf_project: str | None = None,
) -> PygenConfig:
    """The configuration: from the flags when a model is named by them, else from pyproject.toml."""
    if models or space is not None or external_id is not None or version is not None:
        if config_path is not None:
            raise PygenError("use either --config or model flags (--model, --space/--external-id/--version)")
        config = config_from_flags(
            project_root=Path.cwd(),
            model_files=models or [],
            space=space,
            external_id=external_id,
            version=version,
            package=package,
            client_name=client_name,
            instance_space=instance_space,
            cdf_url=cdf_url,
            cdf_project=cdf_project,
        )
    else:
        overrides = {
            key: value
            for key, value in (
                ("package", package),
                ("client-name", client_name),
                ("instance-space", instance_space),
            )
            if value is not None
        }
        config = load_config(config_path, overrides)
    console.notes(config.notes)
    return config


def _generation(console: Console, config: PygenConfig) -> Generation:
    loaded = load_models(config, progress=console.progress)
    generation = build(config, loaded.snapshots)
    console.problems(generation.schema.problems)
    return generation


@app.command(
    epilog=_examples(
        "pygen generate",
        "pygen generate --out build/sdk",
        "pygen generate --space power --external-id WindTurbine --version 1 --package wind_sdk",
        "pygen generate --model model.yaml --package wind_sdk --language ir-json",
    )
)
def generate(
    config_path: ConfigOption = None,
    models: ModelOption = None,
    space: SpaceOption = None,
    external_id: ExternalIdOption = None,
    version: VersionOption = None,
    package: PackageOption = None,
    client_name: ClientNameOption = None,
    instance_space: InstanceSpaceOption = None,
    cdf_url: CdfUrlOption = None,
    cdf_project: CdfProjectOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder to write the SDK package into (default: out-dir)."),
    ] = None,
    language: Annotated[
        str, typer.Option("--language", help=f"Target language: python or {IR_JSON}.")
    ] = "python",
    overwrite: Annotated[
        bool | None,
        typer.Option("--overwrite/--no-overwrite", help="Replace an SDK folder pygen wrote before."),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Generate the SDK package and write it to a folder (no wheel is built).

    Reads [tool.pygen] from pyproject.toml, or, like pygen v1, takes the model from flags.
    """
    console = Console(quiet=quiet)

    def action() -> None:
        config = _resolve_config(
            console,
            config_path,
            models,
            space,
            external_id,
            version,
            package,
            client_name,
            instance_space,
            cdf_url,
            cdf_project,
        )
        if config.package is None:
            raise PygenError("no package name; set package in [tool.pygen] or pass --package")
        renderer = find_renderer(language)
        generation = _generation(console, config)
        files = renderer(generation.ir)
        out_dir = out if out is not None else (config.out_dir or config.project_root)
        folder = write_sdk(
            files, out_dir, config.package, overwrite=config.overwrite if overwrite is None else overwrite
        )
        console.progress(f"wrote {len(files)} file(s) to {folder}")

    _run(console, action)


@app.command(
    epilog=_examples(
        "pygen lock",
        "pygen lock --upgrade",
        "pygen lock --config sdk/pyproject.toml",
    )
)
def lock(
    config_path: ConfigOption = None,
    upgrade: Annotated[
        bool, typer.Option("--upgrade", help="Fetch every model from CDF anew, bypassing lock and cache.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Write pygen.lock and the model snapshots under pygen-models/ (commit both).

    With a lock, builds read the snapshots and never call CDF.
    """
    console = Console(quiet=quiet)

    def action() -> None:
        config = _resolve_config(console, config_path, None, None, None, None)
        outcome = lock_models(config, upgrade=upgrade, progress=console.progress)
        for model in outcome.fetched:
            console.progress(f"locked {model} (fetched)")
        for model in outcome.kept:
            console.progress(f"kept {model} (unchanged)")
        for removed in outcome.removed:
            console.progress(f"removed {removed}")
        console.result(f"{config.lock_path}: {len(outcome.lock.models)} model(s) locked")

    _run(console, action)


@app.command(
    epilog=_examples(
        "pygen check",
        "pygen check --strict",
        "pygen check --model model.yaml",
    )
)
def check(
    config_path: ConfigOption = None,
    models: ModelOption = None,
    space: SpaceOption = None,
    external_id: ExternalIdOption = None,
    version: VersionOption = None,
    cdf_url: CdfUrlOption = None,
    cdf_project: CdfProjectOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Validate the configuration and the models; print every problem.

    Exits 1 when there are errors (or, with --strict, warnings).
    """
    console = Console(quiet=quiet)

    def action() -> int:
        config = _resolve_config(
            console,
            config_path,
            models,
            space,
            external_id,
            version,
            cdf_url=cdf_url,
            cdf_project=cdf_project,
        )
        schema = _generation(console, config).schema
        errors, warnings = len(schema.errors), len(schema.warnings)
        console.result(f"{len(schema.views)} view(s) to generate, {errors} error(s), {warnings} warning(s)")
        return EXIT_VALIDATION if errors or (strict and warnings) else EXIT_OK

    code = _run(console, action)
    if code:
        raise typer.Exit(code)


@app.command(
    epilog=_examples(
        "pygen ir > ir.json",
        "pygen ir --model model.yaml",
        "pygen ir --output build/ir.json",
    )
)
def ir(
    config_path: ConfigOption = None,
    models: ModelOption = None,
    space: SpaceOption = None,
    external_id: ExternalIdOption = None,
    version: VersionOption = None,
    package: PackageOption = None,
    cdf_url: CdfUrlOption = None,
    cdf_project: CdfProjectOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write the JSON to this file, not stdout.")
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Print the language-neutral IR as JSON (problems go to stderr)."""
    console = Console(quiet=quiet)

    def action() -> None:
        config = _resolve_config(
            console,
            config_path,
            models,
            space,
            external_id,
            version,
            package,
            None,
            None,
            cdf_url,
            cdf_project,
        )
        text = _generation(console, config).ir.to_json()
        if output is None:
            console.result(text.rstrip("\n"))
        else:
            write_text_atomically(output, text)
            console.progress(f"wrote {output}")

    _run(console, action)


@app.command(
    "serve",
    epilog=_examples(
        "pygen serve",
        "pygen serve --host 0.0.0.0 --port 8080",
        "CDF_URL=... CDF_PROJECT=... CDF_TOKEN=... pygen serve --max-concurrent-jobs 2",
    ),
)
def serve_service(
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    max_body_bytes: Annotated[
        int | None,
        typer.Option("--max-body-bytes", min=1, help="Largest request body accepted (default 16 MiB)."),
    ] = None,
    max_concurrent_jobs: Annotated[
        int | None,
        typer.Option(
            "--max-concurrent-jobs", min=1, help="Generations run at once (default: CPUs, at most 4)."
        ),
    ] = None,
) -> None:
    """Run the generation service: an HTTP API that generates SDKs on demand (docs/service.md).

    Generating by data model id reads CDF settings from the CDF_* variables.
    """
    console = Console()
    try:
        from hatch_pygen.service import ServiceSettings, serve
    except ModuleNotFoundError as error:
        from hatch_pygen.service import SERVICE_MISSING, is_service_extra_missing

        if not is_service_extra_missing(error):
            raise
        console.error(SERVICE_MISSING)
        raise typer.Exit(EXIT_USAGE) from None
    settings = ServiceSettings()
    if max_body_bytes is not None:
        settings = dataclasses.replace(settings, max_body_bytes=max_body_bytes)
    if max_concurrent_jobs is not None:
        settings = dataclasses.replace(settings, max_concurrent_jobs=max_concurrent_jobs)
    try:
        serve(host=host, port=port, settings=settings)
    except SystemExit as stopped:
        # uvicorn exits when it cannot start (the address in use, say), having logged why.
        if stopped.code:
            console.error(f"the service could not start on {host}:{port}; the ERROR line above says why")
            raise typer.Exit(EXIT_USAGE) from None
        raise


@emulator_app.command(
    epilog=_examples(
        "pygen emulator serve --load models/WindTurbine.yaml",
        "pygen emulator serve --port 8080 --no-auth --load a.yaml --load b.yaml --instances nodes.yaml",
    )
)
def serve(
    load: Annotated[
        list[Path] | None, typer.Option("--load", help="A data model file to load; repeatable.")
    ] = None,
    instances: Annotated[
        list[Path] | None, typer.Option("--instances", help="A node/edge file to load; repeatable.")
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port to listen on; 0 picks a free one.")] = 0,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    project: Annotated[
        str, typer.Option("--project", help="The CDF project name to emulate.")
    ] = "emulated-project",
    no_auth: Annotated[bool, typer.Option("--no-auth", help="Accept requests without a token.")] = False,
) -> None:
    """Serve pygen-runtime's CDF emulator on loopback until interrupted.

    Prints the CDF_* variables that point a client (or pygen itself) at it.
    """
    from pygen_runtime.testing.__main__ import main as emulator_main

    argv = ["serve", "--port", str(port), "--host", host, "--project", project]
    if load:
        argv += ["--load", *map(str, load)]
    if instances:
        argv += ["--instances", *map(str, instances)]
    if no_auth:
        argv.append("--no-auth")
    code = emulator_main(argv)
    if code:
        raise typer.Exit(code if code == EXIT_USAGE else EXIT_USAGE)


def main() -> None:
    """The ``pygen`` console script."""
    app()
