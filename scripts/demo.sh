#!/usr/bin/env bash
# Installs what is missing, builds zzjb and shows it on the example configuration: the offline
# check of two schools, their CA keys, their two paper forms, then full passes against zzjb-mock
# (the mock platform) started on a free loopback port, and the report.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh demo
scripts/make-example-keys.sh config/keys >/dev/null
echo "== building zzjb and zzjb-mock (build/demo, a few minutes the first time)"
mkdir -p build
if ! { cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DZZJB_BUILD_TESTS=OFF &&
       cmake --build build/demo -j2; } >build/demo-build.log 2>&1; then
  tail -40 build/demo-build.log
  echo "the build failed: build/demo-build.log has all of it"
  exit 1
fi
zzjb=build/demo/cli/zzjb
mockbin=build/demo/mocks/platform/zzjb-mock
demo=$PWD/build/demo/rehearsal

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
  # --all: the example's majors are mostly evaluated already, which by default leaves them off 附件1;
  # the demo shows both forms filled in with every target.
  echo "== zzjb forms -c config/zzjb.example.json --school $school -o $out --all"
  "$zzjb" forms -c config/zzjb.example.json --school "$school" -o "$out" --all
done

# The rehearsal: a fresh zzjb-mock and a fresh state store every time. The example config is
# used as it is, except where the platform is (the mock's port and its TLS certificate) and
# where the state store lives; the copy sits next to it so that its relative paths still hold.
rm -rf "$demo"
mkdir -p "$demo"
"$mockbin" --listen 127.0.0.1:0 --port-file "$demo/port" --tls-out "$demo/tls" \
  --trust-ca config/keys/ca.pem --trust-ca config/keys/ca-sm2.pem \
  --catalog config/catalog.example.json --seed 7 >"$demo/mock.log" 2>&1 &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; rm -f config/.demo.json' EXIT
for _ in $(seq 100); do [ -s "$demo/port" ] && break; sleep 0.1; done
[ -s "$demo/port" ] || { echo "zzjb-mock did not start:"; cat "$demo/mock.log"; exit 1; }
base="https://127.0.0.1:$(cat "$demo/port")"
sed -e "s|\"baseUrl\": \"[^\"]*\"|\"baseUrl\": \"$base\"|" \
    -e "s|\"caBundle\": \"[^\"]*\"|\"caBundle\": \"$demo/tls/cert.pem\"|" \
    -e "s|\"path\": \"state/zzjb.sqlite\"|\"path\": \"$demo/state/zzjb.sqlite\"|" \
    config/zzjb.example.json >config/.demo.json
admin() { curl -sS --cacert "$demo/tls/cert.pem" -H 'Content-Type: application/json' "$@"; echo; }
echo "== zzjb-mock listening on $base (the centre reviews applications at once)"
admin -X POST "$base/__admin/review-policy" --data '{"mode": "auto-approve", "afterPolls": 1}' >/dev/null

pass() {
  echo "== zzjb run -c config/.demo.json   (pass $1)"
  set +e
  "$zzjb" run -c config/.demo.json --no-progress
  echo "(exit $?)"
  set -e
}
pass 1
echo "== the centre opens 职业资格鉴定 (电工 四级) for xuhui-zz   (POST /__admin/permissions)"
admin -X POST "$base/__admin/permissions" --data '{"creditCode": "12310104MB2F000081",
  "matter": "职业资格鉴定", "node": null, "occupationCode": "6-31-01-03",
  "occupationName": "电工", "level": 4, "evaluationOrg": null}'
echo "== the centre opens 专项职业能力考核 (网店运营 ZX-0301) for xuhui-zz   (POST /__admin/permissions)"
admin -X POST "$base/__admin/permissions" --data '{"creditCode": "12310104MB2F000081",
  "matter": "专项职业能力考核", "node": null, "abilityCode": "ZX-0301", "abilityName": "网店运营"}'
pass 2
pass 3
echo "== zzjb status -c config/.demo.json --brief   (one line a school, what needs action first)"
"$zzjb" status -c config/.demo.json --brief || true
echo "== zzjb status -c config/.demo.json"
"$zzjb" status -c config/.demo.json || true
"$zzjb" report -c config/.demo.json --format json -o "$demo/report.json" || true
"$zzjb" report -c config/.demo.json --format html -o "$demo/report.html" || true
echo
echo "forms written under $PWD/$out (open the .html files in a browser and print on A4)"
echo "report: $demo/report.html (and report.json next to it)"
exit "$rc"
