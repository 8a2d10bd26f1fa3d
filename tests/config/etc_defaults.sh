#!/usr/bin/env bash
# config.etc_defaults: the admin's files in /etc/tether are read by default
# (tether.conf and proxy.conf by tether-desk, relay.conf by tether-relay),
# before the user's $XDG_CONFIG_HOME/tether ones, and an error in one names
# its line. /etc of this machine is never touched: the programs run in a
# private mount namespace whose /etc is an overlay with a throw-away upper
# layer. Needs root (CI runs as root); elsewhere it exits 77, which ctest
# reports as skipped.
#   etc_defaults.sh DESK RELAY
set -u
desk=$1 relay=$2
if [ "$(id -u)" != 0 ]; then echo "skipped: needs root for a private mount namespace"; exit 77; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/upper" "$work/work" "$work/home/.config/tether"
user_conf=$work/home/.config/tether/tether.conf

# Runs inside the namespace; prints what the programs printed, one block a step.
inner() {
  set -e
  mount --make-rprivate /
  mount -t overlay overlay -o "lowerdir=/etc,upperdir=$work/upper,workdir=$work/work" /etc
  mkdir -p /etc/tether
  printf 'relay = https://admin.example/\n' > /etc/tether/tether.conf
  printf 'no_proxy = *\n' > /etc/tether/proxy.conf
  printf 'code_ttl = 300\nprxy = 1\n' > /etc/tether/relay.conf
  set +e
  echo "== desk, admin only"; HOME=$work/home "$desk" --check-config 2>&1; echo "rc $?"
  printf 'name = Bob\n' > "$user_conf"
  echo "== desk, admin and user"; HOME=$work/home "$desk" --check-config 2>&1; echo "rc $?"
  echo "== relay, bad key"; HOME=$work/home "$relay" --check-config 2>&1 | cut -c1-70; echo "rc ${PIPESTATUS[0]}"
}
export -f inner
export work desk relay user_conf
if ! got=$(unshare -m bash -c inner 2>&1); then
  echo "$got"
  if echo "$got" | grep -q "Operation not permitted\|unknown filesystem type"; then
    echo "skipped: no private mount namespace or overlayfs here"; exit 77
  fi
fi
want="== desk, admin only
/etc/tether/tether.conf: OK
/etc/tether/proxy.conf: OK
rc 0
== desk, admin and user
/etc/tether/tether.conf: OK
$user_conf: OK
/etc/tether/proxy.conf: OK
rc 0
== relay, bad key
tether-relay: /etc/tether/relay.conf:2: unknown key 'prxy' (valid keys
rc 2"
if [ "$got" != "$want" ]; then
  echo "FAILED: got"; echo "$got"; echo "--- wanted"; echo "$want"; exit 1
fi
[ ! -e /etc/tether/relay.conf ] || { echo "FAILED: /etc/tether leaked out of the namespace"; exit 1; }
echo "OK: /etc/tether read by default, before the user's file; errors name /etc/tether FILE:LINE"
