// `zzjb catalog import FILE` and `zzjb catalog sync -c CONFIG`: the evaluation-org catalog from
// the published announcement or from the platform, written with its version, date and what it
// has withdrawn since the file it replaces (docs/catalog.md).
#include <filesystem>
#include <memory>
#include <iostream>
#include <variant>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "zzjb/app/catalog_sync.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/core/catalog_update.hpp"
#include "zzjb/files/files.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::cli {

namespace {

constexpr const char* kPrefix = "zzjb catalog: ";  // not-text: the command's name before its errors

std::vector<OptionSpec> importOptions() {
  return {
      {"--config", "-c", true, msg::text("catalog.option.config")},
      {"--output", "-o", true, msg::text("catalog.option.output")},
      {"--version", "", true, msg::text("catalog.option.version")},
      {"--date", "", true, msg::text("catalog.option.date")},
      {"--dry-run", "", false, msg::text("catalog.option.dry_run")},
      {"--help", "-h", false, msg::text("catalog.option.help")},
  };
}

std::vector<OptionSpec> syncOptions() {
  return {
      {"--config", "-c", true, msg::text("catalog.option.config")},
      {"--school", "", true, msg::text("catalog.option.school")},
      {"--output", "-o", true, msg::text("catalog.option.output")},
      {"--date", "", true, msg::text("catalog.option.date")},
      {"--dry-run", "", false, msg::text("catalog.option.dry_run")},
      {"--help", "-h", false, msg::text("catalog.option.help")},
  };
}

std::string severityText(Severity s) {
  switch (s) {
    case Severity::Info: return msg::text("catalog.severity.info");
    case Severity::Warning: return msg::text("catalog.severity.warning");
    case Severity::Error: break;
  }
  return msg::text("catalog.severity.error");
}

void printFinding(std::ostream& out, const Finding& f) {
  const std::string where = f.where.str();
  out << (where.empty() ? msg::text("catalog.finding", {{"severity", severityText(f.severity)},
                                                        {"message", f.message},
                                                        {"code", f.code}})
                        : msg::text("catalog.finding.at", {{"severity", severityText(f.severity)},
                                                           {"where", where},
                                                           {"message", f.message},
                                                           {"code", f.code}}))
      << "\n";
  if (!f.hint.empty()) out << "  → " << f.hint << "\n";
}

// Where the catalog goes: --output, else the configuration's "catalog".
struct Destination {
  std::filesystem::path path;
  std::optional<Config> config;
};

std::optional<Destination> targetFrom(const ParsedArgs& args, int& exitCode) {
  Destination t;
  if (auto configPath = args.get("--config")) {
    auto loaded = config::loadConfig(*configPath, *configPath);
    if (!loaded.config) {
      for (const auto& f : loaded.findings) printFinding(std::cerr, f);
      exitCode = kExitConfig;
      return std::nullopt;
    }
    t.config = std::move(loaded.config);
  }
  if (auto out = args.get("--output")) {
    t.path = *out;
  } else if (t.config && !t.config->catalogPath.empty()) {
    t.path = t.config->catalogPath;
  } else {
    std::cerr << kPrefix << msg::text("catalog.output_required") << "\n";
    exitCode = kExitUsage;
    return std::nullopt;
  }
  return t;
}

std::optional<Date> dateFrom(const ParsedArgs& args, std::string& error) {
  return todayFrom(args.get("--date"), error);
}

// Compares with the file being replaced, writes (unless a dry run) and says what changed.
int writeCatalog(Catalog fresh, const std::filesystem::path& path, bool dryRun) {
  const std::string display = path.string();
  std::string previousBytes;
  std::optional<Catalog> previous;
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    auto bytes = files::readFile(path, {files::kMaxCatalogBytes, "files.what.catalog"});
    if (!bytes) {
      printFinding(std::cerr, bytes.error());
      return kExitCantCreate;
    }
    previousBytes = std::move(*bytes);
    std::vector<Finding> ignored;
    auto parsed = config::parseCatalog(previousBytes, display, ignored);
    if (parsed) {
      previous = std::move(*parsed);
    } else {
      // Replaced all the same (that is how a broken file is mended), without a comparison.
      printFinding(std::cerr, makeFinding(Severity::Warning, FindingKind::Data,
                                          "CATALOG_PREVIOUS_UNREAD", {display, 0, "", ""},
                                          {{"error", parsed.error().message}}));
    }
  }
  recordWithdrawals(previous ? &*previous : nullptr, fresh, *fresh.date);

