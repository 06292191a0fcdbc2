#!/bin/sh
# `systemd-analyze verify` on config/systemd/{zzjb.service,zzjb.timer,zzjb-daemon.service}. verify
# insists that ExecStart='s binary exists, so the units are copied to a scratch directory with
# /usr/bin/zzjb rewritten to the zzjb just built; everything else is verified as shipped. Any
# message (an unknown key is only a warning to systemd) fails the test.
# usage: verify_units_test.sh UNIT_SRC_DIR ZZJB_BIN WORK_DIR      exit 77: cannot verify here
set -eu
src=$1 bin=$2 work=$3
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze not installed (apt-get install systemd; scripts/deps.sh test)"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work"
units="zzjb.service zzjb.timer zzjb-daemon.service"
for u in $units; do
  [ -f "$src/$u" ] || { echo "missing unit: $src/$u"; exit 1; }
  sed "s#/usr/bin/zzjb #$bin #" "$src/$u" >"$work/$u"
done
grep -q "^ExecStart=$bin run -c /etc/zzjb/zzjb.json" "$work/zzjb.service" \
  || { echo "zzjb.service: ExecStart is not /usr/bin/zzjb run -c /etc/zzjb/zzjb.json"; exit 1; }
grep -q "^ExecStart=$bin daemon -c /etc/zzjb/zzjb.json" "$work/zzjb-daemon.service" \
  || { echo "zzjb-daemon.service: ExecStart is not /usr/bin/zzjb daemon -c ..."; exit 1; }

cd "$work"
# A sanity run first: in a container without a usable systemd, verify may not work at all.
if ! systemd-analyze --version >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze does not run here"
  exit 77
fi
rc=0
out=$(systemd-analyze verify --man=no $units 2>&1) || rc=$?
echo "systemd-analyze verify $units: exit $rc"
[ -z "$out" ] || echo "$out"
[ "$rc" -eq 0 ] || exit 1
[ -z "$out" ] || { echo "systemd-analyze verify printed warnings"; exit 1; }

# And it does catch a broken unit (so a pass above means something).
sed 's#^ExecStart=.*#ExecStart=/nonexistent/zzjb run#' zzjb.service >broken.service
if systemd-analyze verify --man=no broken.service >/dev/null 2>&1; then
  echo "systemd-analyze verify accepted a unit whose binary does not exist"
  exit 1
fi
rm -rf "$work"
echo "ok: $units"
