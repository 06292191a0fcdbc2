#!/bin/sh
# The integrator's start from an installed zzjb SDK, shared by plugins_sdk_install_out_of_tree
# (sdk_install_test.sh: `cmake --install`) and the package test (package/deb_test.sh: the
# zzjb-dev package in a test root): copies the INSTALLED template (<prefix>/share/zzjb/
# plugin-template, not the source tree's) into an empty directory, configures it with
# find_package(zzjb) against PREFIX and without a build type (it must default to Release), builds
# it, runs its test — which runs the plugin test kit with the zzjb of PREFIX — and runs
# PREFIX/bin/zzjb plugins test on the built plugin: every check passes. Leaves the build in
# WORK/template (the plugin: WORK/template/zzjb-example.so).
# usage: build_template.sh PREFIX WORK CMAKE
set -eu
prefix=$1 work=$2 cmake=$3
ctest="$(dirname "$cmake")/ctest"

src="$work/my-type"
rm -rf "$src" "$work/template"
mkdir -p "$src"
cp -R "$prefix/share/zzjb/plugin-template/." "$src/"
# No -DCMAKE_BUILD_TYPE (nor one from the environment): the template's default is what is tested.
unset CMAKE_BUILD_TYPE
"$cmake" -S "$src" -B "$work/template" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_INSTALL_PREFIX="$prefix" >"$work/configure.log" \
  || { cat "$work/configure.log"; echo "the installed template does not configure against $prefix"; exit 1; }
grep -qx "CMAKE_BUILD_TYPE:STRING=Release" "$work/template/CMakeCache.txt" \
  || { grep "CMAKE_BUILD_TYPE" "$work/template/CMakeCache.txt"; echo "the template does not default to a Release build"; exit 1; }
grep -qx "zzjb_DIR:PATH=$prefix/lib/cmake/zzjb" "$work/template/CMakeCache.txt" \
  || { grep "zzjb_DIR" "$work/template/CMakeCache.txt"; echo "the template did not find zzjb's CMake package in $prefix"; exit 1; }
grep -qx "ZZJB_EXECUTABLE:FILEPATH=$prefix/bin/zzjb" "$work/template/CMakeCache.txt" \
  || { grep "ZZJB_EXECUTABLE" "$work/template/CMakeCache.txt"; echo "the template did not find the installed zzjb for the test kit"; exit 1; }
"$cmake" --build "$work/template" -j2 >"$work/build.log" || { cat "$work/build.log"; exit 1; }
(cd "$work/template" && "$ctest" --output-on-failure >"$work/ctest.log") \
  || { cat "$work/ctest.log"; exit 1; }
grep -q "example_plugin_test_kit .*Passed" "$work/ctest.log" \
  || { cat "$work/ctest.log"; echo "the template's tests did not run the plugin test kit"; exit 1; }

# The kit itself, as the integrator runs it: every check passes, the rehearsal against zzjb-mock
# included.
kit=$("$prefix/bin/zzjb" plugins test "$work/template/zzjb-example.so" --lang en) \
  || { echo "$kit"; echo "zzjb plugins test failed on the installed template"; exit 1; }
echo "$kit"
echo "$kit" | grep -q "7 passed, 0 failed, 0 skipped" \
  || { echo "the installed template does not pass every check of the test kit"; exit 1; }
