// Certificates made in memory with OpenSSL 3: zzjb-mock's self-signed server certificate, and a
// throwaway CA with a school certificate for a rehearsal against an in-process platform.
#include "tls.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace zzjb::mock {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

std::string opensslError(const std::string& what) {
  const unsigned long code = ERR_get_error();
  char buf[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  return "certificate: " + what + ": " + buf;
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

// An extension by name ("basicConstraints") or OID ("1.2.156.112570.11.205" with an
// "ASN1:UTF8String:…" value), in the context of `issuer` (itself for a self-signed certificate).
bool addExtension(X509* cert, X509* issuer, const char* name, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_nconf(nullptr, &ctx, name, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// A certificate for `key` named O=org, CN=cn: self-signed when `issuer` is null, else issued by
// it; valid from an hour ago for `days`; with `extensions` (name, value), signed with SHA-256.
std::expected<X509Ptr, std::string> makeCertificate(
    EVP_PKEY* key, const char* org, const std::string& cn, X509* issuer, EVP_PKEY* issuerKey,
    int days, const std::vector<std::pair<const char*, std::string>>& extensions) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return std::unexpected(opensslError("X509"));
  BnPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr)
    return std::unexpected(opensslError("serial number"));
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * days) == nullptr)
    return std::unexpected(opensslError("validity"));

  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto text = [](const char* t) { return reinterpret_cast<const unsigned char*>(t); };
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, text(org), -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, text(cn.c_str()), -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(),
                           issuer != nullptr ? X509_get_subject_name(issuer) : name) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1)
    return std::unexpected(opensslError("names"));
  for (const auto& [extension, value] : extensions) {
    if (!addExtension(cert.get(), issuer != nullptr ? issuer : cert.get(), extension, value))
      return std::unexpected(opensslError(std::string("extension ") + extension));
  }
  if (X509_sign(cert.get(), issuerKey != nullptr ? issuerKey : key, EVP_sha256()) == 0)
    return std::unexpected(opensslError("signing"));
  return cert;
}

std::expected<std::string, std::string> certificatePem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
    return std::unexpected(opensslError("PEM"));
  return bioText(bio.get());
}

std::expected<std::string, std::string> keyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return std::unexpected(opensslError("PEM"));
  return bioText(bio.get());
}

}  // namespace

std::expected<TlsMaterial, std::string> makeSelfSignedCertificate(int days) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return std::unexpected(opensslError("EC P-256 key"));
  // A self-signed end-entity certificate that clients trust directly (their CA bundle).
  auto cert = makeCertificate(key.get(), "zzjb-mock", "localhost", nullptr, nullptr, days,
                              {{"basicConstraints", "critical,CA:FALSE"},
                               {"keyUsage", "critical,digitalSignature"},
                               {"extendedKeyUsage", "serverAuth"},
                               {"subjectKeyIdentifier", "hash"},
                               {"subjectAltName", "DNS:localhost,IP:127.0.0.1,IP:::1"}});
  if (!cert) return std::unexpected(cert.error());
  auto certText = certificatePem(cert->get());
  auto keyText = keyPem(key.get());
  if (!certText) return std::unexpected(certText.error());
  if (!keyText) return std::unexpected(keyText.error());
  return TlsMaterial{*certText, *keyText};
}

std::expected<SchoolIdentityMaterial, std::string> makeSchoolIdentity(const std::string& keyId,
                                                                       const std::string& creditCode,
                                                                       int days) {
  PkeyPtr caKey(EVP_EC_gen("P-256"));
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!caKey || !key) return std::unexpected(opensslError("EC P-256 key"));
  auto ca = makeCertificate(caKey.get(), "zzjb", "zzjb rehearsal CA (not SHECA)", nullptr, nullptr,
                            days,
                            {{"basicConstraints", "critical,CA:TRUE"},
                             {"keyUsage", "critical,keyCertSign,cRLSign"},
                             {"subjectKeyIdentifier", "hash"}});
  if (!ca) return std::unexpected(ca.error());
  // The keyID and credit code where zzjb and zzjb-mock read them by default
  // (certificateExtensions, docs/platform-api.md).
  auto cert = makeCertificate(key.get(), "zzjb", "zzjb rehearsal school " + creditCode, ca->get(),
                              caKey.get(), days,
                              {{"basicConstraints", "critical,CA:FALSE"},
                               {"keyUsage", "critical,digitalSignature,nonRepudiation"},
                               {"subjectKeyIdentifier", "hash"},
                               {"authorityKeyIdentifier", "keyid"},
                               {"1.2.156.112570.11.205", "ASN1:UTF8String:" + keyId},
                               {"1.2.156.112570.11.210", "ASN1:UTF8String:" + creditCode}});
  if (!cert) return std::unexpected(cert.error());
  auto caText = certificatePem(ca->get());
  auto certText = certificatePem(cert->get());
  auto keyText = keyPem(key.get());
  if (!caText) return std::unexpected(caText.error());
  if (!certText) return std::unexpected(certText.error());
  if (!keyText) return std::unexpected(keyText.error());
  return SchoolIdentityMaterial{*caText, *certText, *keyText};
}

}  // namespace zzjb::mock
