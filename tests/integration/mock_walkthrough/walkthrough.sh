#!/usr/bin/env bash
# The whole platform contract, walked against the real zzjb-mock with curl, jq and the openssl
# command line only — no zzjb code: CA-key login (SM2), the account (附件2 data), a permission
# application and its approval, a group declaration uploaded as an xlsx written by LibreOffice,
# and the batch polled to DONE with per-row results.
# Usage: walkthrough.sh ZZJB_MOCK CATALOG_JSON DECLARATION_XLSX
set -euo pipefail
mock=$1
catalog=$2
xlsx=$3
work=$(mktemp -d "${ZZJB_TEST_TMP:-/tmp}/walk-XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
fail() { echo "walkthrough: FAILED: $*" >&2; [ -f mock.log ] && tail -5 mock.log >&2; exit 1; }
expect() {  # expect JSON-FILTER EXPECTED FILE
  local got
  got=$(jq -r "$1" "$3")
  [ "$got" = "$2" ] || fail "$1 is '$got', expected '$2' in $(cat "$3")"
}
sm2() { openssl dgst -sm3 -sigopt distid:1234567812345678 "$@"; }

# A SHECA-like CA and the school's SM2 certificate with the keyID and credit-code extensions, valid
# for the academic year 2026/27 whatever today is (the platform's clock is set inside it below, so
# that the fixture's 毕业年份 2027 is the graduation year).
cat >ca.cnf <<'CNF'
[ca]
default_ca = walk
[walk]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sm3
policy = any
unique_subject = no
[any]
commonName = supplied
[req]
distinguished_name = dn
[dn]
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = keyCertSign,cRLSign
[school]
basicConstraints = CA:FALSE
1.2.156.112570.11.205 = ASN1:UTF8String:SHECA-W-0001
1.2.156.112570.11.210 = ASN1:UTF8String:12310104MB2F000081
CNF
touch index.txt
echo 01 >serial
sm2opts=(-sigopt distid:1234567812345678 -vfyopt distid:1234567812345678)
validity=(-startdate 20260901000000Z -enddate 20270901000000Z)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out ca.key 2>/dev/null
openssl req -new -config ca.cnf -key ca.key -subj "/CN=Walkthrough CA" -sm3 \
  -sigopt distid:1234567812345678 -out ca.csr
openssl ca -batch -config ca.cnf -selfsign -keyfile ca.key -in ca.csr "${validity[@]}" \
  -extensions v3_ca "${sm2opts[@]}" -out ca.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out school.key 2>/dev/null
openssl req -new -config ca.cnf -key school.key -subj "/CN=Walkthrough School" -sm3 \
  -sigopt distid:1234567812345678 -out school.csr
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in school.csr "${validity[@]}" \
  -extensions school "${sm2opts[@]}" -out school.pem 2>/dev/null
openssl verify -vfyopt distid:1234567812345678 -CAfile ca.pem school.pem >/dev/null \
  || fail "the test PKI is broken"

"$mock" --listen 127.0.0.1:0 --port-file port --tls-out tls --trust-ca ca.pem \
  --catalog "$catalog" --seed 7 >mock.log 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
[ -s port ] || fail "zzjb-mock did not start"
base="https://127.0.0.1:$(cat port)"
c() { curl -sS --cacert tls/cert.pem "$@"; }

# The platform's clock in the academic year 2026/27, moving on from 2027-03-01 10:00 (+08:00).
offset=$(( $(date -d 2027-03-01T10:00:00+08:00 +%s) - $(date +%s) ))
c -X POST "$base/__admin/clock" -H 'Content-Type: application/json' \
  -d "{\"offsetSeconds\": $offset}" >/dev/null
now() { date -u -d "@$(( $(date +%s) + offset ))" +%Y-%m-%dT%H:%M:%SZ; }

# 1. Login: challenge → the nonce signed with the school's key → session.
c -X POST "$base/api/v1/auth/challenge" >challenge.json
jq -r .nonce challenge.json | base64 -d >nonce.bin
[ "$(stat -c %s nonce.bin)" = 32 ] || fail "nonce is not 32 bytes"
sm2 -sign school.key -out nonce.sig nonce.bin
jq -n --arg id "$(jq -r .challengeId challenge.json)" --rawfile cert school.pem \
  --arg sig "$(base64 -w0 nonce.sig)" \
  '{challengeId: $id, keyId: "SHECA-W-0001", certificate: $cert, algorithm: "SM2-SM3", signature: $sig}' \
  >login.json
c -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' --data-binary @login.json \
  >session.json
expect .keyId SHECA-W-0001 session.json
token=$(jq -r .sessionToken session.json)
[ -n "$token" ] && [ "$token" != null ] || fail "no session token: $(cat session.json)"

# A signed submission: METHOD \n PATH \n TIMESTAMP \n NONCE \n hex(SHA-256(body)), SM2-signed.
signed() {  # signed METHOD PATH BODY-FILE CONTENT-TYPE IDEMPOTENCY-KEY OUT
  local ts nonce hash
  ts=$(now)
  nonce=$(openssl rand -hex 16)
  hash=$(sha256sum "$3" | cut -d' ' -f1)
  printf '%s\n%s\n%s\n%s\n%s' "$1" "$2" "$ts" "$nonce" "$hash" >tosign
  sm2 -sign school.key -out tosign.sig tosign
  c -X "$1" "$base$2" -H "Authorization: Bearer $token" -H "Content-Type: $4" \
    -H "X-Zzjb-Timestamp: $ts" -H "X-Zzjb-Nonce: $nonce" \
    -H "X-Zzjb-Signature: $(base64 -w0 tosign.sig)" -H "Idempotency-Key: $5" \
    --data-binary "@$3" -o "$6" -w '%{http_code}'
}
auth() { c -H "Authorization: Bearer $token" "$@"; }

# 2. The account, with the 附件2 data.
auth "$base/api/v1/account" -o account0.json -w '%{http_code}' | grep -qx 404 \
  || fail "a new school has an account"
expect .code NOT_REGISTERED account0.json
jq -n '{schoolName: "上海市示范职业技术学校", creditCode: "12310104MB2F000081",
  schoolLevel: "SECONDARY", legalRepresentative: "王建国", district: "徐汇区",
  leader: {name: "李明华", mobile: "13812340001"}, contact: {name: "陈晓燕", mobile: "13912340002"},
  operator: {name: "周志强", idNumber: "310104198503121235", keyId: "SHECA-W-0001"},
  dualCertificateProgram: true}' >account.json
