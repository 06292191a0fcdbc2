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

namespace zzjb::files {
namespace {

namespace fs = std::filesystem;

Finding dirFinding(std::string code, const fs::path& path, std::string message, std::string hint) {
  Finding f = configFinding(std::move(code), std::move(message), std::move(hint));
  f.where.file = path.string();
  return f;
}

std::string octalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

bool ownerIsTrusted(uid_t owner) {
  return owner == 0 || owner == ::geteuid();
}

std::string ownerText(uid_t owner) {
  return "uid " + std::to_string(owner) + ", neither root nor the user running zzjb (uid " +
         std::to_string(::geteuid()) + ")";
}

// One entry on the path. `isTarget`: the directory itself (its own entries are written
// atomically, so only DirectoryOptions::othersMayWrite decides); an ancestor that others can
// write to must be sticky, or they could rename the path below it and put a link there.
Result<void> checkEntry(const fs::path& p, bool isTarget, const DirectoryOptions& options) {
  const std::string what =
      isTarget ? std::string(options.what) : "directory above the " + std::string(options.what);
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) {
      return std::unexpected(dirFinding("OUTPUT_DIR_NOT_FOUND", p,
                                        "the " + what + " does not exist",
                                        "create it first, or check the path"));
    }
    return std::unexpected(dirFinding("OUTPUT_DIR_OPEN", p,
                                      "cannot look at the " + what + ": " + std::strerror(err),
                                      "check the path and its permissions"));
  }
  if (S_ISLNK(st.st_mode)) {
    // Where it points is checked on the resolved path; here only who could re-point it.
    if (ownerIsTrusted(st.st_uid)) return {};
    return std::unexpected(
        dirFinding("UNSAFE_OWNER", p,
                   "the " + what + " is a symbolic link owned by " + ownerText(st.st_uid) +
                       ": its owner could point it anywhere, and zzjb would write there",
                   "name the real directory, not another user's link"));
  }
  if (!S_ISDIR(st.st_mode)) {
    return std::unexpected(dirFinding("OUTPUT_NOT_DIRECTORY", p,
                                      "the " + what + " is not a directory",
                                      "name a directory (or remove the file in the way)"));
  }
  if (!ownerIsTrusted(st.st_uid)) {
    return std::unexpected(
        dirFinding("UNSAFE_OWNER", p,
                   "the " + what + " is owned by " + ownerText(st.st_uid) +
                       ": its owner could replace it with a link and make zzjb write elsewhere",
                   "write to a directory that belongs to you (or root), then hand the files over"));
  }
  const bool othersWrite = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  const bool sticky = (st.st_mode & S_ISVTX) != 0;
  if (othersWrite && ((isTarget && !options.othersMayWrite) || (!isTarget && !sticky))) {
    return std::unexpected(dirFinding(
        "UNSAFE_PERMISSIONS", p,
        "the " + what + " is writable by " +
            ((st.st_mode & S_IWOTH) != 0 ? "every user" : "its group") + " (mode " +
            octalMode(st.st_mode) + "): another user could replace what zzjb writes there",
        "chmod go-w it (or choose a private directory)"));
  }
  return {};
}

// Makes one missing directory, private, without following a link (mkdir never does; a name
// that appeared meanwhile is left to checkEntry).
Result<void> makePrivate(const fs::path& p, std::string_view what) {
  if (::mkdir(p.c_str(), 0700) != 0) {
    const int err = errno;
    if (err == EEXIST) return {};
    return std::unexpected(
        dirFinding("OUTPUT_DIR_CREATE", p,
                   "cannot create the " + std::string(what) + ": " + std::strerror(err),
                   "check the permissions of the directory above it"));
  }
  // The umask may have taken bits away; the mode is set on the descriptor, and checked.
  const int fd = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  const bool ok = fd >= 0 && ::fchmod(fd, 0700) == 0;
  const int err = errno;
  if (fd >= 0) ::close(fd);
  if (!ok) {
    return std::unexpected(dirFinding(
        "OUTPUT_DIR_CREATE", p,
        "cannot make the new " + std::string(what) + " private (mode 0700): " + std::strerror(err),
        "check the file system"));
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
    return std::unexpected(dirFinding("OUTPUT_DIR_OPEN", given,
                                      "cannot find the working directory: " + ec.message(),
                                      "run zzjb from an existing directory"));
  }
  // As written (links on the way: whose?), then as resolved (the directories really used).
  if (auto ok = walk(absolute, options, options.create); !ok) return ok;
  const fs::path resolved = fs::canonical(absolute, ec);
  if (ec) {
    return std::unexpected(dirFinding(
        "OUTPUT_DIR_OPEN", given,
        "cannot resolve the " + std::string(options.what) + ": " + ec.message(), "check the path"));
  }
  return walk(resolved, options, false);
}

}  // namespace zzjb::files
