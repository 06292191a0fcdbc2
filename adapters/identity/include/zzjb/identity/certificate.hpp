// The school's certificate (法人一证通): subject, validity, algorithm, and the SHECA extensions
// that carry the keyID (通用实体唯一标识号) and the 统一社会信用代码, decoded with OpenSSL's ASN.1
// parser. Signing and the chain check come with issue 3.
#pragma once

#include <ctime>
#include <filesystem>
#include <string>

#include "zzjb/core/finding.hpp"

namespace zzjb::identity {

struct ExtensionOids {
  std::string keyId = "1.2.156.112570.11.205";       // UTF8String
  std::string creditCode = "1.2.156.112570.11.210";  // UTF8String
};

struct CertificateInfo {
  std::string subject;     // one line, RFC 2253, UTF-8
  std::string issuer;
  std::string serial;      // hex
  std::string algorithm;   // "SM2", "RSA-2048", "EC-P256", ...
  std::string keyId;       // empty when the extension is absent
  std::string creditCode;  // empty when the extension is absent
  std::time_t notBefore = 0;
  std::time_t notAfter = 0;
};

// Reads a PEM or DER certificate. Errors (as Findings with kind Config, code CERT_*): missing or
// unreadable file (CERT_UNREADABLE), not a certificate (CERT_INVALID), an extension present but
// not a DER UTF8String (PrintableString, IA5String and BMPString are accepted too), present twice
// or with stray bytes (CERT_EXTENSION_ENCODING), an OID in `oids` that is not dotted numbers
// (CERT_EXTENSION_OID). An empty OID in `oids` is not read. `display` names the file in Findings
// (the path itself when empty).
[[nodiscard]] Result<CertificateInfo> readCertificate(const std::filesystem::path& path,
                                                      const std::string& display,
                                                      const ExtensionOids& oids = {});

// Whole days from `now` until notAfter (negative once expired).
[[nodiscard]] long daysLeft(const CertificateInfo& cert, std::time_t now);

// "2027-06-30" in UTC+8 (the platform's zone).
[[nodiscard]] std::string shanghaiDate(std::time_t t);

}  // namespace zzjb::identity
