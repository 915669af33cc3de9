#!/usr/bin/env bash
# The transfer engine under AddressSanitizer.
#
#   native/test/transfer_sanitize.sh          the core tests (native/test/transfer_tests.cc and
#                                             the rest of hostwire_core_tests) under ASan + UBSan,
#                                             plain cmake, no Node: build-transfer/asan/
#   native/test/transfer_sanitize.sh --addon  also the two-process, hostile-peer and worker tests
#                                             (test/transfer/, mocha) and the Session glue tests
#                                             (test/native/session.test.ts) against an ASan build of the
#                                             addon (build-transfer/asan-addon/), libasan preloaded
#                                             into node and into the peer processes it spawns
#
# UBSan is left out of the addon build: node-addon-api's thread-safe-function templates do not
# compile with -fsanitize=undefined.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
JOBS="$(nproc 2>/dev/null || echo 2)"

echo "== core tests, ASan + UBSan: build-transfer/asan/"
cmake -S native -B build-transfer/asan -DCMAKE_BUILD_TYPE=Debug -DHOSTWIRE_SANITIZE=ON -DHOSTWIRE_WERROR=ON >/dev/null
cmake --build build-transfer/asan --target hostwire_core_tests -j "$JOBS"
set +e
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ./build-transfer/asan/hostwire_core_tests > build-transfer/asan/core_tests.out 2>&1
rc=$?
set -e
cat build-transfer/asan/core_tests.out
# A sanitizer report aborts the run (rc >= 128); a failed check of the transfer tests fails
# this script; failed checks of other suites are reported, not judged here.
if [ "$rc" -ge 128 ] || grep -q '^FAIL transfer' build-transfer/asan/core_tests.out; then
  echo "== transfer sanitize: FAILED (rc $rc)"
  exit 1
fi
[ "$rc" -eq 0 ] || echo "== note: checks of other suites failed (rc $rc); the transfer tests passed"

if [ "${1:-}" = "--addon" ]; then
  echo "== test/transfer and the Session glue tests against an ASan addon: build-transfer/asan-addon/"
  npx cmake-js compile -d native -O build-transfer/asan-addon \
    --CDCMAKE_CXX_FLAGS_RELEASE="-O1 -g -fsanitize=address -fno-omit-frame-pointer" \
    --CDCMAKE_MODULE_LINKER_FLAGS_RELEASE="-fsanitize=address" >/dev/null
  npx tsc -p .
  HOSTWIRE_ADDON="$ROOT/build-transfer/asan-addon/Release/hostwire.node" \
  LD_PRELOAD="$(gcc -print-file-name=libasan.so)" \
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
    npx mocha --no-config --timeout 120000 "dist/test/transfer/*.test.js" dist/test/native/session.test.js
fi
echo "== transfer sanitize: passed"
