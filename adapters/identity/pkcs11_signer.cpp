// The PKCS#11 key source: loads the token's module with Boost.DLL, finds the token and key by
// label, reads the PIN retry flags before it asks for the PIN, and signs on the token. RSA keys
// sign with CKM_SHA256_RSA_PKCS; EC P-256 keys sign a SHA-256 digest with CKM_ECDSA, and the raw
// r‖s is turned into DER here. Nothing throws out of this file.
#include <dlfcn.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <array>
#include <boost/dll/shared_library.hpp>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "library_loading.hpp"
#include "zzjb/messages/catalog.hpp"
#include "zzjb/identity/signers.hpp"

namespace zzjb::identity {
namespace {

using Bytes = std::vector<std::uint8_t>;

// CK_UNAVAILABLE_INFORMATION without the header's C cast.
constexpr CK_ULONG kUnavailable = ~CK_ULONG{0};

// DER of the prime256v1 (P-256) OID, as CKA_EC_PARAMS holds a named curve.
constexpr std::array<std::uint8_t, 10> kP256Params = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                                      0xce, 0x3d, 0x03, 0x01, 0x07};

struct CkrName {
  CK_RV rv;
  const char* name;
};

// The names beside the values, spelled once.
// clang-format off
#define ZZJB_CKR(code) CkrName{code, #code}
// clang-format on
constexpr std::array kCkrNames = {
    ZZJB_CKR(CKR_OK),
    ZZJB_CKR(CKR_CANCEL),
    ZZJB_CKR(CKR_HOST_MEMORY),
    ZZJB_CKR(CKR_SLOT_ID_INVALID),
    ZZJB_CKR(CKR_GENERAL_ERROR),
    ZZJB_CKR(CKR_FUNCTION_FAILED),
    ZZJB_CKR(CKR_ARGUMENTS_BAD),
    ZZJB_CKR(CKR_NEED_TO_CREATE_THREADS),
    ZZJB_CKR(CKR_CANT_LOCK),
    ZZJB_CKR(CKR_ATTRIBUTE_SENSITIVE),
    ZZJB_CKR(CKR_ATTRIBUTE_TYPE_INVALID),
    ZZJB_CKR(CKR_DATA_INVALID),
    ZZJB_CKR(CKR_DATA_LEN_RANGE),
    ZZJB_CKR(CKR_DEVICE_ERROR),
    ZZJB_CKR(CKR_DEVICE_MEMORY),
    ZZJB_CKR(CKR_DEVICE_REMOVED),
    ZZJB_CKR(CKR_FUNCTION_NOT_SUPPORTED),
    ZZJB_CKR(CKR_KEY_HANDLE_INVALID),
    ZZJB_CKR(CKR_KEY_TYPE_INCONSISTENT),
    ZZJB_CKR(CKR_KEY_FUNCTION_NOT_PERMITTED),
    ZZJB_CKR(CKR_MECHANISM_INVALID),
    ZZJB_CKR(CKR_MECHANISM_PARAM_INVALID),
    ZZJB_CKR(CKR_OBJECT_HANDLE_INVALID),
    ZZJB_CKR(CKR_OPERATION_ACTIVE),
    ZZJB_CKR(CKR_OPERATION_NOT_INITIALIZED),
    ZZJB_CKR(CKR_PIN_INCORRECT),
    ZZJB_CKR(CKR_PIN_INVALID),
    ZZJB_CKR(CKR_PIN_LEN_RANGE),
    ZZJB_CKR(CKR_PIN_EXPIRED),
    ZZJB_CKR(CKR_PIN_LOCKED),
    ZZJB_CKR(CKR_SESSION_CLOSED),
    ZZJB_CKR(CKR_SESSION_COUNT),
    ZZJB_CKR(CKR_SESSION_HANDLE_INVALID),
    ZZJB_CKR(CKR_SIGNATURE_LEN_RANGE),
    ZZJB_CKR(CKR_TEMPLATE_INCOMPLETE),
    ZZJB_CKR(CKR_TEMPLATE_INCONSISTENT),
    ZZJB_CKR(CKR_TOKEN_NOT_PRESENT),
    ZZJB_CKR(CKR_TOKEN_NOT_RECOGNIZED),
    ZZJB_CKR(CKR_USER_ALREADY_LOGGED_IN),
    ZZJB_CKR(CKR_USER_NOT_LOGGED_IN),
    ZZJB_CKR(CKR_USER_PIN_NOT_INITIALIZED),
    ZZJB_CKR(CKR_USER_TYPE_INVALID),
    ZZJB_CKR(CKR_BUFFER_TOO_SMALL),
    ZZJB_CKR(CKR_CRYPTOKI_NOT_INITIALIZED),
    ZZJB_CKR(CKR_CRYPTOKI_ALREADY_INITIALIZED),
};
#undef ZZJB_CKR

const char* ckrName(CK_RV rv) {
  auto it = std::ranges::find(kCkrNames, rv, &CkrName::rv);
  return it == kCkrNames.end() ? nullptr : it->name;
}

// "CKR_PIN_INCORRECT (0xa0)", or just the number for codes the table does not know.
std::string ckrText(CK_RV rv) {
  std::array<char, 32> hex{};
  std::snprintf(hex.data(), hex.size(), "0x%lx", rv);
  const char* name = ckrName(rv);
  if (name == nullptr) return std::string("CKR ") + hex.data();
  return std::string(name) + " (" + hex.data() + ")";
}


// PKCS#11 pads labels with spaces to their fixed width.
std::string paddedText(const unsigned char* text, std::size_t width) {
  std::string s(text, text + width);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

PinStatus pinStatusFrom(CK_FLAGS flags) {
  PinStatus st;
  st.required = (flags & CKF_LOGIN_REQUIRED) != 0;
  st.countLow = (flags & CKF_USER_PIN_COUNT_LOW) != 0;
  st.finalTry = (flags & CKF_USER_PIN_FINAL_TRY) != 0;
  st.locked = (flags & CKF_USER_PIN_LOCKED) != 0;
  return st;
}

// What the token says about its PIN after a failed login, for the PIN_WRONG message.
std::string retryStateText(const PinStatus& st) {
  if (st.locked) return msg::text("identity.pkcs11.retry.locked");
  if (st.finalTry) return msg::text("identity.pkcs11.retry.final_try");
  if (st.countLow) return msg::text("identity.pkcs11.retry.count_low");
  return msg::text("identity.pkcs11.retry.none");
}

// Which modules this process has initialised and how many signers use each. Several signers may
// share one module (dlopen hands out the same library), and C_Finalize by one would pull the
// module from under the others; so the last user finalises, and only if zzjb initialised it.
class ModuleRegistry {
 public:
  static ModuleRegistry& instance() {
    static ModuleRegistry registry;
    return registry;
  }

  // C_Initialize the first time `functions` is used; CKR_OK or the module's error.
  CK_RV acquire(CK_FUNCTION_LIST_PTR functions) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(functions);
    if (it != users_.end()) {
      ++it->second.count;
      return CKR_OK;
    }
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = functions->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) return rv;
    // Already initialised by someone else in this process (another library): theirs to finalise.
    users_.emplace(functions, Entry{1, rv == CKR_OK});
    return CKR_OK;
  }

