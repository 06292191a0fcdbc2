// Files by descriptor, bounded: see files.hpp and docs/security.md.
#include "zzjb/files/files.hpp"

#include <fcntl.h>
#include <link.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace zzjb::files {
namespace {

Finding fileFinding(std::string code, const std::filesystem::path& path, std::string message,
                    std::string hint) {
  Finding f = configFinding(std::move(code), std::move(message), std::move(hint));
  f.where.file = path.string();
  return f;
}

std::string errnoText(int err) { return std::strerror(err); }

std::string octalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Finding openFailure(const std::filesystem::path& path, std::string_view what, int err) {
  if (err == ELOOP) {
    return fileFinding("FILE_IS_LINK", path,
                       "the " + std::string(what) + " is a symbolic link, which zzjb does not follow",
                       "name the file itself, not a link to it");
  }
  if (err == ENOENT) {
    return fileFinding("FILE_NOT_FOUND", path,
                       "the " + std::string(what) + " does not exist",
                       "check the path (relative paths are from the configuration's directory)");
  }
  return fileFinding("FILE_OPEN", path,
                     "cannot open the " + std::string(what) + ": " + errnoText(err),
                     "check the path, the file's owner and its permissions");
}

bool ownerIsTrusted(uid_t owner) { return owner == 0 || owner == ::geteuid(); }

// The ownership and mode rules for code and the directories holding it.
Result<void> checkOwnerAndMode(const struct stat& st, const std::filesystem::path& path,
                               std::string_view what) {
  if (!ownerIsTrusted(st.st_uid)) {
    return std::unexpected(fileFinding(
        "UNSAFE_OWNER", path,
        "the " + std::string(what) + " is owned by uid " + std::to_string(st.st_uid) +
            ", neither root nor the user running zzjb (uid " + std::to_string(::geteuid()) +
            "): its owner could change what zzjb runs",
        "chown it to root (or to the user running zzjb)"));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return std::unexpected(fileFinding(
        "UNSAFE_PERMISSIONS", path,
        "the " + std::string(what) + " is writable by " +
            ((st.st_mode & S_IWOTH) != 0 ? "every user" : "its group") + " (mode " +
            octalMode(st.st_mode) + "): another user could change what zzjb runs",
        "chmod go-w it"));
  }
  return {};
}

}  // namespace

Result<std::string> readFile(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string what(options.what);
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  if (!options.followFinalLink) flags |= O_NOFOLLOW;
  Fd fd(::open(path.c_str(), flags));
  if (fd.get() < 0) return std::unexpected(openFailure(path, what, errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return std::unexpected(fileFinding("FILE_READ", path,
                                       "cannot read the " + what + ": " + errnoText(errno),
                                       "check the file"));
  }
  if (!S_ISREG(st.st_mode)) {
    return std::unexpected(fileFinding(
        "FILE_NOT_REGULAR", path,
        "the " + what + " is not a regular file (" +
            (S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a pipe"
             : S_ISSOCK(st.st_mode) ? "a socket" : "a device") + ")",
        "name a regular file"));
  }
  const auto tooLarge = [&] {
    return fileFinding("FILE_TOO_LARGE", path,
                       "the " + what + " is larger than " + std::to_string(options.maxBytes) +
                           " bytes, the limit for a " + what,
                       "check that this is the right file; split it if it really is this large");
  };
  if (static_cast<std::uint64_t>(st.st_size) > options.maxBytes) return std::unexpected(tooLarge());
  // Regular file: O_NONBLOCK has no effect on reads; clear it anyway.
  static_cast<void>(::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK & ~O_CLOEXEC));
  std::string out;
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  for (;;) {
    if (got == out.size()) {
      if (out.size() >= options.maxBytes + 1) break;
      // The file may have grown since fstat: read on, up to one byte past the limit.
      std::size_t next = out.size() < 4096 ? 4096 : out.size() * 2;
      if (next > options.maxBytes + 1) next = static_cast<std::size_t>(options.maxBytes + 1);
      out.resize(next);
    }
    ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return std::unexpected(fileFinding("FILE_READ", path,
                                         "cannot read the " + what + ": " + errnoText(errno),
                                         "check the file and the disk"));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > options.maxBytes) return std::unexpected(tooLarge());
  out.resize(got);
  return out;
}

