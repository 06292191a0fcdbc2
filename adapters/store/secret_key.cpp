// The store's secret key file (created 0600 next to the database) and HMAC-SHA256 over it.
#include "secret_key.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

namespace zzjb::store::detail {
namespace {

Finding keyFinding(std::string code, const std::filesystem::path& path, std::string message,
                   std::string hint) {
  Finding f = configFinding(std::move(code), std::move(message), std::move(hint));
  f.where.file = path.string();
  return f;
}

std::string errnoText() { return std::strerror(errno); }

// Reads exactly kSecretKeySize bytes from an open descriptor.
Result<std::string> readKey(int fd, const std::filesystem::path& keyPath) {
  std::string key(kSecretKeySize + 1, '\0');
  std::size_t got = 0;
  while (got < key.size()) {
    ssize_t n = ::read(fd, key.data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return std::unexpected(keyFinding("STORE_KEY_READ", keyPath,
                                        "cannot read the store's secret key: " + errnoText(),
                                        "check the file's owner and permissions"));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got != kSecretKeySize) {
    return std::unexpected(keyFinding(
        "STORE_KEY_INVALID", keyPath,
        "the store's secret key has " + std::to_string(got) + " bytes, not " +
            std::to_string(kSecretKeySize),
        "restore the key from backup; without it, recorded students cannot be matched"));
  }
  key.resize(kSecretKeySize);
  return key;
}

Result<std::string> readExisting(const std::filesystem::path& keyPath) {
  int fd = ::open(keyPath.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return std::unexpected(keyFinding("STORE_KEY_READ", keyPath,
                                      "cannot open the store's secret key: " + errnoText(),
                                      "check the file's owner and permissions"));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
    ::close(fd);
    return std::unexpected(keyFinding(
        "STORE_KEY_PERMISSIONS", keyPath,
        "the store's secret key is readable or writable by others",
        "chmod 600 the key file and check who could have read it"));
  }
  auto key = readKey(fd, keyPath);
  ::close(fd);
  return key;
}

Result<void> writeAll(int fd, const unsigned char* data, std::size_t size,
                      const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return std::unexpected(keyFinding("STORE_KEY_WRITE", path,
                                        "cannot write the store's secret key: " + errnoText(),
                                        "check free space and the directory's permissions"));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// Writes a fresh key to a temporary file, syncs it and links it to `keyPath`; a key that
// another process linked first wins.
Result<void> createKey(const std::filesystem::path& keyPath) {
  std::array<unsigned char, kSecretKeySize> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return std::unexpected(keyFinding("STORE_KEY_WRITE", keyPath,
                                      "no random bytes for the store's secret key",
                                      "check the system's entropy source"));
  }
  std::filesystem::path tmp = keyPath;
  tmp += ".tmp-" + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return std::unexpected(keyFinding("STORE_KEY_WRITE", tmp,
                                      "cannot create the store's secret key: " + errnoText(),
                                      "check the directory's permissions"));
  }
  auto written = writeAll(fd, bytes.data(), bytes.size(), tmp);
  if (written && ::fsync(fd) != 0) {
    written = std::unexpected(keyFinding("STORE_KEY_WRITE", tmp,
                                         "cannot sync the store's secret key: " + errnoText(),
                                         "check the disk"));
  }
  ::close(fd);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  if (!written) {
    ::unlink(tmp.c_str());
    return written;
  }
  if (::link(tmp.c_str(), keyPath.c_str()) != 0 && errno != EEXIST) {
    std::string why = errnoText();
    ::unlink(tmp.c_str());
    return std::unexpected(keyFinding("STORE_KEY_WRITE", keyPath,
                                      "cannot put the store's secret key in place: " + why,
                                      "check the directory's permissions"));
  }
  ::unlink(tmp.c_str());
  // Make the new directory entry durable.
  std::filesystem::path dir = keyPath.parent_path().empty() ? "." : keyPath.parent_path();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    static_cast<void>(::fsync(dfd));
    ::close(dfd);
  }
  return {};
}

}  // namespace

Result<std::string> loadOrCreateSecretKey(const std::filesystem::path& keyPath) {
  std::error_code ec;
  if (!std::filesystem::exists(keyPath, ec)) {
    auto created = createKey(keyPath);
    if (!created) return std::unexpected(created.error());
  }
  return readExisting(keyPath);
}

std::string hmacHex(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0x0f];
  }
  return out;
}

}  // namespace zzjb::store::detail