  void release(CK_FUNCTION_LIST_PTR functions) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(functions);
    if (it == users_.end() || --it->second.count > 0) return;
    if (it->second.ours) functions->C_Finalize(nullptr);
    users_.erase(it);
  }

 private:
  struct Entry {
    int count = 0;
    bool ours = false;
  };
  std::mutex mutex_;
  std::map<CK_FUNCTION_LIST_PTR, Entry> users_;
};

// A loaded, initialised PKCS#11 module. The library outlives the C_Finalize: members are
// destroyed after the destructor's body.
class Module {
 public:
  Module(boost::dll::shared_library library, CK_FUNCTION_LIST_PTR functions)
      : library_(std::move(library)), functions_(functions) {}
  ~Module() { ModuleRegistry::instance().release(functions_); }
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  [[nodiscard]] const CK_FUNCTION_LIST& fn() const { return *functions_; }

 private:
  boost::dll::shared_library library_;
  CK_FUNCTION_LIST_PTR functions_;
};

Result<std::unique_ptr<Module>> loadModule(const std::string& path) {
  // Only from a trusted place, and the checked file itself (docs/identity.md, "Token libraries are
  // code").
  auto loaded = detail::loadTokenLibrary(path, msg::text("identity.what.pkcs11_module"),
                                         msg::text("identity.pkcs11.module_path.hint"));
  if (!loaded) return std::unexpected(std::move(loaded.error()));
  boost::dll::shared_library library = std::move(*loaded);
  if (!library.has("C_GetFunctionList")) {
    return std::unexpected(configError("KEY_MODULE", {{"path", path}}, "KEY_MODULE.not_pkcs11"));
  }
  auto& getFunctionList = library.get<CK_RV(CK_FUNCTION_LIST_PTR_PTR)>("C_GetFunctionList");
  CK_FUNCTION_LIST_PTR functions = nullptr;
  CK_RV rv = getFunctionList(&functions);
  if (rv != CKR_OK || functions == nullptr) {
    return std::unexpected(configError(
        "KEY_MODULE", {{"path", path}, {"call", "C_GetFunctionList"}, {"reason", ckrText(rv)}},
        "KEY_MODULE.call_failed"));
  }
  rv = ModuleRegistry::instance().acquire(functions);
  if (rv != CKR_OK) {
    return std::unexpected(configError(
        "KEY_MODULE", {{"path", path}, {"call", "C_Initialize"}, {"reason", ckrText(rv)}},
        "KEY_MODULE.initialize"));
  }
  return std::make_unique<Module>(std::move(library), functions);
}

