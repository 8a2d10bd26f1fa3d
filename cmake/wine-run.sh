#!/usr/bin/env bash
# Runs a Windows program under wine for ctest (CMAKE_CROSSCOMPILING_EMULATOR):
# quiet, no desktop integration, in the wine prefix of this build
# ($TETHER_WINEPREFIX), passing the program's exit code through. The first
# run makes the prefix (~10-20 s), once, under a lock: tests run in parallel.
set -euo pipefail
export WINEPREFIX=${TETHER_WINEPREFIX:-${TMPDIR:-/tmp}/tether-wine-$(id -u)}
export WINEDEBUG=-all
export WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree=d;mshtml=d"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  mkdir -p "$(dirname "$WINEPREFIX")"
  (
    flock 9
    [ -f "$WINEPREFIX/system.reg" ] || wineboot -i >/dev/null 2>&1
  ) 9>"$WINEPREFIX.lock"
fi
exec wine "$@"
