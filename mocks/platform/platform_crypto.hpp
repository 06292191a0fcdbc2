// The mock's own certificate and signature checks (OpenSSL 3.0), written independently of
// adapters/identity so that the mock really checks what the adapter sends.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform_util.hpp"

namespace zzjb::mock {

inline constexpr const char* kKeyIdOid = "1.2.156.112570.11.205";
inline constexpr const char* kCreditCodeOid = "1.2.156.112570.11.210";
inline constexpr std::string_view kSm2Id = "1234567812345678";

// The CAs school certificates must chain to (--trust-ca), as PEM text.
class TrustAnchors {
 public:
  // Reads every certificate of every file; false with `error` when a file has none or is
  // unreadable.
  bool load(const std::vector<std::string>& files, std::string& error);
  [[nodiscard]] const std::vector<std::string>& pems() const { return pems_; }

 private:
  std::vector<std::string> pems_;  // one certificate each
};

enum class CertVerdict { Ok, Untrusted, Expired };

struct CertInfo {
  CertVerdict verdict = CertVerdict::Untrusted;
  std::string detail;      // OpenSSL's reason, for the message
  std::string subject;     // RFC 2253, UTF-8
  std::string keyId;       // extension 1.2.156.112570.11.205, empty when absent
  std::string creditCode;  // extension 1.2.156.112570.11.210, empty when absent
};

// Parses `pem` (the leaf first, any intermediates after) and checks it chains to `anchors` and
// is valid at `now`.
[[nodiscard]] CertInfo checkCertificate(const std::string& pem, const TrustAnchors& anchors,
                                        Seconds now);

enum class SignatureVerdict { Ok, Invalid, AlgorithmMismatch };

// Verifies a DER signature by the leaf of `pem` over `data` with `algorithm`
// ("SM2-SM3" with ID 1234567812345678, "RSA-SHA256" PKCS#1 v1.5, "ECDSA-SHA256" on P-256).
[[nodiscard]] SignatureVerdict verifySignature(const std::string& pem, std::string_view algorithm,
                                               std::string_view data, std::string_view signature);

[[nodiscard]] bool isKnownAlgorithm(std::string_view algorithm);

}  // namespace zzjb::mock