[ "$(signed PUT /api/v1/account account.json 'application/json; charset=utf-8' acct-1 put.json)" = 201 ] \
  || fail "PUT account: $(cat put.json)"
auth "$base/api/v1/account" >account1.json
expect .status ACTIVE account1.json
expect .operator.keyId SHECA-W-0001 account1.json

# 3. The permission (职业技能等级认定 / 社会评价组织等级认定), approved by the centre.
c -X POST "$base/__admin/review-policy" -H 'Content-Type: application/json' \
  -d '{"mode": "manual"}' >/dev/null
jq -n '{matter: "职业技能等级认定", node: "社会评价组织等级认定", occupationCode: "4-04-05-01",
  occupationName: "计算机程序设计员", level: 4,
  evaluationOrg: {name: "上海示范信息技术技能评价中心", creditCode: "52310000MJ1A2B3C9Q"},
  attachments: {}}' >application.json
[ "$(signed POST /api/v1/skills/permission-applications application.json application/json app-1 \
  app.json)" = 202 ] || fail "application: $(cat app.json)"
app=$(jq -r .applicationId app.json)
c -X POST "$base/__admin/applications/$app/approve" >/dev/null
auth "$base/api/v1/skills/permission-applications/$app" >app-status.json
expect .status APPROVED app-status.json
auth "$base/api/v1/skills/permissions" >permissions.json
expect '.items | length' 1 permissions.json

