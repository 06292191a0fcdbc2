// The self-signed certificate zzjb-mock makes for itself when no --tls-cert is given: EC P-256,
// valid for DNS localhost and IP 127.0.0.1 / ::1, 30 days. OpenSSL only, no Beast.
#pragma once

#include <expected>
#include <string>

namespace zzjb::mock {

struct TlsMaterial {
  std::string certificatePem;  // also what clients put in their CA bundle
  std::string privateKeyPem;   // PKCS#8, unencrypted
};

// A fresh key and a self-signed certificate (CN=localhost), valid from an hour ago for `days`.
std::expected<TlsMaterial, std::string> makeSelfSignedCertificate(int days = 30);

}  // namespace zzjb::mock
