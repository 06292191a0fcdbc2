// Opening the school's key: one function per key source, and one that picks by URI.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "zzjb/core/domain.hpp"
#include "zzjb/core/signer.hpp"
#include "zzjb/identity/key_uri.hpp"
#include "zzjb/identity/secret.hpp"

namespace zzjb::identity {

// Asks for the PIN only when the key source needs one, after it has read the retry state.
// Returns the PIN or a Finding (PIN_UNAVAILABLE, PIN_FILE_MODE, ...).
using PinProvider = std::function<Result<Secret>()>;

// A key file: PEM (plain, or encrypted with the PIN: then `pin` is called) or PKCS#12 (.p12/.pfx).
[[nodiscard]] Result<std::unique_ptr<Signer>> openFileSigner(const FileKeyUri& uri,
                                                             const PinProvider& pin);

// A PKCS#11 token; the module is loaded with Boost.DLL. Refuses (PIN_FINAL_TRY, PIN_LOCKED) before
// calling `pin` when the token flags say a wrong PIN would lock it.
[[nodiscard]] Result<std::unique_ptr<Signer>> openPkcs11Signer(const Pkcs11KeyUri& uri,
                                                               const PinProvider& pin);

// An SKF (GM/T 0016) USB key; the vendor library is loaded with Boost.DLL. Refuses before
// verifying the PIN when the retry count is 1 (PIN_FINAL_TRY) or 0 (PIN_LOCKED).
[[nodiscard]] Result<std::unique_ptr<Signer>> openSkfSigner(const SkfKeyUri& uri,
                                                            const PinProvider& pin);

[[nodiscard]] Result<std::unique_ptr<Signer>> openSigner(const KeyUri& uri, const PinProvider& pin);

}  // namespace zzjb::identity
