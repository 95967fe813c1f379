#!/usr/bin/env bash
# Side-by-side benchmarks (docs/performance.md): pygen against cognite-pygen v1 and bare httpx.
# Uses .venv (created as scripts/test.sh creates it, when missing) and a separate virtual
# environment holding cognite-pygen v1 from the `bench` dependency group of pyproject.toml, then
# runs benchmarks/run.py, which writes docs/performance.md. Arguments go to benchmarks/run.py,
# e.g. `scripts/bench.sh --only iterate,import` or `scripts/bench.sh --memory-nodes 300000`.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${PYGEN_VENV:-.venv}"
V1_VENV="${PYGEN_BENCH_V1_VENV:-build/bench/v1-venv}"
QUIET=(--quiet --disable-pip-version-check)

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
    # pip >= 25.1 understands [dependency-groups]; the machine's pip may be older.
    "$VENV/bin/python" -m pip install "${QUIET[@]}" --upgrade "pip>=25.1"
    "$VENV/bin/python" -m pip install "${QUIET[@]}" -e "./pygen_runtime[http2,testing]" -e . --group dev
fi

# v1 and the cognite-sdk it needs live in an interpreter of their own, so that neither changes
# what pygen's side imports. It is rebuilt whenever the bench group changes.
wanted="$("$VENV/bin/python" -c 'import json, tomllib
with open("pyproject.toml", "rb") as file:
    print(json.dumps(tomllib.load(file)["dependency-groups"]["bench"]))')"
stamp="$V1_VENV/.bench-group"
if [ ! -x "$V1_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "bench: creating $V1_VENV with the bench dependency group (cognite-pygen v1)" >&2
    rm -rf "$V1_VENV"
    "$PYTHON" -m venv "$V1_VENV"
    "$V1_VENV/bin/python" -m pip install "${QUIET[@]}" --upgrade "pip>=25.1"
    "$V1_VENV/bin/python" -m pip install "${QUIET[@]}" --group bench
    printf '%s\n' "$wanted" > "$stamp"
fi

exec "$VENV/bin/python" benchmarks/run.py --v1-python "$V1_VENV/bin/python" "$@"
