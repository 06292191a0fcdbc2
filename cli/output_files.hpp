// Where the command line writes its files (forms, the report, a signature, the metrics port):
// one way for all of them, see docs/security.md ("Writing files").
#pragma once

#include <filesystem>
#include <ostream>
#include <string_view>

#include "zzjb/core/finding.hpp"

namespace zzjb::cli {

// Writes `bytes` to `path` with files::writeFileAtomic (a new file of mode `mode` from the
// start, renamed over the final name: a planted link is replaced, never followed; another
// user's file is never written into), after checking that the directory holding it, and the
// path to it, cannot be swapped by another user (files::prepareDirectory). The directory must
// exist. `what` names the file in refusals ("report", "signature").
[[nodiscard]] Result<void> writeOutputFile(const std::filesystem::path& path,
                                           std::string_view bytes, unsigned mode,
                                           std::string_view what);

// "zzjb CMD: where: message [CODE]\n  → hint\n" on `out`, for a refused output.
void printOutputError(std::ostream& out, std::string_view command, const Finding& f);

}  // namespace zzjb::cli
