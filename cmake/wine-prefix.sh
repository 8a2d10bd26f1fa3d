#!/usr/bin/env bash
# Makes wine prefixes ready for the tests, once each:
#   wine-prefix.sh PREFIX [PREFIX...]
# The first PREFIX is made by `wineboot -i` (~10-20 s idle, ~60 s on a
# loaded 2-core machine); each further one is a copy of it (~3 s). A prefix
# is ready when it holds .tether-ready, written last: wine writes
# system.reg about half way through wineboot, so that file says nothing.
# Under a lock per prefix (PREFIX.lock), so that tests in parallel wait for
# one making instead of running wine in a half-made prefix
# (cmake/wine-run.sh calls this for its own prefix).
set -euo pipefail
export WINEDEBUG=-all
export WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree=d;mshtml=d"
unset DISPLAY  # nothing on a screen while making it

ready() { [ -f "$1/.tether-ready" ]; }

# make PREFIX [TEMPLATE]: PREFIX ready, copied from TEMPLATE if that is ready.
make_prefix() {
  local prefix=$1 template=${2:-}
  case "$prefix" in /?*) ;; *) echo "wine-prefix.sh: '$prefix' is not an absolute path" >&2; exit 2 ;; esac
  mkdir -p "$(dirname "$prefix")"
  (
    flock 9
    ready "$prefix" && exit 0
    rm -rf "$prefix"  # a half-made one (a run cut short)
    if [ -n "$template" ] && ready "$template"; then
      # The template's wineserver is down (wineserver -w below), so its
      # registry files are whole; the wineserver lock file is per prefix.
      cp -a "$template" "$prefix.tmp"
      rm -f "$prefix.tmp/wineserver"
      mv "$prefix.tmp" "$prefix"
    else
      WINEPREFIX=$prefix wineboot -i >/dev/null 2>&1
      # Until its wineserver exits the registry may be in memory only.
      WINEPREFIX=$prefix wineserver -w
    fi
    touch "$prefix/.tether-ready"
  ) 9>"$prefix.lock"
}

first=$1
make_prefix "$first"
shift
for prefix in "$@"; do make_prefix "$prefix" "$first"; done
