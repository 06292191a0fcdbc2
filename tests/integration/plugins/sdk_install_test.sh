#!/bin/sh
# Installs zzjb (binary, SDK, bundled plugins) to a temporary prefix, builds plugins/template out
# of tree with find_package(zzjb) against that prefix, runs its test, installs it to the same
# prefix, and checks that the installed zzjb loads it: no rebuild of zzjb.
# usage: sdk_install_test.sh BUILD_DIR TEMPLATE_DIR WORK_DIR CMAKE
set -eu
build=$1 template=$2 work=$3 cmake=$4
ctest="$(dirname "$cmake")/ctest"
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"

"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log"
for f in bin/zzjb include/zzjb/plugin/api.hpp include/zzjb/plugin/export.hpp \
         lib/cmake/zzjb/zzjbConfig.cmake lib/cmake/zzjb/zzjbConfigVersion.cmake \
         lib/zzjb/plugins/zzjb-employer.so; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done

"$cmake" -S "$template" -B "$work/template" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_INSTALL_PREFIX="$prefix" >"$work/configure.log"
"$cmake" --build "$work/template" -j2 >"$work/build.log" || { cat "$work/build.log"; exit 1; }
(cd "$work/template" && "$ctest" --output-on-failure >"$work/ctest.log") \
  || { cat "$work/ctest.log"; exit 1; }
"$cmake" --install "$work/template" >>"$work/install.log"

out=$("$prefix/bin/zzjb" plugins --lang en) || { echo "$out"; echo "zzjb plugins failed"; exit 1; }
echo "$out"
echo "$out" | grep -q "loaded   example  ABI 1  .*/lib/zzjb/plugins/zzjb-example.so" \
  || { echo "the out-of-tree plugin was not loaded"; exit 1; }
echo "$out" | grep -q "4 loaded, 0 refused" || { echo "expected 4 plugins"; exit 1; }
rm -rf "$work"
