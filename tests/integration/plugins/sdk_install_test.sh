#!/bin/sh
# Installs zzjb (binary, SDK, bundled plugins, the plugin template) to a temporary prefix with
# `cmake --install`, then builds the INSTALLED template out of tree against that prefix, runs its
# test and the installed `zzjb plugins test` on it (build_template.sh, shared with the package
# test), installs it to the same prefix, and checks that the installed zzjb loads it: no rebuild
# of zzjb, no zzjb sources (issue 14, must-show 4; docs/plugins.md "Test kit").
# usage: sdk_install_test.sh BUILD_DIR WORK_DIR CMAKE
set -eu
build=$1 work=$2 cmake=$3
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"

"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log"
for f in bin/zzjb bin/zzjb-plugin-test include/zzjb/plugin/api.hpp include/zzjb/plugin/export.hpp \
         lib/cmake/zzjb/zzjbConfig.cmake lib/cmake/zzjb/zzjbConfigVersion.cmake \
         lib/zzjb/plugins/zzjb-employer.so share/zzjb/plugin-template/CMakeLists.txt \
         share/zzjb/plugin-template/example_type.cpp share/zzjb/plugin-template/example_type.hpp \
         share/zzjb/plugin-template/example_type_test.cpp; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done

# The integrator's start, the installed template built and tested (build_template.sh).
"$(dirname "$0")/build_template.sh" "$prefix" "$work" "$cmake"
"$cmake" --install "$work/template" >>"$work/install.log"

out=$("$prefix/bin/zzjb" plugins --lang en) || { echo "$out"; echo "zzjb plugins failed"; exit 1; }
echo "$out"
echo "$out" | grep -q "loaded   example  ABI 2  .*/lib/zzjb/plugins/zzjb-example.so" \
  || { echo "the out-of-tree plugin was not loaded"; exit 1; }
echo "$out" | grep -q "description: an example type: students need a value in the roster column" \
  || { echo "zzjb plugins does not print the example type's description"; exit 1; }
echo "$out" | grep -q "5 loaded, 0 refused" || { echo "expected 5 plugins (the four bundled and the example)"; exit 1; }
rm -rf "$work"
