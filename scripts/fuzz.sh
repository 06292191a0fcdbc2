#!/usr/bin/env bash
# A libFuzzer campaign on one harness (docs/fuzzing.md), with clang-16, ASan and UBSan.
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]   e.g. scripts/fuzz.sh config 600
#   scripts/fuzz.sh --build                                 only (re)build every harness
#   scripts/fuzz.sh --list                                  the harness names
# New corpus entries go to build/fuzz/campaign/TARGET (a scratch dir: minimise before copying any
# into fuzz/corpus/TARGET); a crash, leak, timeout or out-of-memory input to
# fuzz/regressions/TARGET/ (replayed by ctest from then on). ZZJB_FUZZ_JOBS=N runs N workers.
set -euo pipefail
cd "$(dirname "$0")/.."

harnesses=(json_bounded key_uri config catalog roster_csv roster_xlsx roster_xlsx_sheet platform_answers
  mock_request mock_multipart mock_base64)
build=build/fuzz

usage() { sed -n '2,8p' "$0" >&2; exit 64; }

configure_and_build() {
  scripts/deps.sh fuzz
  if [ -f "$build/CMakeCache.txt" ]; then
    cmake -S . -B "$build" >/dev/null  # picks up new harnesses; the settings stay as cached
  else
    local launcher=()
    if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
    # clang-16 with libstdc++ 12: <expected> needs C++2b and a concepts level clang 16 has but
    # does not announce; nlohmann 3.11.2's operator<=> does not compile there (docs/fuzzing.md).
    CC=clang-16 CXX=clang++-16 cmake -S . -B "$build" "${launcher[@]}" \
      -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
      -DCMAKE_CXX_FLAGS="-D__cpp_concepts=202002L -DJSON_HAS_THREE_WAY_COMPARISON=0 -Wno-macro-redefined" \
      -DZZJB_SANITIZE="address;undefined;fuzzer-no-link" -DZZJB_FUZZ_LIBFUZZER=ON \
      -DZZJB_BUILD_FUZZ_REPLAY=OFF -DZZJB_BUILD_TESTS=OFF -DZZJB_WARNINGS_AS_ERRORS=OFF >/dev/null
  fi
  cmake --build "$build" -j"${ZZJB_BUILD_JOBS:-2}" --target "$@"
}

case "${1:-}" in
  ""|-h|--help) usage ;;
  --list) printf '%s\n' "${harnesses[@]}"; exit 0 ;;
  --build)
    targets=()
    for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
    configure_and_build "${targets[@]}"
    exit 0 ;;
esac

target=$1
seconds=${2:-}
[ -n "$seconds" ] || usage
shift 2
found=0
for h in "${harnesses[@]}"; do [ "$h" = "$target" ] && found=1; done
[ $found -eq 1 ] || { echo "unknown harness $target (scripts/fuzz.sh --list)" >&2; exit 64; }
case "$seconds" in ''|*[!0-9]*) echo "SECONDS must be a number" >&2; exit 64 ;; esac

configure_and_build "fuzz_$target"

scratch=$build/campaign/$target
mkdir -p "$scratch" "fuzz/regressions/$target"
# Several workers only when asked: with -jobs libFuzzer forks and logs to fuzz-N.log, written
# into the scratch directory's parent here.
parallel=()
if [ "${ZZJB_FUZZ_JOBS:-1}" -gt 1 ]; then
  parallel=(-jobs="$ZZJB_FUZZ_JOBS" -workers="$ZZJB_FUZZ_JOBS")
  cd "$build/campaign" && scratch=$target && root=../../.. || exit 1
else
  root=.
fi
# The first directory receives new inputs; the seed corpus is only read. Regressions are not
# loaded: until fixed they would end the campaign at once (ctest replays them).
exec "$root/$build/fuzz/fuzz_$target" "$scratch" "$root/fuzz/corpus/$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$root/fuzz/regressions/$target/" -print_final_stats=1 "${parallel[@]}" "$@"