// An open session; closing the application's last session also logs it out (PKCS#11 §5.6).
class Session {
 public:
  Session(const Module& module, CK_SESSION_HANDLE handle) : module_(module), handle_(handle) {}
  ~Session() { module_.fn().C_CloseSession(handle_); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  [[nodiscard]] CK_SESSION_HANDLE handle() const { return handle_; }

 private:
  const Module& module_;
  CK_SESSION_HANDLE handle_;
};

struct TokenSlot {
  CK_SLOT_ID slot = 0;
  CK_FLAGS flags = 0;
};

Result<TokenSlot> findToken(const Module& module, const Pkcs11KeyUri& uri) {
  const CK_FUNCTION_LIST& fn = module.fn();
  std::vector<CK_SLOT_ID> slots;
  for (;;) {
    CK_ULONG count = 0;
    CK_RV rv = fn.C_GetSlotList(CK_TRUE, nullptr, &count);
    if (rv == CKR_OK) {
      slots.resize(count);
      rv = fn.C_GetSlotList(CK_TRUE, slots.data(), &count);
    }
    if (rv == CKR_BUFFER_TOO_SMALL) continue;  // a token arrived between the two calls
    if (rv != CKR_OK) {
      return std::unexpected(configError(
          "KEY_MODULE", {{"path", uri.modulePath}, {"call", "C_GetSlotList"}, {"reason", ckrText(rv)}},
          "KEY_MODULE.call_failed"));
    }
    slots.resize(count);
    break;
  }
  std::string seen;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (fn.C_GetTokenInfo(slot, &info) != CKR_OK) continue;  // removed meanwhile, or broken
    std::string label = paddedText(info.label, sizeof info.label);
    if (label == uri.token) return TokenSlot{slot, info.flags};
    if (!seen.empty()) seen += ", ";
    seen += "\"" + label + "\"";
    if ((info.flags & CKF_TOKEN_INITIALIZED) == 0) seen += msg::text("identity.pkcs11.not_initialised");
  }
  return std::unexpected(configError(
      "KEY_TOKEN_NOT_FOUND",
      {{"token", uri.token}, {"module", uri.modulePath}, {"seen", seen.empty() ? msg::text("identity.pkcs11.none") : seen}},
      "KEY_TOKEN_NOT_FOUND.pkcs11"));
}

Result<CK_FLAGS> tokenFlags(const Module& module, CK_SLOT_ID slot) {
  CK_TOKEN_INFO info{};
  CK_RV rv = module.fn().C_GetTokenInfo(slot, &info);
  if (rv != CKR_OK) {
    return std::unexpected(configError("KEY_TOKEN", {{"call", "C_GetTokenInfo"}, {"reason", ckrText(rv)}}, "KEY_TOKEN.call_failed"));
  }
  return info.flags;
}

