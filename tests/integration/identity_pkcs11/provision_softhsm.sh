#!/bin/sh
# Provisions a throw-away SoftHSM2 token for the PKCS#11 signer tests, all inside DIR:
#   DIR/softhsm2.conf (tokendir DIR/tokens), token "zzjb-test" (SO PIN 12345678, user PIN 123456);
#   school-rsa  id 01: RSA-2048 key + certificate under the same label;
#   school-ec   id 02: EC P-256 key + certificate labelled school-ec-cert (found by CKA_ID);
#   school-p384 id 03: EC P-384 key (a curve zzjb refuses).
# Public keys and certificates are left as DIR/<name>.pub.pem and DIR/<name>.crt.pem.
# Usage: provision_softhsm.sh DIR MODULE
set -eu
dir=$1
module=$2
mkdir -p "$dir/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
  "$dir" >"$dir/softhsm2.conf"
SOFTHSM2_CONF=$dir/softhsm2.conf
export SOFTHSM2_CONF

softhsm2-util --init-token --free --label zzjb-test --so-pin 12345678 --pin 123456 >/dev/null

key() {  # name algorithm-options...
  name=$1
  shift
  openssl genpkey "$@" -out "$dir/$name.key.pem" 2>/dev/null
  openssl pkey -in "$dir/$name.key.pem" -outform DER -out "$dir/$name.key.der"
  openssl pkey -in "$dir/$name.key.pem" -pubout -out "$dir/$name.pub.pem"
}
cert() {  # name
  openssl req -x509 -new -key "$dir/$1.key.pem" -subj "/CN=$1/O=zzjb test" -days 30 \
    -out "$dir/$1.crt.pem"
  openssl x509 -in "$dir/$1.crt.pem" -outform DER -out "$dir/$1.crt.der"
}
put() {  # file type label id
  pkcs11-tool --module "$module" --login --pin 123456 --write-object "$1" --type "$2" \
    --label "$3" --id "$4" >/dev/null
}

key school-rsa -algorithm RSA -pkeyopt rsa_keygen_bits:2048
cert school-rsa
put "$dir/school-rsa.key.der" privkey school-rsa 01
put "$dir/school-rsa.crt.der" cert school-rsa 01

key school-ec -algorithm EC -pkeyopt ec_paramgen_curve:P-256
cert school-ec
put "$dir/school-ec.key.der" privkey school-ec 02
put "$dir/school-ec.crt.der" cert school-ec-cert 02

key school-p384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
put "$dir/school-p384.key.der" privkey school-p384 03
