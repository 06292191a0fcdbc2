// `zzjb status -c CONFIG [--school ID] [--brief] [--json] [--today YYYY-MM-DD]`: where each
// school and target stands, as a compact table for a terminal (or the report's JSON with --json);
// --brief: one line per school, what needs action first (status_brief.hpp).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "report_json.hpp"
#include "status_brief.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::cli {

namespace {

constexpr const char* kCommand = "zzjb status";  // not-text: the command's name

const std::vector<OptionSpec>& statusOptions() {
  static const std::vector<OptionSpec> kSpecs = {
      {"--config", "-c", true, "status.option.config"},
      {"--school", "", true, "status.option.school"},
      {"--json", "", false, "status.option.json"},
      {"--brief", "", false, "status.option.brief"},
      {"--today", "", true, "status.option.today"},
      {"--help", "-h", false, "status.option.help"},
  };
  return kSpecs;
}

std::string padRight(const std::string& s, std::size_t width) {
  const std::size_t w = displayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string padLeft(const std::string& s, std::size_t width) {
  const std::size_t w = displayWidth(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

struct Style {
  bool on = false;
  [[nodiscard]] std::string health(Health h) const {
    const std::string label = std::string(healthLabel(h)) + " " + healthName(h);
    if (!on) return "[" + label + "]";
    const char* code = "0";
    switch (h) {
      case Health::Good:
        code = "1;32";
        break;
      case Health::Waiting:
        code = "1;34";
        break;
      case Health::Action:
        code = "1;33";
        break;
      case Health::Failed:
        code = "1;31";
        break;
      case Health::NotStarted:
        code = "2";
        break;
    }
    return std::string("\033[") + code + "m[" + label + "]\033[0m";
  }
  [[nodiscard]] std::string bold(const std::string& s) const {
    return on ? "\033[1m" + s + "\033[0m" : s;
  }
};

// When the last pass ended and how (its stored summary is the engine's line: --json has it).
std::string passLine(const std::optional<ReportPass>& p) {
  if (!p) return msg::text("status.pass.none");
  return shanghaiTimeText(p->finishedAt.empty() ? p->startedAt : p->finishedAt) + " " +
         p->outcomeName;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " · ") + p;
  return out;
}

void printSchool(std::ostream& out, const ReportSchool& s, const Style& st) {
  out << "\n"
      << st.bold(s.id + "  " + s.name) << " · " << s.levelName << "  " << st.health(s.health)
      << "\n";
  std::vector<std::string> facts = {
      msg::text("status.school.account", {{"account", s.accountName}}),
      msg::text("status.school.lastPass", {{"pass", passLine(s.lastPass)}})};
  if (s.pendingIntents > 0) {
    facts.push_back(msg::text("status.school.unanswered", {{"count", s.pendingIntents}}));
  }
  if (s.openBatches > 0) {
    facts.push_back(msg::text("status.school.openBatches", {{"count", s.openBatches}}));
  }
  out << "  " << joined(facts) << "\n";
  if (s.certificateDaysLeft || s.pin || s.probe) {
    std::vector<std::string> key;
    if (s.certificateDaysLeft) {
      key.push_back(
          *s.certificateDaysLeft < 0
              ? msg::text("report.html.certificate.expired", {{"date", s.certificateNotAfter}})
              : msg::text("report.html.certificate.valid",
                          {{"date", s.certificateNotAfter}, {"days", *s.certificateDaysLeft}}));
    }
    if (s.pin) key.push_back(msg::text("report.html.pin", {{"pin", pinStateText(*s.pin)}}));
    if (s.probe) {
      key.push_back(msg::text(s.probe->ok ? "status.school.probe_ok" : "status.school.probe_failed",
                              {{"code", s.probe->code}, {"at", shanghaiTimeText(s.probe->at)}}));
    }
    out << "  " << msg::text("status.school.key", {{"facts", joined(key)}}) << "\n";
  }

  const std::vector<std::string> head = {
      msg::text("status.col.target"),     msg::text("status.col.evaluation"),
      msg::text("status.col.eligible"),   msg::text("status.col.excluded"),
      msg::text("status.col.permission"), msg::text("status.col.declared"),
      msg::text("status.col.accepted"),   msg::text("status.col.rejected"),
      msg::text("status.col.pending"),    msg::text("status.col.toSend")};
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : s.targets) {
    std::size_t excluded = 0;
    for (const auto& rc : t.excludedByReason) excluded += rc.count;
    std::string eval;
    for (const auto& e : t.evaluations) eval += (eval.empty() ? "" : "/") + e.statusName;
    const bool known = s.storeRead;
    rows.push_back(
        {t.title, eval.empty() ? "-" : eval, std::to_string(t.eligible), std::to_string(excluded),
         permissionStateLabel(t.permission.state), known ? std::to_string(t.declared) : "-",
         known ? std::to_string(t.accepted) : "-", known ? std::to_string(t.rejected) : "-",
         known ? std::to_string(t.pending) : "-", std::to_string(t.notYetDeclared)});
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (std::size_t c = 0; c < head.size(); ++c) {
    width[c] = displayWidth(head[c]);
    for (const auto& r : rows) width[c] = std::max(width[c], displayWidth(r[c]));
  }
  auto printRow = [&](const std::vector<std::string>& r) {
    out << "  ";
    for (std::size_t c = 0; c < r.size(); ++c) {
      const bool numeric = c >= 2 && c != 4;
      out << (numeric ? padLeft(r[c], width[c]) : padRight(r[c], width[c]))
          << (c + 1 < r.size() ? "  " : "");
    }
    out << "\n";
  };
  if (!rows.empty()) {
    printRow(head);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      printRow(rows[i]);
      const auto& t = s.targets[i];
      out << "      " << st.health(t.health) << " " << t.statusText << "\n";
      // The 专业评估 of each major that is not approved, with what to do about it.
      for (const auto& e : t.evaluations) {
        if (e.state == EvaluationStatus::Approved) continue;
        out << "      "
            << msg::text("status.evaluation", {{"major", e.major},
                                               {"status", evaluationStatusName(e.state)},
                                               {"advice", evaluationAdvice(e.state)}})
            << "\n";
      }
    }
  } else {
    out << "  " << msg::text("status.noTargets") << "\n";
  }
  for (const auto& p : s.problems) {
    out << "  " << msg::text("status.problem", {{"problem", p}}) << "\n";
  }
  if (!s.actions.empty()) {
    out << "  " << msg::text("status.todo") << "\n";
    for (const auto& a : s.actions) out << "    - " << a << "\n";
  }
  if (!s.reminders.empty()) {
    out << "  " << msg::text("status.reminders") << "\n";
    for (const auto& r : s.reminders) out << "    - " << r.text << "\n      → " << r.hint << "\n";
  }
}

}  // namespace

int cmdStatus(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parseArgs(argv, statusOptions(), error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << kCommand << ": " << error << "\n";
    o << msg::text("status.usage") << "\n\n" << optionsHelp(statusOptions());
    return args ? kExitOk : kExitUsage;
  }
  auto configPath = args->get("--config");
  if (!configPath) {
    std::cerr << kCommand << ": " << msg::text("status.error.noConfig") << "\n";
    return kExitUsage;
  }
  auto today = todayFrom(args->get("--today"), error);
  if (!today) {
    std::cerr << kCommand << ": " << error << "\n";
    return kExitUsage;
  }
  CollectedReport collected = collectReport(kCommand, *configPath, args->get("--school"), *today);
  if (collected.exitCode != 0) return collected.exitCode;
  const Report& r = collected.report;
  if (args->has("--brief")) {
    const auto rows = briefRows(r);
    if (args->has("--json")) {
      std::cout << briefJson(rows).dump(2) << "\n";
      return kExitOk;
    }
    for (const auto& line : briefLines(rows)) std::cout << line << "\n";
    return kExitOk;
  }
  if (args->has("--json")) {
    std::cout << reportJson(r).dump(2) << "\n";
    return kExitOk;
  }
  Style st{isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr};
  std::cout << st.bold(kCommand) << "  " << r.configFile << "  " << st.health(r.health) << "\n";
  const std::string state = r.statePath.empty() ? msg::text("status.state.notConfigured")
                            : r.storeExists
                                ? r.statePath
                                : msg::text("status.state.noPass", {{"path", r.statePath}});
  std::cout << msg::text("status.header",
                         {{"today", r.today.iso()}, {"year", r.graduationYear}, {"state", state}})
            << "\n";
  for (const auto& n : r.notes) std::cout << msg::text("status.problem", {{"problem", n}}) << "\n";
  for (const auto& s : r.schools) printSchool(std::cout, s, st);
  return kExitOk;
}

}  // namespace zzjb::cli
