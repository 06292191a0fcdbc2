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

using ossl::certError;

Finding certInvalid(const std::string& display) {
  return certError("CERT_INVALID", display,
                   display.empty() ? "CERT_INVALID.not_x509" : "CERT_INVALID.not_x509_named",
                   {{"certificate", display}}, "CERT_INVALID.not_x509.hint");
}

// Runs `body`; an exception (out of memory, mostly) becomes a Finding instead of escaping.
template <typename T, typename Body>
Result<T> guarded(const std::string& display, Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return std::unexpected(
        certError("CERT_INVALID", display, "CERT_INVALID.check_failed", {{"reason", e.what()}}));
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
    return std::unexpected(certError(
        "SIGN_ALGORITHM", "", "SIGN_ALGORITHM.mismatch",
        {{"key", keyName},
         {"algorithm", signatureAlgorithmName(algorithm)},
         {"fits", fits ? signatureAlgorithmName(*fits) : ""}},
        fits ? "SIGN_ALGORITHM.mismatch.hint" : "SIGN_ALGORITHM.keys_accepted.hint"));
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
    return std::unexpected(certError("CERT_INVALID", "", "CERT_INVALID.public_key"));
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
    return std::unexpected(
        certError("SIGNATURE_INVALID", "", "SIGNATURE_INVALID.verify",
                  {{"algorithm", signatureAlgorithmName(algorithm)},
                   {"subject", ossl::nameToString(X509_get_subject_name(cert.get()))}}));
  }
  return {};
}

Result<SignatureAlgorithm> algorithmFor(const std::string& certificatePem) {
  ossl::X509Ptr cert = ossl::parseCertificate(certificatePem);
  if (!cert) return std::unexpected(certInvalid(""));
  const std::string keyName = ossl::keyAlgorithmName(X509_get0_pubkey(cert.get()));
  ERR_clear_error();
  if (auto algorithm = ossl::signatureAlgorithmFor(keyName)) return *algorithm;
  return std::unexpected(certError("SIGN_ALGORITHM", "", "SIGN_ALGORITHM.unsupported", {{"key", keyName}}));
}

// Adds every certificate of a CA file to `store`, SM2-signed ones with the distinguishing ID.
Result<void> addCaFile(X509_STORE* store, const std::filesystem::path& file,
                       const std::string& display) {
  const std::string name = file.string();
  constexpr std::string_view kHint = "identity.ca_file.hint";
  // Regular file only, bounded, not through a final link (docs/security.md, rule 3).
  auto read = files::readFile(file, {files::kMaxCertificateBytes, msg::text("identity.what.ca_file")});
  if (!read) {
    return std::unexpected(certError(
        "CERT_CA_UNREADABLE", display,
        read.error().code == "FILE_NOT_FOUND" ? "CERT_CA_UNREADABLE.missing" : "CERT_CA_UNREADABLE.unreadable",
        {{"file", name}, {"reason", read.error().message}}, kHint));
  }
  const std::string& bytes = *read;
  std::vector<ossl::X509Ptr> certs = parseCertificates(bytes);
  if (certs.empty()) {
    return std::unexpected(
        certError("CERT_CA_UNREADABLE", display, "CERT_CA_UNREADABLE.empty", {{"file", name}}, kHint));
  }
  for (auto& cert : certs) {
    if (!ossl::setSm2IdIfSm2Signed(cert.get()) || X509_STORE_add_cert(store, cert.get()) != 1) {
      const std::string why = ossl::takeError();
      return std::unexpected(certError("CERT_CA_UNREADABLE", display, "CERT_CA_UNREADABLE.unusable",
                                       {{"file", name}, {"reason", why}}, kHint));
    }
  }
  return {};
}

Finding untrusted(X509_STORE_CTX* ctx, const std::string& display) {
  const int error = X509_STORE_CTX_get_error(ctx);
  const X509* at = X509_STORE_CTX_get_current_cert(ctx);
  const std::string issuer = at != nullptr ? ossl::nameToString(X509_get_issuer_name(at)) : "";
  const std::string subject = at != nullptr ? ossl::nameToString(X509_get_subject_name(at)) : "";
  const bool noIssuer = error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
                        error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
  return certError("CERT_UNTRUSTED", display,
                   noIssuer ? "CERT_UNTRUSTED.issuer_missing" : "CERT_UNTRUSTED.chain",
                   {{"certificate", display},
                    {"reason", X509_verify_cert_error_string(error)},  // OpenSSL's own words
                    {"subject", subject},
                    {"issuer", issuer}},
                   "identity.trust.hint");
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
  const std::string validity = msg::text(
      "identity.cert.validity",
      {{"from", shanghaiDate(dates->notBefore)}, {"to", shanghaiDate(dates->notAfter)}});
  const int startCmp = X509_cmp_time(X509_get0_notBefore(leaf), &now);
  const int endCmp = X509_cmp_time(X509_get0_notAfter(leaf), &now);
  ERR_clear_error();
  if (startCmp == 0 || endCmp == 0) {
    return std::unexpected(
        certError("CERT_INVALID", display, "CERT_INVALID.validity", {{"certificate", display}}));
  }
  if (startCmp > 0) {
    return std::unexpected(certError("CERT_NOT_YET_VALID", display, "CERT_NOT_YET_VALID.check",
                                     {{"certificate", display}, {"validity", validity}}));
  }
  if (endCmp < 0) {
    return std::unexpected(certError(
        "CERT_EXPIRED", display, "CERT_EXPIRED.check",
        {{"certificate", display}, {"date", shanghaiDate(dates->notAfter)}, {"validity", validity}},
        "identity.renew.hint"));
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
    return std::unexpected(certError(
        "CERT_NO_KEYID", display, "CERT_NO_KEYID.check",
        {{"certificate", display},
         {"oid", checkWith.oids.keyId.empty() ? msg::text("identity.cert.oid_not_configured")
                                              : checkWith.oids.keyId}}));
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
