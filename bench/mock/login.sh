#!/bin/sh
# Logs in to zzjb-mock as in docs/platform-api.md ("Login (法人一证通登录)"): challenge, sign the
# raw nonce bytes with the school's key (ECDSA-SHA256), login; prints the session token.
# usage: login.sh BASE_URL SERVER_CA_PEM IDENTITY_DIR   (IDENTITY_DIR from make_identity.sh)
set -eu
base=$1
cacert=$2
id=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -sS --fail-with-body --cacert "$cacert" -X POST -H 'Content-Type: application/json' -d '{}' \
  "$base/api/v1/auth/challenge" > "$tmp/challenge.json"
jq -r .nonce "$tmp/challenge.json" | base64 -d > "$tmp/nonce.bin"
openssl dgst -sha256 -sign "$id/school.key" -out "$tmp/sig.der" "$tmp/nonce.bin"
jq -n --arg challengeId "$(jq -r .challengeId "$tmp/challenge.json")" \
  --arg keyId "$(tr -d '[:space:]' < "$id/keyid")" --rawfile certificate "$id/school.pem" \
  --arg signature "$(base64 -w0 "$tmp/sig.der")" \
  '{challengeId: $challengeId, keyId: $keyId, certificate: $certificate,
    algorithm: "ECDSA-SHA256", signature: $signature}' > "$tmp/login.json"
curl -sS --fail-with-body --cacert "$cacert" -X POST -H 'Content-Type: application/json' \
  --data-binary "@$tmp/login.json" "$base/api/v1/auth/login" > "$tmp/session.json"
jq -r .sessionToken "$tmp/session.json"
