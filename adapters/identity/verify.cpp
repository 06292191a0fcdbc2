// Checks what the platform checks at login, before zzjb goes there: the signature over the nonce
// with the certificate's key (SM2 with the distinguishing ID 1234567812345678), the certificate's
// validity, its chain to the configured CAs (SM2-signed certificates checked with the ID too) and
// its keyID extension. Each failure is its own Finding code, with a hint for the operator.
#include "zzjb/identity/verify.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cstdint>
#include <ctime>
#include <exception>
#include <string>
#include <system_error>
#include <vector>

#include "openssl_util.hpp"
#include "zzjb/files/files.hpp"

namespace zzjb::identity {
namespace {

using ossl::configFinding;

const std::string kRenewHint =
    "renew the 法人一证通 at SHECA (021-962600), then export the new certificate from 协卡助手";
const std::string kTrustHint =
    "configure the CA that issued it in platform.caBundle / the trust list (PEM files of the "
    "root and intermediate CAs)";

Finding certInvalid(const std::string& display) {
  return configFinding("CERT_INVALID", display,
                       "the certificate" + (display.empty() ? "" : " " + display) +
                           " is not an X.509 certificate (neither PEM nor DER)",
                       "give the school's certificate as exported from 协卡助手 (.cer or .pem)");
}

// Runs `body`; an exception (out of memory, mostly) becomes a Finding instead of escaping.
template <typename T, typename Body>
Result<T> guarded(const std::string& display, Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return std::unexpected(configFinding(
        "CERT_INVALID", display, std::string("checking the certificate failed: ") + e.what(),
        "try again; report it if it stays"));
  }
}

// Every certificate in PEM text, in order, up to the first that is not one.
std::vector<ossl::X509Ptr> pemCertificates(std::string_view bytes) {
  std::vector<ossl::X509Ptr> certs;
  ossl::BioPtr bio = ossl::memoryBio(bytes);
  while (bio) {
    ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    certs.push_back(std::move(cert));
  }
  ERR_clear_error();  // the end of the text reads as "no start line"
  return certs;
}

// Every certificate in PEM text (the leaf first), or the one DER certificate.
std::vector<ossl::X509Ptr> parseCertificates(std::string_view bytes) {
  std::vector<ossl::X509Ptr> certs;
  if (bytes.find("-----BEGIN") != std::string_view::npos) certs = pemCertificates(bytes);
  if (certs.empty()) {
    if (ossl::X509Ptr cert = ossl::parseCertificate(bytes)) certs.push_back(std::move(cert));
  }
  return certs;
}

// The certificate's key fitted for `algorithm`, or the Finding that says why it does not fit.
Result<ossl::PkeyPtr> keyFor(X509* cert, const std::string& keyName, SignatureAlgorithm algorithm) {
  const auto fits = ossl::signatureAlgorithmFor(keyName);
  if (!fits || *fits != algorithm) {
    return std::unexpected(configFinding(
        "SIGN_ALGORITHM", "",
        "the certificate's key is " + keyName + ", which does not sign with " +
            signatureAlgorithmName(algorithm),
        fits ? std::string("use ") + signatureAlgorithmName(*fits) + " with this certificate"
             : "the platform accepts SM2, RSA and EC P-256 keys"));
  }
  EVP_PKEY* key = X509_get0_pubkey(cert);
  ossl::PkeyPtr usable;
  if (key != nullptr && algorithm == SignatureAlgorithm::Sm2Sm3) {
    usable = ossl::asSm2Key(key);
  } else if (key != nullptr && EVP_PKEY_up_ref(key) == 1) {
    usable.reset(key);
  }
  if (!usable) {
    ERR_clear_error();
    return std::unexpected(
        configFinding("CERT_INVALID", "", "the certificate's public key cannot be read",
                      "give the school's certificate as exported from 协卡助手"));
  }
  return usable;
}

Result<void> verify(const std::string& certificatePem, SignatureAlgorithm algorithm,
                    std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature) {
  ossl::X509Ptr cert = ossl::parseCertificate(certificatePem);
  if (!cert) return std::unexpected(certInvalid(""));
  const std::string keyName = ossl::keyAlgorithmName(X509_get0_pubkey(cert.get()));
  auto key = keyFor(cert.get(), keyName, algorithm);
  if (!key) return std::unexpected(std::move(key.error()));

  static constexpr unsigned char kNothing = 0;
  ossl::MdCtxPtr md = ossl::digestContext(key->get(), algorithm, false);
  const int rc =
      md ? EVP_DigestVerify(md.get(), signature.empty() ? &kNothing : signature.data(),
                            signature.size(), data.empty() ? &kNothing : data.data(), data.size())
         : -1;
  ERR_clear_error();
  if (rc != 1) {
    return std::unexpected(configFinding(
        "SIGNATURE_INVALID", "",
        std::string("the ") + signatureAlgorithmName(algorithm) +
            " signature does not verify with the key of " +
            ossl::nameToString(X509_get_subject_name(cert.get())),
        "the key and the certificate must belong together: use the certificate of the key that "
        "signs"));
  }
  return {};
}

Result<SignatureAlgorithm> algorithmFor(const std::string& certificatePem) {
  ossl::X509Ptr cert = ossl::parseCertificate(certificatePem);
  if (!cert) return std::unexpected(certInvalid(""));
  const std::string keyName = ossl::keyAlgorithmName(X509_get0_pubkey(cert.get()));
  ERR_clear_error();
  if (auto algorithm = ossl::signatureAlgorithmFor(keyName)) return *algorithm;
  return std::unexpected(configFinding(
      "SIGN_ALGORITHM", "",
      "the certificate's key is " + keyName +
          "; the platform accepts SM2 (SM2-SM3), RSA (RSA-SHA256) and EC P-256 (ECDSA-SHA256)",
      "use the school's 法人一证通 certificate (SM2, or RSA for older ones)"));
}

// Adds every certificate of a CA file to `store`, SM2-signed ones with the distinguishing ID.
Result<void> addCaFile(X509_STORE* store, const std::filesystem::path& file,
                       const std::string& display) {
  const std::string name = file.string();
  const std::string hint =
      "check platform.caBundle / the trust list: each entry is a readable PEM file of CA "
      "certificates";
  // Regular file only, bounded, not through a final link (docs/security.md, rule 3).
  auto read = files::readFile(file, {files::kMaxCertificateBytes, "CA file"});
  if (!read) {
    return std::unexpected(
        configFinding("CERT_CA_UNREADABLE", display,
                      read.error().code == "FILE_NOT_FOUND"
                          ? "CA file " + name + " does not exist"
                          : "CA file " + name + " cannot be read: " + read.error().message,
                      hint));
  }
  const std::string& bytes = *read;
  std::vector<ossl::X509Ptr> certs = parseCertificates(bytes);
  if (certs.empty()) {
    return std::unexpected(configFinding("CERT_CA_UNREADABLE", display,
                                         "CA file " + name + " holds no certificate", hint));
  }
  for (auto& cert : certs) {
    if (!ossl::setSm2IdIfSm2Signed(cert.get()) || X509_STORE_add_cert(store, cert.get()) != 1) {
      const std::string why = ossl::takeError();
      return std::unexpected(configFinding(
          "CERT_CA_UNREADABLE", display,
          "a certificate of CA file " + name + " cannot be used (" + why + ")", hint));
    }
  }
  return {};
}

Finding untrusted(X509_STORE_CTX* ctx, const std::string& display) {
  const int error = X509_STORE_CTX_get_error(ctx);
  const X509* at = X509_STORE_CTX_get_current_cert(ctx);
  const std::string issuer = at != nullptr ? ossl::nameToString(X509_get_issuer_name(at)) : "";
  const std::string subject = at != nullptr ? ossl::nameToString(X509_get_subject_name(at)) : "";
  std::string message = "certificate " + display + " does not chain to a configured CA: " +
                        X509_verify_cert_error_string(error);
  if (error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
      error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) {
    message += " (issuer not found: " + issuer + ")";
  } else {
    message += " (at " + subject + ", issued by " + issuer + ")";
  }
  return configFinding("CERT_UNTRUSTED", display, std::move(message), kTrustHint);
}

Result<CertificateInfo> runCheck(const std::string& certificatePem, const std::string& display,
                                 const ChainCheck& checkWith) {
  std::time_t now = checkWith.now != 0 ? checkWith.now : std::time(nullptr);
  std::vector<ossl::X509Ptr> certs = parseCertificates(certificatePem);
  if (certs.empty()) return std::unexpected(certInvalid(display));
  X509* leaf = certs.front().get();

  // Dates and names only: the extensions come last, after the chain.
  auto dates = ossl::describeCertificate(leaf, display, ExtensionOids{"", ""});
  if (!dates) return std::unexpected(std::move(dates.error()));
  const std::string validity = "valid from " + shanghaiDate(dates->notBefore) + " to " +
                               shanghaiDate(dates->notAfter) + ", UTC+8";
  const int startCmp = X509_cmp_time(X509_get0_notBefore(leaf), &now);
  const int endCmp = X509_cmp_time(X509_get0_notAfter(leaf), &now);
  ERR_clear_error();
  if (startCmp == 0 || endCmp == 0) {
    return std::unexpected(configFinding("CERT_INVALID", display,
                                         "certificate " + display + " has an unreadable validity",
                                         "ask SHECA for a new certificate"));
  }
  if (startCmp > 0) {
    return std::unexpected(configFinding(
        "CERT_NOT_YET_VALID", display,
        "certificate " + display + " is not valid yet (" + validity + ")",
        "check the computer's clock; a renewed certificate counts from its start date"));
  }
  if (endCmp < 0) {
    return std::unexpected(configFinding("CERT_EXPIRED", display,
                                         "certificate " + display + " expired on " +
                                             shanghaiDate(dates->notAfter) + " (" + validity + ")",
                                         kRenewHint));
  }

  ossl::X509StorePtr store(X509_STORE_new());
  ossl::X509StackPtr chain(sk_X509_new_null());
  ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !chain || !ctx) throw std::bad_alloc();
  for (const auto& file : checkWith.caFiles) {
    if (auto added = addCaFile(store.get(), file, display); !added) {
      return std::unexpected(std::move(added.error()));
    }
  }
  for (auto& cert : certs) {
    if (!ossl::setSm2IdIfSm2Signed(cert.get())) throw std::bad_alloc();
  }
  for (std::size_t i = 1; i < certs.size(); ++i) {  // intermediates sent with the certificate
    if (sk_X509_push(chain.get(), certs[i].get()) <= 0) throw std::bad_alloc();
    X509_up_ref(certs[i].get());
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, chain.get()) != 1) {
    throw std::bad_alloc();
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, now);
  // The trust list may hold SHECA's issuing CA without its root.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  const int verified = X509_verify_cert(ctx.get());
  if (verified != 1) {
    Finding f = untrusted(ctx.get(), display);
    ERR_clear_error();
    return std::unexpected(std::move(f));
  }
  ERR_clear_error();

  auto info = ossl::describeCertificate(leaf, display, checkWith.oids);
  if (!info) return std::unexpected(std::move(info.error()));
  if (info->keyId.empty()) {
    return std::unexpected(configFinding(
        "CERT_NO_KEYID", display,
        "certificate " + display + " has no keyID extension (oid " +
            (checkWith.oids.keyId.empty() ? std::string("not configured") : checkWith.oids.keyId) +
            ")",
        "the platform logs in with the keyID of the 法人一证通: use the school's SHECA "
        "certificate, or configure the oid that holds the keyID (协卡助手 shows it)"));
  }
  return info;
}

