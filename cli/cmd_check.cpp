// `zzjb check -c CONFIG [--json] [--school ID] [--today DATE]`: everything that can be known
// before anything is sent.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "args.hpp"
#include "check_output.hpp"
#include "commands.hpp"
#include "zzjb/core/catalog_update.hpp"

namespace zzjb::cli {

namespace {

constexpr const char* kPrefix = "zzjb check: ";  // not-text: the command's name before its errors

// Worded in the process's language, so built when asked for (the language is set by then).
std::vector<OptionSpec> checkOptions() {
  return {
      {"--config", "-c", true, msg::text("check.option.config")},
      {"--json", "", false, msg::text("check.option.json")},
      {"--school", "", true, msg::text("check.option.school")},
      {"--today", "", true, msg::text("check.option.today")},
      {"--help", "-h", false, msg::text("check.option.help")},
  };
}

}  // namespace

int checkExitCode(const CheckReport& report) {
  bool config = false;
  bool data = false;
  auto scan = [&](const std::vector<Finding>& fs) {
    for (const auto& f : fs) {
      if (f.severity != Severity::Error) continue;
      (f.kind == FindingKind::Config ? config : data) = true;
    }
  };
  scan(report.findings);
  for (const auto& s : report.schools) scan(s.result.findings);
  if (config) return kExitConfig;
  return data ? kExitData : kExitOk;
}

int cmdCheck(const std::vector<std::string>& argv) {
  std::string error;
  const std::vector<OptionSpec> options = checkOptions();
  auto args = parseArgs(argv, options, error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << kPrefix << error << "\n";
    o << msg::text("check.usage") << "\n\n" << optionsHelp(options);
    return args ? kExitOk : kExitUsage;
  }
  auto configPath = args->get("--config");
  if (!configPath) {
    std::cerr << kPrefix << msg::text("check.config_required") << "\n";
    return kExitUsage;
  }
  auto today = todayFrom(args->get("--today"), error);
  if (!today) {
    std::cerr << kPrefix << error << "\n";
    return kExitUsage;
  }

  CheckReport report;
  report.configFile = *configPath;
  report.today = *today;
  report.graduationYear = graduationYearOn(*today);
  Inputs in = loadInputs(*configPath);
  plugin_host::Host plugins;  // outlives everything made from its plugins: the whole command
  loadPlugins(plugins, in.config ? &*in.config : nullptr, in.findings);
  // Findings tied to a school go with that school; the rest stay global.
  std::vector<Finding> global;
  std::map<std::string, std::vector<Finding>> bySchool;
  for (auto& f : in.findings) {
    (f.school.empty() ? global : bySchool[f.school]).push_back(std::move(f));
  }
  report.findings = std::move(global);
  if (in.catalog) {
    report.catalogRead = true;
    report.catalogVersion = in.catalog->version;
    report.catalogOrgs = in.catalog->items.size();
    if (in.catalog->date) {
      report.catalogDate = in.catalog->date;
      report.catalogAgeDays = daysSinceEpoch(*today) - daysSinceEpoch(*in.catalog->date);
      // Organisations come and go with each announcement (docs/catalog.md, "Age").
      if (report.catalogAgeDays > kCatalogOldAfterDays) {
        report.findings.push_back(makeFinding(
            Severity::Warning, FindingKind::Data, "CATALOG_OLD",
            {in.config ? in.config->catalogDisplay : "", 0, "", ""},
            {{"date", in.catalog->date->iso()},
             {"days", report.catalogAgeDays},
             {"limit", kCatalogOldAfterDays}}));
      }
    }
  }
  if (in.config) {
    auto schoolFilter = args->get("--school");
    bool found = !schoolFilter;
    EligibilityOptions opt{*today, in.catalog ? &*in.catalog : nullptr, &plugins.registry()};
    for (const auto& school : in.config->schools) {
      if (schoolFilter && school.id != *schoolFilter) continue;
      found = true;
      SchoolCheck sc;
      sc.result = evaluateSchool(school, readRosters(school), opt);
      sc.certificate = readSchoolCertificate(school, *today, extensionOids(*in.config),
                                             sc.result.findings);
      if (!school.enabled) {
        // Checked as any other, so that its data is right before it is resumed; said paused.
        Finding f = makeFinding(Severity::Info, FindingKind::Config, "SCHOOL_PAUSED",
                                {in.config->file, 0, "", school.jsonPath + ".enabled"},
                                {{"reason", school.pausedReason.empty() ? std::string("-") : school.pausedReason}});
        f.school = school.id;
        sc.result.findings.push_back(std::move(f));
      }
      for (const auto& major : school.majors) {
        std::error_code ec;
        if (!major.trainingPlan.empty() && !std::filesystem::exists(major.trainingPlan, ec)) {
          Finding f = makeFinding(Severity::Warning, FindingKind::Data, "TRAINING_PLAN_MISSING",
                                  {major.trainingPlan, 0, "", major.jsonPath + ".trainingPlan"},
                                  {{"major", major.name}});
          f.school = school.id;
          sc.result.findings.push_back(std::move(f));
        }
      }
      // The key file a pass will open (tokens are checked by `zzjb identity check`).
      if (school.identity.key.starts_with("file:")) {
        std::filesystem::path keyFile = school.identity.key.substr(5);
        if (keyFile.is_relative()) keyFile = std::filesystem::path(in.config->dir) / keyFile;
        std::error_code ec;
        if (!std::filesystem::exists(keyFile, ec)) {
          Finding f = makeFinding(Severity::Warning, FindingKind::Config, "KEY_FILE_MISSING",
                                  {*configPath, 0, "", school.jsonPath + ".identity.key"},
                                  {{"file", keyFile.string()}});
          f.school = school.id;
          sc.result.findings.push_back(std::move(f));
        }
      }
      auto& extra = bySchool[school.id];
      sc.result.findings.insert(sc.result.findings.begin(), extra.begin(), extra.end());
      extra.clear();
      report.schools.push_back(std::move(sc));
    }
    // Schools that could not be read at all keep their findings in the global list.
    for (auto& [id, fs] : bySchool) {
      for (auto& f : fs) report.findings.push_back(std::move(f));
    }
    if (!found) {
      std::cerr << kPrefix
                << msg::text("check.school_unknown", {{"school", *schoolFilter}, {"config", *configPath}})
                << "\n";
      return kExitUsage;
    }
  }
  // The platform's TLS trust: a pass cannot verify the platform without it, so it is a
  // configuration error here rather than a refusal in the middle of a pass (docs/security.md).
  if (in.config) {
    if (auto f = checkCaBundle(*in.config)) report.findings.push_back(std::move(*f));
  }
  // Findings that point into the configuration by JSON path name the configuration file.
  auto nameConfig = [&](std::vector<Finding>& fs) {
    for (auto& f : fs) {
      if (f.where.file.empty() && !f.where.jsonPath.empty()) f.where.file = *configPath;
    }
  };
  nameConfig(report.findings);
  for (auto& s : report.schools) nameConfig(s.result.findings);
  report.exitCode = checkExitCode(report);
  if (args->has("--json")) {
    printCheckJson(std::cout, report);
  } else {
    printCheckText(std::cout, report, isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr);
  }
  return report.exitCode;
}

}  // namespace zzjb::cli
