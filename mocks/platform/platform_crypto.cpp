// Certificate chains and signatures, checked with OpenSSL 3.0 the way the platform would: the
// chain against the trusted CAs at the mock's time, SM2 with the distinguishing ID
// 1234567812345678 (OpenSSL's default ID is empty), RSA PKCS#1 v1.5 and ECDSA on P-256.
#include "platform_crypto.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <array>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "zzjb/files/files.hpp"

namespace zzjb::mock {
namespace {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using ObjPtr = std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT_free>>;
using Utf8Ptr = std::unique_ptr<ASN1_UTF8STRING, Deleter<ASN1_UTF8STRING_free>>;

struct X509StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

std::vector<X509Ptr> readPemCertificates(std::string_view pem) {
  std::vector<X509Ptr> certs;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return certs;
  for (;;) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    certs.push_back(std::move(cert));
  }
  ERR_clear_error();
  return certs;
}

// Certificates signed with SM2-with-SM3 are verified with the GM/T 0009 default ID.
void setSm2IdIfNeeded(X509* cert) {
  if (X509_get_signature_nid(cert) != NID_SM2_with_SM3) return;
  ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
  if (id == nullptr) return;
  if (ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(kSm2Id.data()),
                            static_cast<int>(kSm2Id.size())) != 1) {
    ASN1_OCTET_STRING_free(id);
    return;
  }
  X509_set0_distinguishing_id(cert, id);  // takes ownership
}

std::string subjectOf(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0,
                     XN_FLAG_RFC2253 & ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB));
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

// A UTF8String extension's value, empty when absent or not a UTF8String.
std::string utf8Extension(X509* cert, const char* oid) {
  ObjPtr obj(OBJ_txt2obj(oid, 1));
  if (!obj) return {};
  int index = X509_get_ext_by_OBJ(cert, obj.get(), -1);
  if (index < 0) return {};
  ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, index));
  if (data == nullptr) return {};
  const unsigned char* p = ASN1_STRING_get0_data(data);
  Utf8Ptr value(d2i_ASN1_UTF8STRING(nullptr, &p, ASN1_STRING_length(data)));
  if (!value) {
    ERR_clear_error();
    return {};
  }
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value.get())),
                     static_cast<std::size_t>(ASN1_STRING_length(value.get())));
}

std::string groupName(EVP_PKEY* key) {
  std::array<char, 80> name{};
  std::size_t len = 0;
  if (EVP_PKEY_get_group_name(key, name.data(), name.size(), &len) != 1) {
    ERR_clear_error();
    return {};
  }
  return std::string(name.data(), len);
}

}  // namespace

bool TrustAnchors::load(const std::vector<std::string>& files, std::string& error) {
  pems_.clear();
  for (const auto& file : files) {
    // Bounded, regular files only (docs/platform-api.md, "The server").
    auto text = zzjb::files::readFile(
        file, {zzjb::files::kMaxCertificateBytes, "trusted CA file", /*followFinalLink=*/true});
    if (!text) {
      error = "cannot read trusted CA file " + file + ": " + text.error().message;
      return false;
    }
    auto certs = readPemCertificates(*text);
    if (certs.empty()) {
      error = "no PEM certificate in trusted CA file " + file;
      return false;
    }
    for (auto& cert : certs) {
      BioPtr bio(BIO_new(BIO_s_mem()));
      if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1) {
        error = "cannot re-encode a certificate of " + file;
        return false;
      }
      char* data = nullptr;
      long len = BIO_get_mem_data(bio.get(), &data);
      pems_.emplace_back(data, static_cast<std::size_t>(len));
    }
  }
  return true;
}

