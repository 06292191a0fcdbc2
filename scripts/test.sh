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

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j2
ctest --preset "$preset" -j2 --timeout 300
