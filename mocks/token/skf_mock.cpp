// A software SKF (GM/T 0016) token, so the SKF signer runs in tests without a USB key: one
// device, one application, one SM2 container, kept in the directory named by $ZZJB_SKF_MOCK_DIR
// (layout in README.md). Like a real key, the user-PIN retry counter persists across processes,
// a wrong PIN counts down, 0 locks for good, and a correct PIN resets it. ECCSignData signs the
// 32-byte digest the caller computed (e = SM3(Z‖M)) without hashing it again.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "skf.h"
#include "token_store.hpp"

#define ZZJB_SKF_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

using zzjb::mock::TokenConfig;

template <auto FreeFn>
struct OsslFree {
  template <typename T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslFree<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OsslFree<EVP_PKEY_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OsslFree<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, OsslFree<X509_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OsslFree<ECDSA_SIG_free>>;

constexpr std::size_t kCoordBytes = 32;  // SM2: 256-bit coordinates
constexpr std::size_t kFieldBytes = 64;  // the standard's 512-bit fields

struct Device {
  std::filesystem::path dir;
  TokenConfig config;
};
struct Application {
  Device* device = nullptr;
  bool loggedIn = false;
};
struct Container {
  Application* application = nullptr;
};

// Live handles, so that a stale or foreign handle is an error instead of a crash.
struct Registry {
  std::mutex mutex;
  std::set<Device*> devices;
  std::set<Application*> applications;
  std::set<Container*> containers;
  ULONG outOfOrderCloses = 0;  // a device or application closed while its children were open
};
Registry& registry() {
  static Registry r;
  return r;
}

std::optional<std::filesystem::path> tokenDir() {
  const char* dir = std::getenv("ZZJB_SKF_MOCK_DIR");
  if (dir == nullptr || *dir == '\0') return std::nullopt;
  return std::filesystem::path(dir);
}

// Fills a list of NUL-terminated names ended by one more NUL; with a NULL buffer, only the size.
ULONG putList(const std::vector<std::string>& names, LPSTR buffer, ULONG* size) {
  if (size == nullptr) return SAR_INVALIDPARAMERR;
  std::string list;
  for (const auto& n : names) {
    list += n;
    list += '\0';
  }
  list += '\0';
  if (names.empty()) list += '\0';
  const auto needed = static_cast<ULONG>(list.size());
  if (buffer == nullptr) {
    *size = needed;
    return SAR_OK;
  }
  if (*size < needed) {
    *size = needed;
    return SAR_BUFFER_TOO_SMALL;
  }
  std::memcpy(buffer, list.data(), list.size());
  *size = needed;
  return SAR_OK;
}

// Copies `bytes` out with the size-query convention.
ULONG putBytes(const std::string& bytes, BYTE* buffer, ULONG* size) {
  if (size == nullptr) return SAR_INVALIDPARAMERR;
  const auto needed = static_cast<ULONG>(bytes.size());
  if (buffer == nullptr) {
    *size = needed;
    return SAR_OK;
  }
  if (*size < needed) {
    *size = needed;
    return SAR_BUFFER_TOO_SMALL;
  }
  std::memcpy(buffer, bytes.data(), bytes.size());
  *size = needed;
  return SAR_OK;
}

// No exception leaves the library: a C caller cannot catch it.
template <typename F>
ULONG guarded(F&& body) noexcept {
  try {
    return body();
  } catch (...) {
    return SAR_UNKNOWNERR;
  }
}

bool validDevice(Device* d) {
  return registry().devices.contains(d);
}
bool validApplication(Application* a) {
  return registry().applications.contains(a);
}
bool validContainer(Container* c) {
  return registry().containers.contains(c);
}

PkeyPtr certificatePublicKey(const std::filesystem::path& dir) {
  auto der = zzjb::mock::readWholeFile(dir / zzjb::mock::kCertFile);
  if (!der) return nullptr;
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
  if (!cert) return nullptr;
  return PkeyPtr(X509_get_pubkey(cert.get()));
}

PkeyPtr privateKey(const std::filesystem::path& dir) {
  auto pem = zzjb::mock::readWholeFile(dir / zzjb::mock::kKeyFile);
  if (!pem) return nullptr;
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  if (!bio) return nullptr;
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  OPENSSL_cleanse(pem->data(), pem->size());
  return key;
}

void closeContainerLocked(Container* c) {
  registry().containers.erase(c);
  delete c;
}

void closeApplicationLocked(Application* a) {
  std::vector<Container*> children;
  for (auto* c : registry().containers) {
    if (c->application == a) children.push_back(c);
  }
  if (!children.empty()) ++registry().outOfOrderCloses;
  for (auto* c : children) closeContainerLocked(c);
  registry().applications.erase(a);
  delete a;
}

}  // namespace

