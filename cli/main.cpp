// zzjb: the command line. Dispatches to the subcommands; each prints its own --help.
#include <sys/stat.h>

#include <iostream>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "zzjb/messages/catalog.hpp"

namespace {

void usage(std::ostream& out) { out << zzjb::msg::text("cli.usage") << "\n"; }

}  // namespace

int main(int argc, char** argv) {
  // Everything zzjb writes (state store, forms, reports, logs to files) holds personal data or
  // keys: readable by its owner only, whatever the caller's umask.
  ::umask(077);
  std::vector<std::string> args(argv + 1, argv + argc);
  // --lang is the one option every command takes, anywhere before a "--": it is taken out here
  // and the language set before anything is printed (docs/messages.md).
  if (!zzjb::cli::takeLanguage(args, "zzjb")) return zzjb::cli::kExitUsage;
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
  if (cmd == "catalog") return zzjb::cli::cmdCatalog(rest);
  if (cmd == "check") return zzjb::cli::cmdCheck(rest);
  if (cmd == "forms") return zzjb::cli::cmdForms(rest);
  if (cmd == "keyid") return zzjb::cli::cmdKeyid(rest);
  if (cmd == "sign") return zzjb::cli::cmdSign(rest);
  if (cmd == "identity") return zzjb::cli::cmdIdentity(rest);
  if (cmd == "plugins") return zzjb::cli::cmdPlugins(rest);
  if (cmd == "run") return zzjb::cli::cmdRun(rest);
  if (cmd == "store") return zzjb::cli::cmdStore(rest);
  if (cmd == "status") return zzjb::cli::cmdStatus(rest);
  if (cmd == "report") return zzjb::cli::cmdReport(rest);
  if (cmd == "daemon") return zzjb::cli::cmdDaemon(rest);
  std::cerr << "zzjb: " << zzjb::msg::text("cli.command.unknown", {{"command", cmd}}) << "\n\n";
  usage(std::cerr);
  return zzjb::cli::kExitUsage;
}
