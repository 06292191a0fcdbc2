// Opening a signer by its URI's scheme.
#include "zzjb/identity/signers.hpp"

namespace zzjb::identity {

Result<std::unique_ptr<Signer>> openSigner(const KeyUri& uri, const PinProvider& pin) {
  if (const auto* f = std::get_if<FileKeyUri>(&uri)) return openFileSigner(*f, pin);
  if (const auto* p = std::get_if<Pkcs11KeyUri>(&uri)) return openPkcs11Signer(*p, pin);
  return openSkfSigner(std::get<SkfKeyUri>(uri), pin);
}

}  // namespace zzjb::identity
