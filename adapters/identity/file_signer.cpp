// A key file as a Signer: PEM (PKCS#8, SEC1 or PKCS#1; plain or encrypted with the PIN, PKCS#8
// or the legacy Proc-Type form) or PKCS#12 (.p12/.pfx, or recognised by its content). The PIN is
// asked for only when the file needs one and is used once, while opening; the signer keeps the
// decrypted key in OpenSSL's hands and wipes every buffer that held key material.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "openssl_util.hpp"
#include "zzjb/identity/signers.hpp"

namespace zzjb::identity {
namespace {

using ossl::certError;

constexpr std::uintmax_t kMaxKeyFileBytes = 1024 * 1024;

// What openFileSigner found in the file.
struct LoadedKey {
  ossl::PkeyPtr key;
  ossl::X509Ptr certificate;  // null when the file has none
  bool pinRequired = false;
};

Finding pinWrong(const std::string& path) {
  return certError("PIN_WRONG", path, "PIN_WRONG.key_file", {{"file", path}});
}

Result<void> readKeyFile(const std::filesystem::path& path, const std::string& shown,
                         ossl::WipedBytes& out) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return std::unexpected(certError("KEY_UNREADABLE", shown, "KEY_UNREADABLE.missing", {{"file", shown}}));
  }
  if (std::filesystem::is_directory(status)) {
    return std::unexpected(certError("KEY_UNREADABLE", shown, "KEY_UNREADABLE.directory", {{"file", shown}}));
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxKeyFileBytes) {
    return std::unexpected(
        certError("KEY_INVALID", shown, "KEY_INVALID.too_large", {{"file", shown}, {"bytes", size}}));
  }
  std::ifstream in;
  in.rdbuf()->pubsetbuf(nullptr, 0);  // unbuffered: no copy of the key left in a stream buffer
  in.open(path, std::ios::binary);
  out.str().assign(ec ? 0 : static_cast<std::size_t>(size), '\0');
  if (in && !out.str().empty()) {
    in.read(out.str().data(), static_cast<std::streamsize>(out.str().size()));
  }
  if (ec || !in) {
    return std::unexpected(certError("KEY_UNREADABLE", shown, "KEY_UNREADABLE.unreadable", {{"file", shown}}));
  }
  return {};
}

std::string lowerExtension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// The PEM reader's password callback: with no PIN it only notes that one was asked for.
struct PemPassword {
  std::string_view pin;
  bool havePin = false;
  bool asked = false;
};

int pemPasswordCallback(char* buf, int size, int /*rwflag*/, void* userdata) {
  auto* password = static_cast<PemPassword*>(userdata);
  password->asked = true;
  if (!password->havePin || size <= 0) return -1;
  const std::size_t len = std::min(password->pin.size(), static_cast<std::size_t>(size));
  std::memcpy(buf, password->pin.data(), len);
  return static_cast<int>(len);
}

// The first private key in the PEM text, null when there is none or it does not decrypt.
ossl::PkeyPtr readPemKey(std::string_view text, PemPassword& password) {
  ossl::BioPtr bio = ossl::memoryBio(text);
  if (!bio) return nullptr;
  ossl::PkeyPtr key(PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, pemPasswordCallback, &password,
                                               nullptr, nullptr));
  ERR_clear_error();
  return key;
}

Result<LoadedKey> loadPem(std::string_view text, const std::string& shown,
                          const PinProvider& pinProvider) {
  LoadedKey loaded;
  PemPassword firstTry;  // no PIN: tells whether the key is encrypted
  loaded.key = readPemKey(text, firstTry);
  if (!loaded.key && firstTry.asked) {
    loaded.pinRequired = true;
    auto pin = pinProvider ? pinProvider()
                           : Result<Secret>(std::unexpected(
                                 certError("PIN_UNAVAILABLE", shown, "PIN_UNAVAILABLE.key_encrypted",
                                           {{"file", shown}}, "identity.key_file.pin_source.hint")));
    if (!pin) return std::unexpected(std::move(pin.error()));
    PemPassword withPin{pin->view(), true, false};
    loaded.key = readPemKey(text, withPin);
    if (!loaded.key) return std::unexpected(pinWrong(shown));
  }
  if (!loaded.key) {
    return std::unexpected(certError("KEY_INVALID", shown, "KEY_INVALID.no_pem_key", {{"file", shown}}));
  }
  // A certificate next to the key, in the same file.
  if (text.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    ossl::BioPtr bio = ossl::memoryBio(text);
    if (bio) loaded.certificate.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
  }
  return loaded;
}

