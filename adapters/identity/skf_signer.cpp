// The SKF (GM/T 0016) key source: the USB key's vendor library loaded with Boost.DLL, its
// functions resolved by name. Reads the PIN retry count before the PIN is asked for and refuses
// when a wrong PIN could lock the key. The key signs a digest, so Z and e = SM3(Z‖M) are computed
// here (sm2.hpp) and its raw r‖s turned into DER. Nothing throws out of this file.
#include <dlfcn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <boost/dll/shared_library.hpp>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "library_loading.hpp"
#include "skf.h"
#include "sm2.hpp"
#include "zzjb/identity/signers.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::identity {
namespace {

template <auto FreeFn>
struct OsslFree {
  template <typename T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};
using BioPtr = std::unique_ptr<BIO, OsslFree<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, OsslFree<X509_free>>;

constexpr std::size_t kCoordBytes = 32;  // SM2: 256-bit coordinates, r and s
constexpr std::size_t kFieldBytes = ECC_MAX_XCOORDINATE_BITS_LEN / 8;
constexpr std::size_t kPad = kFieldBytes - kCoordBytes;
constexpr ULONG kMaxListBytes = 64 * 1024;
constexpr ULONG kMaxCertBytes = 64 * 1024;

const char* sarName(ULONG rv) {
  switch (rv) {
    case SAR_OK:
      return "SAR_OK";
    case SAR_FAIL:
      return "SAR_FAIL";
    case SAR_UNKNOWNERR:
      return "SAR_UNKNOWNERR";
    case SAR_NOTSUPPORTYETERR:
      return "SAR_NOTSUPPORTYETERR";
    case SAR_FILEERR:
      return "SAR_FILEERR";
    case SAR_INVALIDHANDLEERR:
      return "SAR_INVALIDHANDLEERR";
    case SAR_INVALIDPARAMERR:
      return "SAR_INVALIDPARAMERR";
    case SAR_READFILEERR:
      return "SAR_READFILEERR";
    case SAR_WRITEFILEERR:
      return "SAR_WRITEFILEERR";
    case SAR_NAMELENERR:
      return "SAR_NAMELENERR";
    case SAR_KEYUSAGEERR:
      return "SAR_KEYUSAGEERR";
    case SAR_NOTINITIALIZEERR:
      return "SAR_NOTINITIALIZEERR";
    case SAR_OBJERR:
      return "SAR_OBJERR";
    case SAR_MEMORYERR:
      return "SAR_MEMORYERR";
    case SAR_TIMEOUTERR:
      return "SAR_TIMEOUTERR";
    case SAR_INDATALENERR:
      return "SAR_INDATALENERR";
    case SAR_INDATAERR:
      return "SAR_INDATAERR";
    case SAR_KEYNOTFOUNTERR:
      return "SAR_KEYNOTFOUNTERR";
    case SAR_CERTNOTFOUNTERR:
      return "SAR_CERTNOTFOUNTERR";
    case SAR_BUFFER_TOO_SMALL:
      return "SAR_BUFFER_TOO_SMALL";
    case SAR_DEVICE_REMOVED:
      return "SAR_DEVICE_REMOVED";
    case SAR_PIN_INCORRECT:
      return "SAR_PIN_INCORRECT";
    case SAR_PIN_LOCKED:
      return "SAR_PIN_LOCKED";
    case SAR_PIN_INVALID:
      return "SAR_PIN_INVALID";
    case SAR_PIN_LEN_RANGE:
      return "SAR_PIN_LEN_RANGE";
    case SAR_USER_TYPE_INVALID:
      return "SAR_USER_TYPE_INVALID";
    case SAR_USER_NOT_LOGGED_IN:
      return "SAR_USER_NOT_LOGGED_IN";
    case SAR_APPLICATION_NOT_EXISTS:
      return "SAR_APPLICATION_NOT_EXISTS";
    case SAR_FILE_NOT_EXIST:
      return "SAR_FILE_NOT_EXIST";
    default:
      return nullptr;
  }
}

// "SAR_PIN_INCORRECT (0x0a000024)", or the number alone for codes the table does not know.
std::string sarText(ULONG rv) {
  std::array<char, 16> hex{};
  std::snprintf(hex.data(), hex.size(), "0x%08x", static_cast<unsigned>(rv));
  const char* name = sarName(rv);
  if (name == nullptr) return std::string("SAR ") + hex.data();
  return std::string(name) + " (" + hex.data() + ")";
}



// The SKF functions zzjb calls, resolved by name from the vendor library.
struct SkfApi {
  PFN_SKF_EnumDev enumDev = nullptr;
  PFN_SKF_ConnectDev connectDev = nullptr;
  PFN_SKF_DisConnectDev disconnectDev = nullptr;
  PFN_SKF_EnumApplication enumApplication = nullptr;
  PFN_SKF_OpenApplication openApplication = nullptr;
  PFN_SKF_CloseApplication closeApplication = nullptr;
  PFN_SKF_GetPINInfo getPinInfo = nullptr;
  PFN_SKF_VerifyPIN verifyPin = nullptr;
  PFN_SKF_ClearSecureState clearSecureState = nullptr;  // optional
  PFN_SKF_EnumContainer enumContainer = nullptr;
  PFN_SKF_OpenContainer openContainer = nullptr;
  PFN_SKF_CloseContainer closeContainer = nullptr;
  PFN_SKF_GetContainerType getContainerType = nullptr;
  PFN_SKF_ExportCertificate exportCertificate = nullptr;
  PFN_SKF_ExportPublicKey exportPublicKey = nullptr;
  PFN_SKF_ECCSignData eccSignData = nullptr;
};

// Resolves `name` into `fn`; false when the library does not export it.
template <typename Fn>
bool resolve(const boost::dll::shared_library& lib, const char* name, Fn& fn) {
  if (!lib.has(name)) return false;
  fn = &lib.get<std::remove_pointer_t<Fn>>(name);
  return true;
}

// A list in the SKF convention: NUL-terminated names, one more NUL at the end.
std::vector<std::string> splitList(const std::vector<char>& buffer) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  while (pos < buffer.size() && buffer[pos] != '\0') {
    const auto end =
        std::find(buffer.begin() + static_cast<std::ptrdiff_t>(pos), buffer.end(), '\0');
    names.emplace_back(buffer.begin() + static_cast<std::ptrdiff_t>(pos), end);
    pos = static_cast<std::size_t>(end - buffer.begin()) + 1;
  }
  return names;
}