ZZJB_SKF_EXPORT ULONG SKF_EnumDev(BOOL /*bPresent*/, LPSTR szNameList, ULONG* pulSize) {
  return guarded([&] {
    std::vector<std::string> names;
    if (auto dir = tokenDir()) {
      std::string error;
      if (auto config = zzjb::mock::loadConfig(*dir, error)) names.push_back(config->device);
    }
    return putList(names, szNameList, pulSize);
  });
}

ZZJB_SKF_EXPORT ULONG SKF_ConnectDev(LPSTR szName, DEVHANDLE* phDev) {
  return guarded([&]() -> ULONG {
    if (szName == nullptr || phDev == nullptr) return SAR_INVALIDPARAMERR;
    auto dir = tokenDir();
    if (!dir) return SAR_DEVICE_REMOVED;
    std::string error;
    auto config = zzjb::mock::loadConfig(*dir, error);
    if (!config) return SAR_DEVICE_REMOVED;
    if (config->device != szName) return SAR_INVALIDPARAMERR;
    auto device = std::make_unique<Device>(Device{*dir, *config});
    std::lock_guard lock(registry().mutex);
    registry().devices.insert(device.get());
    *phDev = device.release();
    return SAR_OK;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_DisConnectDev(DEVHANDLE hDev) {
  return guarded([&]() -> ULONG {
    auto* d = static_cast<Device*>(hDev);
    std::lock_guard lock(registry().mutex);
    if (!validDevice(d)) return SAR_INVALIDHANDLEERR;
    std::vector<Application*> children;
    for (auto* a : registry().applications) {
      if (a->device == d) children.push_back(a);
    }
    if (!children.empty()) ++registry().outOfOrderCloses;
    for (auto* a : children) closeApplicationLocked(a);
    registry().devices.erase(d);
    delete d;
    return SAR_OK;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_GetDevInfo(DEVHANDLE hDev, DEVINFO* pDevInfo) {
  return guarded([&]() -> ULONG {
    auto* d = static_cast<Device*>(hDev);
    std::lock_guard lock(registry().mutex);
    if (!validDevice(d)) return SAR_INVALIDHANDLEERR;
    if (pDevInfo == nullptr) return SAR_INVALIDPARAMERR;
    *pDevInfo = DEVINFO{};
    pDevInfo->Version = {1, 0};
    auto copy = [](CHAR* to, std::size_t size, const std::string& from) {
      std::memcpy(to, from.data(), std::min(size - 1, from.size()));
    };
    copy(pDevInfo->Manufacturer, sizeof pDevInfo->Manufacturer, "zzjb software token");
    copy(pDevInfo->Issuer, sizeof pDevInfo->Issuer, "zzjb test (not SHECA)");
    copy(pDevInfo->Label, sizeof pDevInfo->Label, d->config.device);
    copy(pDevInfo->SerialNumber, sizeof pDevInfo->SerialNumber, "MOCK0001");
    pDevInfo->MaxECCBufferSize = 1024;
    pDevInfo->MaxBufferSize = 1024;
    return SAR_OK;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_EnumApplication(DEVHANDLE hDev, LPSTR szAppName, ULONG* pulSize) {
  return guarded([&]() -> ULONG {
    auto* d = static_cast<Device*>(hDev);
    std::lock_guard lock(registry().mutex);
    if (!validDevice(d)) return SAR_INVALIDHANDLEERR;
    return putList({d->config.application}, szAppName, pulSize);
  });
}

ZZJB_SKF_EXPORT ULONG SKF_OpenApplication(DEVHANDLE hDev, LPSTR szAppName,
                                          HAPPLICATION* phApplication) {
  return guarded([&]() -> ULONG {
    auto* d = static_cast<Device*>(hDev);
    std::lock_guard lock(registry().mutex);
    if (!validDevice(d)) return SAR_INVALIDHANDLEERR;
    if (szAppName == nullptr || phApplication == nullptr) return SAR_INVALIDPARAMERR;
    if (d->config.application != szAppName) return SAR_APPLICATION_NOT_EXISTS;
    auto app = std::make_unique<Application>(Application{d, false});
    registry().applications.insert(app.get());
    *phApplication = app.release();
    return SAR_OK;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_CloseApplication(HAPPLICATION hApplication) {
  return guarded([&]() -> ULONG {
    auto* a = static_cast<Application*>(hApplication);
    std::lock_guard lock(registry().mutex);
    if (!validApplication(a)) return SAR_INVALIDHANDLEERR;
    closeApplicationLocked(a);
    return SAR_OK;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_GetPINInfo(HAPPLICATION hApplication, ULONG ulPINType,
                                     ULONG* pulMaxRetryCount, ULONG* pulRemainRetryCount,
                                     BOOL* pbDefaultPin) {
  return guarded([&]() -> ULONG {
    auto* a = static_cast<Application*>(hApplication);
    std::lock_guard lock(registry().mutex);
    if (!validApplication(a)) return SAR_INVALIDHANDLEERR;
    if (ulPINType != USER_TYPE) return SAR_USER_TYPE_INVALID;
    if (pulMaxRetryCount == nullptr || pulRemainRetryCount == nullptr || pbDefaultPin == nullptr) {
      return SAR_INVALIDPARAMERR;
    }
    auto remaining = zzjb::mock::loadRemaining(a->device->dir);
    if (!remaining) return SAR_READFILEERR;
    *pulMaxRetryCount = a->device->config.maxRetries;
    *pulRemainRetryCount = *remaining;
    *pbDefaultPin = FALSE;
    return SAR_OK;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_VerifyPIN(HAPPLICATION hApplication, ULONG ulPINType, LPSTR szPIN,
                                    ULONG* pulRetryCount) {
  return guarded([&]() -> ULONG {
    auto* a = static_cast<Application*>(hApplication);
    std::lock_guard lock(registry().mutex);
    if (!validApplication(a)) return SAR_INVALIDHANDLEERR;
    if (ulPINType != USER_TYPE) return SAR_USER_TYPE_INVALID;
    if (szPIN == nullptr || pulRetryCount == nullptr) return SAR_INVALIDPARAMERR;
    const auto& dir = a->device->dir;
    const auto& config = a->device->config;
    auto remaining = zzjb::mock::loadRemaining(dir);
    if (!remaining) return SAR_READFILEERR;
    if (*remaining == 0) {
      *pulRetryCount = 0;
      a->loggedIn = false;
      return SAR_PIN_LOCKED;
    }
    const std::string hash = zzjb::mock::hashPin(config.pinSaltHex, szPIN);
    const bool correct = !hash.empty() && hash.size() == config.pinSha256Hex.size() &&
                         CRYPTO_memcmp(hash.data(), config.pinSha256Hex.data(), hash.size()) == 0;
    if (correct) {
      if (*remaining != config.maxRetries && !zzjb::mock::saveRemaining(dir, config.maxRetries)) {
        return SAR_WRITEFILEERR;
      }
      *pulRetryCount = config.maxRetries;
      a->loggedIn = true;
      return SAR_OK;
    }
    const unsigned left = *remaining - 1;
    if (!zzjb::mock::saveRemaining(dir, left)) return SAR_WRITEFILEERR;
    *pulRetryCount = left;
    a->loggedIn = false;
    return left == 0 ? SAR_PIN_LOCKED : SAR_PIN_INCORRECT;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_ClearSecureState(HAPPLICATION hApplication) {
  return guarded([&]() -> ULONG {
    auto* a = static_cast<Application*>(hApplication);
    std::lock_guard lock(registry().mutex);
    if (!validApplication(a)) return SAR_INVALIDHANDLEERR;
    a->loggedIn = false;
    return SAR_OK;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_EnumContainer(HAPPLICATION hApplication, LPSTR szContainerName,
                                        ULONG* pulSize) {
  return guarded([&]() -> ULONG {
    auto* a = static_cast<Application*>(hApplication);
    std::lock_guard lock(registry().mutex);
    if (!validApplication(a)) return SAR_INVALIDHANDLEERR;
    return putList({a->device->config.container}, szContainerName, pulSize);
  });
}

ZZJB_SKF_EXPORT ULONG SKF_OpenContainer(HAPPLICATION hApplication, LPSTR szContainerName,
                                        HCONTAINER* phContainer) {
  return guarded([&]() -> ULONG {
    auto* a = static_cast<Application*>(hApplication);
    std::lock_guard lock(registry().mutex);
    if (!validApplication(a)) return SAR_INVALIDHANDLEERR;
    if (szContainerName == nullptr || phContainer == nullptr) return SAR_INVALIDPARAMERR;
    if (a->device->config.container != szContainerName) return SAR_FILE_NOT_EXIST;
    auto c = std::make_unique<Container>(Container{a});
    registry().containers.insert(c.get());
    *phContainer = c.release();
    return SAR_OK;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_CloseContainer(HCONTAINER hContainer) {
  return guarded([&]() -> ULONG {
    auto* c = static_cast<Container*>(hContainer);
    std::lock_guard lock(registry().mutex);
    if (!validContainer(c)) return SAR_INVALIDHANDLEERR;
    closeContainerLocked(c);
    return SAR_OK;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_GetContainerType(HCONTAINER hContainer, ULONG* pulContainerType) {
  return guarded([&]() -> ULONG {
    auto* c = static_cast<Container*>(hContainer);
    std::lock_guard lock(registry().mutex);
    if (!validContainer(c)) return SAR_INVALIDHANDLEERR;
    if (pulContainerType == nullptr) return SAR_INVALIDPARAMERR;
    *pulContainerType = SKF_CONTAINER_ECC;
    return SAR_OK;
  });
}

ZZJB_SKF_EXPORT ULONG SKF_ExportCertificate(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbCert,
                                            ULONG* pulCertLen) {
  return guarded([&]() -> ULONG {
    auto* c = static_cast<Container*>(hContainer);
    std::lock_guard lock(registry().mutex);
    if (!validContainer(c)) return SAR_INVALIDHANDLEERR;
    // The token holds a signing certificate only, like a 法人一证通 used just for signing.
    if (bSignFlag != TRUE) return SAR_CERTNOTFOUNTERR;
    auto der = zzjb::mock::readWholeFile(c->application->device->dir / zzjb::mock::kCertFile);
    if (!der) return SAR_CERTNOTFOUNTERR;
    return putBytes(*der, pbCert, pulCertLen);
  });
}

ZZJB_SKF_EXPORT ULONG SKF_ExportPublicKey(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbBlob,
                                          ULONG* pulBlobLen) {
  return guarded([&]() -> ULONG {
    auto* c = static_cast<Container*>(hContainer);
    std::lock_guard lock(registry().mutex);
    if (!validContainer(c)) return SAR_INVALIDHANDLEERR;
    if (bSignFlag != TRUE) return SAR_KEYNOTFOUNTERR;
    PkeyPtr key = certificatePublicKey(c->application->device->dir);
    std::array<unsigned char, 1 + 2 * kCoordBytes> point{};
    std::size_t len = 0;
    if (!key ||
        EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                        point.size(), &len) != 1 ||
        len != point.size() || point[0] != 0x04) {
      ERR_clear_error();
      return SAR_KEYNOTFOUNTERR;
    }
    ECCPUBLICKEYBLOB blob{};
    blob.BitLen = 8 * kCoordBytes;
    std::memcpy(blob.XCoordinate + (kFieldBytes - kCoordBytes), point.data() + 1, kCoordBytes);
    std::memcpy(blob.YCoordinate + (kFieldBytes - kCoordBytes), point.data() + 1 + kCoordBytes,
                kCoordBytes);
    return putBytes(std::string(reinterpret_cast<const char*>(&blob), sizeof blob), pbBlob,
                    pulBlobLen);
  });
}

ZZJB_SKF_EXPORT ULONG SKF_ECCSignData(HCONTAINER hContainer, BYTE* pbData, ULONG ulDataLen,
                                      PECCSIGNATUREBLOB pSignature) {
  return guarded([&]() -> ULONG {
    auto* c = static_cast<Container*>(hContainer);
    std::lock_guard lock(registry().mutex);
    if (!validContainer(c)) return SAR_INVALIDHANDLEERR;
    if (!c->application->loggedIn) return SAR_USER_NOT_LOGGED_IN;
    if (pbData == nullptr || pSignature == nullptr) return SAR_INVALIDPARAMERR;
    if (ulDataLen != kCoordBytes) return SAR_INDATALENERR;
    PkeyPtr key = privateKey(c->application->device->dir);
    if (!key) return SAR_KEYNOTFOUNTERR;
    // On an SM2 key, EVP_PKEY_sign signs its input as e as it is: the caller has hashed.
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    std::array<unsigned char, 128> der{};
    std::size_t derLen = der.size();
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_sign(ctx.get(), der.data(), &derLen, pbData, ulDataLen) != 1) {
      ERR_clear_error();
      return SAR_FAIL;
    }
    const unsigned char* p = der.data();
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(derLen)));
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    if (sig) ECDSA_SIG_get0(sig.get(), &r, &s);
    *pSignature = ECCSIGNATUREBLOB{};
    const auto offset = kFieldBytes - kCoordBytes;
    if (r == nullptr || s == nullptr ||
        BN_bn2binpad(r, pSignature->r + offset, static_cast<int>(kCoordBytes)) < 0 ||
        BN_bn2binpad(s, pSignature->s + offset, static_cast<int>(kCoordBytes)) < 0) {
      ERR_clear_error();
      return SAR_FAIL;
    }
    return SAR_OK;
  });
}

// Not SKF: for tests of callers. The number of handles open now, and (if `outOfOrderCloses` is
// not NULL) how often a device or application was closed before its children.
ZZJB_SKF_EXPORT ULONG ZZJB_SKF_MockOpenHandles(ULONG* outOfOrderCloses) {
  return guarded([&] {
    std::lock_guard lock(registry().mutex);
    if (outOfOrderCloses != nullptr) *outOfOrderCloses = registry().outOfOrderCloses;
    return static_cast<ULONG>(registry().devices.size() + registry().applications.size() +
                              registry().containers.size());
  });
}

// The definitions above must have the types the signer resolves them as.
static_assert(std::is_same_v<decltype(&SKF_EnumDev), PFN_SKF_EnumDev>);
static_assert(std::is_same_v<decltype(&SKF_ConnectDev), PFN_SKF_ConnectDev>);
static_assert(std::is_same_v<decltype(&SKF_DisConnectDev), PFN_SKF_DisConnectDev>);
static_assert(std::is_same_v<decltype(&SKF_GetDevInfo), PFN_SKF_GetDevInfo>);
static_assert(std::is_same_v<decltype(&SKF_EnumApplication), PFN_SKF_EnumApplication>);
static_assert(std::is_same_v<decltype(&SKF_OpenApplication), PFN_SKF_OpenApplication>);
static_assert(std::is_same_v<decltype(&SKF_CloseApplication), PFN_SKF_CloseApplication>);
static_assert(std::is_same_v<decltype(&SKF_GetPINInfo), PFN_SKF_GetPINInfo>);
static_assert(std::is_same_v<decltype(&SKF_VerifyPIN), PFN_SKF_VerifyPIN>);
static_assert(std::is_same_v<decltype(&SKF_ClearSecureState), PFN_SKF_ClearSecureState>);
static_assert(std::is_same_v<decltype(&SKF_EnumContainer), PFN_SKF_EnumContainer>);
static_assert(std::is_same_v<decltype(&SKF_OpenContainer), PFN_SKF_OpenContainer>);
static_assert(std::is_same_v<decltype(&SKF_CloseContainer), PFN_SKF_CloseContainer>);
static_assert(std::is_same_v<decltype(&SKF_GetContainerType), PFN_SKF_GetContainerType>);
static_assert(std::is_same_v<decltype(&SKF_ExportCertificate), PFN_SKF_ExportCertificate>);
static_assert(std::is_same_v<decltype(&SKF_ExportPublicKey), PFN_SKF_ExportPublicKey>);
static_assert(std::is_same_v<decltype(&SKF_ECCSignData), PFN_SKF_ECCSignData>);
