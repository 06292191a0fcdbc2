#!/bin/sh
# Throughput of zzjb-mock with wrk: starts the mock on port 0 in a temporary directory, logs in
# once (login.sh), then runs `wrk -t2 -c32 -d10s` on
#   health.lua     GET /__admin/health            (TLS + HTTP server, no platform rules)
#   challenge.lua  POST /api/v1/auth/challenge    (first half of the login path)
#   catalog.lua    GET /api/v1/skills/catalog     (authenticated read: Bearer session)
# and finally times 20 complete logins (challenge + sign + login) made one after the other with
# login.sh: that figure includes curl/openssl/jq start-up and is an upper bound.
# usage: bench/mock/run.sh [path/to/zzjb-mock]   (default: build/release, then build/mocks)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mock=${1:-}
if [ -z "$mock" ]; then
  for candidate in "$root/build/release/mocks/platform/zzjb-mock" \
                   "$root/build/mocks/mocks/platform/zzjb-mock"; do
    if [ -x "$candidate" ]; then mock=$candidate; break; fi
  done
fi
[ -n "$mock" ] && [ -x "$mock" ] || { echo "run.sh: no zzjb-mock binary; build it first" >&2; exit 2; }
command -v wrk >/dev/null || { echo "run.sh: wrk not found (apt-get install wrk)" >&2; exit 2; }
threads=${ZZJB_WRK_THREADS:-2}
connections=${ZZJB_WRK_CONNECTIONS:-32}
duration=${ZZJB_WRK_DURATION:-10s}

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$here/make_identity.sh" "$tmp/id" >/dev/null
"$mock" --listen 127.0.0.1:0 --port-file "$tmp/port" --tls-out "$tmp/tls" \
  --trust-ca "$tmp/id/ca.pem" >"$tmp/mock.out" 2>"$tmp/mock.err" &
pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
  i=$((i + 1))
  [ $i -lt 200 ] || { cat "$tmp/mock.err" >&2; exit 1; }
  sleep 0.05
done
base="https://127.0.0.1:$(cat "$tmp/port")"
echo "zzjb-mock $mock at $base; wrk -t$threads -c$connections -d$duration; $(nproc) cores"

ZZJB_TOKEN=$("$here/login.sh" "$base" "$tmp/tls/cert.pem" "$tmp/id")
export ZZJB_TOKEN

for script in health challenge catalog; do
  echo
  echo "== $script.lua"
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$here/$script.lua" "$base" |
    grep -E 'Requests/sec|Latency|50%|99%|requests in|Non-2xx|Socket errors'
done

echo
echo "== 20 sequential logins with login.sh (challenge + openssl sign + login, process start-up included)"
start=$(date +%s%N)
n=0
while [ $n -lt 20 ]; do
  "$here/login.sh" "$base" "$tmp/tls/cert.pem" "$tmp/id" >/dev/null
  n=$((n + 1))
done
end=$(date +%s%N)
echo "  $(( (end - start) / 20000000 )) ms per login"