std::string joinNames(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Picks `wanted` from `names`, or the first when `wanted` is empty.
std::optional<std::string> pick(const std::vector<std::string>& names, const std::string& wanted) {
  if (wanted.empty()) {
    if (names.empty()) return std::nullopt;
    return names.front();
  }
  if (std::find(names.begin(), names.end(), wanted) == names.end()) return std::nullopt;
  return wanted;
}

std::string describeUri(const SkfKeyUri& uri) {
  auto part = [](const std::string& v) { return v.empty() ? msg::text("identity.skf.first") : v; };
  return msg::text("identity.skf.key", {{"dev", part(uri.dev)},
                                         {"app", part(uri.app)},
                                         {"container", part(uri.container)},
                                         {"lib", uri.lib}});
}

class SkfSigner final : public Signer {
 public:
  SkfSigner(boost::dll::shared_library library, const SkfApi& api, std::string description)
      : library_(std::move(library)), api_(api), description_(std::move(description)) {}

  // Handles close in reverse order; `library_`, a member, unloads only after this body.
  ~SkfSigner() override {
    if (container_ != nullptr) api_.closeContainer(container_);
    if (application_ != nullptr) {
      if (loggedIn_ && api_.clearSecureState != nullptr) api_.clearSecureState(application_);
      api_.closeApplication(application_);
    }
    if (device_ != nullptr) api_.disconnectDev(device_);
  }
  SkfSigner(const SkfSigner&) = delete;
  SkfSigner& operator=(const SkfSigner&) = delete;

  // Connects, checks the retry count, verifies the PIN, reads the certificate and public key.
  std::optional<Finding> open(const SkfKeyUri& uri, const PinProvider& pin);

  [[nodiscard]] SignatureAlgorithm algorithm() const override { return SignatureAlgorithm::Sm2Sm3; }
  [[nodiscard]] Result<std::vector<std::uint8_t>> sign(std::span<const std::uint8_t> data) override;
  [[nodiscard]] std::string certificatePem() const override { return certificatePem_; }
  [[nodiscard]] PinStatus pinStatus() const override;
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  // Calls an SKF list function twice (size, then content).
  template <typename Fn, typename... Args>
  Result<std::vector<std::string>> list(const char* call, Fn fn, Args... args) const;
  std::optional<Finding> readRetries(ULONG& maxRetries, ULONG& remaining) const;
  std::optional<Finding> checkPin(const PinProvider& pin);
  std::optional<Finding> readCertificate();
  std::optional<Finding> readPublicKey();
  [[nodiscard]] Finding tokenFinding(const std::string& call, ULONG rv) const {
    return configError("KEY_TOKEN", {{"where", description_}, {"call", call}, {"reason", sarText(rv)}},
                       "KEY_TOKEN.skf_call");
  }

  boost::dll::shared_library library_;  // first member: destroyed last
  SkfApi api_;
  std::string description_;
  DEVHANDLE device_ = nullptr;
  HAPPLICATION application_ = nullptr;
  HCONTAINER container_ = nullptr;
  bool loggedIn_ = false;
  std::string certificatePem_;
  Sm2Coordinate x_{};
  Sm2Coordinate y_{};
  mutable std::mutex mutex_;  // one call into the key at a time
};

template <typename Fn, typename... Args>
Result<std::vector<std::string>> SkfSigner::list(const char* call, Fn fn, Args... args) const {
  ULONG size = 0;
  ULONG rv = fn(args..., nullptr, &size);
  if (rv != SAR_OK) return std::unexpected(tokenFinding(call, rv));
  if (size == 0) return std::vector<std::string>{};
  if (size > kMaxListBytes) {
    return std::unexpected(configError(
        "KEY_TOKEN", {{"where", description_}, {"call", call}, {"bytes", size}}, "KEY_TOKEN.skf_list_size"));
  }
  std::vector<char> buffer(size + 2, '\0');  // two NULs more, in case the library forgets them
  rv = fn(args..., buffer.data(), &size);
  if (rv != SAR_OK) return std::unexpected(tokenFinding(call, rv));
  buffer.resize(std::min<std::size_t>(size, buffer.size() - 2) + 2, '\0');
  return splitList(buffer);
}

std::optional<Finding> SkfSigner::readRetries(ULONG& maxRetries, ULONG& remaining) const {
  BOOL defaultPin = FALSE;
  const ULONG rv = api_.getPinInfo(application_, USER_TYPE, &maxRetries, &remaining, &defaultPin);
  if (rv != SAR_OK) {
    return configError("KEY_TOKEN", {{"where", description_}, {"reason", sarText(rv)}},
                       "KEY_TOKEN.skf_pin_info");
  }
  return std::nullopt;
}

std::optional<Finding> SkfSigner::checkPin(const PinProvider& pin) {
  ULONG maxRetries = 0;
  ULONG remaining = 0;
  if (auto f = readRetries(maxRetries, remaining)) return f;
  if (remaining == 0) {
    return configError("PIN_LOCKED", {{"where", description_}}, "PIN_LOCKED.skf");
  }
  if (remaining == 1) {
    return configError("PIN_FINAL_TRY", {{"where", description_}}, "PIN_FINAL_TRY.skf");
  }

  auto secret = pin();
  if (!secret) return std::move(secret.error());
  // Sized once with its NUL: a push_back that reallocated would leave a copy of the PIN in freed
  // memory (docs/identity.md, "The PIN in memory").
  std::vector<char> buffer(secret->view().size() + 1, '\0');
  std::copy(secret->view().begin(), secret->view().end(), buffer.begin());
  ULONG retryCount = 0;
  const ULONG rv = api_.verifyPin(application_, USER_TYPE, buffer.data(), &retryCount);
  OPENSSL_cleanse(buffer.data(), buffer.size());
  secret->wipe();
  if (rv == SAR_OK) {
    loggedIn_ = true;
    return std::nullopt;
  }
  if (rv == SAR_PIN_LOCKED || (rv == SAR_PIN_INCORRECT && retryCount == 0)) {
    return configError("PIN_LOCKED", {{"where", description_}, {"reason", sarText(rv)}},
                       "PIN_LOCKED.skf_now");
  }
  if (rv == SAR_PIN_INCORRECT || rv == SAR_PIN_INVALID || rv == SAR_PIN_LEN_RANGE) {
    return configError("PIN_WRONG",
                       {{"where", description_}, {"reason", sarText(rv)}, {"retriesLeft", retryCount}},
                       retryCount == 1 ? "PIN_WRONG.skf_last" : "PIN_WRONG.skf");
  }
  return tokenFinding("SKF_VerifyPIN", rv);
}

std::optional<Finding> SkfSigner::readCertificate() {
  ULONG size = 0;
  ULONG rv = api_.exportCertificate(container_, TRUE, nullptr, &size);
  if (rv == SAR_OK && (size == 0 || size > kMaxCertBytes)) rv = SAR_CERTNOTFOUNTERR;
  if (rv != SAR_OK) return tokenFinding("SKF_ExportCertificate", rv);
  std::vector<std::uint8_t> der(size);
  rv = api_.exportCertificate(container_, TRUE, der.data(), &size);
  if (rv != SAR_OK) return tokenFinding("SKF_ExportCertificate", rv);
  der.resize(std::min<std::size_t>(size, der.size()));

  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!cert || !bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1) {
    ERR_clear_error();
    return configError("KEY_TOKEN", {{"where", description_}}, "KEY_TOKEN.skf_certificate");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  if (data == nullptr || len <= 0) {
    return configError("KEY_TOKEN", {{"where", description_}}, "KEY_TOKEN.skf_pem");
  }
  certificatePem_.assign(data, static_cast<std::size_t>(len));

  // The platform checks signatures against this certificate: it must hold the container's key.
  std::array<unsigned char, 1 + 2 * kCoordBytes> point{};
  std::size_t pointLen = 0;
  EVP_PKEY* pub = X509_get0_pubkey(cert.get());
  if (pub == nullptr ||
      EVP_PKEY_get_octet_string_param(pub, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                      point.size(), &pointLen) != 1 ||
      pointLen != point.size() || point[0] != 0x04 ||
      !std::equal(x_.begin(), x_.end(), point.begin() + 1) ||
      !std::equal(y_.begin(), y_.end(), point.begin() + 1 + kCoordBytes)) {
    ERR_clear_error();
    return configError("KEY_CERT_MISMATCH", {{"where", description_}}, "KEY_CERT_MISMATCH.skf");
  }
  return std::nullopt;
}

std::optional<Finding> SkfSigner::readPublicKey() {
  ECCPUBLICKEYBLOB blob{};
  ULONG size = sizeof blob;
  const ULONG rv = api_.exportPublicKey(container_, TRUE, reinterpret_cast<BYTE*>(&blob), &size);
  if (rv != SAR_OK) return tokenFinding("SKF_ExportPublicKey", rv);
  if (size != sizeof blob || blob.BitLen != 8 * kCoordBytes) {
    return configError("SIGN_ALGORITHM", {{"where", description_}, {"bits", blob.BitLen}},
                       "SIGN_ALGORITHM.skf_bits");
  }
  std::copy_n(blob.XCoordinate + kPad, kCoordBytes, x_.begin());
  std::copy_n(blob.YCoordinate + kPad, kCoordBytes, y_.begin());
  return std::nullopt;
}

std::optional<Finding> SkfSigner::open(const SkfKeyUri& uri, const PinProvider& pin) {
  auto devices = list("SKF_EnumDev", api_.enumDev, BOOL{TRUE});
  if (!devices) return std::move(devices.error());
  auto dev = pick(*devices, uri.dev);
  if (!dev) {
    return configError("KEY_TOKEN_NOT_FOUND",
                       {{"where", description_}, {"dev", uri.dev}, {"present", joinNames(*devices)}},
                       uri.dev.empty() ? "KEY_TOKEN_NOT_FOUND.skf_none" : "KEY_TOKEN_NOT_FOUND.skf_named");
  }
  std::string name = *dev;
  ULONG rv = api_.connectDev(name.data(), &device_);
  if (rv != SAR_OK) {
    device_ = nullptr;
    return tokenFinding("SKF_ConnectDev", rv);
  }

  auto apps = list("SKF_EnumApplication", api_.enumApplication, device_);
  if (!apps) return std::move(apps.error());
  auto app = pick(*apps, uri.app);
  if (!app) {
    return configError("KEY_APP_NOT_FOUND",
                       {{"where", description_}, {"app", uri.app}, {"present", joinNames(*apps)}},
                       uri.app.empty() ? "KEY_APP_NOT_FOUND.skf" : "KEY_APP_NOT_FOUND.skf_named");
  }
  name = *app;
  rv = api_.openApplication(device_, name.data(), &application_);
  if (rv != SAR_OK) {
    application_ = nullptr;
    return tokenFinding("SKF_OpenApplication", rv);
  }

  if (auto f = checkPin(pin)) return f;

  auto containers = list("SKF_EnumContainer", api_.enumContainer, application_);
  if (!containers) return std::move(containers.error());
  auto container = pick(*containers, uri.container);
  if (!container) {
    return configError(
        "KEY_CONTAINER_NOT_FOUND",
        {{"where", description_}, {"container", uri.container}, {"present", joinNames(*containers)}},
        uri.container.empty() ? "KEY_CONTAINER_NOT_FOUND.skf" : "KEY_CONTAINER_NOT_FOUND.skf_named");
  }
  name = *container;
  rv = api_.openContainer(application_, name.data(), &container_);
  if (rv != SAR_OK) {
    container_ = nullptr;
    return tokenFinding("SKF_OpenContainer", rv);
  }
  ULONG type = SKF_CONTAINER_EMPTY;
  rv = api_.getContainerType(container_, &type);
  if (rv != SAR_OK) return tokenFinding("SKF_GetContainerType", rv);
  if (type != SKF_CONTAINER_ECC) {
    return configError("SIGN_ALGORITHM", {{"where", description_}, {"container", name}},
                       type == SKF_CONTAINER_RSA ? "SIGN_ALGORITHM.skf_rsa" : "SIGN_ALGORITHM.skf_empty");
  }
  if (auto f = readPublicKey()) return f;
  if (auto f = readCertificate()) return f;
  return std::nullopt;
}

Result<std::vector<std::uint8_t>> SkfSigner::sign(std::span<const std::uint8_t> data) {
  try {
    const std::lock_guard lock(mutex_);
    auto z = sm2Z(x_, y_, kSm2DistinguishingId);
    auto e = z ? sm2Digest(*z, data) : std::nullopt;
    if (!e) {
      return std::unexpected(configError("SIGN_FAILED", {{"where", description_}}, "SIGN_FAILED.skf_sm3"));
    }
    ECCSIGNATUREBLOB blob{};
    const ULONG rv = api_.eccSignData(container_, e->data(), static_cast<ULONG>(e->size()), &blob);
    if (rv != SAR_OK) {
      Finding f = configError("SIGN_FAILED",
                              {{"where", description_}, {"call", "SKF_ECCSignData"}, {"reason", sarText(rv)}},
                              "SIGN_FAILED.skf_call");
      f.hint = msg::text(rv == SAR_USER_NOT_LOGGED_IN ? "identity.skf.pin_forgotten.hint"
                                                      : "identity.skf.still_plugged.hint");
      return std::unexpected(std::move(f));
    }
    // r and s are right-aligned in their 64-byte fields: the leading half must be zero.
    auto zero = [](const BYTE* p) {
      return std::all_of(p, p + kPad, [](BYTE b) { return b == 0; });
    };
    if (!zero(blob.r) || !zero(blob.s)) {
      return std::unexpected(configError("SIGN_FAILED", {{"where", description_}}, "SIGN_FAILED.skf_rs"));
    }
    auto der = rsToDer(std::span<const std::uint8_t, kCoordBytes>(blob.r + kPad, kCoordBytes),
                       std::span<const std::uint8_t, kCoordBytes>(blob.s + kPad, kCoordBytes));
    if (!der) {
      return std::unexpected(configError("SIGN_FAILED", {{"where", description_}}, "SIGN_FAILED.skf_der"));
    }
    return std::move(*der);
  } catch (const std::exception& ex) {
    return std::unexpected(
        configError("SIGN_FAILED", {{"where", description_}, {"reason", ex.what()}}, "SIGN_FAILED.at"));
  }
}

PinStatus SkfSigner::pinStatus() const {
  PinStatus st;
  st.required = true;
  try {
    const std::lock_guard lock(mutex_);
    ULONG maxRetries = 0;
    ULONG remaining = 0;
    if (readRetries(maxRetries, remaining)) return st;
    st.retriesLeft = static_cast<int>(std::min<ULONG>(remaining, 1000));
    st.locked = remaining == 0;
    st.finalTry = remaining == 1;
    st.countLow = remaining < maxRetries;
  } catch (...) {
    // A status without a count: the caller shows "ok".
  }
  return st;
}

Result<std::unique_ptr<Signer>> openSkf(const SkfKeyUri& uri, const PinProvider& pin) {
  const std::string description = describeUri(uri);
  // Only from a trusted place, and the checked file itself (docs/identity.md, "Token libraries are
  // code").
  auto loaded = detail::loadTokenLibrary(uri.lib, msg::text("identity.what.skf_library"),
                                         msg::text("identity.skf.lib.hint"));
  if (!loaded) return std::unexpected(std::move(loaded.error()));
  boost::dll::shared_library library = std::move(*loaded);
  SkfApi api;
  const auto need = [&](const char* name, auto& fn) -> std::optional<Finding> {
    if (resolve(library, name, fn)) return std::nullopt;
    return configError("KEY_MODULE", {{"lib", uri.lib}, {"symbol", name}}, "KEY_MODULE.skf_symbol");
  };
  for (auto f :
       {need("SKF_EnumDev", api.enumDev), need("SKF_ConnectDev", api.connectDev),
        need("SKF_DisConnectDev", api.disconnectDev),
        need("SKF_EnumApplication", api.enumApplication),
        need("SKF_OpenApplication", api.openApplication),
        need("SKF_CloseApplication", api.closeApplication), need("SKF_GetPINInfo", api.getPinInfo),
        need("SKF_VerifyPIN", api.verifyPin), need("SKF_EnumContainer", api.enumContainer),
        need("SKF_OpenContainer", api.openContainer),
        need("SKF_CloseContainer", api.closeContainer),
        need("SKF_GetContainerType", api.getContainerType),
        need("SKF_ExportCertificate", api.exportCertificate),
        need("SKF_ExportPublicKey", api.exportPublicKey),
        need("SKF_ECCSignData", api.eccSignData)}) {
    if (f) return std::unexpected(std::move(*f));
  }
  (void)resolve(library, "SKF_ClearSecureState", api.clearSecureState);

  auto signer = std::make_unique<SkfSigner>(std::move(library), api, description);
  if (auto f = signer->open(uri, pin)) return std::unexpected(std::move(*f));
  return std::unique_ptr<Signer>(std::move(signer));
}

}  // namespace

Result<std::unique_ptr<Signer>> openSkfSigner(const SkfKeyUri& uri, const PinProvider& pin) {
  try {
    return openSkf(uri, pin);
  } catch (const std::exception& e) {
    return std::unexpected(
        configError("KEY_MODULE", {{"where", describeUri(uri)}, {"reason", e.what()}}, "KEY_MODULE.skf_failed"));
  } catch (...) {
    return std::unexpected(configError("KEY_MODULE", {{"where", describeUri(uri)}}, "KEY_MODULE.skf_unknown"));
  }
}

}  // namespace zzjb::identity
