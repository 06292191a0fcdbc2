// Directories zzjb writes into, checked and made by path from the root down: see directory.hpp
// and docs/security.md ("Writing files").
#include "zzjb/files/directory.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "zzjb/files/files.hpp"

namespace zzjb::files {
namespace {

namespace fs = std::filesystem;

// A finding about the directory at `path`, worded by the catalog (the text of `textCode` or
// `code`, its hint "<…>.hint").
Finding dirFinding(std::string code, const fs::path& path, msg::Args args,
                   std::string_view textCode = {}) {
  Location where;
  where.file = path.string();
  return makeFinding(Severity::Error, FindingKind::Config, std::move(code), std::move(where),
                     std::move(args), textCode);
}

std::string octalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

bool ownerIsTrusted(uid_t owner) {
  return owner == 0 || owner == ::geteuid();
}

// One entry on the path. `isTarget`: the directory itself (its own entries are written
// atomically, so only DirectoryOptions::othersMayWrite decides); an ancestor that others can
// write to must be sticky, or they could rename the path below it and put a link there.
Result<void> checkEntry(const fs::path& p, bool isTarget, const DirectoryOptions& options) {
  const std::string what = isTarget
                               ? whatName(options.what)
                               : msg::text("files.what.above", {{"what", whatName(options.what)}});
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) {
      return std::unexpected(dirFinding("OUTPUT_DIR_NOT_FOUND", p, {{"what", what}}));
    }
    return std::unexpected(
        dirFinding("OUTPUT_DIR_OPEN", p, {{"what", what}, {"reason", std::strerror(err)}}));
  }
  if (S_ISLNK(st.st_mode)) {
    // Where it points is checked on the resolved path; here only who could re-point it.
    if (ownerIsTrusted(st.st_uid)) return {};
    return std::unexpected(dirFinding("UNSAFE_OWNER", p,
                                      {{"what", what}, {"uid", st.st_uid}, {"euid", ::geteuid()}},
                                      "UNSAFE_OWNER.directoryLink"));
  }
  if (!S_ISDIR(st.st_mode)) {
    return std::unexpected(dirFinding("OUTPUT_NOT_DIRECTORY", p, {{"what", what}}));
  }
  if (!ownerIsTrusted(st.st_uid)) {
    return std::unexpected(dirFinding("UNSAFE_OWNER", p,
                                      {{"what", what}, {"uid", st.st_uid}, {"euid", ::geteuid()}},
                                      "UNSAFE_OWNER.directory"));
  }
  const bool othersWrite = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  const bool sticky = (st.st_mode & S_ISVTX) != 0;
  if (othersWrite && ((isTarget && !options.othersMayWrite) || (!isTarget && !sticky))) {
    return std::unexpected(
        dirFinding("UNSAFE_PERMISSIONS", p, {{"what", what}, {"mode", octalMode(st.st_mode)}},
                   (st.st_mode & S_IWOTH) != 0 ? "UNSAFE_PERMISSIONS.directoryEveryUser"
                                               : "UNSAFE_PERMISSIONS.directoryGroup"));
  }
  return {};
}

// Makes one missing directory, private, without following a link (mkdir never does; a name
// that appeared meanwhile is left to checkEntry).
Result<void> makePrivate(const fs::path& p, std::string_view what) {
  if (::mkdir(p.c_str(), 0700) != 0) {
    const int err = errno;
    if (err == EEXIST) return {};
    return std::unexpected(dirFinding("OUTPUT_DIR_CREATE", p,
                                      {{"what", whatName(what)}, {"reason", std::strerror(err)}}));
  }
  // The umask may have taken bits away; the mode is set on the descriptor, and checked.
  const int fd = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  const bool ok = fd >= 0 && ::fchmod(fd, 0700) == 0;
  const int err = errno;
  if (fd >= 0) ::close(fd);
  if (!ok) {
    return std::unexpected(dirFinding("OUTPUT_DIR_CREATE", p,
                                      {{"what", whatName(what)}, {"reason", std::strerror(err)}},
                                      "OUTPUT_DIR_CREATE.private"));
  }
  return {};
}

// Each prefix of `path` from "/" down, as the kernel will resolve it ("." and empty parts skipped;
// ".." kept, so a link before it is resolved as the kernel does).
Result<void> walk(const fs::path& path, const DirectoryOptions& options, bool create) {
  std::vector<fs::path> parts;
  for (const auto& part : path) {
    if (part.empty() || part == ".") continue;
    parts.push_back(part);
  }
  fs::path prefix;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    prefix /= parts[i];
    const bool isTarget = i + 1 == parts.size();
    struct stat st {};
    if (create && ::lstat(prefix.c_str(), &st) != 0 && errno == ENOENT) {
      if (auto made = makePrivate(prefix, options.what); !made) return made;
    }
    if (auto ok = checkEntry(prefix, isTarget, options); !ok) return ok;
  }
  return {};
}

}  // namespace

Result<void> prepareDirectory(const fs::path& dir, const DirectoryOptions& options) {
  std::error_code ec;
  const fs::path given = dir.empty() ? fs::path(".") : dir;
  const fs::path absolute = given.is_absolute() ? given : fs::current_path(ec) / given;
  if (ec) {
    return std::unexpected(
        dirFinding("OUTPUT_DIR_OPEN", given, {{"reason", ec.message()}}, "OUTPUT_DIR_OPEN.cwd"));
  }
  // As written (links on the way: whose?), then as resolved (the directories really used).
  if (auto ok = walk(absolute, options, options.create); !ok) return ok;
  const fs::path resolved = fs::canonical(absolute, ec);
  if (ec) {
    return std::unexpected(dirFinding("OUTPUT_DIR_OPEN", given,
                                      {{"what", whatName(options.what)}, {"reason", ec.message()}},
                                      "OUTPUT_DIR_OPEN.resolve"));
  }
  return walk(resolved, options, false);
}

}  // namespace zzjb::files