// Refuses before the PIN is asked for when a wrong one could lock the token.
std::optional<Finding> refuseRiskyLogin(const PinStatus& st, const std::string& where) {
  if (st.locked) {
    return configError("PIN_LOCKED", {{"where", where}, {"reason", "CKF_USER_PIN_LOCKED"}}, "PIN_LOCKED.pkcs11");
  }
  if (st.finalTry) {
    return configError("PIN_FINAL_TRY", {{"where", where}}, "PIN_FINAL_TRY.pkcs11");
  }
  return std::nullopt;
}

std::optional<Finding> login(const Module& module, CK_SLOT_ID slot, CK_SESSION_HANDLE session,
                             const Secret& pin, const std::string& where) {
  std::vector<unsigned char> buffer(pin.view().begin(), pin.view().end());
  CK_RV rv = module.fn().C_Login(session, CKU_USER, buffer.data(), buffer.size());
  OPENSSL_cleanse(buffer.data(), buffer.size());
  if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) return std::nullopt;
  if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE) {
    auto flags = tokenFlags(module, slot);
    std::string state =
        flags ? retryStateText(pinStatusFrom(*flags)) : msg::text("identity.pkcs11.retry.unknown");
    return configError("PIN_WRONG", {{"where", where}, {"reason", ckrText(rv)}, {"state", state}},
                       "PIN_WRONG.pkcs11");
  }
  if (rv == CKR_PIN_LOCKED) {
    return configError("PIN_LOCKED", {{"where", where}, {"reason", ckrText(rv)}}, "PIN_LOCKED.pkcs11");
  }
  if (rv == CKR_PIN_EXPIRED) {
    return configError("PIN_EXPIRED", {{"where", where}, {"reason", ckrText(rv)}}, "PIN_EXPIRED.pkcs11");
  }
  return configError("KEY_TOKEN", {{"where", where}, {"call", "C_Login"}, {"reason", ckrText(rv)}}, "KEY_TOKEN.call_failed_at");
}

Result<std::vector<CK_OBJECT_HANDLE>> findObjects(const Module& module, CK_SESSION_HANDLE session,
                                                  std::vector<CK_ATTRIBUTE>& tmpl) {
  const CK_FUNCTION_LIST& fn = module.fn();
  CK_RV rv = fn.C_FindObjectsInit(session, tmpl.data(), tmpl.size());
  if (rv != CKR_OK) {
    return std::unexpected(configError("KEY_TOKEN", {{"call", "C_FindObjectsInit"}, {"reason", ckrText(rv)}}, "KEY_TOKEN.call_failed"));
  }
  std::vector<CK_OBJECT_HANDLE> found;
  std::array<CK_OBJECT_HANDLE, 8> batch{};
  for (;;) {
    CK_ULONG n = 0;
    rv = fn.C_FindObjects(session, batch.data(), batch.size(), &n);
    if (rv != CKR_OK || n == 0) break;
    found.insert(found.end(), batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(n));
  }
  fn.C_FindObjectsFinal(session);
  if (rv != CKR_OK) {
    return std::unexpected(configError("KEY_TOKEN", {{"call", "C_FindObjects"}, {"reason", ckrText(rv)}}, "KEY_TOKEN.call_failed"));
  }
  return found;
}

// An attribute's bytes; nullopt when the object does not have it.
Result<std::optional<Bytes>> attributeBytes(const Module& module, CK_SESSION_HANDLE session,
                                            CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  const CK_FUNCTION_LIST& fn = module.fn();
  CK_ATTRIBUTE attr{type, nullptr, 0};
  CK_RV rv = fn.C_GetAttributeValue(session, object, &attr, 1);
  if (rv == CKR_ATTRIBUTE_TYPE_INVALID || attr.ulValueLen == kUnavailable) {
    return std::optional<Bytes>{};
  }
  if (rv != CKR_OK) {
    return std::unexpected(
        configError("KEY_TOKEN", {{"call", "C_GetAttributeValue"}, {"reason", ckrText(rv)}}, "KEY_TOKEN.call_failed"));
  }
  Bytes value(attr.ulValueLen);
  attr.pValue = value.data();
  rv = fn.C_GetAttributeValue(session, object, &attr, 1);
  if (rv != CKR_OK) {
    return std::unexpected(
        configError("KEY_TOKEN", {{"call", "C_GetAttributeValue"}, {"reason", ckrText(rv)}}, "KEY_TOKEN.call_failed"));
  }
  value.resize(attr.ulValueLen);
  return std::optional<Bytes>{std::move(value)};
}

