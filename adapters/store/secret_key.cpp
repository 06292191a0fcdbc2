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
#include <stdexcept>
#include <string>

namespace zzjb::store::detail {
namespace {

// A finding about the secret key file, worded by the catalog: `textCode` (store.key.*) and its
// hint; errno's text, when there is one, is {reason}.
Finding keyFinding(std::string code, const std::filesystem::path& path, std::string_view textCode,
                   msg::Args args = {}) {
  Location where;
  where.file = path.string();
  return makeFinding(Severity::Error, FindingKind::Config, std::move(code), std::move(where),
                     std::move(args), textCode);
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
      return std::unexpected(
          keyFinding("STORE_KEY_READ", keyPath, "store.key.read", {{"reason", errnoText()}}));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got != kSecretKeySize) {
    return std::unexpected(keyFinding("STORE_KEY_INVALID", keyPath, "store.key.size",
                                      {{"bytes", got}, {"expected", kSecretKeySize}}));
  }
  key.resize(kSecretKeySize);
  return key;
}

Result<std::string> readExisting(const std::filesystem::path& keyPath) {
  int fd = ::open(keyPath.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const bool link = errno == ELOOP;
    if (link)
      return std::unexpected(keyFinding("STORE_KEY_PERMISSIONS", keyPath, "store.key.link"));
    return std::unexpected(
        keyFinding("STORE_KEY_READ", keyPath, "store.key.open", {{"reason", errnoText()}}));
  }
  // Checked on the open descriptor: a regular file of ours (or root's) that nobody else can
  // read or write. A key planted by another user would let them recompute the student keys.
  struct stat st {};
  const bool statOk = ::fstat(fd, &st) == 0;
  if (!statOk || !S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != ::geteuid())) {
    ::close(fd);
    if (!statOk) {
      return std::unexpected(keyFinding("STORE_KEY_PERMISSIONS", keyPath, "store.key.stat",
                                        {{"reason", errnoText()}}));
    }
    if (!S_ISREG(st.st_mode)) {
      return std::unexpected(keyFinding("STORE_KEY_PERMISSIONS", keyPath, "store.key.notRegular"));
    }
    return std::unexpected(keyFinding("STORE_KEY_PERMISSIONS", keyPath, "store.key.owner",
                                      {{"uid", st.st_uid}, {"euid", ::geteuid()}}));
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return std::unexpected(keyFinding("STORE_KEY_PERMISSIONS", keyPath, "store.key.mode"));
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
      return std::unexpected(
          keyFinding("STORE_KEY_WRITE", path, "store.key.write", {{"reason", errnoText()}}));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// A name in the key's directory that nobody can guess: ".<key>.tmp-<16 hex>".
Result<std::filesystem::path> temporaryName(const std::filesystem::path& keyPath) {
  std::array<unsigned char, 8> rnd{};
  if (RAND_bytes(rnd.data(), static_cast<int>(rnd.size())) != 1) {
    return std::unexpected(keyFinding("STORE_KEY_WRITE", keyPath, "store.key.randomName"));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = "." + keyPath.filename().string() + ".tmp-";
  for (unsigned char c : rnd) {
    name += kHex[c >> 4];
    name += kHex[c & 0x0f];
  }
  return keyPath.parent_path() / name;
}

// Writes a fresh key as files::writeFileAtomic writes a file (docs/security.md, "Writing
// files"): a new file under an unguessable name in the same directory (O_CREAT|O_EXCL|O_NOFOLLOW,
// 0600 from the start, the fchmod checked), written, synced, then put in place. Unlike
// writeFileAtomic it is linked, not renamed, into place: a key that another process put there
// first wins and is never replaced (two keys would make recorded students unmatchable).
Result<void> createKey(const std::filesystem::path& keyPath) {
  std::array<unsigned char, kSecretKeySize> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return std::unexpected(keyFinding("STORE_KEY_WRITE", keyPath, "store.key.random"));
  }
  auto tmpName = temporaryName(keyPath);
  if (!tmpName) return std::unexpected(tmpName.error());
  const std::filesystem::path& tmp = *tmpName;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return std::unexpected(
        keyFinding("STORE_KEY_WRITE", tmp, "store.key.create", {{"reason", errnoText()}}));
  }
  Result<void> written;
  if (::fchmod(fd, 0600) != 0) {
    written = std::unexpected(
        keyFinding("STORE_KEY_WRITE", tmp, "store.key.chmod", {{"reason", errnoText()}}));
  }
  if (written) written = writeAll(fd, bytes.data(), bytes.size(), tmp);
  if (written && ::fsync(fd) != 0) {
    written = std::unexpected(
        keyFinding("STORE_KEY_WRITE", tmp, "store.key.sync", {{"reason", errnoText()}}));
  }
  if (::close(fd) != 0 && written) {
    written = std::unexpected(
        keyFinding("STORE_KEY_WRITE", tmp, "store.key.close", {{"reason", errnoText()}}));
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());
  if (!written) {
    ::unlink(tmp.c_str());
    return written;
  }
  // link() never follows a link at keyPath and never replaces what is there.
  if (::link(tmp.c_str(), keyPath.c_str()) != 0 && errno != EEXIST) {
    std::string why = errnoText();
    ::unlink(tmp.c_str());
    return std::unexpected(
        keyFinding("STORE_KEY_WRITE", keyPath, "store.key.link.place", {{"reason", why}}));
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

Result<std::string> readSecretKey(const std::filesystem::path& keyPath) {
  return readExisting(keyPath);
}

Result<std::string> loadOrCreateSecretKey(const std::filesystem::path& keyPath) {
  // lstat, not exists(): a dangling link there is not "absent" (readExisting refuses it).
  struct stat st {};
  if (::lstat(keyPath.c_str(), &st) != 0 && errno == ENOENT) {
    auto created = createKey(keyPath);
    if (!created) return std::unexpected(created.error());
  }
  return readExisting(keyPath);
}

namespace {

std::string lowerHex(const unsigned char* bytes, unsigned int len) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0x0f];
  }
  return out;
}

}  // namespace

