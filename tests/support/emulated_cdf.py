"""A CDF project for tests: the runtime's emulator, loaded with shared models.

In process, the emulator is an httpx transport (``emulator.transport()``); for a subprocess it
serves on loopback (``emulator.serve()``). The client reaches it with the runtime's ``CDF_*``
variables, exactly as it reaches CDF.
"""

from __future__ import annotations

from pathlib import Path

from pygen_runtime.testing import Emulator, EmulatorServer

# The in-process transport ignores the host; https keeps the runtime's http-only-on-loopback rule happy.
IN_PROCESS_URL = "https://emulator.invalid"
PROJECT = "emulated-project"


def emulator_with(
    *model_files: Path, require_auth: bool = True, client_secret: str | None = None
) -> Emulator:
    """An emulator holding the data models in ``model_files``."""
    emulator = Emulator(project=PROJECT, require_auth=require_auth, client_secret=client_secret)
    for path in model_files:
        emulator.load_model(path)
    return emulator


def in_process_environ(emulator: Emulator, **extra: str) -> dict[str, str]:
    """``CDF_*`` variables for a client that talks to ``emulator`` through its transport."""
    return {
        "CDF_URL": IN_PROCESS_URL,
        "CDF_PROJECT": emulator.project,
        "CDF_TOKEN": emulator.issue_token(),
        **extra,
    }


def server_environ(server: EmulatorServer, emulator: Emulator, **extra: str) -> dict[str, str]:
    """``CDF_*`` variables for a client (in any process) that talks to ``server`` over loopback,
    logging in with OAuth client credentials as a real build would."""
    return {
        "CDF_URL": server.url,
        "CDF_PROJECT": emulator.project,
        "CDF_CLIENT_ID": emulator.credentials.client_id,
        "CDF_CLIENT_SECRET": emulator.credentials.client_secret,
        "CDF_TOKEN_URL": server.token_url,
        **extra,
    }