Result<std::string> readPem(const std::filesystem::path& path, const std::string& display) {
  const std::string shown = display.empty() ? path.string() : display;
  auto bytes = ossl::readCertificateFile(path, shown);
  if (!bytes) return std::unexpected(std::move(bytes.error()));
  ossl::X509Ptr cert = ossl::parseCertificate(*bytes);
  if (!cert) return std::unexpected(certInvalid(shown));
  std::string pem = ossl::certificateToPem(cert.get());
  if (pem.empty()) return std::unexpected(certInvalid(shown));
  return pem;
}

}  // namespace

Result<void> verifySignature(const std::string& certificatePem, SignatureAlgorithm algorithm,
                             std::span<const std::uint8_t> data,
                             std::span<const std::uint8_t> signature) {
  return guarded<void>("", [&] { return verify(certificatePem, algorithm, data, signature); });
}

Result<SignatureAlgorithm> algorithmForCertificate(const std::string& certificatePem) {
  return guarded<SignatureAlgorithm>("", [&] { return algorithmFor(certificatePem); });
}

Result<CertificateInfo> checkCertificate(const std::string& certificatePem,
                                         const std::string& display, const ChainCheck& check) {
  return guarded<CertificateInfo>(display,
                                  [&] { return runCheck(certificatePem, display, check); });
}

Result<std::string> readCertificatePem(const std::filesystem::path& path,
                                       const std::string& display) {
  return guarded<std::string>(display, [&] { return readPem(path, display); });
}

std::size_t countPemCertificates(std::string_view text) { return pemCertificates(text).size(); }

}  // namespace zzjb::identity
