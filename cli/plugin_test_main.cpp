// zzjb-plugin-test: the plugin test kit (docs/plugins.md, "Test kit"), a program of its own so
// that zzjb-mock, which its rehearsal serves in-process, never links into zzjb itself. `zzjb
// plugins test` runs it from beside zzjb.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "args.hpp"

namespace zzjb::cli {
int cmdPluginsTest(const std::vector<std::string>& argv);
}  // namespace zzjb::cli

int main(int argc, char** argv) {
  // What it writes (a temporary configuration, roster, keys and store) is its owner's only.
  ::umask(077);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!zzjb::cli::takeLanguage(args, "zzjb-plugin-test")) return zzjb::cli::kExitUsage;
  return zzjb::cli::cmdPluginsTest(args);
}
