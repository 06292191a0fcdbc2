// Checking signatures and certificates the way the platform does: the signature over the data
// with the certificate's key (SM2 with the distinguishing ID), the certificate against the
// configured CA roots, its validity window and its keyID extension.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/finding.hpp"
#include "zzjb/core/signer.hpp"
#include "zzjb/identity/certificate.hpp"

namespace zzjb::identity {

// Verifies a DER signature over `data` with the public key of `certificatePem`. Errors:
// SIGNATURE_INVALID, CERT_INVALID, SIGN_ALGORITHM (the key does not fit the algorithm).
[[nodiscard]] Result<void> verifySignature(const std::string& certificatePem,
                                           SignatureAlgorithm algorithm,
                                           std::span<const std::uint8_t> data,
                                           std::span<const std::uint8_t> signature);

// The algorithm that goes with a certificate's key: SM2 → SM2-SM3, RSA → RSA-SHA256,
// EC P-256 → ECDSA-SHA256; a Finding (SIGN_ALGORITHM) for anything else.
[[nodiscard]] Result<SignatureAlgorithm> algorithmForCertificate(const std::string& certificatePem);

struct ChainCheck {
  std::vector<std::filesystem::path> caFiles;  // PEM files with trusted roots (and intermediates)
  std::time_t now = 0;  // 0: the current time
  ExtensionOids oids;
};

// Checks, in this order, each with its own code: CERT_NOT_YET_VALID, CERT_EXPIRED, CERT_UNTRUSTED
// (does not chain to the roots; the message says which issuer was not found), CERT_NO_KEYID.
// SM2-signed certificates are checked with the SM2 distinguishing ID.
[[nodiscard]] Result<CertificateInfo> checkCertificate(const std::string& certificatePem,
                                                       const std::string& display,
                                                       const ChainCheck& check);

// Reads a PEM or DER certificate file as PEM text.
[[nodiscard]] Result<std::string> readCertificatePem(const std::filesystem::path& path,
                                                     const std::string& display);

// How many PEM certificates OpenSSL reads from `text`, in order, up to the first that is not
// one (a CA bundle such as platform.caBundle; DER is not counted).
[[nodiscard]] std::size_t countPemCertificates(std::string_view text);

}  // namespace zzjb::identity
