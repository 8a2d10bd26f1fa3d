#!/usr/bin/env bash
# The main job, on one machine: a local tether-relay (embedded defaults, a
# --dev certificate), a customer display (Xvfb, unless --gui) with something
# on it, tether-desk and tether-client. Prints the code, the security code
# both sides show, and where the supporter's first frame was saved; then ends
# the session and stops everything it started.
#
#   scripts/demo.sh          headless, under Xvfb (works on a server)
#   scripts/demo.sh --gui    the two windows on $DISPLAY
set -euo pipefail
cd "$(dirname "$0")/.."

GUI=0
[ "${1:-}" = "--gui" ] && GUI=1
[ "${1:-}" = "--help" ] && { sed -n 2,10p "$0"; exit 0; }

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target tether-relay tether-desk tether-client

WORK=$(mktemp -d /tmp/tether-demo.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Waits up to $2 seconds for a line matching $3 in file $1; prints the match.
wait_for() {
  local file=$1 secs=$2 pattern=$3
  for _ in $(seq $((secs * 10))); do
    if grep -Eo "$pattern" "$file" 2>/dev/null | head -1; then return 0; fi
    sleep 0.1
  done
  echo "demo: timed out waiting for '$pattern' in $file:" >&2
  cat "$file" >&2 || true
  return 1
}

echo "== relay"
build/bin/tether-relay --dev --listen 127.0.0.1:0 --state-dir "$WORK/relay" >"$WORK/relay.log" 2>&1 &
PIDS+=($!)
RELAY=$(wait_for "$WORK/relay.log" 20 'https://127\.0\.0\.1:[0-9]+')/
CA="$WORK/relay/dev-cert.pem"
echo "relay at $RELAY (certificate $CA)"

if [ $GUI -eq 1 ] && [ -n "${DISPLAY:-}" ]; then
  CUSTOMER_DISPLAY=$DISPLAY
else
  GUI=0
  for n in $(seq 90 120); do [ -e /tmp/.X11-unix/X$n ] || break; done
  CUSTOMER_DISPLAY=:$n
  Xvfb "$CUSTOMER_DISPLAY" -screen 0 1024x768x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  DISPLAY=$CUSTOMER_DISPLAY xmessage -geometry +120+120 \
    "This is the customer's screen. The supporter sees it through the relay." >/dev/null 2>&1 &
  PIDS+=($!)
fi
echo "customer display $CUSTOMER_DISPLAY"

echo "== desk (supporter)"
DESK_ARGS=(--relay "$RELAY" --ca "$CA" --name "Demo supporter" --status-file "$WORK/desk.status")
if [ $GUI -eq 1 ]; then
  build/bin/tether-desk "${DESK_ARGS[@]}" --start >"$WORK/desk.log" 2>&1 &
else
  build/bin/tether-desk "${DESK_ARGS[@]}" --headless --snapshot "$WORK/first-frame.png" >"$WORK/desk.log" 2>&1 &
fi
PIDS+=($!)
CODE=$(wait_for "$WORK/desk.status" 20 'code: [0-9]{6}' | grep -Eo '[0-9]{6}')
echo "session code: $CODE   (the supporter reads it to the customer)"

echo "== client (customer)"
CLIENT_ARGS=(--relay "$RELAY" --ca "$CA" --name "Demo customer" --status-file "$WORK/client.status"
             --display "$CUSTOMER_DISPLAY" --code "$CODE")
if [ $GUI -eq 1 ]; then
  echo "type nothing: the code is prefilled; click Connect in the customer's window"
  build/bin/tether-client "${CLIENT_ARGS[@]}" >"$WORK/client.log" 2>&1 &
else
  DISPLAY=$CUSTOMER_DISPLAY build/bin/tether-client "${CLIENT_ARGS[@]}" --headless >"$WORK/client.log" 2>&1 &
fi
PIDS+=($!)

DESK_AUTH=$(wait_for "$WORK/desk.status" 60 'auth: [0-9]{3} [0-9]{3}' | cut -d' ' -f2-)
CLIENT_AUTH=$(wait_for "$WORK/client.status" 20 'auth: [0-9]{3} [0-9]{3}' | cut -d' ' -f2-)
echo "security code on the desk:   $DESK_AUTH"
echo "security code on the client: $CLIENT_AUTH   (compare them on the phone)"
[ "$DESK_AUTH" = "$CLIENT_AUTH" ] || { echo "demo: the security codes differ!" >&2; exit 1; }

if [ $GUI -eq 1 ]; then
  echo "connected. Press F11 (control) or F12 (files) on the customer's screen; Ctrl-C here ends the demo."
  wait
else
  wait_for "$WORK/desk.status" 30 'frames: [1-9][0-9]*' >/dev/null
  for _ in $(seq 100); do [ -s "$WORK/first-frame.png" ] && break; sleep 0.1; done
  echo "the supporter's first frame of the customer's screen: $WORK/first-frame.png"
  echo "desk status:";   sed 's/^/  /' "$WORK/desk.status"
  echo "client status:"; sed 's/^/  /' "$WORK/client.status"
  echo "== done: ending the session"
fi
