// The command-line parser.
#include "args.hpp"

#include <algorithm>
#include <cstddef>
#include <iostream>

#include "zzjb/messages/catalog.hpp"

namespace zzjb::cli {

std::optional<ParsedArgs> parseArgs(const std::vector<std::string>& args,
                                    const std::vector<OptionSpec>& specs, std::string& error) {
  ParsedArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a.size() < 2 || a[0] != '-') {
      out.positional.push_back(a);
      continue;
    }
    std::optional<std::string> inlineValue;
    if (auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
      inlineValue = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    auto spec = std::find_if(specs.begin(), specs.end(), [&a](const OptionSpec& s) {
      return s.name == a || (!s.shortName.empty() && s.shortName == a);
    });
    if (spec == specs.end()) {
      error = msg::text("cli.args.unknown_option", {{"option", a}});
      return std::nullopt;
    }
    if (!spec->takesValue) {
      if (inlineValue) {
        error = msg::text("cli.args.takes_no_value", {{"option", spec->name}});
        return std::nullopt;
      }
      out.values[spec->name] = "1";
      continue;
    }
    if (inlineValue) {
      out.values[spec->name] = *inlineValue;
    } else if (i + 1 < args.size()) {
      out.values[spec->name] = args[++i];
    } else {
      error = msg::text("cli.args.needs_value", {{"option", spec->name}});
      return std::nullopt;
    }
  }
  return out;
}

std::string optionsHelp(const std::vector<OptionSpec>& specs) {
  std::string s;
  for (const auto& o : specs) {
    std::string names = (o.shortName.empty() ? "    " : o.shortName + ", ") + o.name +
                        (o.takesValue ? " VALUE" : "");
    s += "  " + names + std::string(names.size() < 26 ? 26 - names.size() : 1, ' ') + msg::text(o.help) + "\n";
  }
  return s;
}

bool takeLanguage(std::vector<std::string>& args, const char* program) {
  std::optional<std::string> langFlag;
  bool langFlagMissing = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "--lang" || args[i].starts_with("--lang=")) {
      std::size_t count = 1;
      if (args[i] == "--lang") {
        if (i + 1 < args.size()) {
          langFlag = args[i + 1];
          count = 2;
        } else {
          langFlagMissing = true;
        }
      } else {
        langFlag = args[i].substr(7);
      }
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i + count));
      --i;
    }
  }
  const auto choice = msg::chooseLang(langFlagMissing ? std::optional<std::string_view>("")
                                                      : std::optional<std::string_view>(langFlag));
  msg::setLanguage(choice.lang);
  if (choice.refused || langFlagMissing) {
    std::cerr << program << ": "
              << msg::text("cli.lang.invalid",
                           {{"value", choice.invalid},
                            {"source", langFlag || langFlagMissing ? "--lang" : "ZZJB_LANG"}})
              << "\n";
    return false;
  }
  return true;
}

}  // namespace zzjb::cli
