// Reads the school's certificate with OpenSSL: PEM or DER, the subject and issuer as readable
// UTF-8, the key algorithm (SM2 even when the key loads as a plain EC key), the validity, and the
// SHECA extensions (keyID, 统一社会信用代码) parsed as DER strings. Every OpenSSL object is owned
// by a unique_ptr; nothing from OpenSSL leaks into the public header.
#include "zzjb/identity/certificate.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

#include "openssl_util.hpp"
#include "zzjb/core/clock.hpp"
#include "zzjb/files/files.hpp"

namespace zzjb::identity {
namespace {

using ossl::certError;

using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, ossl::Free<ASN1_OBJECT_free>>;
using Asn1TypePtr = std::unique_ptr<ASN1_TYPE, ossl::Free<ASN1_TYPE_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, ossl::Free<BN_free>>;

// A certificate file: regular, at most files::kMaxCertificateBytes, not through a final link,
// read by descriptor. A device or pipe is refused, never read without end; the content is never
// quoted in a message (docs/security.md, rules 3 and 4).
Result<std::string> readBytes(const std::filesystem::path& path, const std::string& display) {
  auto bytes = files::readFile(path, {files::kMaxCertificateBytes, msg::text("identity.what.certificate")});
  if (bytes) return bytes;
  const Finding& why = bytes.error();
  if (why.code == "FILE_NOT_FOUND") {
    return std::unexpected(
        certError("CERT_UNREADABLE", display, "CERT_UNREADABLE.missing", {{"certificate", display}}));
  }
  return std::unexpected(certError(
      "CERT_UNREADABLE", display, "CERT_UNREADABLE.unreadable",
      {{"certificate", display}, {"reason", why.message}, {"hint", why.hint}},
      why.code == "FILE_OPEN" ? "CERT_UNREADABLE.permissions.hint" : "CERT_UNREADABLE.not_certificate.hint"));
}

std::string serialHex(const X509* cert) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  if (serial == nullptr) return {};
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return {};
  ossl::CharsPtr hex(BN_bn2hex(bn.get()));
  return hex ? std::string(hex.get()) : std::string();
}

std::string algorithmOf(const X509* cert) {
  const EVP_PKEY* pkey = X509_get0_pubkey(cert);
  if (pkey == nullptr) {
    ERR_clear_error();
    return "unknown";
  }
  return ossl::keyAlgorithmName(pkey);
}

std::optional<std::time_t> toTimeT(const ASN1_TIME* t) {
  if (t == nullptr) return std::nullopt;
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return timegm(&tm);
}

std::string hexPreview(const unsigned char* data, std::size_t len) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  constexpr std::size_t kMax = 16;
  std::string out;
  for (std::size_t i = 0; i < len && i < kMax; ++i) {
    if (i > 0) out += ' ';
    out += kDigits[data[i] >> 4U];
    out += kDigits[data[i] & 0x0fU];
  }
  if (len > kMax) out += " ...";
  return out;
}

std::string tagName(int type) {
  const char* name = ASN1_tag2str(type);
  return name != nullptr ? std::string(name) : "tag " + std::to_string(type);  // not-text: ASN.1 names
}

// "1.2.156.112570.11.205": numbers without leading zeros, joined by single dots, the first 0-2.
// OBJ_txt2obj alone would also take names ("CN") and sloppy text ("1..2" as 1.0.2).
bool isDottedOid(std::string_view oid) {
  if (oid.size() < 3 || oid[0] < '0' || oid[0] > '2' || oid[1] != '.') return false;
  std::size_t arcStart = 2;
  for (std::size_t i = 2; i <= oid.size(); ++i) {
    if (i == oid.size() || oid[i] == '.') {
      const std::size_t len = i - arcStart;
      if (len == 0 || (len > 1 && oid[arcStart] == '0')) return false;
      arcStart = i + 1;
    } else if (oid[i] < '0' || oid[i] > '9') {
      return false;
    }
  }
  return true;
}

