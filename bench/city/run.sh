#!/usr/bin/env bash
# bench/city: N schools × M students through the real `zzjb run` against the real zzjb-mock on
# loopback (bench/README.md, "A city through zzjb run"). Not a test: it prints figures.
#
#   bench/city/run.sh -n 200 -m 500 [--delay-ms 200] [--only-delay] [--zzjb PATH] [--mock PATH]
#                     [--dir DIR] [--max-concurrent-schools K] [--poll-interval-ms MS]
#                     [--clients K] [--passes 3] [--keep-going]
#
# For each scenario (no fault; then, with --delay-ms D, a delay fault of D ms on every platform
# request) the mock is reset, zzjb's state store is emptied and `zzjb run` is run --passes times
# (default 3): pass 1 is the first pass; then the centre grants every school its qualification
# permission; pass 2 is the pass that follows the grants; pass 3 must find everything up to date
# and send nothing (a warning says when the last pass still sent requests). Each pass: wall
# time, user and system CPU, peak RSS (of zzjb, from wait4), zzjb's exit code, requests the mock
# received (its journal) and of those the submissions (POST/PUT), the mock's own CPU over the
# pass (/proc/PID/stat), and the accepted declarations on the platform after it.
# --max-concurrent-schools K (default 8; 0 leaves it out) is written as
# platform.maxConcurrentSchools into each configuration: zzjb run takes K schools at once (before
# issue 12 the loader warned CONFIG_UNKNOWN_KEY and ignored it).
# --clients K splits the schools over K configurations (school i in client i mod K, each with its
# own state store) run as K `zzjb run` processes at once: how parallel schools were measured
# before zzjb had them; leave it at 1 now. Wall time is the slowest client's, CPU the sum, peak
# RSS the largest.
# --poll-interval-ms sets platform.pollIntervalMs in each configuration (default: zzjb's own):
# with 0 the first pass is bounded by CPU instead of sleeps, which loads the mock as many
# concurrent schools would.
# Needs g++ and libssl-dev (what builds zzjb) and curl (scripts/deps.sh demo). Files go to DIR
# (default build/bench-city/NxM); the rosters and keys are kept and reused by the next run with
# the same N and M (making them takes under a second for 200 × 500).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

n=10 m=500 delay='' onlyDelay=0 zzjb='' mock='' dir='' passes=3 keepGoing=0 pollMs='' clients=1
maxSchools=8
usage() { sed -n -e '5s/^# */usage: /p' -e '6,7s/^#/ /p' "$0" >&2; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n=$2; shift 2 ;;
    -m) m=$2; shift 2 ;;
    --delay-ms) delay=$2; shift 2 ;;
    --only-delay) onlyDelay=1; shift ;;
    --zzjb) zzjb=$2; shift 2 ;;
    --mock) mock=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --max-concurrent-schools) maxSchools=$2; shift 2 ;;
    --passes) passes=$2; shift 2 ;;
    --poll-interval-ms) pollMs=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --keep-going) keepGoing=1; shift ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage ;;
  esac
done
[[ $n =~ ^[1-9][0-9]*$ && $m =~ ^[1-9][0-9]*$ && $passes =~ ^[1-9]$ && $clients =~ ^[1-9][0-9]*$ ]] || usage
[ -z "$delay" ] || [[ $delay =~ ^[0-9]+$ ]] || usage
[[ $maxSchools =~ ^[0-9]+$ ]] || usage
[ "$maxSchools" != 0 ] || maxSchools=
[ -z "$pollMs" ] || [[ $pollMs =~ ^[0-9]+$ ]] || usage
[ "$onlyDelay" = 0 ] || [ -n "$delay" ] || usage
for tool in g++ curl; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed (scripts/deps.sh demo)" >&2; exit 69; }
done

pick() {  # pick FLAG-VALUE CANDIDATES...: the first executable
  local c
  for c in "$@"; do [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return; }; done
  return 1
}
zzjb=$(pick "$zzjb" "$root/build/rel/cli/zzjb" "$root/build/release/cli/zzjb" \
  "$root/build/demo/cli/zzjb") || { echo "$0: no zzjb binary: build one or pass --zzjb" >&2; exit 69; }
