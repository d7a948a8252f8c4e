#!/usr/bin/env bash
# `npm run bench`: every committed performance benchmark (*.bench.ts), one after another.
# BENCH=pattern runs only the files whose path matches it.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in $(git ls-files '*.bench.ts' | grep -E "${BENCH:-.}"); do
  echo "== $f"
  node --import tsx "$f"
done
