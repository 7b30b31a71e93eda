#!/usr/bin/env bash
# The benchmark table of bench/RESULTS.md: python -m scheduling bench, results in bench-out/.
# Usage: bench/run.sh [--quick] [--time-limit S] [--workers N]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
exec "$PY" -m scheduling bench --out bench-out "$@"
