// Directories zzjb writes into (the state directory, `zzjb forms -o DIR`, the directory of a
// report or a signature): made private when zzjb creates them, and refused when someone other
// than root or the running user could swap them, or a path above them, for a link. See
// docs/security.md ("Writing files").
//
// The files themselves are written with files::writeFileAtomic; this only makes sure that the
// directory it writes into is the one the user named, so nothing outside it changes.
#pragma once

#include <filesystem>
#include <string_view>

#include "zzjb/core/finding.hpp"

namespace zzjb::files {

struct DirectoryOptions {
  // Create the directory (and missing directories above it) with mode 0700 when absent, one
  // component at a time, never through a link.
  bool create = false;
  // The directory itself may be writable by others (a shared output folder): the files in it
  // are created new and renamed, so that is safe for them. The state directory is not.
  bool othersMayWrite = true;
  std::string_view what = "files.what.outputDirectory";  // said in refusals (files::whatName)
};

// Checks (and, with `create`, makes) `dir`. Every directory on the path, as written and as
// resolved, must be owned by root or the running user; one above `dir` that others can write to
// must be sticky (like /tmp); a symbolic link on the path must be owned by root or the running
// user (others' links are refused, as fs.protected_symlinks does). Codes: OUTPUT_DIR_NOT_FOUND,
// OUTPUT_DIR_CREATE, OUTPUT_NOT_DIRECTORY, UNSAFE_OWNER, UNSAFE_PERMISSIONS; each says the path
// and the owner or mode, and what to do.
[[nodiscard]] Result<void> prepareDirectory(const std::filesystem::path& dir,
                                            const DirectoryOptions& options = {});

}  // namespace zzjb::files
