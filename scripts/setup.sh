#!/usr/bin/env bash
# Installs every Debian 12 package Tether needs to build, run, test and benchmark.
# Idempotent; run as root (or with sudo). Skips apt entirely when all are present.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake pkg-config git
  # libraries (see docs/ARCHITECTURE.md for which folder uses which)
  libcurl4-openssl-dev libcpp-httplib-dev libssl-dev libgcrypt20-dev libvncserver-dev
  libboost-program-options-dev catch2 libfltk1.3-dev libx11-dev libxext-dev
  libxtst-dev libxdamage-dev libxfixes-dev libxi-dev libxrandr-dev libpng-dev zlib1g-dev duktape-dev
  nlohmann-json3-dev libidn2-dev
  # test intermediaries and displays
  squid-openssl apache2-utils nginx xvfb xauth xdotool x11-utils
  # issue 19: xclip reads and owns selections in screen.clipboard; setxkbmap
  # and xkbcomp set and dump the customer's layout in screen.keyboard
  xclip x11-xkb-utils
  vncsnapshot iproute2 openssl procps curl gdb
  # benchmark baselines
  socat httptunnel x11vnc openssh-server openssh-client
  # the Windows build (cmake/mingw-w64-x86_64.cmake) and its tests under wine
  g++-mingw-w64-x86-64-posix wine wine64 libgcrypt-mingw-w64-dev libz-mingw-w64-dev
  # its installer (packaging/windows: makensis)
  nsis
  # wine's NTLM (SSPI) calls ntlm_auth from winbind (tests/winnet [ntlm])
  winbind
  # the .deb packages (packaging/debian): man pages from --help, dpkg-shlibdeps
  # for their Depends, man to render them in tests/packaging
  help2man dpkg-dev man-db
  # the join page in a real browser (tests/joinpage: driven by a python3 script)
  chromium python3
  # a relay cluster (issue 18): the shared session directory in Redis (hiredis
  # client), Sentinel for its failover, HAProxy in front of the nodes
  redis-server redis-sentinel libhiredis-dev haproxy
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Services must not start at install time (tests start their own on ephemeral
# ports). An admin's own policy-rc.d is used as it is and never removed; only
# the one created here is. TETHER_POLICY_RC_D: another path, for tests.
POLICY_RC_D=${TETHER_POLICY_RC_D:-/usr/sbin/policy-rc.d}
if [ -e "$POLICY_RC_D" ]; then
  echo "setup: keeping the existing $POLICY_RC_D"
else
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY_RC_D" >/dev/null
  $SUDO chmod +x "$POLICY_RC_D"
  trap '$SUDO rm -f "$POLICY_RC_D"' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
