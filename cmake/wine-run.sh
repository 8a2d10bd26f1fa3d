#!/usr/bin/env bash
# Runs a Windows program under wine for ctest (CMAKE_CROSSCOMPILING_EMULATOR):
# quiet, no desktop integration, in the wine prefix of this build
# ($TETHER_WINEPREFIX), passing the program's exit code through. A prefix
# not made yet is made first (cmake/wine-prefix.sh: once, under a lock,
# tests run in parallel); the test run makes them all beforehand
# (ctest's wine.prefixes).
set -euo pipefail
export WINEPREFIX=${TETHER_WINEPREFIX:-${TMPDIR:-/tmp}/tether-wine-$(id -u)}
export WINEDEBUG=-all
export WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree=d;mshtml=d"
[ -f "$WINEPREFIX/.tether-ready" ] || "$(dirname "$0")/wine-prefix.sh" "$WINEPREFIX"
exec wine "$@"
