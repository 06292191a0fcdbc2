// Wiping a PIN from memory in a way the optimiser cannot drop.
#include "zzjb/identity/secret.hpp"

#include <openssl/crypto.h>

namespace zzjb::identity {

void Secret::wipe() {
  if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
  value_.clear();
  value_.shrink_to_fit();
}

}  // namespace zzjb::identity