mock=$(pick "$mock" "$(dirname "$(dirname "$zzjb")")/mocks/platform/zzjb-mock") ||
  { echo "$0: no zzjb-mock next to $zzjb: pass --mock" >&2; exit 69; }
zzjb=$(cd "$(dirname "$zzjb")" && pwd)/$(basename "$zzjb")
mock=$(cd "$(dirname "$mock")" && pwd)/$(basename "$mock")

dir=${dir:-$root/build/bench-city/${n}x$m}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
umask 077

# ---- the helper (generator and timer), built with the system's g++ ------------------------------
city=$dir/../city-helper
if [ ! -x "$city" ] || [ "$here/city.cpp" -nt "$city" ]; then
  g++ -std=c++20 -O2 -Wall -o "$city.tmp" "$here/city.cpp" -lcrypto && mv -f "$city.tmp" "$city"
fi

# ---- the city: rosters, catalog, keys, config ------------------------------------------------
t0=$(date +%s.%N)
if [ ! -s "$dir/schools.tsv" ] || [ ! -s "$dir/eligible" ] || [ "$(wc -l <"$dir/schools.tsv")" -ne "$n" ]; then
  rm -rf "$dir/rosters"
  "$city" gen --dir "$dir" -n "$n" -m "$m"
fi
# The bench CA and per school a P-256 key and a certificate carrying the keyID and credit-code
# extensions, made the way scripts/make-example-keys.sh makes the example's (in-process: fast).
"$city" keys --dir "$dir"
IFS=$'\t' read -r orgName orgCode <"$dir/org.tsv"
t1=$(date +%s.%N)
printf 'city: %d schools × %d students in %s (made or checked in %.1f s)\n' "$n" "$m" "$dir" \
  "$(awk "BEGIN{print $t1 - $t0}")"

# ---- the mock -------------------------------------------------------------------------------
run=$dir/run
rm -rf "$run"
mkdir -p "$run"
"$mock" --listen 127.0.0.1:0 --port-file "$run/port" --tls-out "$run/tls" \
  --trust-ca "$dir/keys/ca.pem" --catalog "$dir/catalog.json" --journal-size 1000000 \
  >"$run/mock.log" 2>&1 &
mockPid=$!
trap 'kill "$mockPid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$run/port" ] && break; sleep 0.1; done
[ -s "$run/port" ] || { echo "zzjb-mock did not start:" >&2; cat "$run/mock.log" >&2; exit 1; }
base="https://127.0.0.1:$(cat "$run/port")"
admin() { curl -sS --fail-with-body --cacert "$run/tls/cert.pem" -H 'Content-Type: application/json' "$@"; }

