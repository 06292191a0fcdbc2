// `zzjb store backup|verify|rebuild`: the state store kept safe — a consistent copy while a pass
// runs, a read-only check of a store or a copy, and a store reconciled from the platform after it
// was lost or restored (docs/operations.md, "Backup, restore and rebuild").
#include <filesystem>
#include <iostream>
#include <optional>

#include "args.hpp"
#include "commands.hpp"
#include "zzjb/app/pass_runner.hpp"
#include "zzjb/app/store_rebuild.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/core/clock.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::cli {

namespace {

constexpr const char* kPrefix = "zzjb store: ";  // not-text: the command's name before its errors
constexpr int kExitNoInput = 66;                 // sysexits EX_NOINPUT: the store is not there

std::string severityText(Severity s) {
  switch (s) {
    case Severity::Info: return msg::text("store_admin.severity.info");
    case Severity::Warning: return msg::text("store_admin.severity.warning");
    case Severity::Error: break;
  }
  return msg::text("store_admin.severity.error");
}

void printFinding(std::ostream& out, const Finding& f) {
  const std::string where = f.where.str();
  out << (where.empty() ? msg::text("store_admin.finding", {{"severity", severityText(f.severity)},
                                                            {"message", f.message},
                                                            {"code", f.code}})
                        : msg::text("store_admin.finding.at",
                                    {{"severity", severityText(f.severity)},
                                     {"where", where},
                                     {"message", f.message},
                                     {"code", f.code}}))
      << "\n";
  if (!f.hint.empty()) out << "  → " << f.hint << "\n";
}

// Usage, or the parse error and usage; nullopt when the arguments are fine.
std::optional<int> usageOr(const std::optional<ParsedArgs>& args, const std::string& error,
                           const char* usage, const std::vector<OptionSpec>& options) {
  if (args && !args->has("--help")) return std::nullopt;
  std::ostream& o = args ? std::cout : std::cerr;
  if (!args) o << kPrefix << error << "\n";
  o << msg::text(usage) << "\n\n" << optionsHelp(options);
  return args ? kExitOk : kExitUsage;
}

std::optional<Config> loadConfigFrom(const ParsedArgs& args, int& exitCode) {
  const std::string path = *args.get("--config");
  auto loaded = config::loadConfig(path, path);
  if (!loaded.config) {
    for (const auto& f : loaded.findings) printFinding(std::cerr, f);
    exitCode = kExitConfig;
    return std::nullopt;
  }
  return std::move(loaded.config);
}

// The store a command is about: -c CONFIG's state.path.
std::optional<std::filesystem::path> statePathFrom(const ParsedArgs& args, int& exitCode) {
  auto config = loadConfigFrom(args, exitCode);
  if (!config) return std::nullopt;
  return std::filesystem::path(config->statePath);
}

std::vector<OptionSpec> backupOptions() {
  return {
      {"--config", "-c", true, "store_admin.option.config"},
      {"--force", "", false, "store_admin.option.force"},
      {"--help", "-h", false, "store_admin.option.help"},
  };
}

int cmdBackup(const std::vector<std::string>& argv) {
  std::string error;
  const auto options = backupOptions();
  auto args = parseArgs(argv, options, error);
  if (args && !args->has("--help") && (!args->has("--config") || args->positional.size() != 1)) {
    error = msg::text("store_admin.backup.arguments");
    args.reset();
  }
  if (auto done = usageOr(args, error, "store_admin.backup.usage", options)) return *done;
  int exitCode = kExitOk;
  auto state = statePathFrom(*args, exitCode);
  if (!state) return exitCode;
  const std::filesystem::path target = args->positional.front();
  auto done = store::backupStore(*state, target, args->has("--force"));
  if (!done) {
    printFinding(std::cerr, done.error());
    const std::string& code = done.error().code;
    if (code == "STORE_BACKUP_NO_STORE") return kExitNoInput;
    if (code == "STORE_BACKUP_EXISTS" || code == "STORE_BACKUP_LINK" ||
        code.starts_with("FILE_") || code.starts_with("OUTPUT_")) {
      return kExitCantCreate;
    }
    return code == "STORE_KEY_MISMATCH" ? kExitData : kExitTempFail;
  }
  std::cout << msg::text("store_admin.backup.done",
                         {{"store", state->string()},
                          {"file", target.string()},
                          {"keyFile", store::secretKeyPath(target).string()},
                          {"bytes", static_cast<long long>(done->bytes)},
                          {"version", done->schemaVersion}})
            << "\n";
  return kExitOk;
}

std::vector<OptionSpec> verifyOptions() {
  return {
      {"--config", "-c", true, "store_admin.option.config"},
      {"--help", "-h", false, "store_admin.option.help"},
  };
}

int cmdVerify(const std::vector<std::string>& argv) {
  std::string error;
  const auto options = verifyOptions();
  auto args = parseArgs(argv, options, error);
  // Either the configuration's store or one file (a backup), not both.
  if (args && !args->has("--help") &&
      args->has("--config") == (args->positional.size() == 1 || args->positional.size() > 1)) {
    error = msg::text("store_admin.verify.arguments");
    args.reset();
  }
  if (auto done = usageOr(args, error, "store_admin.verify.usage", options)) return *done;
  std::filesystem::path path;
  if (args->has("--config")) {
    int exitCode = kExitOk;
    auto state = statePathFrom(*args, exitCode);
    if (!state) return exitCode;
    path = *state;
  } else {
    path = args->positional.front();
  }
  const store::VerifyResult v = store::verifyStore(path);
  for (const Finding& f : v.findings) printFinding(v.ok() ? std::cout : std::cerr, f);
  if (!v.found) return kExitNoInput;
  if (!v.ok()) {
    std::cerr << kPrefix << msg::text("store_admin.verify.failed", {{"store", path.string()}})
              << "\n";
    return kExitData;
  }
  std::cout << msg::text("store_admin.verify.ok", {{"store", path.string()},
                                                   {"version", v.schemaVersion},
                                                   {"known", store::kSchemaVersion}})
            << "\n";
  return kExitOk;
}

std::vector<OptionSpec> rebuildOptions() {
  return {
      {"--config", "-c", true, "store_admin.option.config"},
      {"--school", "", true, "store_admin.option.school"},
      {"--help", "-h", false, "store_admin.option.help"},
  };
}

// The standard environment wants an observer; rebuild says what it did itself.
class QuietObserver final : public app::PassObserver {
 public:
  void onEngineEvent(const EngineEvent& /*event*/) override {}
  void onRequest(const std::string& /*school*/, const platform::RequestEvent& /*event*/) override {}
  void onSchoolDone(const SchoolOutcome& /*outcome*/) override {}
  void log(Severity /*severity*/, const std::string& /*school*/,
           const std::string& /*message*/) override {}
};

void printSchool(const app::RebuildSchool& s) {
  std::cout << msg::text("store_admin.rebuild.school",
                         {{"school", s.school},
                          {"account", s.account ? accountStatusName(*s.account) : "-"},
                          {"batches", s.batches}})
            << "\n";
  if (s.failure) {
    const FailureText text = explainPlatformFailure(*s.failure);
    std::cerr << kPrefix
              << msg::text("store_admin.rebuild.failed", {{"school", s.school},
                                                          {"failure", s.failure->describe()},
                                                          {"text", text.text},
                                                          {"hint", text.hint}})
              << "\n";
  }
  for (const app::RebuildTarget& t : s.targets) {
    if (!t.reconciled) {
      std::cout << "  " << msg::text("store_admin.rebuild.target.skipped", {{"target", t.title}})
                << "\n";
      continue;
    }
    const ReconcileCounts& c = t.counts;
    std::cout << "  "
              << msg::text("store_admin.rebuild.target", {{"target", t.title},
                                                          {"added", c.added},
                                                          {"changed", c.changed},
                                                          {"removed", c.removed},
                                                          {"unchanged", c.unchanged},
                                                          {"left", c.leftToPass},
                                                          {"batches", c.batchesAdded}})
              << "\n";
  }
  for (const Finding& f : s.findings) printFinding(std::cerr, f);
}

int cmdRebuild(const std::vector<std::string>& argv) {
  std::string error;
  const auto options = rebuildOptions();
  auto args = parseArgs(argv, options, error);
  if (args && !args->has("--help") && (!args->has("--config") || !args->positional.empty())) {
    error = msg::text("store_admin.rebuild.arguments");
    args.reset();
  }
  if (auto done = usageOr(args, error, "store_admin.rebuild.usage", options)) return *done;
  int exitCode = kExitOk;
  auto config = loadConfigFrom(*args, exitCode);
  if (!config) return exitCode;
  const auto school = args->get("--school");
  if (school) {
    bool known = false;
    for (const School& s : config->schools) known = known || s.id == *school;
    if (!known) {
      std::cerr << kPrefix
                << msg::text("store_admin.school_unknown",
                             {{"school", *school}, {"config", config->file}})
                << "\n";
      return kExitUsage;
    }
  }
  SystemClock clock;
  QuietObserver observer;
  const app::PassEnvironment env = app::PassEnvironment::standard(clock, observer);
  const app::RebuildResult result = app::rebuildStore(*config, school, env);
  for (const Finding& f : result.findings) printFinding(std::cerr, f);
  for (const app::RebuildSchool& s : result.schools) printSchool(s);
  std::cout << msg::text(result.exitCode == kExitOk ? "store_admin.rebuild.done"
                                                    : "store_admin.rebuild.incomplete",
                         {{"store", config->statePath}})
            << "\n";
  return result.exitCode;
}

}  // namespace

int cmdStore(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args.front();
  const std::vector<std::string> rest(args.empty() ? args.end() : args.begin() + 1, args.end());
  if (sub == "backup") return cmdBackup(rest);
  if (sub == "verify") return cmdVerify(rest);
  if (sub == "rebuild") return cmdRebuild(rest);
  const bool help = sub == "--help" || sub == "-h" || sub == "help";
  std::ostream& o = help ? std::cout : std::cerr;
  if (!help && !sub.empty()) {
    o << kPrefix << msg::text("store_admin.unknown", {{"command", sub}}) << "\n";
  }
  o << msg::text("store_admin.usage") << "\n";
  return help ? kExitOk : kExitUsage;
}

}  // namespace zzjb::cli
