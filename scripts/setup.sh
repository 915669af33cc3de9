#!/usr/bin/env bash
# The README's first command, on Debian or Ubuntu with Node.js 20 or later: install the Debian
# packages listed in scripts/debian-packages that are missing (apt-get, through sudo unless
# root), then `npm ci` (the npm packages, the addon and the TypeScript) and the native test
# binaries (`npm run build:native`), so that `npm test` runs next.
#
#   scripts/setup.sh                  all of it
#   scripts/setup.sh --packages       the Debian packages only
set -euo pipefail
cd "$(dirname "$0")/.."

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "setup: hostwire needs Node.js 20 or later (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

mapfile -t need < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' scripts/debian-packages)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
[ "${1:-}" = "--packages" ] && exit 0

# The npm packages; the install step compiles the addon (build/Release/hostwire.node) and the
# prepare step the TypeScript (dist/).
npm ci
# The native tests' binaries (hostwire_core_tests, hostwire_glue_test.node), which npm's
# install step leaves out.
npm run -s build:native
echo "setup: done; run the tests with \`npm test\`"
