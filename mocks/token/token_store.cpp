// Reading and writing the software token's directory: token.json (nlohmann/json), the retry
// counter (a number in a text file, replaced atomically), PIN hashing with OpenSSL.
#include "token_store.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

namespace zzjb::mock {
namespace {

constexpr unsigned kMaxRetriesLimit = 255;

std::string toHex(const unsigned char* data, std::size_t len) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (std::size_t i = 0; i < len; ++i) {
    out += kDigits[data[i] >> 4U];
    out += kDigits[data[i] & 0x0fU];
  }
  return out;
}

std::optional<std::vector<unsigned char>> fromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<unsigned char> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    unsigned value = 0;
    const char* first = hex.data() + 2 * i;
    auto [ptr, ec] = std::from_chars(first, first + 2, value, 16);
    if (ec != std::errc() || ptr != first + 2) return std::nullopt;
    out[i] = static_cast<unsigned char>(value);
  }
  return out;
}

}  // namespace

std::optional<std::string> readWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

bool writeFileAtomic(const std::filesystem::path& path, std::string_view content,
                     std::filesystem::perms mode) {
  std::string tmpl = (path.parent_path() / ("." + path.filename().string() + ".XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) return false;
  bool ok = fchmod(fd, static_cast<mode_t>(mode)) == 0;
  std::size_t done = 0;
  while (ok && done < content.size()) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  ok = (close(fd) == 0) && ok;
  ok = ok && std::rename(name.data(), path.c_str()) == 0;
  if (!ok) unlink(name.data());
  return ok;
}

std::optional<TokenConfig> loadConfig(const std::filesystem::path& dir, std::string& error) {
  const auto path = dir / kConfigFile;
  auto text = readWholeFile(path);
  if (!text) {
    error = path.string() + " cannot be read";
    return std::nullopt;
  }
  try {
    const auto j = nlohmann::json::parse(*text);
    TokenConfig c;
    c.device = j.at("device").get<std::string>();
    c.application = j.at("application").get<std::string>();
    c.container = j.at("container").get<std::string>();
    c.pinSaltHex = j.at("pin").at("salt").get<std::string>();
    c.pinSha256Hex = j.at("pin").at("sha256").get<std::string>();
    c.maxRetries = j.at("maxRetries").get<unsigned>();
    if (c.maxRetries == 0 || c.maxRetries > kMaxRetriesLimit) {
      error = path.string() + ": maxRetries must be 1 to 255";
      return std::nullopt;
    }
    return c;
  } catch (const std::exception& e) {
    error = path.string() + ": " + e.what();
    return std::nullopt;
  }
}

bool saveConfig(const std::filesystem::path& dir, const TokenConfig& config, std::string& error) {
  nlohmann::json j = {
      {"format", 1},
      {"device", config.device},
      {"application", config.application},
      {"container", config.container},
      {"pin", {{"salt", config.pinSaltHex}, {"sha256", config.pinSha256Hex}}},
      {"maxRetries", config.maxRetries},
  };
  using std::filesystem::perms;
  if (!writeFileAtomic(dir / kConfigFile, j.dump(2) + "\n",
                       perms::owner_read | perms::owner_write)) {
    error = (dir / kConfigFile).string() + " cannot be written";
    return false;
  }
  return true;
}

std::optional<unsigned> loadRemaining(const std::filesystem::path& dir) {
  auto text = readWholeFile(dir / kRetriesFile);
  if (!text) return std::nullopt;
  unsigned value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr == text->data()) return std::nullopt;
  if (ptr != end && std::string_view(ptr, static_cast<std::size_t>(end - ptr)) != "\n") {
    return std::nullopt;
  }
  return value;
}

bool saveRemaining(const std::filesystem::path& dir, unsigned remaining) {
  using std::filesystem::perms;
  return writeFileAtomic(dir / kRetriesFile, std::to_string(remaining) + "\n",
                         perms::owner_read | perms::owner_write);
}

std::string hashPin(std::string_view saltHex, std::string_view pin) {
  auto salt = fromHex(saltHex);
  if (!salt || salt->empty()) return {};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), salt->data(), salt->size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), pin.data(), pin.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1) {
    return {};
  }
  return toHex(md.data(), len);
}

std::string randomHex(std::size_t n) {
  std::vector<unsigned char> bytes(n);
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) {
    return {};
  }
  return toHex(bytes.data(), n);
}

}  // namespace zzjb::mock
