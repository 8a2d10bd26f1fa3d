#!/usr/bin/env bash
# scripts/setup.sh keeps services from starting during its install with a
# policy-rc.d, and removes only the one it created (issue 17: it deleted an
# admin's own). apt-get, dpkg-query and id are fakes on PATH; the
# policy-rc.d path is redirected with TETHER_POLICY_RC_D.
# Usage: test_setup_policy_rc_d.sh path/to/setup.sh
set -euo pipefail
setup=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/bin"
cat > "$dir/bin/dpkg-query" <<'FAKE'
#!/bin/sh
exit 1
FAKE
cat > "$dir/bin/id" <<'FAKE'
#!/bin/sh
echo 0
FAKE
# The fake apt-get records what policy-rc.d said while it "installed".
cat > "$dir/bin/apt-get" <<'FAKE'
#!/bin/sh
[ "$1" = update ] || cat "$TETHER_POLICY_RC_D" > "$TETHER_POLICY_RC_D.seen"
FAKE
chmod +x "$dir/bin/"*
export PATH="$dir/bin:$PATH" TETHER_POLICY_RC_D="$dir/policy-rc.d"
fail() { echo "FAIL: $*"; exit 1; }

# 1. None there: one is created for the install and removed afterwards.
bash "$setup" > "$dir/out" 2>&1 || fail "setup.sh failed: $(cat "$dir/out")"
[ "$(cat "$dir/policy-rc.d.seen")" = "$(printf '#!/bin/sh\nexit 101')" ] || fail "no policy-rc.d during the install"
[ ! -e "$dir/policy-rc.d" ] || fail "the created policy-rc.d was left behind"

# 2. The admin's own: used as it is, and still there afterwards.
printf '#!/bin/sh\nexit 0\n' > "$dir/policy-rc.d"
rm "$dir/policy-rc.d.seen"
bash "$setup" > "$dir/out" 2>&1 || fail "setup.sh failed: $(cat "$dir/out")"
[ "$(cat "$dir/policy-rc.d.seen")" = "$(printf '#!/bin/sh\nexit 0')" ] || fail "the admin's policy-rc.d was replaced"
[ "$(cat "$dir/policy-rc.d")" = "$(printf '#!/bin/sh\nexit 0')" ] || fail "the admin's policy-rc.d was deleted or changed"
grep -qx "setup: keeping the existing $dir/policy-rc.d" "$dir/out" || fail "no note about the kept file: $(cat "$dir/out")"
echo "PASS"
