// Internal to the store: the per-store secret key file and the keyed hash of ID numbers.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "zzjb/core/finding.hpp"

namespace zzjb::store::detail {

inline constexpr std::size_t kSecretKeySize = 32;

// Reads the key at `keyPath`, creating it (random, mode 0600, written then linked into place so
// that a crash never leaves a short key) when absent. Refuses a key readable by others.
[[nodiscard]] Result<std::string> loadOrCreateSecretKey(const std::filesystem::path& keyPath);

// HMAC-SHA256(key, message), lower-case hex.
[[nodiscard]] std::string hmacHex(std::string_view key, std::string_view message);

}  // namespace zzjb::store::detail
