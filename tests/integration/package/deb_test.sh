#!/bin/sh
# Builds the .deb with `cpack -G DEB` from the configured, built tree, checks what it holds,
# unpacks it with dpkg-deb -x into a temporary root and runs that root's zzjb: --version, and
# `plugins`, which must find the three bundled plugins in <root>/usr/lib/zzjb/plugins.
# usage: deb_test.sh BUILD_DIR CPACK WORK_DIR VERSION          exit 77: no dpkg-deb here
set -eu
build=$1 cpack=$2 work=$3 version=$4
command -v dpkg-deb >/dev/null 2>&1 || { echo "SKIP: dpkg-deb not installed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"

(cd "$build" && "$cpack" -G DEB -B "$work/out" --config CPackConfig.cmake) >"$work/cpack.log" 2>&1 \
  || { cat "$work/cpack.log"; echo "cpack -G DEB failed"; exit 1; }
deb=$(ls "$work"/out/zzjb_"$version"*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { cat "$work/cpack.log"; ls -l "$work/out"; echo "no zzjb_$version*.deb"; exit 1; }
echo "built $(basename "$deb"): $(du -k "$deb" | cut -f1) KiB"

dpkg-deb --info "$deb" >"$work/info.txt"
for field in "Package: zzjb" "Version: $version" "Section: admin" "Maintainer:" "Depends:"; do
  grep -q "^ *$field" "$work/info.txt" || { cat "$work/info.txt"; echo "control lacks $field"; exit 1; }
done
for dep in libssl3 libstdc++6; do
  grep "^ *Depends:" "$work/info.txt" | grep -q "$dep" \
    || { cat "$work/info.txt"; echo "Depends lacks $dep"; exit 1; }
done
grep "^ *Depends:" "$work/info.txt"

root="$work/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/zzjb usr/bin/zzjb-plugin-test usr/bin/zzjb-mock usr/bin/zzjb-skf-mock \
         usr/lib/zzjb/libzzjb_skf_mock.so \
         usr/lib/zzjb/plugins/zzjb-social-org.so usr/lib/zzjb/plugins/zzjb-employer.so \
         usr/lib/zzjb/plugins/zzjb-qualification.so usr/lib/zzjb/plugins/zzjb-special-ability.so \
         usr/include/zzjb/plugin/api.hpp usr/lib/cmake/zzjb/zzjbConfig.cmake \
         usr/share/zzjb/plugin-template/CMakeLists.txt \
         usr/lib/systemd/system/zzjb.service usr/lib/systemd/system/zzjb.timer \
         usr/lib/systemd/system/zzjb-daemon.service usr/lib/sysusers.d/zzjb.conf \
         usr/share/zzjb/zzjb.example.json usr/share/zzjb/catalog.example.json \
         usr/share/zzjb/zzjb.schema.json usr/share/doc/zzjb/operations.md; do
  [ -e "$root/$f" ] || { dpkg-deb -c "$deb"; echo "not in the package: $f"; exit 1; }
done
# No configuration in /etc: the administrator writes it from the example.
[ ! -e "$root/etc/zzjb/zzjb.json" ] || { echo "the package must not ship /etc/zzjb/zzjb.json"; exit 1; }
grep -q "^ExecStart=/usr/bin/zzjb run -c /etc/zzjb/zzjb.json" "$root/usr/lib/systemd/system/zzjb.service" \
  || { echo "installed zzjb.service does not run /usr/bin/zzjb"; exit 1; }

# The unpacked zzjb, away from the build tree: no build-tree plugins next to it, no config.
out=$(cd "$work" && "$root/usr/bin/zzjb" --version) || { echo "$out"; echo "zzjb --version failed"; exit 1; }
echo "$out"
echo "$out" | grep -q "$version" || { echo "--version does not say $version"; exit 1; }

rc=0
out=$(cd "$work" && "$root/usr/bin/zzjb" plugins --lang en 2>&1) || rc=$?
echo "$out"
[ "$rc" -eq 0 ] || { echo "zzjb plugins exited $rc"; exit 1; }
for t in social-org employer qualification; do
  echo "$out" | grep -q "loaded .*$root/usr/lib/zzjb/plugins/zzjb-$t.so" \
    || { echo "plugin $t not loaded from $root/usr/lib/zzjb/plugins"; exit 1; }
done
echo "$out" | grep -q "4 loaded, 0 refused" || { echo "expected the 4 bundled plugins loaded, 0 refused"; exit 1; }

# The plugin test kit runs from the unpacked root too: `zzjb plugins test` finds zzjb-plugin-test
# beside zzjb, and its rehearsal against the in-process zzjb-mock passes for a packaged plugin.
out=$(cd "$work" && "$root/usr/bin/zzjb" plugins test "$root/usr/lib/zzjb/plugins/zzjb-social-org.so" --lang en 2>&1) \
  || { echo "$out"; echo "zzjb plugins test failed on the packaged social-org plugin"; exit 1; }
echo "$out" | grep -q "7 passed, 0 failed, 0 skipped" \
  || { echo "$out"; echo "the packaged kit did not pass every check on the packaged social-org plugin"; exit 1; }

# zzjb-mock and zzjb-skf-mock start (their libraries resolve) from the unpacked root.
for b in zzjb-mock zzjb-skf-mock; do
  out=$(cd "$work" && "$root/usr/bin/$b" --help 2>&1) || true
  if echo "$out" | grep -q "error while loading shared libraries"; then
    echo "$out"; echo "$b does not start"; exit 1
  fi
done

echo "contents:"
dpkg-deb -c "$deb" | awk '{print $6}' | grep -v '/$' | sed 's#^\./#/#'
rm -rf "$work"
