#!/usr/bin/env bash
# Run the native core's unit tests (hostwire_core_tests) under AddressSanitizer and UBSan,
# then under valgrind when it is installed. Plain cmake, no Node needed; warnings are errors.
# Needs nlohmann-json 3 (Debian: nlohmann-json3-dev).
#
#   native/scripts/sanitize.sh            from anywhere in the tree
#
# ASan/UBSan: a Debug build in build-asan/. valgrind (which does not mix with ASan): the
# normal build, i.e. build/ as `npm install` / cmake-js configured it, rebuilt for the tests;
# without one, a plain RelWithDebInfo build in build-asan/valgrind/. generated/ must exist
# (`node bin/hostwire.js generate`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JOBS="$(nproc 2>/dev/null || echo 2)"
cd "$ROOT"

# The generated C++ and the core must also be clean under the other compiler, when present.
other=""
if "${CXX:-c++}" --version 2>/dev/null | grep -qi clang; then other=g++; else other=clang++; fi
if command -v "$other" >/dev/null 2>&1; then
  echo "== $other -Wall -Wextra -Wpedantic -Werror (syntax only)"
  while IFS= read -r f; do
    "$other" -std=c++17 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -Igenerated -Inative "$f"
  done < <(find native/core -name '*.cc' | sort; ls native/test/*_tests.cc)
fi

echo "== ASan + UBSan: build-asan/"
cmake -S native -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHOSTWIRE_SANITIZE=ON -DHOSTWIRE_WERROR=ON >/dev/null
cmake --build build-asan --target hostwire_core_tests -j "$JOBS"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ./build-asan/hostwire_core_tests

if command -v valgrind >/dev/null 2>&1; then
  if [ -f build/CMakeCache.txt ]; then
    tree=build
  else
    tree=build-asan/valgrind
    cmake -S native -B "$tree" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOSTWIRE_WERROR=ON >/dev/null
  fi
  echo "== valgrind: $tree/"
  cmake --build "$tree" --target hostwire_core_tests -j "$JOBS"
  valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --quiet \
    "./$tree/hostwire_core_tests"
else
  echo "== valgrind: not installed, skipped"
fi
echo "== sanitize: all passed"
