#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite
# (unit, end-to-end with real squid/nginx/Xvfb/relay, benchmark smokes).
# Prints ctest's summary; exits non-zero if any test failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$JOBS"
cd "$BUILD"
ctest -j"$JOBS" --output-on-failure --timeout 600 "$@"