# ---- the config: every school, the mock as the platform ------------------------------------
year=$(sed -n 's/.*,\([0-9]\{4\}\)\r$/\1/p' "$dir/rosters/city-0000.csv" | sort | head -1)
writeConfig() {  # writeConfig CLIENT: the schools i with i mod $clients = CLIENT
  local client=$1 i=0 sep='' id credit operator
  printf '{\n  "platform": {"baseUrl": "%s", "caBundle": "%s", "timeoutSeconds": 30%s%s},\n' \
    "$base" "$run/tls/cert.pem" "${maxSchools:+, \"maxConcurrentSchools\": $maxSchools}" \
    "${pollMs:+, \"pollIntervalMs\": $pollMs}"
  printf '  "state": {"path": "%s/state/zzjb-%d.sqlite"},\n' "$run" "$client"
  printf '  "catalog": "%s/catalog.json",\n  "trustedCAs": ["%s/keys/ca.pem"],\n  "schools": [' \
    "$dir" "$dir"
  while IFS=$'\t' read -r id credit _ operator; do
    i=$((i + 1))
    [ $(((i - 1) % clients)) -eq "$client" ] || continue
    target() {  # target CODE NAME
      printf '{"type": "social-org", "occupationCode": "%s", "occupationName": "%s", "level": 4, ' "$1" "$2"
      printf '"evaluationOrg": {"name": "%s", "creditCode": "%s"}, ' "$orgName" "$orgCode"
      printf '"evaluation": {"status": "APPROVED", "opinionNo": "沪职鉴评〔%s〕001号", "date": "%s-05-12"}}' \
        "$((year - 1))" "$((year - 1))"
    }
    cat <<EOF
$sep
    {
      "id": "$id", "name": "上海城市基准职业学校$id", "creditCode": "$credit", "level": "SECONDARY",
      "legalRepresentative": "王建国", "district": "徐汇区", "address": "上海市徐汇区基准路1号",
      "leader": {"name": "李明华", "mobile": "13812340001"},
      "contact": {"name": "陈晓燕", "mobile": "13912340002"},
      "operator": {"name": "周志强", "idNumber": "$operator"},
      "dualCertificateProgram": true,
      "identity": {"key": "file:$dir/keys/$id.key", "certificate": "$dir/keys/$id.pem"},
      "majors": [
        {"name": "计算机应用", "targets": [$(target 4-04-05-01 计算机程序设计员)]},
        {"name": "软件与信息服务", "targets": [$(target 4-04-05-02 计算机软件测试员)]},
        {"name": "机电技术应用", "targets": [{"type": "qualification", "occupationCode": "6-31-01-03",
          "occupationName": "电工", "level": 4, "evaluation": {"status": "APPROVED",
          "opinionNo": "沪职鉴评〔$((year - 1))〕002号", "date": "$((year - 1))-05-12"}}]}
      ],
      "rosters": ["$dir/rosters/$id.csv"]
    }
EOF
    sep=,
  done <"$dir/schools.tsv"
  printf '\n  ]\n}\n'
}
for c in $(seq 0 $((clients - 1))); do writeConfig "$c" >"$run/zzjb-$c.json"; done

# ---- the passes -----------------------------------------------------------------------------
lastSeq() { admin "$base/__admin/journal?since=999999999999" | sed -n 's/.*"lastSeq":\([0-9]*\).*/\1/p'; }
mockCpu() {  # user+system seconds of the mock so far
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$mockPid/stat"
}
results=$run/results.tsv
printf 'scenario\tpass\twall_s\tuser_s\tsys_s\tmaxrss_MiB\texit\trequests\tsubmissions\tmock_cpu_s\tdeclared\n' >"$results"
# Accepted declarations on the platform (the declarations of /__admin/state, not the batch rows).
declared() {
  admin "$base/__admin/state" | grep -o '"creditCode":"[^"]*","declarationNo":"' | wc -l
}

# The centre grants every school 职业资格鉴定 电工 四级 (as scripts/demo.sh does for one): one
# curl for all of them.
grants() {
  local credit ok sep=
  cut -f2 "$dir/schools.tsv" | while read -r credit; do
    printf '%s' "$sep"
    sep=$'next\n'
    printf 'url = "%s/__admin/permissions"\nrequest = "POST"\nheader = "Content-Type: application/json"\n' "$base"
    printf 'cacert = "%s"\nwrite-out = "%%{http_code}\\n"\noutput = "/dev/null"\n' "$run/tls/cert.pem"
    printf 'data = "{\\"creditCode\\": \\"%s\\", \\"matter\\": \\"职业资格鉴定\\", \\"node\\": null, \\"occupationCode\\": \\"6-31-01-03\\", \\"occupationName\\": \\"电工\\", \\"level\\": 4, \\"evaluationOrg\\": null}"\n' "$credit"
  done >"$run/grants.curl"
  ok=$(curl -sS -K "$run/grants.curl" | grep -c '^200$' || true)
  [ "$ok" -eq "$n" ] || { echo "grants: $ok of $n answered 200" >&2; return 1; }
}

