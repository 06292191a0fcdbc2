// A small command-line parser: `zzjb COMMAND [options]`, long options with values, no magic.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace zzjb::cli {

struct OptionSpec {
  std::string name;       // "--config"
  std::string shortName;  // "-c" or ""
  bool takesValue = false;
  std::string help;
};

struct ParsedArgs {
  std::map<std::string, std::string> values;  // by long name, flags map to "1"
  std::vector<std::string> positional;
  [[nodiscard]] bool has(const std::string& name) const { return values.contains(name); }
  [[nodiscard]] std::optional<std::string> get(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional(it->second);
  }
};

// Parses argv[first..]; on a usage error returns nullopt and sets `error`.
std::optional<ParsedArgs> parseArgs(const std::vector<std::string>& args,
                                    const std::vector<OptionSpec>& specs, std::string& error);

std::string optionsHelp(const std::vector<OptionSpec>& specs);

// sysexits
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;
inline constexpr int kExitData = 65;
inline constexpr int kExitUnavailable = 69;
inline constexpr int kExitSoftware = 70;
inline constexpr int kExitCantCreate = 73;
inline constexpr int kExitTempFail = 75;
inline constexpr int kExitNoPerm = 77;
inline constexpr int kExitConfig = 78;

}  // namespace zzjb::cli