bool parsePkcs12(PKCS12* p12, const char* pass, LoadedKey& loaded) {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  const int ok = PKCS12_parse(p12, pass, &key, &cert, &ca);
  loaded.key.reset(key);
  loaded.certificate.reset(cert);
  ossl::X509StackPtr chain(ca);  // the CA certificates are not needed here
  return ok == 1;
}

// `named`: the file is called .p12/.pfx (else it was tried because it is not PEM).
Result<LoadedKey> loadPkcs12(std::string_view bytes, const std::string& shown,
                             const PinProvider& pinProvider, bool named) {
  ossl::BioPtr bio = ossl::memoryBio(bytes);
  ossl::Pkcs12Ptr p12(bio ? d2i_PKCS12_bio(bio.get(), nullptr) : nullptr);
  if (!p12) {
    ERR_clear_error();
    return std::unexpected(certError("KEY_INVALID", shown,
                                     named ? "KEY_INVALID.not_pkcs12" : "KEY_INVALID.not_pem_or_pkcs12",
                                     {{"file", shown}}, "KEY_INVALID.not_pkcs12.hint"));
  }
  LoadedKey loaded;
  // The empty password (and none at all) first: exports without a password need no PIN.
  const bool hasMac = PKCS12_mac_present(p12.get()) == 1;
  const bool emptyPassword = hasMac && (PKCS12_verify_mac(p12.get(), nullptr, 0) == 1 ||
                                        PKCS12_verify_mac(p12.get(), "", 0) == 1);
  ERR_clear_error();
  bool opened = false;
  std::string failure;
  if (emptyPassword || !hasMac) {
    opened = parsePkcs12(p12.get(), "", loaded);
    if (!opened) failure = ossl::takeError();
  }
  if (!opened && !emptyPassword) {
    loaded.pinRequired = true;
    auto pin = pinProvider ? pinProvider()
                           : Result<Secret>(std::unexpected(
                                 certError("PIN_UNAVAILABLE", shown, "PIN_UNAVAILABLE.key_password",
                                           {{"file", shown}}, "identity.key_file.pin_source.hint")));
    if (!pin) return std::unexpected(std::move(pin.error()));
    ossl::WipedBytes pass;  // PKCS12_* want a NUL-terminated password
    pass.str().assign(pin->view());
    if (hasMac && PKCS12_verify_mac(p12.get(), pass.str().c_str(),
                                    static_cast<int>(pass.str().size())) != 1) {
      ERR_clear_error();
      return std::unexpected(pinWrong(shown));
    }
    opened = parsePkcs12(p12.get(), pass.str().c_str(), loaded);
    if (!opened && !hasMac) {  // nothing tells a wrong password from a damaged file
      ERR_clear_error();
      return std::unexpected(pinWrong(shown));
    }
    if (!opened) failure = ossl::takeError();
  }
  ERR_clear_error();
  if (!opened) {
    // The password is right (the MAC matched) but a part does not decrypt: OpenSSL 3.0 reads
    // RC2 and 3DES-PBE (old exports) only with the legacy provider.
    return std::unexpected(certError("KEY_INVALID", shown, "KEY_INVALID.pkcs12_legacy",
                                     {{"file", shown}, {"reason", failure}}));
  }
  if (!loaded.key) {
    return std::unexpected(certError("KEY_INVALID", shown, "KEY_INVALID.pkcs12_no_key", {{"file", shown}}));
  }
  return loaded;
}

std::string publicKeyDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  ossl::BytesPtr owned(der);
  if (len <= 0 || der == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
}

// The same public key, also when OpenSSL cannot compare the two (an SM2 and an EC-typed key).
bool samePublicKey(EVP_PKEY* a, EVP_PKEY* b) {
  if (EVP_PKEY_eq(a, b) == 1) return true;
  const std::string derA = publicKeyDer(a);
  ERR_clear_error();
  return !derA.empty() && derA == publicKeyDer(b);
}

bool looksLikePem(std::string_view bytes) {
  return bytes.find("-----BEGIN ") != std::string_view::npos;
}

class FileSigner final : public Signer {
 public:
  FileSigner(std::string path, ossl::PkeyPtr key, SignatureAlgorithm algorithm,
             std::string certificatePem, bool pinRequired)
      : path_(std::move(path)),
        key_(std::move(key)),
        algorithm_(algorithm),
        certificatePem_(std::move(certificatePem)),
        pinRequired_(pinRequired) {}

  [[nodiscard]] SignatureAlgorithm algorithm() const override { return algorithm_; }

