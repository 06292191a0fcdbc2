// Port: the school's CA key (法人一证通) as something that signs. Adapters implement it for key
// files, PKCS#11 tokens and SKF (GM/T 0016) USB keys; core only asks for signatures.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "zzjb/core/finding.hpp"

namespace zzjb {

enum class SignatureAlgorithm { Sm2Sm3, RsaSha256, EcdsaSha256 };

// The platform contract's names: "SM2-SM3", "RSA-SHA256", "ECDSA-SHA256".
[[nodiscard]] const char* signatureAlgorithmName(SignatureAlgorithm a);

// The distinguishing ID every SM2 signature uses (GM/T 0009). OpenSSL 3.0 defaults to an empty
// one, so it is always set explicitly.
inline constexpr std::string_view kSm2DistinguishingId = "1234567812345678";

// What the key source says about its PIN before anyone tries it. A locked USB key stops a school
// for days, so zzjb refuses to try when only one try is left.
struct PinStatus {
  bool required = true;                 // false for an unencrypted key file
  std::optional<int> retriesLeft;       // SKF tells the number; PKCS#11 only flags
  bool countLow = false;                // PKCS#11 CKF_USER_PIN_COUNT_LOW
  bool finalTry = false;                // PKCS#11 CKF_USER_PIN_FINAL_TRY, SKF retries == 1
  bool locked = false;                  // PKCS#11 CKF_USER_PIN_LOCKED, SKF retries == 0
  [[nodiscard]] std::string describe() const;  // from the catalog: "还可重试 3 次" / "3 tries left" …
};

class Signer {
 public:
  virtual ~Signer() = default;
  Signer() = default;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  [[nodiscard]] virtual SignatureAlgorithm algorithm() const = 0;

  // A DER signature over `data`. The signer hashes: SM3 over Z‖data with the SM2 ID above, or
  // SHA-256. Errors are Findings with kind Config and codes SIGN_*, PIN_*; never the PIN itself.
  [[nodiscard]] virtual Result<std::vector<std::uint8_t>> sign(std::span<const std::uint8_t> data) = 0;

  // The certificate the key source holds, PEM; empty when it holds none (a key file).
  [[nodiscard]] virtual std::string certificatePem() const = 0;

  [[nodiscard]] virtual PinStatus pinStatus() const = 0;

  // "file keys/school.key", "pkcs11 token zzjb object school", "skf dev … container …": no PIN.
  [[nodiscard]] virtual std::string describe() const = 0;
};

}  // namespace zzjb
