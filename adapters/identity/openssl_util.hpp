// OpenSSL helpers shared by the identity adapter's sources (private, never in a public header):
// unique_ptr owners for OpenSSL objects, Findings of kind Config, certificate parsing, what a
// key is ("SM2", "RSA-2048", "EC-P256"), and digest contexts that sign or verify with the
// platform's algorithms (SM2 always with the distinguishing ID 1234567812345678).
#pragma once

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <array>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "zzjb/core/finding.hpp"
#include "zzjb/core/signer.hpp"
#include "zzjb/identity/certificate.hpp"

namespace zzjb::identity::ossl {

// unique_ptr deleter calling an OpenSSL free function.
template <auto FreeFn>
struct Free {
  template <typename T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};

inline void freeChars(char* p) {
  OPENSSL_free(p);
}
inline void freeBytes(unsigned char* p) {
  OPENSSL_free(p);
}
inline void freeX509Stack(STACK_OF(X509) * s) {
  sk_X509_pop_free(s, X509_free);
}
// OpenSSL 3.0 has no OSSL_PARAM_clear_free: the values (a private key, maybe) are wiped first.
inline void freeParams(OSSL_PARAM* params) {
  for (OSSL_PARAM* p = params; p != nullptr && p->key != nullptr; ++p) {
    if (p->data != nullptr && p->data_size > 0) OPENSSL_cleanse(p->data, p->data_size);
  }
  OSSL_PARAM_free(params);
}

using BioPtr = std::unique_ptr<BIO, Free<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Free<freeX509Stack>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Free<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Free<X509_STORE_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Free<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Free<EVP_MD_CTX_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, Free<PKCS12_free>>;
using OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, Free<ASN1_OCTET_STRING_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, Free<freeParams>>;
using CharsPtr = std::unique_ptr<char, Free<freeChars>>;
using BytesPtr = std::unique_ptr<unsigned char, Free<freeBytes>>;

// Bytes that may be secret (a key file, a PIN): overwritten when they go away.
class WipedBytes {
 public:
  WipedBytes() = default;
  explicit WipedBytes(std::string bytes) : bytes_(std::move(bytes)) {}
  ~WipedBytes() { wipe(); }
  WipedBytes(const WipedBytes&) = delete;
  WipedBytes& operator=(const WipedBytes&) = delete;
  WipedBytes(WipedBytes&&) = delete;
  WipedBytes& operator=(WipedBytes&&) = delete;

  [[nodiscard]] std::string& str() { return bytes_; }
  [[nodiscard]] const std::string& str() const { return bytes_; }
  void wipe() {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    bytes_.clear();
  }

 private:
  std::string bytes_;
};

inline Finding configFinding(std::string code, const std::string& display, std::string message,
                             std::string hint) {
  Finding f = zzjb::configFinding(std::move(code), std::move(message), std::move(hint));
  f.where.file = display;
  return f;
}

// A configuration error about the certificate or key shown as `display`, worded by the catalog's
// `textCode` (its ".hint" too), or with the hint of `hintCode` when one is given.
inline Finding certError(std::string code, const std::string& display, std::string_view textCode,
                         msg::Args args = {}, std::string_view hintCode = {}) {
  Finding f = zzjb::configError(std::move(code), args, textCode);
  f.where.file = display;
  if (!hintCode.empty()) f.hint = msg::text(hintCode, args);
  return f;
}

// The oldest OpenSSL error as text, or "" (and the queue cleared either way).
inline std::string takeError() {
  const unsigned long e = ERR_peek_error();
  std::string text;
  if (e != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(e, buf.data(), buf.size());
    text = buf.data();
  }
  ERR_clear_error();
  return text;
}

// A read-only memory BIO over `bytes` (which must outlive it); null when too large.
inline BioPtr memoryBio(std::string_view bytes) {
  constexpr auto kMaxInt = static_cast<std::size_t>(std::numeric_limits<int>::max());
  if (bytes.size() > kMaxInt) return nullptr;
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// PEM first (a CERTIFICATE block anywhere in the text), then DER.
inline X509Ptr parseCertificate(std::string_view bytes) {
  if (bytes.empty()) return nullptr;
  BioPtr bio = memoryBio(bytes);
  if (!bio) return nullptr;
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert) return cert;
  ERR_clear_error();
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  cert.reset(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
  if (!cert) ERR_clear_error();
  return cert;
}

// The certificate as PEM text, "" when OpenSSL cannot write it.
inline std::string certificateToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    ERR_clear_error();
    return {};
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  if (data == nullptr || len <= 0) return {};
  return std::string(data, static_cast<std::size_t>(len));
}

// The EC group's name ("SM2", "prime256v1", ...), "" for other keys.
inline std::string ecGroupName(const EVP_PKEY* pkey) {
  std::array<char, 80> group{};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                     &len) != 1) {
    ERR_clear_error();
    return {};
  }
  return std::string(group.data(), len);
}

