#!/usr/bin/env bash
# The .deb packages as an admin gets them (docs/RELAY.md "Packages"): cpack
# builds them from the build tree; dpkg installs them into a fresh root
# (--root, maintainer scripts run chrootless with stub user tools, so that
# no user is ever made on this machine); the files, the unit, the man pages
# and the .desktop files are checked; then the relay runs from the unit's
# ExecStart with the packaged /etc/tether/relay.conf on 127.0.0.1, port 0,
# and a client joins through a tether://join/CODE link.
# Usage: test_debs.sh BUILD_DIR
set -euo pipefail

BUILD=$(cd "$1" && pwd)
T=$(mktemp -d /tmp/tether-debs-XXXXXX)
RELAY_PID=
cleanup() {
  if [ -n "$RELAY_PID" ]; then kill "$RELAY_PID" 2>/dev/null || true; wait "$RELAY_PID" 2>/dev/null || true; fi
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# ---- build the packages ----
(cd "$BUILD" && cpack -G DEB -B "$T/out" >"$T/cpack.log" 2>&1) || { cat "$T/cpack.log"; fail "cpack"; }
for p in tether-relay tether-common tether-client tether-desk; do
  ls "$T/out/${p}_"*.deb >/dev/null 2>&1 || fail "no $p package"
done
deb() { ls "$T/out/$1_"*.deb; }
ok "cpack made 4 packages"

# ---- their metadata and contents ----
dpkg-deb -f "$(deb tether-relay)" Depends | grep -q adduser || fail "tether-relay does not depend on adduser"
dpkg-deb -f "$(deb tether-client)" Depends | grep -q "tether-common (= " || fail "tether-client does not depend on tether-common"
dpkg-deb -f "$(deb tether-relay)" Depends | grep -q "libssl" || fail "tether-relay's shared libraries are not in Depends"
dpkg-deb -e "$(deb tether-relay)" "$T/control"
grep -qx /etc/tether/relay.conf "$T/control/conffiles" || fail "relay.conf is not a conffile"
[ -x "$T/control/postinst" ] || fail "no postinst"
expect_files() {
  local pkg=$1; shift
  dpkg-deb -c "$(deb "$pkg")" | awk '{print $6}' | sed 's#^\./#/#' >"$T/$pkg.list"
  for f in "$@"; do grep -qx "$f" "$T/$pkg.list" || fail "$pkg lacks $f"; done
}
expect_files tether-relay /usr/bin/tether-relay /usr/lib/systemd/system/tether-relay.service /etc/tether/relay.conf \
  /usr/share/man/man1/tether-relay.1.gz
expect_files tether-common /usr/bin/tether-pac-eval /usr/bin/tether-proxydetect /usr/bin/tether-tunnel \
  /etc/tether/tether.conf /etc/tether/proxy.conf
expect_files tether-client /usr/bin/tether-client /usr/share/applications/tether-client.desktop \
  /usr/share/icons/hicolor/scalable/apps/tether-client.svg /usr/share/man/man1/tether-client.1.gz
expect_files tether-desk /usr/bin/tether-desk /usr/share/applications/tether-desk.desktop \
  /usr/share/icons/hicolor/scalable/apps/tether-desk.svg /usr/share/man/man1/tether-desk.1.gz
ok "package contents"

# ---- install into a fresh root ----
R=$T/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers"
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
# The maintainer scripts run on this machine (chrootless) with DPKG_ROOT=$R:
# the tools that would touch the machine's users and services are stubs that
# write down how they were called.
STUBS=$T/stubs
mkdir -p "$STUBS"
for tool in adduser chown deb-systemd-helper systemctl; do
  printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$tool" "$T" >"$STUBS/$tool"
done
printf '#!/bin/sh\necho "getent $*" >>"%s/calls"\nexit 2\n' "$T" >"$STUBS/getent"  # no such user yet
chmod +x "$STUBS"/*
PATH="$STUBS:$PATH" dpkg --root="$R" --force-not-root --force-depends --force-script-chrootless \
  --log="$T/dpkg.log" -i "$(deb tether-common)" "$(deb tether-relay)" "$(deb tether-client)" "$(deb tether-desk)" \
  >"$T/dpkg.out" 2>&1 || { cat "$T/dpkg.out"; fail "dpkg -i into $R"; }
for p in tether-relay tether-common tether-client tether-desk; do
  dpkg --root="$R" -s "$p" 2>/dev/null | grep -q "Status: install ok installed" || fail "$p not installed in $R"
done
[ -x "$R/usr/bin/tether-relay" ] || fail "no $R/usr/bin/tether-relay"
ok "dpkg installed the 4 packages into a fresh root"

# postinst: the dedicated user, made once; the key's directory for its group.
grep -q "^getent passwd tether-relay" "$T/calls" || fail "postinst did not look for the user"
grep -q "^adduser --system --group .*tether-relay$" "$T/calls" || { cat "$T/calls"; fail "postinst did not make the system user"; }
grep -q "^chown root:tether-relay $R/etc/tether/tls$" "$T/calls" || fail "postinst did not give /etc/tether/tls to the group"
[ "$(stat -c %a "$R/etc/tether/tls")" = 750 ] || fail "/etc/tether/tls is not 0750"
[ -d "$R/var/lib/tether/downloads" ] || fail "no downloads directory"
if grep -q "^systemctl" "$T/calls"; then fail "postinst touched this machine's services while installing into a root"; fi
# Run again with the user present (an upgrade): no second adduser.
: >"$T/calls"
printf '#!/bin/sh\necho "getent $*" >>"%s/calls"\necho "tether-relay:x:999:999::/var/lib/tether-relay:/usr/sbin/nologin"\n' "$T" >"$STUBS/getent"
PATH="$STUBS:$PATH" DPKG_ROOT="$R" sh "$R/var/lib/dpkg/info/tether-relay.postinst" configure 0.1.0
if grep -q "^adduser" "$T/calls"; then fail "postinst made the user twice"; fi
ok "postinst: user made once, /etc/tether/tls root:tether-relay 0750"

# ---- the unit ----
UNIT=$R/usr/lib/systemd/system/tether-relay.service
for line in "User=tether-relay" "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
            "ExecReload=/bin/kill -HUP \$MAINPID" "StateDirectory=tether-relay"; do
  grep -qxF "$line" "$UNIT" || fail "unit lacks $line"
done
EXEC=$(sed -n 's/^ExecStart=//p' "$UNIT")
[ "$EXEC" = "/usr/bin/tether-relay --config /etc/tether/relay.conf" ] || fail "unexpected ExecStart: $EXEC"
ok "unit: hardening options, ExecStart $EXEC"

# ---- man pages and .desktop files ----
render() { man -l -Tutf8 "$1" 2>/dev/null | col -b; }
render "$R/usr/share/man/man1/tether-relay.1.gz" >"$T/relay.man"
for word in "--config" "--downloads-dir" "--log-format" "--listen" "NAME"; do
  grep -q -- "$word" "$T/relay.man" || fail "man tether-relay lacks $word"
done
# Rendered to files first: with pipefail, `render | grep -q` fails when grep
# quits at its first match and man then dies of SIGPIPE (141), which it did
# now and then under load.
render "$R/usr/share/man/man1/tether-client.1.gz" >"$T/client.man"
grep -q "tether://join/CODE" "$T/client.man" || fail "man tether-client lacks the join link"
render "$R/usr/share/man/man1/tether-desk.1.gz" >"$T/desk.man"
grep -q -- "--relay" "$T/desk.man" || fail "man tether-desk lacks --relay"
grep -qx "MimeType=x-scheme-handler/tether;" "$R/usr/share/applications/tether-client.desktop" || fail "client .desktop: no tether: handler"
grep -qx "Exec=tether-client %u" "$R/usr/share/applications/tether-client.desktop" || fail "client .desktop: Exec"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$R/usr/share/applications/"*.desktop || fail "desktop-file-validate"
fi
ok "man pages render and name the options; .desktop files"

# ---- run the relay as the unit does, with the packaged config ----
# The packaged relay.conf is read as it is; the environment (which wins over
# the file) moves what the file names under / into the fresh root and the
# port to an ephemeral one on loopback. JOURNAL_STREAM names the log file as
# the journal would name its stream: lines get sd-daemon priorities.
cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=$1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -addext "basicConstraints=critical,CA:TRUE" \
    -keyout "$R/etc/tether/tls/privkey.pem" -out "$R/etc/tether/tls/fullchain.pem" 2>/dev/null
  cp "$R/etc/tether/tls/fullchain.pem" "$T/$1.pem"
}
cert first
echo "client build" >"$R/var/lib/tether/downloads/tether-client-setup.exe"
read -r -a ARGS <<<"$EXEC"
ARGS[0]=$R${ARGS[0]}
ARGS[2]=$R${ARGS[2]}
: >"$T/relay.err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/relay.err") \
TETHER_RELAY_LISTEN=127.0.0.1:0 \
TETHER_RELAY_CERT=$R/etc/tether/tls/fullchain.pem TETHER_RELAY_KEY=$R/etc/tether/tls/privkey.pem \
TETHER_RELAY_DOWNLOADS_DIR=$R/var/lib/tether/downloads \
  "${ARGS[@]}" >"$T/relay.out" 2>>"$T/relay.err" &
RELAY_PID=$!
for _ in $(seq 100); do grep -q "^listening on" "$T/relay.out" && break; sleep 0.1; done
PORT=$(sed -n 's#^listening on https://127.0.0.1:\([0-9]*\)$#\1#p' "$T/relay.out")
[ -n "$PORT" ] || { cat "$T/relay.err"; fail "the packaged relay did not start"; }
URL=https://127.0.0.1:$PORT
[ "$(curl -sS --cacert "$T/first.pem" "$URL/healthz")" = ok ] || fail "/healthz"
CODE=$(curl -sS --cacert "$T/first.pem" -X POST -d '{"name":"Sam"}' "$URL/v1/sessions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
[[ "$CODE" =~ ^[0-9]{6}$ ]] || fail "no session code"
curl -sS --cacert "$T/first.pem" "$URL/" | grep -q 'href="/downloads/tether-client-setup.exe"' || fail "join page does not list the download"
[ "$(curl -sS --cacert "$T/first.pem" "$URL/downloads/tether-client-setup.exe")" = "client build" ] || fail "download"
ok "the relay runs from ExecStart with the packaged relay.conf: healthz, session, join page, download"

# A client opened by a tether://join/CODE link joins that session.
"$R/usr/bin/tether-client" --headless --relay "$URL" --ca "$T/first.pem" "tether://join/$CODE" \
  >"$T/client.out" 2>&1 &
CLIENT=$!
for _ in $(seq 100); do grep -q "joined" "$T/relay.err" && break; sleep 0.1; done
kill "$CLIENT" 2>/dev/null || true; wait "$CLIENT" 2>/dev/null || true
grep -q "joined" "$T/relay.err" || { cat "$T/client.out"; fail "tether-client did not join with the link"; }
if "$R/usr/bin/tether-client" --headless --relay "$URL" "tether://join/12" >"$T/bad.out" 2>&1; then fail "a bad link was taken"; fi
grep -q "not a join link" "$T/bad.out" || fail "bad link message: $(cat "$T/bad.out")"
ok "tether-client joins with tether://join/CODE; a bad link is refused"

# SIGHUP (systemctl reload): a new certificate serves new connections.
cert second
kill -HUP "$RELAY_PID"
for _ in $(seq 50); do grep -q "reload: certificate" "$T/relay.err" && break; sleep 0.1; done
grep -q "reload: certificate" "$T/relay.err" || fail "no reload on SIGHUP"
[ "$(curl -sS --cacert "$T/second.pem" "$URL/healthz")" = ok ] || fail "the reloaded certificate does not serve"
if curl -sS --cacert "$T/first.pem" "$URL/healthz" >/dev/null 2>&1; then fail "the old certificate still serves"; fi
ok "SIGHUP reloads the certificate"

# Journal priorities: every line "<P>level prefix: message", P from the level.
grep -q "^<6>info " "$T/relay.err" || fail "no <6>info lines: $(head -3 "$T/relay.err")"
if grep -v '^<[3467]>' "$T/relay.err" | grep -q .; then fail "a line without a priority: $(grep -v '^<[3467]>' "$T/relay.err" | head -1)"; fi
# SIGINT: stop at once (SIGTERM would drain for relay.conf's 60 s).
kill -INT "$RELAY_PID"; wait "$RELAY_PID" || true; RELAY_PID=
ok "journal priorities"

# --log-format json (environment over the packaged file): one object a line.
TETHER_RELAY_LOG_FORMAT=json TETHER_RELAY_LISTEN=127.0.0.1:0 \
TETHER_RELAY_CERT=$R/etc/tether/tls/fullchain.pem TETHER_RELAY_KEY=$R/etc/tether/tls/privkey.pem \
  "${ARGS[@]}" >"$T/json.out" 2>"$T/json.err" &
RELAY_PID=$!
for _ in $(seq 100); do grep -q "^listening on" "$T/json.out" && break; sleep 0.1; done
kill -INT "$RELAY_PID"; wait "$RELAY_PID" || true; RELAY_PID=
python3 - "$T/json.err" <<'PY' || fail "json log lines"
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
assert lines, "no lines"
for l in lines:
    o = json.loads(l)
    assert set(o) == {"time", "level", "program", "message", "fields"}, o
    assert o["program"] == "tether-relay" and o["level"] in ("debug", "info", "warn", "error"), o
    assert isinstance(o["fields"], dict) and o["fields"], o
PY
ok "--log-format json"
echo "all package checks passed"
