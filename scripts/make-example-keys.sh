#!/usr/bin/env bash
# Makes test keys and certificates for the example configuration with the openssl command line:
# two test CAs and two schools' certificates carrying the SHECA extensions (keyID in
# 1.2.156.112570.11.205, 统一社会信用代码 in 1.2.156.112570.11.210). Never commit them.
#   ca.pem / ca.key                 test CA, EC P-256, signs pudong-gz (ecdsa-with-SHA256)
#   ca-sm2.pem / ca-sm2.key         test CA, SM2, signs xuhui-zz (SM2-with-SM3, ID 1234567812345678)
#   xuhui-zz.key / xuhui-zz.pem     SM2 key, like a SHECA 法人一证通
#   pudong-gz.key / pudong-gz.pem   EC P-256 key
# Usage: scripts/make-example-keys.sh DIR
# Idempotent: files that exist, match, chain to their CA and stay valid for more than 30 days are
# kept. Prints the paths it made, nothing else on success.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 DIR" >&2
  exit 64
fi
command -v openssl >/dev/null || { echo "$0: the openssl command is needed" >&2; exit 69; }

dir=$1
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
umask 077

readonly SM2_ID=1234567812345678      # GM/T 0009 default distinguishing ID; OpenSSL 3.0's is empty
readonly KEEP_SECONDS=$((30 * 86400))  # regenerate what expires within 30 days
readonly CA_DAYS=3650
readonly CERT_DAYS=730
readonly KEYID_OID=1.2.156.112570.11.205
readonly CREDIT_OID=1.2.156.112570.11.210

work=$(mktemp -d "$dir/.make-keys.XXXXXX")
trap 'rm -rf "$work"' EXIT

made() { printf '%s\n' "$1"; }

# Runs openssl quietly; on failure shows what it said and stops.
ossl() {
  if ! openssl "$@" 2>"$work/stderr" >/dev/null; then
    echo "$0: openssl $1 failed:" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
}

genkey() {  # genkey ALG OUT
  local tmp
  tmp="$work/$(basename "$2")"
  case "$1" in
    sm2) ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out "$tmp" ;;
    p256) ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp" ;;
  esac
  chmod 600 "$tmp"
  mv -f "$tmp" "$2"
  made "$2"
}

# Signing options for a key of that algorithm: SM2 signs with SM3 and the SM2 ID.
sigopts() {  # sigopts ALG
  case "$1" in
    sm2) echo "-sm3 -sigopt distid:$SM2_ID" ;;
    p256) echo "-sha256" ;;
  esac
}

# Options to verify a signature made by a key of that algorithm. OpenSSL 3.0 rejects distid for
# ECDSA, and verifies SM2 with an empty ID unless told.
vfyopts() {  # vfyopts ALG
  case "$1" in
    sm2) echo "-vfyopt distid:$SM2_ID" ;;
    p256) echo "" ;;
  esac
}

key_ok() { [ -s "$1" ] && openssl pkey -in "$1" -noout 2>/dev/null; }

# The certificate is there, belongs to the key, lasts long enough, and (when a CA and its
# algorithm are given) verifies against the CA.
cert_ok() {  # cert_ok CERT KEY [CA CA_ALG]
  [ -s "$1" ] || return 1
  openssl x509 -in "$1" -noout -checkend "$KEEP_SECONDS" >/dev/null 2>&1 || return 1
  local a b
  a=$(openssl x509 -in "$1" -noout -pubkey 2>/dev/null) || return 1
  b=$(openssl pkey -in "$2" -pubout 2>/dev/null) || return 1
  [ "$a" = "$b" ] || return 1
  if [ $# -ge 3 ]; then
    # shellcheck disable=SC2046
    openssl verify -CAfile "$3" $(vfyopts "$4") "$1" >/dev/null 2>&1 || return 1
  fi
}

make_ca() {  # make_ca NAME ALG SUBJECT
  local key="$dir/$1.key" cert="$dir/$1.pem"
  key_ok "$key" || genkey "$2" "$key"
  cert_ok "$cert" "$key" && return 0
  # shellcheck disable=SC2046
  ossl req -x509 -new -utf8 -key "$key" $(sigopts "$2") -subj "$3" -days "$CA_DAYS" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$work/$1.pem"
  chmod 644 "$work/$1.pem"
  mv -f "$work/$1.pem" "$cert"
  made "$cert"
}

make_school() {  # make_school NAME ALG CA CA_ALG SUBJECT KEYID CREDITCODE
  local key="$dir/$1.key" cert="$dir/$1.pem" ca=$3 caAlg=$4
  key_ok "$key" || genkey "$2" "$key"
  cert_ok "$cert" "$key" "$dir/$ca.pem" "$caAlg" && return 0
  cat >"$work/$1.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
$KEYID_OID=ASN1:UTF8String:$6
$CREDIT_OID=ASN1:UTF8String:$7
EOF
  # shellcheck disable=SC2046
  ossl req -new -utf8 -key "$key" $(sigopts "$2") -subj "$5" -out "$work/$1.csr"
  # x509 checks the CSR's self-signature (made with the school's key, so its ID for SM2), then
  # signs the certificate with the CA's key and algorithm.
  local serial
  serial="0x7$(openssl rand -hex 15)"  # random, positive, 124 bits
  # shellcheck disable=SC2046
  ossl x509 -req -in "$work/$1.csr" $(vfyopts "$2") \
    -CA "$dir/$ca.pem" -CAkey "$dir/$ca.key" -set_serial "$serial" \
    $(sigopts "$caAlg") -days "$CERT_DAYS" -extfile "$work/$1.ext" -out "$work/$1.pem"
  chmod 644 "$work/$1.pem"
  mv -f "$work/$1.pem" "$cert"
  made "$cert"
}

make_ca ca p256 "/C=CN/O=zzjb test/CN=zzjb test CA (not SHECA)"
make_ca ca-sm2 sm2 "/C=CN/O=zzjb test/CN=zzjb test SM2 CA (not SHECA)"
make_school xuhui-zz sm2 ca-sm2 sm2 \
  "/C=CN/O=上海市示范职业技术学校/CN=上海市示范职业技术学校" \
  SHECA-XZ-000123456789 12310104MB2F000081
make_school pudong-gz p256 ca p256 \
  "/C=CN/O=上海示范职业技术学院/CN=上海示范职业技术学院" \
  SHECA-PG-000987654321 12310115MB2P00007G