  [[nodiscard]] Result<std::vector<std::uint8_t>> sign(
      std::span<const std::uint8_t> data) override {
    try {
      return signOnce(data);
    } catch (const std::exception&) {  // out of memory: a Finding, not an exception
      return std::unexpected(signFailed());
    }
  }

  [[nodiscard]] std::string certificatePem() const override { return certificatePem_; }

  [[nodiscard]] PinStatus pinStatus() const override {
    PinStatus status;
    status.required = pinRequired_;
    return status;
  }

  [[nodiscard]] std::string describe() const override { return "file " + path_; }

 private:
  [[nodiscard]] Result<std::vector<std::uint8_t>> signOnce(std::span<const std::uint8_t> data) {
    static constexpr unsigned char kNothing = 0;
    const unsigned char* bytes = data.empty() ? &kNothing : data.data();
    ossl::MdCtxPtr md = ossl::digestContext(key_.get(), algorithm_, true);
    std::size_t len = 0;
    if (!md || EVP_DigestSign(md.get(), nullptr, &len, bytes, data.size()) != 1) {
      return std::unexpected(signFailed());
    }
    std::vector<std::uint8_t> signature(len);
    if (EVP_DigestSign(md.get(), signature.data(), &len, bytes, data.size()) != 1) {
      return std::unexpected(signFailed());
    }
    signature.resize(len);
    return signature;
  }

  [[nodiscard]] Finding signFailed() const {
    const std::string why = ossl::takeError();
    return certError("SIGN_FAILED", path_, why.empty() ? "SIGN_FAILED.key_file" : "SIGN_FAILED.key_file_why",
                     {{"file", path_}, {"algorithm", signatureAlgorithmName(algorithm_)}, {"reason", why}},
                     "SIGN_FAILED.key_file.hint");
  }

  std::string path_;
  ossl::PkeyPtr key_;
  SignatureAlgorithm algorithm_;
  std::string certificatePem_;
  bool pinRequired_;
};

Result<std::unique_ptr<Signer>> openFile(const FileKeyUri& uri, const PinProvider& pin) {
  const std::string& shown = uri.path;
  const std::filesystem::path path(uri.path);
  ossl::WipedBytes bytes;
  if (auto read = readKeyFile(path, shown, bytes); !read) {
    return std::unexpected(std::move(read.error()));
  }

  const std::string ext = lowerExtension(path);
  const bool named = ext == ".p12" || ext == ".pfx";
  auto loaded = named || !looksLikePem(bytes.str()) ? loadPkcs12(bytes.str(), shown, pin, named)
                                                    : loadPem(bytes.str(), shown, pin);
  bytes.wipe();
  if (!loaded) return std::unexpected(std::move(loaded.error()));

  const std::string keyName = ossl::keyAlgorithmName(loaded->key.get());
  const auto algorithm = ossl::signatureAlgorithmFor(keyName);
  if (!algorithm) {
    return std::unexpected(
        certError("SIGN_ALGORITHM", shown, "SIGN_ALGORITHM.key_file", {{"file", shown}, {"key", keyName}}));
  }
  std::string certificatePem;
  if (loaded->certificate) {
    EVP_PKEY* certKey = X509_get0_pubkey(loaded->certificate.get());
    if (certKey == nullptr || !samePublicKey(certKey, loaded->key.get())) {
      ERR_clear_error();
      return std::unexpected(
          certError("KEY_CERT_MISMATCH", shown, "KEY_CERT_MISMATCH.key_file", {{"file", shown}}));
    }
    certificatePem = ossl::certificateToPem(loaded->certificate.get());
  }

  ossl::PkeyPtr key = std::move(loaded->key);
  if (*algorithm == SignatureAlgorithm::Sm2Sm3) {
    key = ossl::asSm2Key(key.get());
    if (!key) {
      return std::unexpected(certError("KEY_INVALID", shown, "KEY_INVALID.sm2", {{"file", shown}}));
    }
  }
  ERR_clear_error();
  return std::make_unique<FileSigner>(uri.path, std::move(key), *algorithm,
                                      std::move(certificatePem), loaded->pinRequired);
}

}  // namespace

Result<std::unique_ptr<Signer>> openFileSigner(const FileKeyUri& uri, const PinProvider& pin) {
  try {
    return openFile(uri, pin);
  } catch (const std::exception& e) {  // bad_alloc, filesystem: nothing escapes
    return std::unexpected(certError("KEY_UNREADABLE", uri.path, "KEY_UNREADABLE.failed",
                                     {{"file", uri.path}, {"reason", e.what()}}));
  }
}

}  // namespace zzjb::identity
