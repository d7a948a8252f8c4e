#!/usr/bin/env bash
# The detector's figures side by side with Apache Otava 0.8.0 on the same
# synthetic series, replayed night by night. Otava is installed from PyPI into
# a virtualenv this script creates (default .venv-otava, or $OTAVA_VENV).
# Usage: scripts/detect-figures.sh [--series N] [--length L] [--from F] [--json]
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${OTAVA_VENV:-.venv-otava}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'apache-otava==0.8.0'
fi
exec node --import tsx results/changepoints/figures.ts --otava "$venv/bin/python" "$@"
