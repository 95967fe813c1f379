#!/usr/bin/env bash
# The README's main job, from nothing but Python and pip: build the pygen-runtime and hatch-pygen
# wheels, start the CDF emulator on loopback, `pip install ./example-project` into a fresh
# virtual environment (the build hook generates the SDK), run example.py against the emulator,
# and stop the emulator. The steps are in scripts/demo.py; arguments go to it (--help).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
WORK="${PYGEN_DEMO_DIR:-build/demo}"

# demo.py stops the emulator itself, on success, failure or Ctrl-C; this trap covers the case
# where demo.py is killed before it can (its pid file then still names the emulator).
stop_emulator() {
    if [ -f "$WORK/emulator.pid" ]; then
        kill "$(cat "$WORK/emulator.pid")" 2>/dev/null || true
        rm -f "$WORK/emulator.pid"
    fi
}
trap stop_emulator EXIT

"$PYTHON" scripts/demo.py --work "$WORK" "$@"
