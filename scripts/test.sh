#!/usr/bin/env bash
# The whole test suite with its quality gates, from nothing but Python and pip.
# Sets up .venv (reused when present), then: ruff check, ruff format --check, mypy --strict,
# pytest with coverage, and a coverage floor of 90% for each of the two packages.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${PYGEN_VENV:-.venv}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
# pip >= 25.1 understands [dependency-groups]; the machine's pip may be older.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -e "./pygen_runtime[http2,testing]" -e ".[cli,service]" --group dev
export PATH="$PWD/$VENV/bin:$PATH"

echo "== ruff check"
ruff check .
echo "== ruff format --check"
ruff format --check .
echo "== mypy --strict"
mypy --strict
echo "== pytest"
rm -f .coverage .coverage.*
pytest -n "${PYGEN_TEST_WORKERS:-2}" --cov --cov-report= "$@"
coverage combine --quiet 2>/dev/null || true
echo "== coverage: pygen_runtime"
coverage report --include='pygen_runtime/src/*' --fail-under=90
echo "== coverage: hatch_pygen"
coverage report --include='hatch_pygen/*' --fail-under=90