CertInfo checkCertificate(const std::string& pem, const TrustAnchors& anchors, Seconds now) {
  CertInfo info;
  auto certs = readPemCertificates(pem);
  if (certs.empty()) {
    info.detail = "not a PEM certificate";
    return info;
  }
  X509* leaf = certs.front().get();
  info.subject = subjectOf(leaf);
  info.keyId = utf8Extension(leaf, kKeyIdOid);
  info.creditCode = utf8Extension(leaf, kCreditCodeOid);

  StorePtr store(X509_STORE_new());
  X509StackPtr untrusted(sk_X509_new_null());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx) {
    info.detail = "out of memory";
    return info;
  }
  for (const auto& anchorPem : anchors.pems()) {
    for (auto& anchor : readPemCertificates(anchorPem)) {
      setSm2IdIfNeeded(anchor.get());
      X509_STORE_add_cert(store.get(), anchor.get());  // takes its own reference
    }
  }
  for (std::size_t i = 0; i < certs.size(); ++i) {
    setSm2IdIfNeeded(certs[i].get());
    if (i > 0 && sk_X509_push(untrusted.get(), certs[i].get()) > 0) {
      X509_up_ref(certs[i].get());
    }
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1) {
    info.detail = "cannot set up the verification";
    return info;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(now));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_verify_cert(ctx.get()) == 1) {
    info.verdict = CertVerdict::Ok;
    return info;
  }
  int err = X509_STORE_CTX_get_error(ctx.get());
  info.detail = X509_verify_cert_error_string(err);
  info.verdict = err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID
                     ? CertVerdict::Expired
                     : CertVerdict::Untrusted;
  ERR_clear_error();
  return info;
}

bool isKnownAlgorithm(std::string_view algorithm) {
  return algorithm == "SM2-SM3" || algorithm == "RSA-SHA256" || algorithm == "ECDSA-SHA256";
}

namespace {

// The leaf of `pem`, parsed once: a session signs every submission with the certificate it
// logged in with, and parsing it (OpenSSL 3's decoders) was a sixth of the mock's CPU under a
// city of schools (bench/city). Shared and never modified; at most 1,024 are kept (all
// forgotten when full).
std::shared_ptr<X509> leafOf(const std::string& pem) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<X509>> cache;
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(pem); it != cache.end()) return it->second;
  }
  auto certs = readPemCertificates(pem);
  if (certs.empty()) return nullptr;
  std::shared_ptr<X509> leaf(certs.front().release(), X509_free);
  std::lock_guard lock(mutex);
  if (cache.size() >= 1024) cache.clear();
  cache.emplace(pem, leaf);
  return leaf;
}

}  // namespace

SignatureVerdict verifySignature(const std::string& pem, std::string_view algorithm,
                                 std::string_view data, std::string_view signature) {
  const std::shared_ptr<X509> leaf = leafOf(pem);
  if (!leaf) return SignatureVerdict::Invalid;
  EVP_PKEY* key = X509_get0_pubkey(leaf.get());
  if (key == nullptr) return SignatureVerdict::Invalid;
  const std::string group = groupName(key);
  const bool sm2 = EVP_PKEY_is_a(key, "SM2") || (EVP_PKEY_is_a(key, "EC") && group == "SM2");
  const char* digest = "SHA256";
  if (algorithm == "SM2-SM3") {
    if (!sm2) return SignatureVerdict::AlgorithmMismatch;
    digest = "SM3";
  } else if (algorithm == "RSA-SHA256") {
    if (!EVP_PKEY_is_a(key, "RSA")) return SignatureVerdict::AlgorithmMismatch;
  } else if (algorithm == "ECDSA-SHA256") {
    if (sm2 || !EVP_PKEY_is_a(key, "EC") || (group != "prime256v1" && group != "P-256")) {
      return SignatureVerdict::AlgorithmMismatch;
    }
  } else {
    return SignatureVerdict::AlgorithmMismatch;
  }
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md) return SignatureVerdict::Invalid;
  EVP_PKEY_CTX* pctx = nullptr;  // owned by `md`
  if (EVP_DigestVerifyInit_ex(md.get(), &pctx, digest, nullptr, nullptr, key, nullptr) != 1) {
    ERR_clear_error();
    return SignatureVerdict::Invalid;
  }
  if (sm2 && EVP_PKEY_CTX_set1_id(pctx, kSm2Id.data(), kSm2Id.size()) != 1) {
    ERR_clear_error();
    return SignatureVerdict::Invalid;
  }
  int ok = EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
  ERR_clear_error();
  return ok == 1 ? SignatureVerdict::Ok : SignatureVerdict::Invalid;
}

}  // namespace zzjb::mock
