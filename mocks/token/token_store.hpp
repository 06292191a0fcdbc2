// The software SKF token's directory: what is in it and how it is read and written. Shared by
// the mock SKF library and the zzjb-skf-mock tool. Layout: see README.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace zzjb::mock {

struct TokenConfig {
  std::string device = "USBKey0";
  std::string application = "SHECA";
  std::string container = "SIGN";
  std::string pinSaltHex;    // 16 random bytes
  std::string pinSha256Hex;  // SHA-256(salt ‖ PIN); the PIN itself is never stored
  unsigned maxRetries = 6;
};

inline constexpr std::string_view kConfigFile = "token.json";
inline constexpr std::string_view kRetriesFile = "retries";
inline constexpr std::string_view kKeyFile = "key.pem";
inline constexpr std::string_view kCertFile = "cert.der";

// Reads token.json; nullopt (and `error` set) when it is missing or malformed.
[[nodiscard]] std::optional<TokenConfig> loadConfig(const std::filesystem::path& dir,
                                                    std::string& error);
[[nodiscard]] bool saveConfig(const std::filesystem::path& dir, const TokenConfig& config,
                              std::string& error);

// The persistent count of user-PIN tries left; nullopt when unreadable.
[[nodiscard]] std::optional<unsigned> loadRemaining(const std::filesystem::path& dir);
[[nodiscard]] bool saveRemaining(const std::filesystem::path& dir, unsigned remaining);

// Writes `path` through a temporary file in the same directory and rename(2), so a reader sees
// the old or the new content, never half of it.
[[nodiscard]] bool writeFileAtomic(const std::filesystem::path& path, std::string_view content,
                                   std::filesystem::perms mode);

[[nodiscard]] std::optional<std::string> readWholeFile(const std::filesystem::path& path);

// Hex of SHA-256(salt ‖ pin); "" when the salt is not hex or hashing fails.
[[nodiscard]] std::string hashPin(std::string_view saltHex, std::string_view pin);

// Hex of `n` random bytes, "" on failure.
[[nodiscard]] std::string randomHex(std::size_t n);

}  // namespace zzjb::mock
