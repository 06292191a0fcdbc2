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

// A finding about the file at `path`, worded by the catalog (the text of `textCode` or `code`,
// its hint "<…>.hint"); {what} names what the file is for.
Finding fileFinding(std::string code, const std::filesystem::path& path, msg::Args args,
                    std::string_view textCode = {}) {
  Location where;
  where.file = path.string();
  return makeFinding(Severity::Error, FindingKind::Config, std::move(code), std::move(where),
                     std::move(args), textCode);
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
    return fileFinding("FILE_IS_LINK", path, {{"what", whatName(what)}});
  }
  if (err == ENOENT) return fileFinding("FILE_NOT_FOUND", path, {{"what", whatName(what)}});
  return fileFinding("FILE_OPEN", path, {{"what", whatName(what)}, {"reason", errnoText(err)}});
}

bool ownerIsTrusted(uid_t owner) { return owner == 0 || owner == ::geteuid(); }

// The ownership and mode rules for code and the directories holding it.
Result<void> checkOwnerAndMode(const struct stat& st, const std::filesystem::path& path,
                               std::string_view what) {
  if (!ownerIsTrusted(st.st_uid)) {
    return std::unexpected(
        fileFinding("UNSAFE_OWNER", path,
                    {{"what", whatName(what)}, {"uid", st.st_uid}, {"euid", ::geteuid()}}));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return std::unexpected(fileFinding(
        "UNSAFE_PERMISSIONS", path, {{"what", whatName(what)}, {"mode", octalMode(st.st_mode)}},
        (st.st_mode & S_IWOTH) != 0 ? "UNSAFE_PERMISSIONS.everyUser" : "UNSAFE_PERMISSIONS.group"));
  }
  return {};
}

}  // namespace

std::string whatName(std::string_view what) {
  if (msg::has(what)) return msg::text(what);
  // not-text: begin (the nouns callers have passed, each with the catalog code of its name)
  static constexpr std::pair<std::string_view, const char*> kNouns[] = {
      {"file", "files.what.file"},
      {"configuration", "files.what.configuration"},
      {"roster", "files.what.roster"},
      {"catalog", "files.what.catalog"},
      {"certificate", "files.what.certificate"},
      {"CA bundle", "files.what.caBundle"},
      {"CA file", "files.what.caFile"},
      {"trusted CA file", "files.what.trustedCa"},
      {"plugin", "files.what.plugin"},
      {"plugin directory", "files.what.pluginDirectory"},
      {"key", "files.what.key"},
      {"form", "files.what.form"},
      {"file to sign", "files.what.fileToSign"},
      {"library", "files.what.library"},
      {"directory", "files.what.directory"},
      {"output directory", "files.what.outputDirectory"},
      {"state directory", "files.what.stateDirectory"},
  };
  // not-text: end
  for (const auto& [noun, code] : kNouns) {
    if (noun == what) return msg::text(code);
  }
  return std::string(what);
}

Result<std::string> readFile(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string what(options.what);
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  if (!options.followFinalLink) flags |= O_NOFOLLOW;
  Fd fd(::open(path.c_str(), flags));
  if (fd.get() < 0) return std::unexpected(openFailure(path, what, errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return std::unexpected(
        fileFinding("FILE_READ", path, {{"what", whatName(what)}, {"reason", errnoText(errno)}}));
  }
  if (!S_ISREG(st.st_mode)) {
    const char* kind = S_ISDIR(st.st_mode)    ? "files.kind.directory"
                       : S_ISFIFO(st.st_mode) ? "files.kind.pipe"
                       : S_ISSOCK(st.st_mode) ? "files.kind.socket"
                                              : "files.kind.device";
    return std::unexpected(fileFinding("FILE_NOT_REGULAR", path,
                                       {{"what", whatName(what)}, {"kind", msg::text(kind)}}));
  }
  const auto tooLarge = [&] {
    return fileFinding("FILE_TOO_LARGE", path,
                       {{"what", whatName(what)}, {"bytes", options.maxBytes}});
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
                                         {{"what", whatName(what)}, {"reason", errnoText(errno)}},
                                         "FILE_READ.disk"));
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
    return std::unexpected(
        fileFinding("FILE_WRITE", path, {{"what", whatName(what)}}, "FILE_WRITE.notAFile"));
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  Fd dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dirFd.get() < 0) {
    int err = errno;
    return std::unexpected(fileFinding("FILE_WRITE", path,
                                       {{"what", whatName(what)}, {"reason", errnoText(err)}},
                                       "FILE_WRITE.directory"));
  }
  // A new, unguessable name in the same directory (rename must not cross file systems).
  std::string tmpName;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    unsigned char rnd[8];
    if (RAND_bytes(rnd, sizeof rnd) != 1) {
      return std::unexpected(fileFinding("FILE_WRITE", path, {}, "FILE_WRITE.random"));
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
                                       {{"what", whatName(what)}, {"reason", errnoText(err)}},
                                       "FILE_WRITE.create"));
  }
  Fd file(fd);
  // `textCode`: what failed (FILE_WRITE.*); errno's text is the reason.
  const auto fail = [&](std::string_view textCode, int err) {
    ::unlinkat(dirFd.get(), tmpName.c_str(), 0);
    return std::unexpected(fileFinding(
        "FILE_WRITE", path, {{"what", whatName(what)}, {"reason", errnoText(err)}}, textCode));
  };
  if (::fchmod(file.get(), static_cast<mode_t>(options.mode & 0777)) != 0) {
    return fail("FILE_WRITE.chmod", errno);
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(file.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return fail("FILE_WRITE.write", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(file.get()) != 0) {
    return fail("FILE_WRITE.sync", errno);
  }
  if (::close(file.release()) != 0) {
    return fail("FILE_WRITE.close", errno);
  }
  if (::renameat(dirFd.get(), tmpName.c_str(), dirFd.get(), name.c_str()) != 0) {
    int err = errno;
    return fail(err == EISDIR ? "FILE_WRITE.renameOntoDirectory" : "FILE_WRITE.rename", err);
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
                                       {{"what", whatName(what)}, {"reason", ec.message()}},
                                       "FILE_OPEN.resolve"));
  }
  // From the directory itself up to "/": each must be trusted. A directory whose parent is
  // trusted cannot be replaced by anyone else, so checking by path is race-free from the top.
  for (std::filesystem::path p = canonical;; p = p.parent_path()) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      return std::unexpected(openFailure(p, "files.what.directory", errno));
    }
    const bool isSelf = p == canonical;
    // An ancestor that others may write to but that is sticky (/tmp) is safe: the entry below it
    // is ours or root's (checked in the step before), and the sticky bit keeps others from
    // renaming or removing it. The directory itself never: others could add files to it.
    struct stat checked = st;
    if (!isSelf && (st.st_mode & S_ISVTX) != 0) checked.st_mode &= ~static_cast<mode_t>(S_IWGRP | S_IWOTH);
    auto ok = checkOwnerAndMode(
        checked, p,
        isSelf ? whatName(what) : msg::text("files.what.above", {{"what", whatName(what)}}));
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
  if (auto dirOk = checkSafeDirectory(
          parent, msg::text("files.what.directoryOf", {{"what", whatName(whatText)}}));
      !dirOk) {
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
                                       {{"what", whatName(whatText)}}, "FILE_NOT_REGULAR.library"));
  }
  if (auto ok = checkOwnerAndMode(st, canonical, whatText); !ok) return std::unexpected(ok.error());
  return LoadableFile(fd.release(), canonical);
}

}  // namespace zzjb::files
