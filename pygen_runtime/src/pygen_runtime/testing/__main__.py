"""``python -m pygen_runtime.testing serve``: run the emulator on loopback for other processes.

    python -m pygen_runtime.testing serve --port 0 --load Omni.yaml --instances nodes.yaml

prints the URL, a Bearer token, the client credentials and the ``CDF_*`` variables to export, then
serves until interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TextIO

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command line: ``serve`` and its options."""
    parser = argparse.ArgumentParser(
        prog="python -m pygen_runtime.testing",
        description="An in-memory emulator of CDF's data-modeling API.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulator on a loopback port")
    serve.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--project", default="emulated-project", help="the CDF project name to emulate")
    serve.add_argument(
        "--load",
        nargs="+",
        default=[],
        metavar="MODEL_FILE",
        type=Path,
        help="data model files (YAML or JSON)",
    )
    serve.add_argument(
        "--instances",
        nargs="+",
        default=[],
        metavar="FILE",
        type=Path,
        help="node and edge files (YAML or JSON)",
    )
    serve.add_argument(
        "--no-auth", action="store_true", help="accept requests without a Bearer token (default: require one)"
    )
    serve.add_argument("--client-id", default="pygen-emulator", help="the OAuth2 client id to accept")
    serve.add_argument(
        "--token-ttl", type=int, default=24 * 3600, metavar="SECONDS", help="lifetime of issued tokens"
    )
    return parser


def _announce(out: TextIO, url: str, project: str, token: str, client_id: str, client_secret: str) -> None:
    token_url = url + "/oauth2/token"
    print(f"CDF emulator serving project {project!r} at {url}", file=out)
    print(f"Token endpoint (client credentials): {token_url}", file=out)
    print("Export these to point a client at it:", file=out)
    print(f"export CDF_URL={url}", file=out)
    print(f"export CDF_PROJECT={project}", file=out)
    print(f"export CDF_TOKEN={token}", file=out)
    # Commented out: ClientConfig.from_env refuses a token and client credentials together.
    print("# To sign in with OAuth client credentials instead, export these in place of CDF_TOKEN:", file=out)
    print(f"# export CDF_CLIENT_ID={client_id}", file=out)
    print(f"# export CDF_CLIENT_SECRET={client_secret}", file=out)
    print(f"# export CDF_TOKEN_URL={token_url}", file=out)
    out.flush()


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, stop: threading.Event | None = None
) -> int:
    """Run the command line; returns the exit status.

    ``stop`` ends ``serve`` when set (signals set it too); tests pass their own.
    """
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    from pygen_runtime.testing._emulator import Emulator
    from pygen_runtime.testing._model_files import ModelFileError

    emulator = Emulator(
        project=args.project,
        require_auth=not args.no_auth,
        client_id=args.client_id,
        token_ttl_seconds=args.token_ttl,
    )
    try:
        for model in args.load:
            emulator.load_model(model)
        for instances in args.instances:
            emulator.load_instances(instances)
    except ModelFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # What was loaded lives as long as the process: keep it out of the garbage collector's full
    # sweeps, which otherwise grow with the store and slow every request down.
    gc.collect()
    gc.freeze()
    try:
        server = emulator.serve(port=args.port, host=args.host)
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    stop = stop or threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_signal)
        signal.signal(signal.SIGTERM, _on_signal)
    _announce(
        out,
        server.url,
        emulator.project,
        emulator.issue_token(),
        emulator.credentials.client_id,
        emulator.credentials.client_secret,
    )
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess
    sys.exit(main())