// "SM2", "RSA-2048", "EC-P256", "EC-P384", "ED25519", ...: SM2 also when the key loaded as an
// EC key on the SM2 curve (id-ecPublicKey with the SM2 group).
inline std::string keyAlgorithmName(const EVP_PKEY* pkey) {
  if (pkey == nullptr) return "unknown";
  if (EVP_PKEY_is_a(pkey, "SM2")) return "SM2";
  if (EVP_PKEY_is_a(pkey, "EC")) {
    const std::string group = ecGroupName(pkey);
    int nid = group.empty() ? NID_undef : OBJ_sn2nid(group.c_str());
    if (nid == NID_undef && !group.empty()) nid = OBJ_ln2nid(group.c_str());
    if (nid == NID_sm2) return "SM2";
    if (nid == NID_X9_62_prime256v1) return "EC-P256";
    if (nid == NID_secp384r1) return "EC-P384";
    if (nid == NID_secp521r1) return "EC-P521";
    return group.empty() ? "EC" : "EC-" + group;
  }
  if (EVP_PKEY_is_a(pkey, "RSA")) return "RSA-" + std::to_string(EVP_PKEY_get_bits(pkey));
  if (EVP_PKEY_is_a(pkey, "RSA-PSS")) return "RSA-PSS-" + std::to_string(EVP_PKEY_get_bits(pkey));
  const char* type = EVP_PKEY_get0_type_name(pkey);
  return type != nullptr ? std::string(type) : std::string("unknown");
}

// The platform algorithm for a key named by keyAlgorithmName; none for anything else.
inline std::optional<SignatureAlgorithm> signatureAlgorithmFor(const std::string& keyName) {
  if (keyName == "SM2") return SignatureAlgorithm::Sm2Sm3;
  if (keyName == "EC-P256") return SignatureAlgorithm::EcdsaSha256;
  if (keyName.starts_with("RSA-") && !keyName.starts_with("RSA-PSS")) {
    return SignatureAlgorithm::RsaSha256;
  }
  return std::nullopt;
}

// The key as an OpenSSL "SM2" key. OpenSSL 3.0 decodes SM2-curve keys as SM2, but a key that
// arrives as "EC" on the SM2 curve would be signed with ECDSA; it is re-imported as SM2 (private
// part included when present). Null on failure.
inline PkeyPtr asSm2Key(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "SM2")) {
    if (EVP_PKEY_up_ref(pkey) != 1) return nullptr;
    return PkeyPtr(pkey);
  }
  OSSL_PARAM* raw = nullptr;
  if (EVP_PKEY_todata(pkey, EVP_PKEY_KEYPAIR, &raw) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  ParamsPtr params(raw);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* out = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return PkeyPtr(out);
}

// A digest context ready to sign or verify with `key` (which must fit `algorithm`): SM3 over
// Z‖data with the SM2 distinguishing ID, or SHA-256 (RSA with PKCS#1 v1.5 padding). The EVP_MD_CTX
// owns its EVP_PKEY_CTX. Null on failure (the OpenSSL error queue is cleared).
inline MdCtxPtr digestContext(EVP_PKEY* key, SignatureAlgorithm algorithm, bool forSigning) {
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md) return nullptr;
  const char* digest = algorithm == SignatureAlgorithm::Sm2Sm3 ? "SM3" : "SHA256";
  EVP_PKEY_CTX* pctx = nullptr;  // owned by `md`
  const int init =
      forSigning ? EVP_DigestSignInit_ex(md.get(), &pctx, digest, nullptr, nullptr, key, nullptr)
                 : EVP_DigestVerifyInit_ex(md.get(), &pctx, digest, nullptr, nullptr, key, nullptr);
  bool ok = init == 1 && pctx != nullptr;
  if (ok && algorithm == SignatureAlgorithm::Sm2Sm3) {
    // Before the first update: Z is computed from the ID then. OpenSSL 3.0's default is empty.
    ok = EVP_PKEY_CTX_set1_id(pctx, kSm2DistinguishingId.data(), kSm2DistinguishingId.size()) == 1;
  }
  if (ok && algorithm == SignatureAlgorithm::RsaSha256) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  }
  if (!ok) {
    ERR_clear_error();
    return nullptr;
  }
  return md;
}

// Sets the SM2 distinguishing ID on a certificate signed with SM2-with-SM3, so that checking its
// signature uses the ID (OpenSSL 3.0 checks with an empty one otherwise). Other certificates are
// left alone: an ID on a non-SM2 signature makes OpenSSL reject it. False on failure.
inline bool setSm2IdIfSm2Signed(X509* cert) {
  if (X509_get_signature_nid(cert) != NID_SM2_with_SM3) return true;
  OctetStringPtr id(ASN1_OCTET_STRING_new());
  if (!id || ASN1_OCTET_STRING_set(
                 id.get(), reinterpret_cast<const unsigned char*>(kSm2DistinguishingId.data()),
                 static_cast<int>(kSm2DistinguishingId.size())) != 1) {
    ERR_clear_error();
    return false;
  }
  X509_set0_distinguishing_id(cert, id.release());  // the certificate owns it now
  return true;
}

// Subject, issuer, serial, key algorithm, validity and the SHECA extensions of a parsed
// certificate (certificate.cpp). Errors as readCertificate's: CERT_INVALID, CERT_EXTENSION_*.
[[nodiscard]] Result<CertificateInfo> describeCertificate(const X509* cert,
                                                          const std::string& display,
                                                          const ExtensionOids& oids);

// The bytes of a certificate file (certificate.cpp). Errors: CERT_UNREADABLE, CERT_INVALID (too
// large for a certificate).
[[nodiscard]] Result<std::string> readCertificateFile(const std::filesystem::path& path,
                                                      const std::string& display);

// One-line RFC 2253 text of a name, UTF-8 left as it is (certificate.cpp).
[[nodiscard]] std::string nameToString(const X509_NAME* name);

}  // namespace zzjb::identity::ossl
