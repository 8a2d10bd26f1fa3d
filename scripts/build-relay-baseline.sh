#!/bin/sh
# Builds tether-relay as of commit 48a33cc (the thread-per-connection relay on
# cpp-httplib that issue 13's benchmarks compare with) from this repository's
# history into DIR (default /tmp/tether-relay-48a33cc), once, and prints the
# binary's path. Usage:
#   relay_bench_idle --sessions 500,2000 --baseline "$(scripts/build-relay-baseline.sh)"
# COMMIT=<rev> builds another revision.
set -eu
COMMIT=${COMMIT:-48a33cc}
DIR=${1:-/tmp/tether-relay-$COMMIT}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
bin="$DIR/build/bin/tether-relay"
if [ ! -x "$bin" ]; then
    rm -rf "$DIR/src"
    mkdir -p "$DIR/src"
    git -C "$repo" archive "$COMMIT" | tar -x -C "$DIR/src"
    # Only the relay: the rest of that tree (and its Windows build) is not needed.
    cmake -S "$DIR/src" -B "$DIR/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DTETHER_MINGW_CXX=TETHER_MINGW_CXX-NOTFOUND >"$DIR/cmake.log" 2>&1
    cmake --build "$DIR/build" -j2 --target tether-relay >"$DIR/build.log" 2>&1
fi
echo "$bin"
