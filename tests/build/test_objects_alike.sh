#!/usr/bin/env bash
# Every test object compiles the same in every build (tests/README.md, "CI"): no test source's
# compile command names the build folder (beyond the precompiled header it includes, its own
# object and a unity file, which ccache makes relative) nor asks for instrumentation. If one did,
# ccache could no longer hand the ASan build the dev build's test objects, and CI would compile
# every test twice again without anything failing. Given another build of the same sources
# (scripts/test.sh --all gives the ASan build the dev build: ZZJB_TEST_OBJECTS_LIKE), also the same
# compile command for every test object in both, the build folders aside.
#   test_objects_alike.sh BUILD_DIR [OTHER_BUILD_DIR]
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [OTHER_BUILD_DIR]}
other=${2:-}
commands=$build/compile_commands.json
[ -r "$commands" ] || { echo "no $commands (CMAKE_EXPORT_COMPILE_COMMANDS is on in CMakeLists.txt)"; exit 1; }

# Objects compiled as zzjb's own code (zzjb_defaults), instrumented on purpose, and the one
# generated source per test program that holds the build's paths.
exempt='/zzjb_run_fixture\.dir/|_built_paths\.cpp\.o$'

checked=0
bad=0
while IFS=$'\t' read -r output command; do
  [[ $output == tests/* ]] || continue
  [[ $output =~ $exempt ]] && continue
  checked=$((checked + 1))
  # Drop what ccache rewrites relative to the build folder: -o, -c and -include operands.
  rest=$(sed -E 's/ -(o|c|include) [^ ]+//g' <<<"$command")
  if [[ $rest == *"$build"* ]]; then
    echo "$output: its compile command names the build folder: $rest"
    bad=$((bad + 1))
  elif [[ $rest == *-fsanitize* ]]; then
    echo "$output: compiled with instrumentation (zzjb_test_defaults, not zzjb_defaults): $rest"
    bad=$((bad + 1))
  fi
done < <(jq -r '.[] | [(.output // (.command | capture(" -o (?<o>[^ ]+)").o)), .command] | @tsv' "$commands")

normalised() {
  jq -r --arg b "$1" --arg exempt "$exempt" '.[]
    | (.output // (.command | capture(" -o (?<o>[^ ]+)").o)) as $o
    | select(($o | startswith("tests/")) and ($o | test($exempt) | not))
    | "\($o)\t\(.command | split($b) | join("BUILD"))"' "$1/compile_commands.json" | sort
}
if [ -n "$other" ]; then
  [ -r "$other/compile_commands.json" ] || { echo "no $other/compile_commands.json"; exit 1; }
  other=$(cd "$other" && pwd)
  differing=$(join -t $'\t' <(normalised "$build") <(normalised "$other") |
              awk -F'\t' '$2 != $3 {print $1}')
  if [ -n "$differing" ]; then
    echo "compiled differently in $build and in $other (so compiled twice):"
    echo "$differing"
    bad=$((bad + $(wc -l <<<"$differing")))
  fi
  echo "compared with $other: $(join -t $'\t' <(normalised "$build") <(normalised "$other") | wc -l) test objects in both"
fi

echo "$checked test objects checked, $bad not alike in every build"
[ "$checked" -gt 20 ] || { echo "too few test objects found: is $build a build with tests?"; exit 1; }
[ "$bad" -eq 0 ]
