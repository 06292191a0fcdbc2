// zzjb: the command line. Dispatches to the subcommands; each prints its own --help.
#include <sys/stat.h>

#include <cstddef>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "zzjb/messages/catalog.hpp"

namespace {

void usage(std::ostream& out) {
  out << "usage: zzjb COMMAND [options]    (zzjb COMMAND --help for its options)\n\n"
         "Declares vocational-school students for skill levels on Shanghai's self-service\n"
         "platform (自助经办平台), unattended, for many schools.\n\n"
         "commands available now:\n"
         "  check   -c CONFIG [--json]          check config, catalog, certificates and rosters offline\n"
         "  forms   -c CONFIG --school ID -o DIR  fill in 附件1 and 附件2 as printable HTML\n"
         "  keyid   --cert FILE | --key URI       the keyID and facts of a certificate or token\n"
         "  sign    --key URI --in FILE --out SIG  sign a file with the school's key (DER)\n"
         "  identity check -c CONFIG             open every school's key, sign and verify a test\n"
         "  plugins [-c CONFIG] [--json]          the certification-type plugins found, loaded or not\n"
         "  run     -c CONFIG [--school ID] [--dry-run]  one pass against the platform\n"
         "  status  -c CONFIG [--json]          where each school and target stands\n"
         "  report  -c CONFIG --format html|json -o FILE  the status report, one page or JSON\n"
         "  daemon  -c CONFIG [--metrics-listen HOST:PORT]  passes on the schedule, until SIGTERM\n\n"
         "exit codes: 0 ok, 64 usage, 65 data error, 69 platform unavailable, 75 try again later,\n"
         "77 identity problem, 78 configuration error\n";
}

}  // namespace

int main(int argc, char** argv) {
  // Everything zzjb writes (state store, forms, reports, logs to files) holds personal data or
  // keys: readable by its owner only, whatever the caller's umask.
  ::umask(077);
  std::vector<std::string> args(argv + 1, argv + argc);
  // --lang is the one option every command takes, anywhere before a "--": it is taken out here
  // and the language set before anything is printed (docs/messages.md).
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
  const auto choice = zzjb::msg::chooseLang(langFlagMissing ? std::optional<std::string_view>("")
                                                            : std::optional<std::string_view>(langFlag));
  zzjb::msg::setLanguage(choice.lang);
  if (!choice.invalid.empty() || langFlagMissing) {
    std::cerr << "zzjb: "
              << zzjb::msg::text("cli.lang.invalid",
                                 {{"value", choice.invalid},
                                  {"source", langFlag || langFlagMissing ? "--lang" : "ZZJB_LANG"}})
              << "\n";
    return zzjb::cli::kExitUsage;
  }
  if (args.empty()) {
    usage(std::cerr);
    return zzjb::cli::kExitUsage;
  }
  const std::string cmd = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    usage(std::cout);
    return zzjb::cli::kExitOk;
  }
  if (cmd == "--version" || cmd == "version") {
    std::cout << "zzjb " << ZZJB_VERSION << "\n";
    return zzjb::cli::kExitOk;
  }
  if (cmd == "check") return zzjb::cli::cmdCheck(rest);
  if (cmd == "forms") return zzjb::cli::cmdForms(rest);
  if (cmd == "keyid") return zzjb::cli::cmdKeyid(rest);
  if (cmd == "sign") return zzjb::cli::cmdSign(rest);
  if (cmd == "identity") return zzjb::cli::cmdIdentity(rest);
  if (cmd == "plugins") return zzjb::cli::cmdPlugins(rest);
  if (cmd == "run") return zzjb::cli::cmdRun(rest);
  if (cmd == "status") return zzjb::cli::cmdStatus(rest);
  if (cmd == "report") return zzjb::cli::cmdReport(rest);
  if (cmd == "daemon") return zzjb::cli::cmdDaemon(rest);
  std::cerr << "zzjb: unknown command \"" << cmd << "\"\n\n";
  usage(std::cerr);
  return zzjb::cli::kExitUsage;
}