Result<CK_ULONG> attributeUlong(const Module& module, CK_SESSION_HANDLE session,
                                CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  CK_ULONG value = 0;
  CK_ATTRIBUTE attr{type, &value, sizeof value};
  CK_RV rv = module.fn().C_GetAttributeValue(session, object, &attr, 1);
  if (rv != CKR_OK) {
    return std::unexpected(
        configError("KEY_TOKEN", {{"call", "C_GetAttributeValue"}, {"reason", ckrText(rv)}}, "KEY_TOKEN.call_failed"));
  }
  return value;
}

std::string derToPem(const Bytes& der) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || der.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) return {};
  if (PEM_write_bio(bio.get(), "CERTIFICATE", "", der.data(), static_cast<long>(der.size())) <= 0) {
    return {};
  }
  char* text = nullptr;
  long n = BIO_get_mem_data(bio.get(), &text);
  if (n <= 0 || text == nullptr) return {};
  return {text, static_cast<std::size_t>(n)};
}

// The token's certificate for the key: same label, else the key's CKA_ID. Empty if none.
Result<std::string> findCertificate(const Module& module, CK_SESSION_HANDLE session,
                                    std::string label, std::optional<Bytes> id) {
  CK_OBJECT_CLASS certClass = CKO_CERTIFICATE;
  CK_CERTIFICATE_TYPE x509 = CKC_X_509;
  std::vector<CK_ATTRIBUTE> byLabel = {{CKA_CLASS, &certClass, sizeof certClass},
                                       {CKA_CERTIFICATE_TYPE, &x509, sizeof x509},
                                       {CKA_LABEL, label.data(), label.size()}};
  auto found = findObjects(module, session, byLabel);
  if (!found) return std::unexpected(found.error());
  if (found->empty() && id && !id->empty()) {
    std::vector<CK_ATTRIBUTE> byId = {{CKA_CLASS, &certClass, sizeof certClass},
                                      {CKA_CERTIFICATE_TYPE, &x509, sizeof x509},
                                      {CKA_ID, id->data(), id->size()}};
    found = findObjects(module, session, byId);
    if (!found) return std::unexpected(found.error());
  }
  if (found->empty()) return std::string{};
  auto der = attributeBytes(module, session, found->front(), CKA_VALUE);
  if (!der) return std::unexpected(der.error());
  if (!*der || (*der)->empty()) return std::string{};
  return derToPem(**der);
}

// r‖s, as CKM_ECDSA returns it, to the DER ECDSA-Sig-Value the platform expects.
std::optional<Bytes> rawEcdsaToDer(const Bytes& raw) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 1024) return std::nullopt;
  const int half = static_cast<int>(raw.size() / 2);
  BIGNUM* r = BN_bin2bn(raw.data(), half, nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + half, half, nullptr);
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), &ECDSA_SIG_free);
  if (r == nullptr || s == nullptr || !sig || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return std::nullopt;
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* out = der.data();
  if (i2d_ECDSA_SIG(sig.get(), &out) != len) return std::nullopt;
  return der;
}

class Pkcs11Signer final : public Signer {
 public:
  Pkcs11Signer(std::unique_ptr<Module> module, std::unique_ptr<Session> session, CK_SLOT_ID slot,
               CK_OBJECT_HANDLE key, SignatureAlgorithm algorithm, std::string certificatePem,
               PinStatus status, std::string description)
      : module_(std::move(module)),
        session_(std::move(session)),
        slot_(slot),
        key_(key),
        algorithm_(algorithm),
        certificatePem_(std::move(certificatePem)),
        status_(status),
        description_(std::move(description)) {}

  [[nodiscard]] SignatureAlgorithm algorithm() const override { return algorithm_; }

