// `zzjb report -c CONFIG --format html|json -o FILE [--school ID] [--today YYYY-MM-DD]`: the status
// report, per school and target, as one self-contained HTML page or one JSON document. Also
// gathers the report for `zzjb status` (collectReport).
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "output_files.hpp"
#include "report_json.hpp"
#include "zzjb/core/clock.hpp"
#include "zzjb/messages/catalog.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::cli {

namespace {

constexpr const char* kReportCommand = "zzjb report";  // not-text: the command's name

const std::vector<OptionSpec>& reportOptions() {
  static const std::vector<OptionSpec> kSpecs = {
      {"--config", "-c", true, "status.option.config"},
      {"--format", "", true, "report.option.format"},
      {"--output", "-o", true, "report.option.output"},
      {"--school", "", true, "status.option.school"},
      {"--today", "", true, "status.option.today"},
      {"--help", "-h", false, "status.option.help"},
  };
  return kSpecs;
}

// Now in Asia/Shanghai, for people: "2026-11-27 19:09".
std::string shanghaiNow() {
  const CivilTime t = shanghaiTime(SystemClock().now());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %02d:%02d", t.date.iso().c_str(), t.hour, t.minute);
  return buf;
}

std::string findingLine(const Finding& f) {
  const std::string where = f.where.str();
  return (where.empty() ? "" : where + ": ") + f.message + " [" + f.code + "]";
}

}  // namespace

CollectedReport collectReport(const std::string& command, const std::string& configPath,
                              const std::optional<std::string>& schoolFilter, const Date& today) {
  CollectedReport out;
  Inputs in = loadInputs(configPath);
  if (!in.config) {
    for (const auto& f : in.findings) std::cerr << command << ": " << findingLine(f) << "\n";
    out.exitCode = kExitConfig;
    return out;
  }
  const Config& config = *in.config;
  plugin_host::Host plugins;  // outlives the report's building: explainReview calls into it
  loadPlugins(plugins, &config, in.findings);

  ReportInputs ri;
  ri.config = &config;
  ri.types = &plugins.registry();
  std::map<std::string, std::vector<Finding>> bySchool;
  for (auto& f : in.findings) {
    if (!f.school.empty()) {
      bySchool[f.school].push_back(std::move(f));
    } else if (f.severity == Severity::Error) {
      ri.notes.push_back(findingLine(f));
    }
  }

  // The store: absent means no pass has run yet. It is never created here.
  std::unique_ptr<StateStore> store;
  std::error_code ec;
  if (!config.statePath.empty() && std::filesystem::exists(config.statePath, ec)) {
    auto opened = store::openSqliteStore(config.statePath);
    if (!opened) {
      const Finding& f = opened.error();
      std::cerr << command << ": "
                << msg::text("report.error.storeOpen",
                             {{"path", config.statePath}, {"message", f.message}, {"code", f.code}})
                << (f.hint.empty() ? "" : "\n  → " + f.hint) << "\n";
      out.exitCode = f.code == "STORE_OPEN" ? kExitTempFail : kExitConfig;
      return out;
    }
    store = std::move(*opened);
  }
  ri.store = store.get();

  // Evaluated as `zzjb check` does; the results must outlive buildReport.
  std::vector<SchoolResult> results;
  std::vector<CertificateFacts> certs;
  std::vector<const School*> schools;
  for (const auto& school : config.schools) {
    if (!schoolFilter || school.id == *schoolFilter) schools.push_back(&school);
  }
  if (schoolFilter && schools.empty()) {
    std::cerr << command << ": "
              << msg::text("report.error.noSchool",
                           {{"school", *schoolFilter}, {"file", configPath}})
              << "\n";
    out.exitCode = kExitUsage;
    return out;
  }
  results.reserve(schools.size());
  certs.reserve(schools.size());
  EligibilityOptions opt{today, in.catalog ? &*in.catalog : nullptr, &plugins.registry()};
  for (const School* school : schools) {
    results.push_back(evaluateSchool(*school, readRosters(*school), opt));
    SchoolResult& result = results.back();
    certs.push_back(readSchoolCertificate(*school, today, extensionOids(config), result.findings));
    auto& extra = bySchool[school->id];
    result.findings.insert(result.findings.begin(), extra.begin(), extra.end());
    for (auto& f : result.findings) {
      if (f.where.file.empty() && !f.where.jsonPath.empty()) f.where.file = configPath;
    }
  }
  for (std::size_t i = 0; i < schools.size(); ++i) {
    ReportSchoolInput si;
    si.school = schools[i];
    si.evaluation = &results[i];
    if (certs[i].info) {
      si.certificateDaysLeft = certs[i].daysLeft;
      si.certificateNotAfter = identity::shanghaiDate(certs[i].info->notAfter);
    }
    ri.schools.push_back(si);
  }
  ReportOptions ro;
  ro.today = today;
  ro.generatedAt = shanghaiNow();
  out.report = buildReport(ri, ro);
  out.report.configFile = configPath;
  return out;
}

int cmdReport(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parseArgs(argv, reportOptions(), error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << kReportCommand << ": " << error << "\n";
    o << msg::text("report.usage") << "\n\n" << optionsHelp(reportOptions());
    return args ? kExitOk : kExitUsage;
  }
  auto configPath = args->get("--config");
  auto format = args->get("--format");
  auto output = args->get("--output");
  if (!configPath || !format || !output) {
    std::cerr << kReportCommand << ": " << msg::text("report.error.required") << "\n";
    return kExitUsage;
  }
  if (*format != "html" && *format != "json") {
    std::cerr << kReportCommand << ": " << msg::text("report.error.format", {{"format", *format}})
              << "\n";
    return kExitUsage;
  }
  auto today = todayFrom(args->get("--today"), error);
  if (!today) {
    std::cerr << kReportCommand << ": " << error << "\n";
    return kExitUsage;
  }
  CollectedReport collected = collectReport(kReportCommand, *configPath, args->get("--school"), *today);
  if (collected.exitCode != 0) return collected.exitCode;
  const std::string content = *format == "html" ? renderReportHtml(collected.report)
                                                : reportJson(collected.report).dump(2) + "\n";
  if (*output == "-") {
    std::cout << content;
    return std::cout.flush() ? kExitOk : kExitCantCreate;
  }
  // 0600: the report names students (masked) and schools' state; nothing says others may read
  // it (docs/report.md). A new file renamed over FILE: a planted link or another user's file at
  // FILE is replaced, never written through (docs/security.md, "Writing files").
  if (auto written = writeOutputFile(*output, content, 0600, "report"); !written) {
    printOutputError(std::cerr, kReportCommand, written.error());
    return kExitCantCreate;
  }
  std::cerr << kReportCommand << ": "
            << msg::text("report.wrote", {{"file", *output},
                                          {"count", collected.report.schools.size()},
                                          {"health", healthLabel(collected.report.health)}})
            << "\n";
  return kExitOk;
}

}  // namespace zzjb::cli