std::string hmacHex(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &len);
  return lowerHex(mac.data(), len);
}

struct KeyedHasher::State {
  EVP_MD_CTX* inner = nullptr;  // SHA-256 after (key ^ ipad)
  EVP_MD_CTX* outer = nullptr;  // SHA-256 after (key ^ opad)
  bool ok = false;
};

KeyedHasher::KeyedHasher(std::string_view key) : state_(new State) {
  constexpr std::size_t kBlock = 64;  // SHA-256's block size
  std::array<unsigned char, kBlock> k{};
  if (key.size() > kBlock) {
    unsigned int n = 0;
    EVP_Digest(key.data(), key.size(), k.data(), &n, EVP_sha256(), nullptr);
  } else {
    std::memcpy(k.data(), key.data(), key.size());
  }
  std::array<unsigned char, kBlock> ipad{};
  std::array<unsigned char, kBlock> opad{};
  for (std::size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<unsigned char>(k[i] ^ 0x36);
    opad[i] = static_cast<unsigned char>(k[i] ^ 0x5c);
  }
  state_->inner = EVP_MD_CTX_new();
  state_->outer = EVP_MD_CTX_new();
  state_->ok = state_->inner != nullptr && state_->outer != nullptr &&
               EVP_DigestInit_ex(state_->inner, EVP_sha256(), nullptr) == 1 &&
               EVP_DigestUpdate(state_->inner, ipad.data(), ipad.size()) == 1 &&
               EVP_DigestInit_ex(state_->outer, EVP_sha256(), nullptr) == 1 &&
               EVP_DigestUpdate(state_->outer, opad.data(), opad.size()) == 1;
  OPENSSL_cleanse(k.data(), k.size());
  OPENSSL_cleanse(ipad.data(), ipad.size());
  OPENSSL_cleanse(opad.data(), opad.size());
}

KeyedHasher::~KeyedHasher() {
  EVP_MD_CTX_free(state_->inner);  // frees (and cleanses) the digest state
  EVP_MD_CTX_free(state_->outer);
  delete state_;
}

std::string KeyedHasher::hex(std::string_view message) const {
  struct Ctx {
    EVP_MD_CTX* p = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(p); }
  };
  thread_local Ctx ctx;
  std::array<unsigned char, EVP_MAX_MD_SIZE> innerHash{};
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int innerLen = 0;
  unsigned int len = 0;
  const bool done =
      state_->ok && ctx.p != nullptr && EVP_MD_CTX_copy_ex(ctx.p, state_->inner) == 1 &&
      EVP_DigestUpdate(ctx.p, message.data(), message.size()) == 1 &&
      EVP_DigestFinal_ex(ctx.p, innerHash.data(), &innerLen) == 1 &&
      EVP_MD_CTX_copy_ex(ctx.p, state_->outer) == 1 &&
      EVP_DigestUpdate(ctx.p, innerHash.data(), innerLen) == 1 &&
      EVP_DigestFinal_ex(ctx.p, mac.data(), &len) == 1;
  if (!done) throw std::runtime_error("SHA-256 failed");  // no digest: nothing sensible to do
  return lowerHex(mac.data(), len);
}

}  // namespace zzjb::store::detail