# 4. The group declaration: manifest + the xlsx, as multipart with a boundary of our own.
hash=$(sha256sum "$xlsx" | cut -d' ' -f1)
jq -n --arg sha "$hash" '{matter: "职业技能等级认定", node: "社会评价组织等级认定",
  occupationCode: "4-04-05-01", occupationName: "计算机程序设计员", level: 4,
  evaluationOrg: {name: "上海示范信息技术技能评价中心", creditCode: "52310000MJ1A2B3C9Q"},
  rowCount: 4, sha256: $sha}' >manifest.json
b=zzjbWalkthroughBoundary7MA4YWxkTrZu0gW
{
  printf -- '--%s\r\nContent-Disposition: form-data; name="manifest"\r\nContent-Type: application/json\r\n\r\n' "$b"
  cat manifest.json
  printf '\r\n--%s\r\nContent-Disposition: form-data; name="file"; filename="declaration.xlsx"\r\n' "$b"
  printf 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n'
  cat "$xlsx"
  printf '\r\n--%s--\r\n' "$b"
} >upload.bin
[ "$(signed POST /api/v1/skills/group-declarations upload.bin "multipart/form-data; boundary=$b" \
  batch-1 batch.json)" = 202 ] || fail "upload: $(cat batch.json)"
expect .status RECEIVED batch.json
batch=$(jq -r .batchId batch.json)
for _ in $(seq 20); do
  auth "$base/api/v1/skills/group-declarations/$batch" >batch-status.json
  [ "$(jq -r .status batch-status.json)" = DONE ] && break
done
expect .status DONE batch-status.json
expect '[.rows[] | select(.row == 2)][0].result' ACCEPTED batch-status.json
expect '[.rows[] | select(.row == 3)][0].result' ACCEPTED batch-status.json
expect '[.rows[] | select(.row == 4)][0].reason' ID_INVALID batch-status.json
expect '[.rows[] | select(.row == 5)][0].reason' NOT_GRADUATING batch-status.json
auth "$base/api/v1/skills/declarations?occupationCode=4-04-05-01&level=4" >declared.json
expect '.items | length' 2 declared.json

# 5. The same upload again with the same Idempotency-Key answers the original batch.
[ "$(signed POST /api/v1/skills/group-declarations upload.bin "multipart/form-data; boundary=$b" \
  batch-1 batch-again.json)" = 202 ] || fail "replayed upload: $(cat batch-again.json)"
expect .batchId "$batch" batch-again.json

# 6. A matter of the catalog's `matters` the centre opens: 专项职业能力考核 names an ability, not an
#    occupation and a level; it cannot be applied for online, and the centre grants it.
jq -n '{matter: "专项职业能力考核", node: null, abilityCode: "ZX-0301", abilityName: "网店运营"}' \
  >ability.json
[ "$(signed POST /api/v1/skills/permission-applications ability.json application/json app-2 \
  ability-app.json)" = 422 ] || fail "online application for 专项职业能力考核: $(cat ability-app.json)"
expect '.fields[0].field' matter ability-app.json
jq '. + {creditCode: "12310104MB2F000081"}' ability.json >grant.json
c -X POST "$base/__admin/permissions" -H 'Content-Type: application/json' --data-binary @grant.json \
  >grant-answer.json
expect .status ok grant-answer.json
auth "$base/api/v1/skills/permissions" >permissions2.json
expect '.items | length' 2 permissions2.json
expect '[.items[] | select(.matter == "专项职业能力考核")][0].abilityName' 网店运营 permissions2.json
expect '[.items[] | select(.matter == "专项职业能力考核")][0].level' null permissions2.json

echo "walkthrough: ok (login, account, application, approval, declaration of 4 rows: 2 accepted, 专项职业能力考核 granted by the centre)"
