#!/bin/sh
# The three packages (docs/operations.md, "1. Install", "6. Upgrade", "7. Remove"): builds zzjb,
# zzjb-dev and zzjb-mock with one `cpack -G DEB` from the configured, built tree, and "the
# previous build" with a second: the same tree packaged in the layout shipped before the split
# (`cpack -D CPACK_ZZJB_LAYOUT=single`: one package `zzjb` with everything, version 0.1.0, no
# Debian revision), which is what a machine has installed today. Then:
#   - each package's control fields and contents: no file in two packages, the three together
#     hold exactly what the single package held, the mock and the SKF token not in zzjb, headers
#     and the CMake package only in zzjb-dev;
#   - real dpkg into a test root (dpkg --root=ROOT --force-script-chrootless: the maintainer
#     scripts run with DPKG_ROOT=ROOT and act inside it), where the packages zzjb depends on are
#     recorded as installed (their status copied from this machine): the previous build
#     installed, zzjb-mock alone refused beside it (Breaks), upgraded to the three in one
#     dpkg -i, the new ones first (no file conflict: Replaces),
#     configured again (the scripts are idempotent), zzjb-mock purged;
#   - zzjb-dev (and zzjb, which it depends on) alone builds the plugin template: configured
#     against ROOT/usr, built with the host's cmake and compiler (what zzjb-dev's Depends pull
#     in), its test and the packaged `zzjb plugins test` pass (../plugins/build_template.sh);
#   - purging zzjb keeps /etc/zzjb and /var/lib/zzjb; purging with the marker
#     /etc/zzjb/purge-removes-data or ZZJB_PURGE_DATA=yes removes them, a link in their place
#     removed and not followed.
# usage: deb_test.sh BUILD_DIR CPACK WORK_DIR VERSION CMAKE
#        exit 77: no dpkg here, or not root
set -eu
build=$1 cpack=$2 work=$3 version=$4 cmake=$5
here=$(cd "$(dirname "$0")" && pwd)
for t in dpkg dpkg-deb dpkg-query; do
  command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed (scripts/deps.sh test)"; exit 77; }
