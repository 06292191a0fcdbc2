// The command line's output files: the directory checked, then one atomic write. See
// output_files.hpp and docs/security.md ("Writing files").
#include "output_files.hpp"

#include <string>

#include "zzjb/files/files.hpp"
#include "zzjb/files/directory.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::cli {

Result<void> writeOutputFile(const std::filesystem::path& path, std::string_view bytes,
                             unsigned mode, std::string_view what) {
  const std::string dirWhat = msg::text("cli.what.directory_of", {{"what", what}});
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  if (auto ok =
          files::prepareDirectory(dir, {.create = false, .othersMayWrite = true, .what = dirWhat});
      !ok) {
    return ok;
  }
  return files::writeFileAtomic(path, bytes, {.mode = mode, .what = what});
}

void printOutputError(std::ostream& out, std::string_view command, const Finding& f) {
  const std::string where = f.where.str();
  out << command << ": " << where << (where.empty() ? "" : ": ") << f.message << " [" << f.code
      << "]\n";
  if (!f.hint.empty()) out << "  → " << f.hint << "\n";
}

}  // namespace zzjb::cli