scenario() {  # scenario NAME DELAY_MS
  local name=$1 ms=$2 p before after c0 c1 wall user sys rss rc posts pids pid c
  admin -X POST "$base/__admin/reset" >/dev/null
  rm -rf "$run/state"
  if [ "$ms" -gt 0 ]; then
    admin -X POST "$base/__admin/faults" \
      --data "{\"seed\": 1, \"rules\": [{\"path\": \"^/\", \"probability\": 1, \"kind\": \"delay\", \"delayMs\": $ms}]}" >/dev/null
  fi
  for p in $(seq "$passes"); do
    before=$(lastSeq)
    c0=$(mockCpu)
    pids=()
    rm -f "$run"/time-*.txt
    for c in $(seq 0 $((clients - 1))); do
      "$city" time "$run/time-$c.txt" -- "$zzjb" run -c "$run/zzjb-$c.json" --no-progress \
        >"$run/$name-pass$p-$c.out" 2>"$run/$name-pass$p-$c.log" &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || true; done
    c1=$(mockCpu)
    after=$(lastSeq)
    # the slowest wall, the summed CPU, the largest RSS, the worst exit code
    read -r wall user sys rss rc < <(awk 'BEGIN {w = u = s = r = e = 0} {w = $1 > w ? $1 : w; u += $2; s += $3; r = $4 > r ? $4 : r;
      e = $5 > e ? $5 : e} END {print w, u, s, r, e}' "$run"/time-*.txt)
    admin "$base/__admin/journal?since=$before" >"$run/$name-pass$p.journal.json"
    posts=$(grep -o '"method":"\(POST\|PUT\)","path":"/api/v1/[a-z-]*/[a-z-]*' \
      "$run/$name-pass$p.journal.json" | grep -vc '/api/v1/auth/' || true)
    printf '%s\t%d\t%.1f\t%.2f\t%.2f\t%.0f\t%d\t%d\t%d\t%.2f\t%d\n' "$name" "$p" "$wall" "$user" "$sys" \
      "$(awk "BEGIN{print $rss / 1024}")" "$rc" "$((after - before))" "$posts" \
      "$(awk "BEGIN{print $c1 - $c0}")" "$(declared)" >>"$results"
    tail -1 "$results" | column -t -s $'\t' >&2
    if [ "$p" = 1 ]; then grants; fi
    # A usage, software, identity or configuration exit makes the next passes meaningless; data
    # (65) or temporary (75) failures are figures like any other.
    if [[ $rc =~ ^(64|70|77|78)$ ]] && [ "$keepGoing" = 0 ]; then
      echo "zzjb run exited $rc (see $run/$name-pass$p-*.log); --keep-going to go on" >&2
      return 1
    fi
  done
  if [ "$((after - before))" -gt 0 ]; then
    echo "warning: pass $passes of $name still sent $((after - before)) requests: the city is not" \
      "up to date yet (--passes $((passes + 1)) runs one more)" >&2
  fi
}

echo "zzjb $zzjb; zzjb-mock $mock at $base; load: $(uptime | sed 's/.*load average: //')${pollMs:+; pollIntervalMs $pollMs}; $clients client(s)${maxSchools:+; maxConcurrentSchools $maxSchools}"
[ "$onlyDelay" = 1 ] || scenario default 0
[ -z "$delay" ] || scenario "delay${delay}ms" "$delay"
echo
printf 'N=%d schools, M=%d students each (%d to declare), %d client(s); requests = platform requests in the mock journal, submissions = POST/PUT (logins excluded), declared = accepted declarations on the platform after the pass\n' "$n" "$m" "$(cat "$dir/eligible")" "$clients"
column -t -s $'\t' "$results"
# Requests by kind, per pass (ids folded): in the journal files next to the results.
for j in "$run"/*.journal.json; do
  { grep -o '"method":"[A-Z]*","path":"[^"]*"' "$j" || true; } |
    sed -e 's/"method":"\([A-Z]*\)","path":"\([^"]*\)"/\1 \2/' -e 's#/[A-Z][A-Z][0-9A-F]\{8,\}#/{id}#g' |
    sort | uniq -c | sort -rn >"${j%.journal.json}.kinds.txt"
done
echo "(logs, journals and requests by kind: $run)"