  [[nodiscard]] Result<std::vector<std::uint8_t>> sign(
      std::span<const std::uint8_t> data) override {
    try {
      if (algorithm_ == SignatureAlgorithm::RsaSha256) {
        return signOnToken(CKM_SHA256_RSA_PKCS, data);
      }
      std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
      unsigned int digestLen = 0;
      if (EVP_Digest(data.data(), data.size(), digest.data(), &digestLen, EVP_sha256(), nullptr) !=
          1) {
        return std::unexpected(configError(
            "SIGN_FAILED", {{"where", description_}, {"reason", "SHA-256"}}, "SIGN_FAILED.pkcs11_digest"));
      }
      auto raw = signOnToken(CKM_ECDSA, std::span<const std::uint8_t>(digest.data(), digestLen));
      if (!raw) return raw;
      auto der = rawEcdsaToDer(*raw);
      if (!der) {
        return std::unexpected(configError("SIGN_FAILED", {{"where", description_}, {"bytes", raw->size()}},
                                           "SIGN_FAILED.pkcs11_ecdsa"));
      }
      return *der;
    } catch (const std::exception& e) {
      return std::unexpected(
          configError("SIGN_FAILED", {{"where", description_}, {"reason", e.what()}}, "SIGN_FAILED.at"));
    }
  }

  [[nodiscard]] std::string certificatePem() const override { return certificatePem_; }

  // The token's flags as they are now (a successful login resets COUNT_LOW on most tokens);
  // what was read at open when the token cannot be asked.
  [[nodiscard]] PinStatus pinStatus() const override {
    auto flags = tokenFlags(*module_, slot_);
    return flags ? pinStatusFrom(*flags) : status_;
  }

  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  Result<Bytes> signOnToken(CK_MECHANISM_TYPE mechanismType, std::span<const std::uint8_t> data) {
    const CK_FUNCTION_LIST& fn = module_->fn();
    CK_MECHANISM mechanism{mechanismType, nullptr, 0};
    CK_RV rv = fn.C_SignInit(session_->handle(), &mechanism, key_);
    if (rv != CKR_OK) return signFailure("C_SignInit", rv);
    // C_Sign takes a non-const pointer but only reads the data.
    auto* in = const_cast<std::uint8_t*>(data.data());
    CK_ULONG len = 0;
    rv = fn.C_Sign(session_->handle(), in, data.size(), nullptr, &len);
    if (rv != CKR_OK) return signFailure("C_Sign", rv);
    Bytes signature(len);
    rv = fn.C_Sign(session_->handle(), in, data.size(), signature.data(), &len);
    if (rv != CKR_OK) return signFailure("C_Sign", rv);
    signature.resize(len);
    return signature;
  }

  [[nodiscard]] std::unexpected<Finding> signFailure(const char* call, CK_RV rv) const {
    Finding f = configError("SIGN_FAILED", {{"where", description_}, {"call", call}, {"reason", ckrText(rv)}},
                            "SIGN_FAILED.pkcs11_call");
    if (rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED ||
        rv == CKR_USER_NOT_LOGGED_IN || rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT) {
      f.hint = msg::text("identity.pkcs11.token_removed.hint");
    }
    return std::unexpected(std::move(f));
  }

  // Declared first so that it goes last: the session closes before the module is finalised.
  std::unique_ptr<Module> module_;
  std::unique_ptr<Session> session_;
  CK_SLOT_ID slot_;
  CK_OBJECT_HANDLE key_;
  SignatureAlgorithm algorithm_;
  std::string certificatePem_;
  PinStatus status_;
  std::string description_;
};

Result<SignatureAlgorithm> keyAlgorithm(const Module& module, CK_SESSION_HANDLE session,
                                        CK_OBJECT_HANDLE key, const std::string& where) {
  auto keyType = attributeUlong(module, session, key, CKA_KEY_TYPE);
  if (!keyType) return std::unexpected(keyType.error());
  if (*keyType == CKK_RSA) return SignatureAlgorithm::RsaSha256;
  if (*keyType != CKK_EC) {
    return std::unexpected(
        configError("SIGN_ALGORITHM", {{"where", where}, {"type", *keyType}}, "SIGN_ALGORITHM.pkcs11_type"));
  }
  auto params = attributeBytes(module, session, key, CKA_EC_PARAMS);
  if (!params) return std::unexpected(params.error());
  if (!*params || !std::ranges::equal(**params, kP256Params)) {
    return std::unexpected(configError("SIGN_ALGORITHM", {{"where", where}}, "SIGN_ALGORITHM.pkcs11_curve"));
  }
  return SignatureAlgorithm::EcdsaSha256;
}

