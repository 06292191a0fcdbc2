#!/bin/sh
# Makes a test CA and a school's ECDSA P-256 certificate with the platform's keyID
# (1.2.156.112570.11.205) and 统一社会信用代码 (1.2.156.112570.11.210) extensions, in DIR.
# usage: make_identity.sh DIR [KEYID] [CREDIT_CODE]
set -eu
dir=$1
keyid=${2:-BENCH-KEY-0001}
credit=${3:-91310000MA1K00000X}
mkdir -p "$dir"
cd "$dir"
openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -subj '/CN=zzjb bench CA' -days 30 -out ca.pem \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
openssl ecparam -name prime256v1 -genkey -noout -out school.key 2>/dev/null
cat > school.ext <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
1.2.156.112570.11.205=ASN1:UTF8String:$keyid
1.2.156.112570.11.210=ASN1:UTF8String:$credit
EXT
openssl req -new -key school.key -utf8 -subj '/CN=zzjb bench school/C=CN' -out school.csr
openssl x509 -req -in school.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
  -extfile school.ext -out school.pem 2>/dev/null
echo "$keyid" > keyid
