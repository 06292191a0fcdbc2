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

// Reads an existing key with the same checks (no link, ours, mode 0600, 32 bytes); never creates.
[[nodiscard]] Result<std::string> readSecretKey(const std::filesystem::path& keyPath);

// The value recorded in `meta` as 'key_check': the keyed hash of a fixed text, so that a key that
// is not the store's own is found (STORE_KEY_MISMATCH).
inline constexpr std::string_view kKeyCheckMessage = "zzjb-store-key-check-v1";

// HMAC-SHA256(key, message), lower-case hex.
[[nodiscard]] std::string hmacHex(std::string_view key, std::string_view message);

// HMAC-SHA256 under one key, many times: the key's inner and outer pads are hashed once, so a
// message costs two short SHA-256 continuations instead of a fresh HMAC set-up (a pass keys every
// student of every school: bench/README.md, "bench/city"). Same result as hmacHex. Safe to use
// from several threads at once (each call works on its own copies). Wipes the pads when destroyed.
class KeyedHasher {
 public:
  explicit KeyedHasher(std::string_view key);
  ~KeyedHasher();
  KeyedHasher(const KeyedHasher&) = delete;
  KeyedHasher& operator=(const KeyedHasher&) = delete;
  [[nodiscard]] std::string hex(std::string_view message) const;

 private:
  struct State;
  State* state_;
};

}  // namespace zzjb::store::detail