  std::size_t occupations = 0;
  for (const auto& item : fresh.items) occupations += item.occupations.size();
  for (const auto& w : fresh.withdrawn) {
    if (w.since != *fresh.date) continue;  // reported when it went
    const char* code = w.occupationCode.empty() ? "catalog.withdrawn.org"
                       : w.level == 0           ? "catalog.withdrawn.occupation"
                                                : "catalog.withdrawn.level";
    std::cout << msg::text(code, {{"org", w.orgName},
                                  {"creditCode", w.creditCode},
                                  {"occupationCode", w.occupationCode},
                                  {"occupation", w.occupationName},
                                  {"level", w.level == 0 ? std::string() : levelName(w.level)}})
              << "\n";
  }
  const msg::Args summary{{"file", display},
                          {"version", fresh.version},
                          {"date", fresh.date->iso()},
                          {"orgs", fresh.items.size()},
                          {"occupations", occupations},
                          {"withdrawn", fresh.withdrawn.size()}};
  if (dryRun) {
    std::cout << msg::text("catalog.dry_run", summary) << "\n";
    return kExitOk;
  }
  const std::string text = config::renderCatalog(fresh, previousBytes);
  if (text.size() > files::kMaxCatalogBytes) {
    printFinding(std::cerr, makeFinding(Severity::Error, FindingKind::Data, "CATALOG_TOO_LARGE",
                                        {display, 0, "", ""},
                                        {{"limit", files::kMaxCatalogBytes}}));
    return kExitData;
  }
  if (auto ok = files::writeFileAtomic(path, text, {0600, "files.what.catalog"}); !ok) {
    printFinding(std::cerr, ok.error());
    return kExitCantCreate;
  }
  std::cout << msg::text("catalog.written", summary) << "\n";
  return kExitOk;
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

int cmdImport(const std::vector<std::string>& argv) {
  std::string error;
  const auto options = importOptions();
  auto args = parseArgs(argv, options, error);
  if (args && !args->has("--help") && args->positional.size() != 1) {
    error = msg::text("catalog.import.file_required");
    args.reset();
  }
  if (auto done = usageOr(args, error, "catalog.import.usage", options)) return *done;
  const std::string file = args->positional.front();
  auto date = dateFrom(*args, error);
  if (!date) {
    std::cerr << kPrefix << error << "\n";
    return kExitUsage;
  }
  int exitCode = kExitOk;
  auto target = targetFrom(*args, exitCode);
  if (!target) return exitCode;

  // The roster readers, told that a title may stand above the header (docs/catalog.md).
  roster::RosterLimits limits;
  limits.keepCellsBeyondHeader = true;
  std::unique_ptr<RosterReader> reader = roster::readerFor(file);  // by the file's extension
  if (dynamic_cast<const roster::XlsxReader*>(reader.get()) != nullptr) {
    reader = std::make_unique<roster::XlsxReader>(limits);
  } else if (reader != nullptr) {
    reader = std::make_unique<roster::CsvReader>(limits);
  }
  if (!reader) {
    std::cerr << kPrefix << msg::text("catalog.import.format", {{"file", file}}) << "\n";
    return kExitUsage;
  }
  auto table = reader->read(file, file);
  if (!table) {
    printFinding(std::cerr, table.error());
    return kExitData;
  }
  AnnouncementImport imported = catalogFromAnnouncement(*table);
  for (const auto& f : imported.findings) printFinding(std::cerr, f);
  if (imported.catalog.items.empty()) {
    if (imported.columnsFound) {
      printFinding(std::cerr, makeFinding(Severity::Error, FindingKind::Data, "CATALOG_EMPTY",
                                          {file, 0, "", ""}, {}, "CATALOG_EMPTY.import"));
    }
    return kExitData;
  }
  Catalog& cat = imported.catalog;
  cat.version = args->get("--version").value_or(std::filesystem::path(file).stem().string());
  cat.date = *date;
  std::cout << msg::text("catalog.import.read", {{"file", file},
                                                 {"rows", imported.rowsRead},
                                                 {"left", imported.rowsLeftOut}})
            << "\n";
  const int written = writeCatalog(std::move(cat), target->path, args->has("--dry-run"));
  if (written != kExitOk) return written;
  // The rest is imported; the rows left out still need someone to look at them.
  return imported.rowsLeftOut > 0 ? kExitData : kExitOk;
}

int exitFor(const app::CatalogFetchError& e) {
  if (const auto* f = std::get_if<Finding>(&e)) {
    printFinding(std::cerr, *f);
    return f->kind == FindingKind::Config ? kExitConfig : kExitNoPerm;
  }
  const auto& pf = std::get<PlatformFailure>(e);
  const FailureText text = explainPlatformFailure(pf);
  std::cerr << kPrefix
            << msg::text("catalog.sync.failed",
                         {{"failure", pf.describe()}, {"text", text.text}, {"hint", text.hint}})
            << "\n";
  switch (pf.kind) {
    case PlatformFailureKind::Identity: return kExitNoPerm;
    case PlatformFailureKind::Unavailable: return kExitTempFail;
    case PlatformFailureKind::Final:
    case PlatformFailureKind::Protocol: break;
  }
  return kExitUnavailable;
}

int cmdSync(const std::vector<std::string>& argv) {
  std::string error;
  const auto options = syncOptions();
  auto args = parseArgs(argv, options, error);
  if (args && !args->has("--help") && !args->has("--config")) {
    error = msg::text("catalog.sync.config_required");
    args.reset();
  }
  if (auto done = usageOr(args, error, "catalog.sync.usage", options)) return *done;
  auto date = dateFrom(*args, error);
  if (!date) {
    std::cerr << kPrefix << error << "\n";
    return kExitUsage;
  }
  int exitCode = kExitOk;
  auto target = targetFrom(*args, exitCode);
  if (!target) return exitCode;
  const Config& config = *target->config;
  const auto wanted = args->get("--school");
  const School* school = nullptr;
  for (const auto& s : config.schools) {
    if (!wanted || s.id == *wanted) {
      school = &s;
      break;
    }
  }
  if (school == nullptr) {
    std::cerr << kPrefix
              << (wanted ? msg::text("catalog.sync.school_unknown",
                                     {{"school", *wanted}, {"config", config.file}})
                         : msg::text("catalog.sync.no_school", {{"config", config.file}}))
              << "\n";
    return wanted ? kExitUsage : kExitConfig;
  }
  auto fetched = app::fetchPlatformCatalog(config, *school, *date);
  if (!fetched) return exitFor(fetched.error());
  Catalog cat = std::move(*fetched);
  if (cat.items.empty()) {
    // An empty answer would withdraw every organisation: not taken (docs/catalog.md).
    printFinding(std::cerr, makeFinding(Severity::Error, FindingKind::Data, "CATALOG_EMPTY",
                                        {config.platform.baseUrl, 0, "", ""},
                                        {{"version", cat.version}}, "CATALOG_EMPTY.sync"));
    return kExitData;
  }
  cat.date = *date;
  cat.withdrawn.clear();  // ours to keep, not the platform's
  std::cout << msg::text("catalog.sync.read", {{"school", school->id},
                                               {"version", cat.version},
                                               {"orgs", cat.items.size()}})
            << "\n";
  return writeCatalog(std::move(cat), target->path, args->has("--dry-run"));
}

}  // namespace

int cmdCatalog(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args.front();
  const std::vector<std::string> rest(args.empty() ? args.end() : args.begin() + 1, args.end());
  if (sub == "import") return cmdImport(rest);
  if (sub == "sync") return cmdSync(rest);
  const bool help = sub == "--help" || sub == "-h" || sub == "help";
  std::ostream& o = help ? std::cout : std::cerr;
  if (!help && !sub.empty()) o << kPrefix << msg::text("catalog.unknown", {{"command", sub}}) << "\n";
  o << msg::text("catalog.usage") << "\n";
  return help ? kExitOk : kExitUsage;
}

}  // namespace zzjb::cli