Result<std::unique_ptr<Signer>> openOrFail(const Pkcs11KeyUri& uri, const PinProvider& pin) {
  const std::string description = msg::text(
      "identity.pkcs11.key", {{"token", uri.token}, {"object", uri.object}, {"module", uri.modulePath}});
  const std::string where = msg::text("identity.pkcs11.token", {{"token", uri.token}});

  auto module = loadModule(uri.modulePath);
  if (!module) return std::unexpected(module.error());
  const Module& mod = **module;

  auto token = findToken(mod, uri);
  if (!token) return std::unexpected(token.error());
  const PinStatus status = pinStatusFrom(token->flags);
  if (auto refusal = refuseRiskyLogin(status, where)) return std::unexpected(*refusal);

  std::optional<Secret> secret;
  if (status.required) {
    auto got = pin();
    if (!got) return std::unexpected(got.error());
    secret.emplace(std::move(*got));
  }

  CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
  CK_RV rv = mod.fn().C_OpenSession(token->slot, CKF_SERIAL_SESSION, nullptr, nullptr, &handle);
  if (rv != CKR_OK) {
    return std::unexpected(
        configError("KEY_TOKEN", {{"where", where}, {"call", "C_OpenSession"}, {"reason", ckrText(rv)}}, "KEY_TOKEN.call_failed_at"));
  }
  auto session = std::make_unique<Session>(mod, handle);
  if (secret) {
    auto failed = login(mod, token->slot, handle, *secret, where);
    secret.reset();
    if (failed) return std::unexpected(*failed);
  }

  std::string label = uri.object;
  std::string id = uri.id;
  CK_OBJECT_CLASS keyClass = CKO_PRIVATE_KEY;
  std::vector<CK_ATTRIBUTE> tmpl = {{CKA_CLASS, &keyClass, sizeof keyClass},
                                    {CKA_LABEL, label.data(), label.size()}};
  if (!id.empty()) tmpl.push_back({CKA_ID, id.data(), id.size()});
  auto keys = findObjects(mod, handle, tmpl);
  if (!keys) return std::unexpected(keys.error());
  if (keys->empty()) {
    return std::unexpected(configError(
        "KEY_OBJECT_NOT_FOUND", {{"where", where}, {"object", uri.object}, {"module", uri.modulePath}},
        id.empty() ? "KEY_OBJECT_NOT_FOUND.pkcs11" : "KEY_OBJECT_NOT_FOUND.pkcs11_id"));
  }
  if (keys->size() > 1) {
    return std::unexpected(configError("KEY_OBJECT_AMBIGUOUS",
                                       {{"where", where}, {"count", keys->size()}, {"object", uri.object}},
                                       "KEY_OBJECT_AMBIGUOUS.pkcs11"));
  }
  const CK_OBJECT_HANDLE key = keys->front();

  auto algorithm = keyAlgorithm(mod, handle, key, where);
  if (!algorithm) return std::unexpected(algorithm.error());

  std::optional<Bytes> keyId;
  if (!id.empty()) {
    keyId = Bytes(id.begin(), id.end());
  } else {
    auto read = attributeBytes(mod, handle, key, CKA_ID);
    if (!read) return std::unexpected(read.error());
    keyId = std::move(*read);
  }
  auto certificate = findCertificate(mod, handle, uri.object, std::move(keyId));
  if (!certificate) return std::unexpected(certificate.error());

  return std::make_unique<Pkcs11Signer>(std::move(*module), std::move(session), token->slot, key,
                                        *algorithm, std::move(*certificate), status, description);
}

}  // namespace

Result<std::unique_ptr<Signer>> openPkcs11Signer(const Pkcs11KeyUri& uri, const PinProvider& pin) {
  try {
    return openOrFail(uri, pin);
  } catch (const std::exception& e) {
    return std::unexpected(configError(
        "KEY_MODULE", {{"token", uri.token}, {"module", uri.modulePath}, {"reason", e.what()}},
        "KEY_MODULE.pkcs11_failed"));
  } catch (...) {
    return std::unexpected(configError("KEY_MODULE", {{"token", uri.token}, {"module", uri.modulePath}},
                                       "KEY_MODULE.pkcs11_unknown"));
  }
}

}  // namespace zzjb::identity
