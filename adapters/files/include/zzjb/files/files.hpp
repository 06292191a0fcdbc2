// Files read, written and loaded by descriptor, with bounds: the one place zzjb touches a path
// that someone else may control. See docs/security.md.
//
// - readFile: a regular file only (no device, pipe, directory), never through a final symbolic
//   link, at most `maxBytes` (checked on the open descriptor, then while reading: a file that
//   grows is refused too).
// - writeFileAtomic: a new file made in the target's directory (O_CREAT|O_EXCL|O_NOFOLLOW, the
//   final mode from the start), written, fsynced, renamed over the final name, the directory
//   fsynced. A planted link is replaced, never followed; another user's file is never reused.
// - openForLoading: code to run (plugins, PKCS#11 modules, SKF libraries): the file and every
//   directory up its path must be owned by root or the running user and writable by nobody
//   else; the file is opened with O_NOFOLLOW and checked on the descriptor, and is loaded
//   through /proc/self/fd/N so that nothing can be swapped in between. A sticky ancestor such as
//   /tmp is accepted above a trusted directory; the directory holding the code never is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "zzjb/core/finding.hpp"

namespace zzjb::files {

// Limits for each kind of file zzjb reads (bytes). A refusal names the limit.
inline constexpr std::uint64_t kMaxConfigBytes = 4u << 20;        // configuration, plans
inline constexpr std::uint64_t kMaxCatalogBytes = 16u << 20;      // evaluation-org catalog
inline constexpr std::uint64_t kMaxCertificateBytes = 1u << 20;   // PEM/DER/PKCS#12, CA bundles
inline constexpr std::uint64_t kMaxRosterBytes = 64u << 20;       // CSV or xlsx roster
inline constexpr std::uint64_t kMaxSignInputBytes = 64u << 20;    // zzjb sign --in
inline constexpr std::uint64_t kMaxPinFileBytes = 4096;           // --pin-file

// What a file or directory is for, named for a person in the process's language: `what` is a
// catalog code ("files.what.roster") or one of the nouns callers pass ("roster", "CA bundle",
// "plugin directory" …); anything else is shown as given.
[[nodiscard]] std::string whatName(std::string_view what);

struct ReadOptions {
  std::uint64_t maxBytes = kMaxConfigBytes;
  std::string_view what = "file";  // said in the refusal (see whatName)
  bool followFinalLink = false;    // true only where a link is the user's own choice
};

// The whole content of a regular file, or a Finding (code FILE_*, where.file = path) saying
// what is wrong and what to do. Never hangs on a FIFO or a device.
[[nodiscard]] Result<std::string> readFile(const std::filesystem::path& path,
                                           const ReadOptions& options = {});

struct WriteOptions {
  unsigned mode = 0600;         // the final file's mode, set on the new file before any byte
  std::string_view what = "file";
};

// Writes `bytes` to `path` atomically (see above). The directory must exist. Codes FILE_*.
[[nodiscard]] Result<void> writeFileAtomic(const std::filesystem::path& path,
                                           std::string_view bytes,
                                           const WriteOptions& options = {});

// An open descriptor of a file checked for loading as code; closes on destruction.
class LoadableFile {
 public:
  LoadableFile() = default;
  LoadableFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  LoadableFile(LoadableFile&& other) noexcept;
  LoadableFile& operator=(LoadableFile&& other) noexcept;
  LoadableFile(const LoadableFile&) = delete;
  LoadableFile& operator=(const LoadableFile&) = delete;
  ~LoadableFile();

  [[nodiscard]] int fd() const { return fd_; }
  // The canonical path that was checked (for messages).
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // "/proc/self/fd/N": the checked file as a path.
  [[nodiscard]] std::string loadPath() const;
  // The name to give dlopen: a "/proc/self/fd/N" of this file that no loaded library carries
  // yet. The loader answers a name it knows with that library, whatever the descriptor now is,
  // and a library it could not unload keeps its name after N is closed and reused. When the
  // own descriptor's name is taken, a duplicate (owned here, closed with this object) is used.
  [[nodiscard]] std::string freshLoadPath();

 private:
  int fd_ = -1;
  int dup_ = -1;
  std::filesystem::path path_;
};

// Checks `path` and every directory up to / (see above), then opens it. Codes: FILE_OPEN,
// FILE_IS_LINK, FILE_NOT_REGULAR, UNSAFE_OWNER, UNSAFE_PERMISSIONS; the message names the path
// and its owner or mode, the hint the fix (chown/chmod).
[[nodiscard]] Result<LoadableFile> openForLoading(const std::filesystem::path& path,
                                                  std::string_view what = "library");

// The same ownership and mode rules for one directory and all its ancestors (plugins.dir).
[[nodiscard]] Result<void> checkSafeDirectory(const std::filesystem::path& dir,
                                              std::string_view what = "directory");

}  // namespace zzjb::files
