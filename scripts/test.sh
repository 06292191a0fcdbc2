#!/usr/bin/env bash
# Installs what is missing, builds and runs every test through CTest.
#   scripts/test.sh          the dev build (warnings are errors)
#   scripts/test.sh --asan   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   scripts/test.sh --all    both, as CI runs them (.ci/run): the ASan build compiles beside
#                            the dev tests
set -euo pipefail
cd "$(dirname "$0")/.."

mode=dev
case "${1:-}" in
  "") ;;
  --asan) mode=asan ;;
  --all) mode=all ;;
  -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--asan|--all]" >&2; exit 64 ;;
esac

scripts/deps.sh test
scripts/make-example-keys.sh config/keys >/dev/null

# Under CI, line tables only (-g1): enough for backtraces and sanitizer reports, and a fifth less
# compile time than -g (cmake/ZzjbOptions.cmake, ZZJB_DEBUG_INFO).
configure=()
if [ -n "${CI:-}" ]; then configure+=(-DZZJB_DEBUG_INFO=lines); fi

# Most tests wait (on zzjb-mock, on child processes, on timeouts) rather than compute: four at a
# time on two cores take about a quarter less wall time than two (ZZJB_TEST_JOBS to change it).
run_tests() { ctest --preset "$1" -j"${ZZJB_TEST_JOBS:-4}" --timeout 300; }

if [ "$mode" != all ]; then
  cmake --preset "$mode" "${configure[@]}" >/dev/null
  cmake --build --preset "$mode" -j2
  run_tests "$mode"
  exit 0
fi

cmake --preset dev "${configure[@]}" >/dev/null
# The ASan build's tests check that its test objects compile as the dev build's do (below).
cmake --preset asan "${configure[@]}" -DZZJB_TEST_OBJECTS_LIKE="$PWD/build/dev" >/dev/null
# The dev build first, on both cores. Then the ASan build beside the dev tests (which mostly wait on
# zzjb-mock and on child processes): it compiles only zzjb's own libraries and programs, the ones
# it instruments, because the tests' code compiles alike in both builds and ccache hands it the
# dev build's objects (tests/README.md, "CI"). It runs in its own session, hence its own scheduler
# autogroup: it and the tests share the CPU half and half (nice would mean nothing across
# autogroups; within one, a niced build got too little while the tests ran). Its output goes to a
# log, shown if it fails; on failure its process group is stopped whole (cmake, ninja, compilers).
cmake --build --preset dev -j2
mkdir -p build
asan_log=build/asan-build.log
setsid cmake --build --preset asan -j2 >"$asan_log" 2>&1 &
asan_build=$!
trap 'kill -- -"$asan_build" 2>/dev/null || true' EXIT
run_tests dev
if ! wait "$asan_build"; then
  tail -60 "$asan_log"
  echo "the ASan build failed: $asan_log has all of it" >&2
  exit 1
fi
trap - EXIT
run_tests asan