// The value of the extension `oid` as UTF-8, "" when the certificate does not have it. `whatCode`
// names the extension in the catalog (keyID, credit code).
Result<std::string> extensionString(const X509* cert, const std::string& oid,
                                    std::string_view whatCode, const std::string& display) {
  if (oid.empty()) return std::string();
  const std::string what = msg::text(whatCode);
  Asn1ObjectPtr obj(isDottedOid(oid) ? OBJ_txt2obj(oid.c_str(), 1) : nullptr);
  if (!obj) {
    ERR_clear_error();
    return std::unexpected(
        certError("CERT_EXTENSION_OID", display, "CERT_EXTENSION_OID.dotted", {{"what", what}, {"oid", oid}}));
  }
  int index = X509_get_ext_by_OBJ(cert, obj.get(), -1);
  if (index < 0) return std::string();
  // Every encoding problem names the extension the same way and has the same hint.
  const auto encoding = [&](std::string_view textCode, msg::Args more = {}) {
    msg::Args args = {{"oid", oid}, {"what", what}, {"certificate", display}};
    args.insert(args.end(), more.begin(), more.end());
    return std::unexpected(certError("CERT_EXTENSION_ENCODING", display, textCode, std::move(args),
                                     "CERT_EXTENSION_ENCODING.hint.utf8"));
  };
  if (X509_get_ext_by_OBJ(cert, obj.get(), index) >= 0) {
    return encoding("CERT_EXTENSION_ENCODING.twice");
  }
  X509_EXTENSION* ext = X509_get_ext(cert, index);
  const ASN1_OCTET_STRING* content = ext != nullptr ? X509_EXTENSION_get_data(ext) : nullptr;
  if (content == nullptr) {
    return encoding("CERT_EXTENSION_ENCODING.no_value");
  }
  const unsigned char* begin = ASN1_STRING_get0_data(content);
  const int length = ASN1_STRING_length(content);
  const auto size = static_cast<std::size_t>(length > 0 ? length : 0);
  const unsigned char* p = begin;
  Asn1TypePtr value(d2i_ASN1_TYPE(nullptr, &p, length));
  if (!value) {
    ERR_clear_error();
    return encoding("CERT_EXTENSION_ENCODING.not_der", {{"bytes", hexPreview(begin, size)}});
  }
  if (p != begin + length) {
    return encoding("CERT_EXTENSION_ENCODING.stray", {{"count", begin + length - p}});
  }
  const int type = ASN1_TYPE_get(value.get());
  if (type != V_ASN1_UTF8STRING && type != V_ASN1_PRINTABLESTRING && type != V_ASN1_IA5STRING &&
      type != V_ASN1_BMPSTRING) {
    return encoding("CERT_EXTENSION_ENCODING.type",
                    {{"type", tagName(type)}, {"bytes", hexPreview(begin, size)}});
  }
  unsigned char* utf8 = nullptr;
  int utf8Len = ASN1_STRING_to_UTF8(&utf8, value->value.asn1_string);
  ossl::BytesPtr owned(utf8);
  if (utf8Len < 0 || utf8 == nullptr) {
    ERR_clear_error();
    return encoding("CERT_EXTENSION_ENCODING.not_text", {{"type", tagName(type)}});
  }
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(utf8Len));
  if (text.find('\0') != std::string::npos) {
    return encoding("CERT_EXTENSION_ENCODING.nul");
  }
  return text;
}

}  // namespace

namespace ossl {

std::string nameToString(const X509_NAME* name) {
  if (name == nullptr) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  // RFC 2253, but UTF-8 left as it is instead of \E4\B8\8A escapes.
  constexpr unsigned long kFlags =
      XN_FLAG_RFC2253 & ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
  if (X509_NAME_print_ex(bio.get(), name, 0, kFlags) < 0) {
    ERR_clear_error();
    return {};
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (data == nullptr || len <= 0) return {};
  return std::string(data, static_cast<std::size_t>(len));
}

Result<CertificateInfo> describeCertificate(const X509* cert, const std::string& display,
                                            const ExtensionOids& oids) {
  CertificateInfo info;
  info.subject = nameToString(X509_get_subject_name(cert));
  info.issuer = nameToString(X509_get_issuer_name(cert));
  info.serial = serialHex(cert);
  info.algorithm = algorithmOf(cert);

  auto notBefore = toTimeT(X509_get0_notBefore(cert));
  auto notAfter = toTimeT(X509_get0_notAfter(cert));
  if (!notBefore || !notAfter) {
    return std::unexpected(
        certError("CERT_INVALID", display, "CERT_INVALID.validity", {{"certificate", display}}));
  }
  info.notBefore = *notBefore;
  info.notAfter = *notAfter;

  auto keyId = extensionString(cert, oids.keyId, "identity.cert.ext.keyid", display);
  if (!keyId) return std::unexpected(std::move(keyId.error()));
  info.keyId = std::move(*keyId);
  auto creditCode = extensionString(cert, oids.creditCode, "identity.cert.ext.credit_code", display);
  if (!creditCode) return std::unexpected(std::move(creditCode.error()));
  info.creditCode = std::move(*creditCode);

  (void)takeError();  // nothing of this read stays in the thread's error queue
  return info;
}

Result<std::string> readCertificateFile(const std::filesystem::path& path,
                                        const std::string& display) {
  return readBytes(path, display);
}

}  // namespace ossl

Result<CertificateInfo> readCertificate(const std::filesystem::path& path,
                                        const std::string& display, const ExtensionOids& oids) {
  const std::string shown = display.empty() ? path.string() : display;
  auto bytes = readBytes(path, shown);
  if (!bytes) return std::unexpected(std::move(bytes.error()));

  ossl::X509Ptr cert = ossl::parseCertificate(*bytes);
  if (!cert) {
    return std::unexpected(
        certError("CERT_INVALID", shown, "CERT_INVALID.file_not_x509", {{"certificate", shown}}));
  }
  return ossl::describeCertificate(cert.get(), shown, oids);
}

long daysLeft(const CertificateInfo& cert, std::time_t now) {
  constexpr long long kDay = 86400;
  const long long diff = static_cast<long long>(cert.notAfter) - static_cast<long long>(now);
  long long days = diff / kDay;
  if (diff % kDay != 0 && diff < 0) --days;  // floor, also when expired
  return static_cast<long>(days);
}

std::string shanghaiDate(std::time_t t) {
  return shanghaiTime(static_cast<UnixMs>(t) * 1000).date.iso();
}

}  // namespace zzjb::identity