Result<void> writeFileAtomic(const std::filesystem::path& path, std::string_view bytes,
                             const WriteOptions& options) {
  const std::string what(options.what);
  const std::filesystem::path name = path.filename();
  if (name.empty() || name == "." || name == "..") {
    return std::unexpected(fileFinding("FILE_WRITE", path,
                                       "the " + what + "'s path does not name a file",
                                       "give a file name, not a directory"));
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  Fd dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dirFd.get() < 0) {
    int err = errno;
    return std::unexpected(fileFinding("FILE_WRITE", path,
                                       "cannot open the directory of the " + what + ": " +
                                           errnoText(err),
                                       "create the directory first, or check its permissions"));
  }
  // A new, unguessable name in the same directory (rename must not cross file systems).
  std::string tmpName;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    unsigned char rnd[8];
    if (RAND_bytes(rnd, sizeof rnd) != 1) {
      return std::unexpected(fileFinding("FILE_WRITE", path, "no random bytes for a temporary name",
                                         "check the system's entropy source"));
    }
    static constexpr char kHex[] = "0123456789abcdef";
    tmpName = "." + name.string() + ".tmp-";
    for (unsigned char c : rnd) {
      tmpName += kHex[c >> 4];
      tmpName += kHex[c & 15];
    }
    fd = ::openat(dirFd.get(), tmpName.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  static_cast<mode_t>(options.mode & 0600));
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    int err = errno;
    return std::unexpected(fileFinding("FILE_WRITE", path,
                                       "cannot create the " + what + ": " + errnoText(err),
                                       "check the directory's owner and permissions"));
  }
  Fd file(fd);
  const auto fail = [&](std::string message, std::string hint) {
    ::unlinkat(dirFd.get(), tmpName.c_str(), 0);
    return std::unexpected(fileFinding("FILE_WRITE", path, std::move(message), std::move(hint)));
  };
  if (::fchmod(file.get(), static_cast<mode_t>(options.mode & 0777)) != 0) {
    return fail("cannot set the mode of the " + what + ": " + errnoText(errno),
                "check the file system");
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(file.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return fail("cannot write the " + what + ": " + errnoText(errno),
                  "check free space on the disk");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(file.get()) != 0) {
    return fail("cannot sync the " + what + ": " + errnoText(errno), "check the disk");
  }
  if (::close(file.release()) != 0) {
    return fail("cannot write the " + what + ": " + errnoText(errno), "check the disk");
  }
  if (::renameat(dirFd.get(), tmpName.c_str(), dirFd.get(), name.c_str()) != 0) {
    int err = errno;
    return fail("cannot put the " + what + " in place: " + errnoText(err),
                err == EISDIR ? "the name is a directory: choose another"
                              : "check the directory's owner and permissions (in a directory "
                                "shared with other users, another user's file cannot be replaced)");
  }
  static_cast<void>(::fsync(dirFd.get()));
  return {};
}

LoadableFile::LoadableFile(LoadableFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      dup_(std::exchange(other.dup_, -1)),
      path_(std::move(other.path_)) {}

LoadableFile& LoadableFile::operator=(LoadableFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    if (dup_ >= 0) ::close(dup_);
    fd_ = std::exchange(other.fd_, -1);
    dup_ = std::exchange(other.dup_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

LoadableFile::~LoadableFile() {
  if (fd_ >= 0) ::close(fd_);
  if (dup_ >= 0) ::close(dup_);
}

std::string LoadableFile::loadPath() const { return "/proc/self/fd/" + std::to_string(fd_); }

namespace {

bool nameIsLoaded(const std::string& name) {
  struct Search {
    const std::string* name;
    bool found;
  } search{&name, false};
  ::dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) -> int {
        auto* s = static_cast<Search*>(data);
        if (info->dlpi_name != nullptr && *s->name == info->dlpi_name) s->found = true;
        return s->found ? 1 : 0;
      },
      &search);
  return search.found;
}

}  // namespace

std::string LoadableFile::freshLoadPath() {
  std::string name = loadPath();
  for (int from = fd_ + 1; nameIsLoaded(name) && from < 4096; ++from) {
    if (dup_ >= 0) ::close(dup_);
    dup_ = ::fcntl(fd_, F_DUPFD_CLOEXEC, from);
    if (dup_ < 0) return loadPath();
    from = dup_;
    name = "/proc/self/fd/" + std::to_string(dup_);
  }
  return name;
}

Result<void> checkSafeDirectory(const std::filesystem::path& dir, std::string_view what) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::canonical(dir, ec);
  if (ec) {
    return std::unexpected(fileFinding("FILE_OPEN", dir,
                                       "cannot resolve the " + std::string(what) + ": " +
                                           ec.message(),
                                       "check that the directory exists"));
  }
  // From the directory itself up to "/": each must be trusted. A directory whose parent is
  // trusted cannot be replaced by anyone else, so checking by path is race-free from the top.
  for (std::filesystem::path p = canonical;; p = p.parent_path()) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      return std::unexpected(openFailure(p, "directory", errno));
    }
    const bool isSelf = p == canonical;
    // An ancestor that others may write to but that is sticky (/tmp) is safe: the entry below it
    // is ours or root's (checked in the step before), and the sticky bit keeps others from
    // renaming or removing it. The directory itself never: others could add files to it.
    struct stat checked = st;
    if (!isSelf && (st.st_mode & S_ISVTX) != 0) checked.st_mode &= ~static_cast<mode_t>(S_IWGRP | S_IWOTH);
    auto ok = checkOwnerAndMode(
        checked, p, isSelf ? std::string(what) : "directory above the " + std::string(what));
    if (!ok) return ok;
    if (p == p.parent_path()) break;
  }
  return {};
}

Result<LoadableFile> openForLoading(const std::filesystem::path& path, std::string_view what) {
  const std::string whatText(what);
  struct stat lst {};
  if (::lstat(path.c_str(), &lst) != 0) return std::unexpected(openFailure(path, whatText, errno));
  if (S_ISLNK(lst.st_mode)) return std::unexpected(openFailure(path, whatText, ELOOP));
  std::filesystem::path parent = path.has_parent_path() ? path.parent_path() : ".";
  if (auto dirOk = checkSafeDirectory(parent, "directory of the " + whatText); !dirOk) {
    return std::unexpected(dirOk.error());
  }
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::canonical(parent, ec) / path.filename();
  if (ec) canonical = path;
  Fd fd(::open(canonical.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) return std::unexpected(openFailure(canonical, whatText, errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return std::unexpected(openFailure(canonical, whatText, errno));
  if (!S_ISREG(st.st_mode)) {
    return std::unexpected(fileFinding("FILE_NOT_REGULAR", canonical,
                                       "the " + whatText + " is not a regular file",
                                       "name the shared library itself"));
  }
  if (auto ok = checkOwnerAndMode(st, canonical, whatText); !ok) return std::unexpected(ok.error());
  return LoadableFile(fd.release(), canonical);
}

}  // namespace zzjb::files
