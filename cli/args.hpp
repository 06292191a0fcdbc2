// A small command-line parser: `zzjb COMMAND [options]`, long options with values, no magic.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "zzjb/app/exit_code_policy.hpp"

namespace zzjb::cli {

struct OptionSpec {
  std::string name;       // "--config"
  std::string shortName;  // "-c" or ""
  bool takesValue = false;
  std::string help;       // a catalog code (cli.<command>.opt.<name>), or, until its command is
                          // moved to the catalog, the text itself
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

// The options, one a line, with their help texts from the catalog.
std::string optionsHelp(const std::vector<OptionSpec>& specs);

// Takes --lang VALUE / --lang=VALUE out of `args` (anywhere before a "--"), chooses the language
// from it or ZZJB_LANG and sets it (docs/messages.md). On a bad value prints why on stderr,
// prefixed with `program`, and returns false: the caller exits with kExitUsage.
bool takeLanguage(std::vector<std::string>& args, const char* program);

// sysexits (defined with their ranking in zzjb/app/exit_code_policy.hpp)
using app::kExitCantCreate;
using app::kExitConfig;
using app::kExitData;
using app::kExitNoPerm;
using app::kExitOk;
using app::kExitSoftware;
using app::kExitTempFail;
using app::kExitUnavailable;
using app::kExitUsage;

}  // namespace zzjb::cli
