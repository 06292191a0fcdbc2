#!/usr/bin/env bash
# Installs what is missing, builds and runs every test through CTest.
#   scripts/test.sh          the dev build (warnings are errors)
#   scripts/test.sh --asan   the same under AddressSanitizer + UndefinedBehaviorSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."

preset=dev
case "${1:-}" in
  "") ;;
  --asan) preset=asan ;;
  -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--asan]" >&2; exit 64 ;;
esac

scripts/deps.sh test
scripts/make-example-keys.sh config/keys >/dev/null

# Under CI, line tables only (-g1): enough for backtraces and sanitizer reports, and a fifth less
# compile time than -g (cmake/ZzjbOptions.cmake, ZZJB_DEBUG_INFO).
configure=()
if [ -n "${CI:-}" ]; then configure+=(-DZZJB_DEBUG_INFO=lines); fi

cmake --preset "$preset" "${configure[@]}" >/dev/null
cmake --build --preset "$preset" -j2
# Most tests wait (on zzjb-mock, on child processes, on timeouts) rather than compute: four at a
# time on two cores take about a quarter less wall time than two (ZZJB_TEST_JOBS to change it).
ctest --preset "$preset" -j"${ZZJB_TEST_JOBS:-4}" --timeout 300