done
# dpkg installs files owned by root and the postinst creates the zzjb user in the test root.
[ "$(id -u)" -eq 0 ] || { echo "SKIP: not root (dpkg installs root-owned files into the test root)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work"
mkdir -p "$work"
new_version="$version-1"   # CPACK_DEBIAN_PACKAGE_RELEASE (cmake/ZzjbPackaging.cmake)

start=$(date +%s)
# ---- Build: zstd, fast to make and to unpack (the shipped packages use CPack's default gzip).
(cd "$build" && "$cpack" -G DEB -B "$work/new" -D CPACK_DEBIAN_COMPRESSION_TYPE=zstd \
   --config CPackConfig.cmake) >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack -G DEB"; }
(cd "$build" && "$cpack" -G DEB -B "$work/old" -D CPACK_DEBIAN_COMPRESSION_TYPE=zstd \
   -D CPACK_ZZJB_LAYOUT=single --config CPackConfig.cmake) >"$work/cpack-old.log" 2>&1 \
  || { cat "$work/cpack-old.log"; fail "cpack -G DEB -D CPACK_ZZJB_LAYOUT=single"; }
ls "$work/new"/*.deb "$work/old"/*.deb
echo "cpack, both layouts: $(($(date +%s) - start)) s"
zzjb="$work/new/zzjb_${new_version}_$(dpkg --print-architecture).deb"
dev="$work/new/zzjb-dev_${new_version}_$(dpkg --print-architecture).deb"
mock="$work/new/zzjb-mock_${new_version}_$(dpkg --print-architecture).deb"
old="$work/old/zzjb_${version}_$(dpkg --print-architecture).deb"
for d in "$zzjb" "$dev" "$mock" "$old"; do [ -f "$d" ] || fail "cpack did not make $d"; done
[ "$(ls "$work/new"/*.deb | wc -l)" -eq 3 ] || fail "expected exactly three packages"

# ---- Control fields.
field() { dpkg-deb -f "$1" "$2"; }
for d in "$zzjb" "$dev" "$mock"; do
  [ "$(field "$d" Version)" = "$new_version" ] || fail "$d: Version is not $new_version"
  [ -n "$(field "$d" Maintainer)" ] || fail "$d: no Maintainer"
done
[ "$(field "$zzjb" Package)" = zzjb ] && [ "$(field "$zzjb" Section)" = admin ] || fail "zzjb: Package/Section"
[ "$(field "$dev" Package)" = zzjb-dev ] && [ "$(field "$dev" Section)" = devel ] || fail "zzjb-dev: Package/Section"
[ "$(field "$mock" Package)" = zzjb-mock ] && [ "$(field "$mock" Section)" = admin ] || fail "zzjb-mock: Package/Section"
[ "$(field "$old" Package)" = zzjb ] && [ "$(field "$old" Version)" = "$version" ] || fail "previous: not zzjb $version"
# shlibdeps: the libraries each package's binaries link.
for d in "$zzjb" "$mock" "$dev"; do
  for lib in libssl3 libstdc++6 libc6; do
    field "$d" Depends | grep -q "$lib" || fail "$(basename "$d"): Depends lacks $lib: $(field "$d" Depends)"
  done
done
field "$zzjb" Depends | grep -q "libcurl" || fail "zzjb: Depends lacks libcurl"
field "$dev" Depends | grep -q "zzjb (= $new_version)" || fail "zzjb-dev: Depends lacks zzjb (= $new_version)"
for dep in "cmake (>= 3.25)" "libboost-dev" "c++-compiler"; do
  field "$dev" Depends | grep -qF "$dep" || fail "zzjb-dev: Depends lacks $dep"
done
field "$zzjb" Depends | grep -q "zzjb" && fail "zzjb depends on a zzjb package: $(field "$zzjb" Depends)"
field "$mock" Depends | grep -q "zzjb" && fail "zzjb-mock depends on zzjb (it stands alone): $(field "$mock" Depends)"
for d in "$dev" "$mock"; do
  for f in Breaks Replaces; do
    [ "$(field "$d" $f)" = "zzjb (<< $new_version)" ] || fail "$(basename "$d"): $f is not zzjb (<< $new_version)"
  done
done
# Each its own summary.
[ "$(field "$zzjb" Description | head -n1)" != "$(field "$dev" Description | head -n1)" ] \
  && [ "$(field "$dev" Description | head -n1)" != "$(field "$mock" Description | head -n1)" ] \
  || fail "the packages share a summary line"
for d in "$zzjb" "$dev" "$mock"; do echo "$(field "$d" Package): $(field "$d" Description | head -n1)"; done
echo "zzjb-dev Depends: $(field "$dev" Depends)"
# Maintainer scripts: zzjb's; none in zzjb-dev; zzjb-mock's do nothing (CPack's own would run
# ldconfig, under DPKG_ROOT on the running system).
dpkg-deb -I "$zzjb" postrm >/dev/null 2>&1 || fail "zzjb has no postrm"
for s in preinst postinst prerm postrm; do
  dpkg-deb -I "$dev" $s >/dev/null 2>&1 && fail "zzjb-dev has a $s"
  dpkg-deb -I "$mock" $s 2>/dev/null | grep -v "^ *#" | grep -q ldconfig && fail "zzjb-mock's $s runs ldconfig"
done

# ---- Contents: files (not directories), one per line.
files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {print $6}' | sed 's#^\./#/#' | sort; }
files "$zzjb" >"$work/zzjb.files"; files "$dev" >"$work/dev.files"; files "$mock" >"$work/mock.files"
files "$old" >"$work/old.files"
dup=$(sort "$work/zzjb.files" "$work/dev.files" "$work/mock.files" | uniq -d)
[ -z "$dup" ] || fail "in two packages: $dup"
sort "$work/zzjb.files" "$work/dev.files" "$work/mock.files" >"$work/union.files"
diff "$work/old.files" "$work/union.files" \
  || fail "the three packages do not hold exactly what the single package held (< only in it, > only in the three)"
has() { grep -qx "$2" "$work/$1.files" || fail "$1 lacks $2"; }
for f in /usr/bin/zzjb /usr/lib/zzjb/plugins/zzjb-social-org.so /usr/lib/zzjb/plugins/zzjb-employer.so \
         /usr/lib/zzjb/plugins/zzjb-qualification.so /usr/lib/zzjb/plugins/zzjb-special-ability.so \
         /usr/lib/systemd/system/zzjb.service /usr/lib/systemd/system/zzjb.timer \
         /usr/lib/systemd/system/zzjb-daemon.service /usr/lib/sysusers.d/zzjb.conf \
         /usr/share/zzjb/zzjb.example.json /usr/share/zzjb/catalog.example.json \
         /usr/share/zzjb/zzjb.schema.json /usr/share/doc/zzjb/operations.md /usr/share/doc/zzjb/plugins.md; do
  has zzjb "$f"
done
for f in /usr/bin/zzjb-plugin-test /usr/include/zzjb/plugin/api.hpp /usr/lib/cmake/zzjb/zzjbConfig.cmake \
         /usr/lib/cmake/zzjb/zzjbTargets.cmake /usr/lib/cmake/zzjb/ZzjbPlugin.cmake \
         /usr/share/zzjb/plugin-template/CMakeLists.txt; do
  has dev "$f"
done
for f in /usr/bin/zzjb-mock /usr/bin/zzjb-skf-mock /usr/lib/zzjb/libzzjb_skf_mock.so; do has mock "$f"; done
grep -E '^/usr/include/' "$work/zzjb.files" "$work/mock.files" && fail "headers outside zzjb-dev"
grep -E 'mock' "$work/zzjb.files" && fail "the mock or the SKF token in zzjb"
grep -E '^/etc/' "$work/union.files" && fail "a package ships a file in /etc (the administrator writes it)"
# Nothing in zzjb-dev points into the build or source tree: it is all the template needs.
dpkg-deb -x "$dev" "$work/dev-x"
grep -rlF "$build" "$work/dev-x" && fail "zzjb-dev names the build tree $build"

# ---- The test root: the packages zzjb's depend on, recorded as installed with this machine's
# versions (no files), so that dpkg checks every Depends; none of zzjb's own.
root="$work/root"
admin="$root/var/lib/dpkg"
mkdir -p "$admin/info" "$admin/updates" "$admin/triggers" "$root/etc"
: >"$admin/status"
: >"$admin/available"
for d in "$zzjb" "$dev" "$mock" "$old"; do
  for f in Depends Pre-Depends; do field "$d" $f; done
done | tr ',|' '\n\n' | sed 's/(.*//; s/:any//; s/ //g' | grep -v '^zzjb' | grep -v '^$' | sort -u >"$work/deps"
while read -r p; do
  dpkg-query -s "$p" 2>/dev/null | grep -E '^(Package|Status|Priority|Maintainer|Architecture|Multi-Arch|Version|Provides|Essential|Description):' \
    >"$work/stanza" || continue
  grep -q '^Status: install ok installed' "$work/stanza" || continue
  cat "$work/stanza" >>"$admin/status"; echo >>"$admin/status"
  arch=$(sed -n 's/^Architecture: //p' "$work/stanza")
  name=$p
  if grep -q '^Multi-Arch: same' "$work/stanza"; then name="$p:$arch"; fi
  : >"$admin/info/$name.list"
  : >"$admin/info/$name.md5sums"
done <"$work/deps"
# dpkg as in a system of its own.
dpkgr() { dpkg --root="$root" --admindir="$admin" --log="$work/dpkg.log" --force-script-chrootless "$@"; }
status() { dpkg-query --admindir="$admin" -W -f='${db:Status-Abbrev}${Version}' "$1" 2>/dev/null || true; }
owner() { dpkg-query --admindir="$admin" -S "$1" 2>/dev/null | cut -d: -f1; }

# The previous build, then the administrator's files.
dpkgr -i "$old" >"$work/step.log" 2>&1 || { cat "$work/step.log"; fail "installing the previous build"; }
[ "$(status zzjb)" = "ii $version" ] || fail "previous zzjb not installed: $(status zzjb)"
[ "$(owner /usr/bin/zzjb-mock)" = zzjb ] || fail "the previous build did not have zzjb-mock in zzjb"
grep -q '^zzjb:' "$root/etc/passwd" || fail "postinst did not create the zzjb user in the test root"
mkdir -p "$root/etc/zzjb" "$root/var/lib/zzjb"
echo '{"note": "the administrator'"'"'s"}' >"$root/etc/zzjb/zzjb.json"
echo 'declared' >"$root/var/lib/zzjb/state.sqlite"

# zzjb-mock alone is refused while the single zzjb is there (Breaks: it would take files of a
# zzjb that still claims them).
dpkgr -i "$mock" >"$work/step.log" 2>&1 && { cat "$work/step.log"; fail "zzjb-mock installed beside the single zzjb $version"; }
[ "$(status zzjb-mock)" != "ii $new_version" ] || fail "zzjb-mock configured beside the single zzjb"
# The upgrade: the three in one dpkg -i, the new packages first, so that they take over files
# the old zzjb still has (Replaces) and dpkg deconfigures it (Breaks) until its upgrade, with
# --auto-deconfigure as apt calls dpkg.
dpkgr --auto-deconfigure -i "$mock" "$dev" "$zzjb" >"$work/step.log" 2>&1 || { cat "$work/step.log"; fail "upgrading to the three packages"; }
for p in zzjb zzjb-dev zzjb-mock; do
  [ "$(status $p)" = "ii $new_version" ] || fail "$p after the upgrade: $(status $p)"
done
[ "$(owner /usr/bin/zzjb-mock)" = zzjb-mock ] || fail "/usr/bin/zzjb-mock not zzjb-mock's: $(owner /usr/bin/zzjb-mock)"
[ "$(owner /usr/include/zzjb/plugin/api.hpp)" = zzjb-dev ] || fail "api.hpp not zzjb-dev's"
[ "$(owner /usr/bin/zzjb)" = zzjb ] || fail "/usr/bin/zzjb not zzjb's"
[ -z "$(dpkgr --audit)" ] || { dpkgr --audit; fail "dpkg --audit after the upgrade"; }
for f in $(cat "$work/union.files"); do [ -e "$root$f" ] || fail "missing after the upgrade: $f"; done
grep -qx 'declared' "$root/var/lib/zzjb/state.sqlite" || fail "the upgrade lost /var/lib/zzjb"
# Once more: configured again, nothing changes, nothing fails.
dpkgr -i "$zzjb" >"$work/step.log" 2>&1 || { cat "$work/step.log"; fail "reinstalling zzjb"; }
[ "$(grep -c '^zzjb:' "$root/etc/passwd")" -eq 1 ] || fail "the zzjb user twice in the test root"

# The installed zzjb runs from the root, and finds the packaged plugins there.
out=$(cd "$work" && "$root/usr/bin/zzjb" --version) || fail "zzjb --version: $out"
echo "$out" | grep -q "$version" || fail "--version does not say $version: $out"
out=$(cd "$work" && "$root/usr/bin/zzjb" plugins --lang en 2>&1) || fail "zzjb plugins: $out"
echo "$out" | grep -q "loaded .*$root/usr/lib/zzjb/plugins/zzjb-social-org.so" || fail "plugins not loaded from the root: $out"
echo "$out" | grep -q "4 loaded, 0 refused" || fail "expected the 4 bundled plugins: $out"
for b in zzjb-mock zzjb-skf-mock; do
  out=$("$root/usr/bin/$b" --help 2>&1) || true
  echo "$out" | grep -q "error while loading shared libraries" && fail "$b does not start: $out"
done

# zzjb-mock goes; zzjb-dev and zzjb build the template alone.
dpkgr --purge zzjb-mock >"$work/step.log" 2>&1 || { cat "$work/step.log"; fail "purging zzjb-mock"; }
[ ! -e "$root/usr/bin/zzjb-mock" ] && [ ! -e "$root/usr/lib/zzjb/libzzjb_skf_mock.so" ] || fail "zzjb-mock's files left"
[ -x "$root/usr/bin/zzjb" ] || fail "purging zzjb-mock removed zzjb"
"$here/../plugins/build_template.sh" "$root/usr" "$work/plugin" "$cmake"

# Purge: the administrator's directories kept unless asked.
dpkgr --purge zzjb >"$work/step.log" 2>&1 && fail "zzjb purged while zzjb-dev depends on it"
dpkgr --purge zzjb-dev zzjb >"$work/step.log" 2>&1 || { cat "$work/step.log"; fail "purging zzjb-dev and zzjb"; }
[ -z "$(status zzjb)$(status zzjb-dev)" ] || fail "zzjb or zzjb-dev still known to dpkg: $(status zzjb) $(status zzjb-dev)"
for f in $(cat "$work/union.files"); do [ ! -e "$root$f" ] || fail "left after the purge: $f"; done
grep -q 'administrator' "$root/etc/zzjb/zzjb.json" || fail "purge removed /etc/zzjb (not asked)"
grep -qx 'declared' "$root/var/lib/zzjb/state.sqlite" || fail "purge removed /var/lib/zzjb (not asked)"

# Asked by the marker; /var/lib/zzjb a link to elsewhere: the link goes, not what it points to.
dpkgr -i "$zzjb" >"$work/step.log" 2>&1 || { cat "$work/step.log"; fail "installing zzjb again"; }
touch "$root/etc/zzjb/purge-removes-data"
mkdir -p "$work/elsewhere"
echo 'keep' >"$work/elsewhere/state.sqlite"
mv "$root/var/lib/zzjb" "$work/moved-state"
ln -s "$work/elsewhere" "$root/var/lib/zzjb"
dpkgr --purge zzjb >"$work/step.log" 2>&1 || { cat "$work/step.log"; fail "purging zzjb with the marker"; }
[ ! -e "$root/etc/zzjb" ] || fail "the marker did not make purge remove /etc/zzjb"
[ ! -e "$root/var/lib/zzjb" ] && [ ! -L "$root/var/lib/zzjb" ] || fail "the marker did not make purge remove /var/lib/zzjb"
grep -qx 'keep' "$work/elsewhere/state.sqlite" || fail "purge followed the link /var/lib/zzjb"

# Asked by ZZJB_PURGE_DATA=yes.
dpkgr -i "$zzjb" >"$work/step.log" 2>&1 || { cat "$work/step.log"; fail "installing zzjb a third time"; }
mv "$work/moved-state" "$root/var/lib/zzjb"
mkdir -p "$root/etc/zzjb" && echo '{}' >"$root/etc/zzjb/zzjb.json"
ZZJB_PURGE_DATA=yes dpkgr --purge zzjb >"$work/step.log" 2>&1 || { cat "$work/step.log"; fail "purging with ZZJB_PURGE_DATA=yes"; }
[ ! -e "$root/etc/zzjb" ] && [ ! -e "$root/var/lib/zzjb" ] || fail "ZZJB_PURGE_DATA=yes did not remove /etc/zzjb and /var/lib/zzjb"
left=$(find "$root/usr" ! -type d 2>/dev/null || true)
[ -z "$left" ] || fail "files left in /usr after every package was purged: $left"
[ -z "$(dpkgr --audit)" ] || { dpkgr --audit; fail "dpkg --audit after the purges"; }
echo "ok: installed, upgraded from $version, template built, purged: $(($(date +%s) - start)) s"
rm -rf "$work"
