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
# A test that fails is run once more (--repeat until-pass:2): end-to-end
# tests start real squid, nginx, Xvfb and relay processes on 2 shared cores,
# and a rare load-dependent failure must not hide the rest. Every failed
# attempt is still printed in full above the summary.
ctest -j"$JOBS" --output-on-failure --timeout 600 --repeat until-pass:2 "$@"
