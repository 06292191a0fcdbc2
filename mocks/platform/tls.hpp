// Certificates made in memory, OpenSSL only, no Beast. The self-signed certificate zzjb-mock makes
// for itself when no --tls-cert is given: EC P-256, valid for DNS localhost and IP 127.0.0.1 /
// ::1, 30 days.
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

struct SchoolIdentityMaterial {
  std::string caCertificatePem;  // what the platform trusts (PlatformOptions::trustCaFiles)
  std::string certificatePem;    // the school's, issued by that CA
  std::string privateKeyPem;     // PKCS#8, unencrypted
};

// A throwaway CA (EC P-256, not SHECA) and a school certificate it issues carrying `keyId` and
// `creditCode` in the extensions zzjb and zzjb-mock read by default (1.2.156.112570.11.205 and
// .210), valid from an hour ago for `days`: what a rehearsal logs in with (the plugin test kit).
std::expected<SchoolIdentityMaterial, std::string> makeSchoolIdentity(const std::string& keyId,
                                                                       const std::string& creditCode,
                                                                       int days = 1);

}  // namespace zzjb::mock
