#!/usr/bin/env bash
# Installs what is missing, builds zzjb and shows it on the example configuration:
# the offline check of two schools, their CA keys, and their two paper forms.
# (The online pass against zzjb-mock comes with the engine; see the README.)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh build
scripts/make-example-keys.sh config/keys >/dev/null
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DZZJB_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo -j2 >/dev/null
zzjb=build/demo/cli/zzjb

echo "== zzjb check -c config/zzjb.example.json"
set +e
"$zzjb" check -c config/zzjb.example.json
rc=$?
set -e
echo "(exit $rc)"
echo "== zzjb identity check -c config/zzjb.example.json   (each school's CA key: open, sign, verify)"
"$zzjb" identity check -c config/zzjb.example.json
out=build/demo/forms
for school in xuhui-zz pudong-gz; do   # the two schools of the example
  echo "== zzjb forms -c config/zzjb.example.json --school $school -o $out"
  "$zzjb" forms -c config/zzjb.example.json --school "$school" -o "$out"
done
echo
echo "forms written under $PWD/$out (open the .html files in a browser and print on A4)"
exit "$rc"
