// Printing the result of `zzjb check`: text for people (findings with where, what and what to do),
// JSON for scripts. Names, ID numbers and mobiles are masked in both.
#include "check_output.hpp"

#include <nlohmann/json.hpp>

#include "args.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb::cli {

namespace {

struct Style {
  bool on = false;
  [[nodiscard]] std::string operator()(const char* code, const std::string& s) const {
    return on ? std::string("\033[") + code + "m" + s + "\033[0m" : s;
  }
};

std::string severityLabel(Severity s, const Style& st) {
  switch (s) {
    case Severity::Error: return st("1;31", msg::text("check.severity.error"));
    case Severity::Warning: return st("33", msg::text("check.severity.warning"));
    case Severity::Info: return st("36", msg::text("check.severity.note"));
  }
  return "";
}

void printFinding(std::ostream& out, const Finding& f, const Style& st, const char* indent) {
  const std::string where = f.where.str();
  out << indent << severityLabel(f.severity, st) << "  "
      << (where.empty() ? msg::text("check.finding", {{"message", f.message}, {"code", f.code}})
                        : msg::text("check.finding.at", {{"where", where},
                                                         {"message", f.message},
                                                         {"code", f.code}}))
      << "\n";
  if (!f.hint.empty()) out << indent << "    → " << f.hint << "\n";
}

std::string targetLine(const TargetResult& t) {
  std::string s = t.major + " → " + targetTitle(t.target) + " · " + t.target.type;
  if (t.target.evaluationOrg) s += " · " + t.target.evaluationOrg->name;
  return s;
}

std::string exclusionSummary(const TargetResult& t) {
  std::string s;
  for (const auto& rc : t.excludedByReason()) {
    if (!s.empty()) s += msg::text("check.list.separator");
    s += msg::text("check.target.reason_count", {{"reason", rc.text}, {"count", rc.count}});
  }
  return s;
}

}  // namespace

void printCheckText(std::ostream& out, const CheckReport& r, bool color) {
  Style st{color};
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t notes = 0;
  std::size_t eligible = 0;
  std::size_t excluded = 0;
  std::size_t targets = 0;
  auto count = [&](const std::vector<Finding>& fs) {
    for (const auto& f : fs) {
      errors += f.severity == Severity::Error;
      warnings += f.severity == Severity::Warning;
      notes += f.severity == Severity::Info;
    }
  };

  out << st("1", "zzjb check") << "  " << r.configFile << "\n";  // not-text: the command's name
  out << msg::text("check.header.today",
                   {{"today", r.today.iso()}, {"year", r.graduationYear}})
      << " · ";
  if (r.catalogRead && r.catalogDate) {
    out << msg::text("check.header.catalog.dated",
                     {{"version", r.catalogVersion.empty() ? msg::text("check.header.no_version")
                                                           : r.catalogVersion},
                      {"count", r.catalogOrgs},
                      {"date", r.catalogDate->iso()},
                      {"days", r.catalogAgeDays}})
        << "\n";
  } else if (r.catalogRead) {
    out << msg::text("check.header.catalog",
                     {{"version", r.catalogVersion.empty() ? msg::text("check.header.no_version")
                                                           : r.catalogVersion},
                      {"count", r.catalogOrgs}})
        << "\n";
  } else {
    out << msg::text("check.header.no_catalog") << "\n";
  }
  if (!r.findings.empty()) {
    out << "\n";
    for (const auto& f : r.findings) printFinding(out, f, st, "");
  }
  count(r.findings);

  for (const auto& sc : r.schools) {
    const SchoolResult& s = sc.result;
    int level = allowedLevel(s.level);
    out << "\n" << st("1", s.id + "  " + s.name) << " · " << schoolLevelName(s.level) << " → "
        << levelName(level) << "\n";
    for (const auto& ro : s.rosters) {
      out << "  "
          << (ro.encoding.empty()
                  ? msg::text("check.roster", {{"file", ro.file}})
                  : msg::text("check.roster.read",
                              {{"file", ro.file}, {"encoding", ro.encoding}, {"count", ro.rows}}))
          << "\n";
    }
    if (s.rosters.empty()) out << "  " << msg::text("check.roster.none") << "\n";
    if (sc.certificate.info) {
      const auto& c = *sc.certificate.info;
      out << "  "
          << msg::text("check.certificate",
                       {{"keyId", sc.certificate.keyId.empty() ? msg::text("check.certificate.no_key")
                                                               : sc.certificate.keyId},
                        {"algorithm", c.algorithm},
                        {"notAfter", identity::shanghaiDate(c.notAfter)},
                        {"days", sc.certificate.daysLeft}})
          << "\n";
    } else if (!sc.certificate.configured) {
      out << "  " << msg::text("check.certificate.none") << "\n";
    }
    for (const auto& t : s.targets) {
      ++targets;
      eligible += t.eligible.size();
      excluded += t.excluded.size();
      out << "  " << targetLine(t) << "\n";
      out << "      "
          << msg::text(t.evaluationNeeded ? "check.target.counts"
                                          : "check.target.counts.noEvaluation",
                       {{"state", evaluationStatusName(t.target.evaluation.status)},
                        {"eligible", st("32", std::to_string(t.eligible.size()))},
                        {"excluded", t.excluded.size()}});
      if (!t.excluded.empty()) {
        out << msg::text("check.target.excluded_by", {{"reasons", exclusionSummary(t)}});
      }
      out << "\n";
    }
    if (s.targets.empty()) out << "  " << msg::text("check.targets.none") << "\n";
    if (!s.findings.empty()) {
      out << "  " << msg::text("check.findings") << "\n";
      for (const auto& f : s.findings) printFinding(out, f, st, "    ");
    }
    count(s.findings);
  }

  out << "\n"
      << msg::text("check.summary", {{"schools", r.schools.size()},
                                     {"targets", targets},
                                     {"eligible", eligible},
                                     {"excluded", excluded},
                                     {"errors", errors},
                                     {"warnings", warnings},
                                     {"notes", notes}})
      << "\n";
  if (r.exitCode == kExitConfig) {
    out << msg::text("check.exit.config") << "\n";
  } else if (r.exitCode == kExitData) {
    out << msg::text("check.exit.data") << "\n";
  }
}

namespace {

nlohmann::json findingJson(const Finding& f) {
  nlohmann::json j = {{"severity", severityName(f.severity)},
                      {"kind", f.kind == FindingKind::Config ? "config" : "data"},
                      {"code", f.code},
                      {"message", f.message},
                      {"hint", f.hint}};
  // The message's parameters by name, so that a script can use them without parsing the text.
  if (!f.args.empty()) {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& a : f.args) params[a.name] = a.value;
    j["params"] = std::move(params);
  }
  if (!f.where.file.empty()) j["file"] = f.where.file;
  if (f.where.line > 0) j["line"] = f.where.line;
  if (!f.where.cell.empty()) j["cell"] = f.where.cell;
  if (!f.where.jsonPath.empty()) j["jsonPath"] = f.where.jsonPath;
  if (!f.school.empty()) j["school"] = f.school;
  return j;
}

nlohmann::json studentJson(const Student& s) {
  return {{"file", s.file},          {"line", s.line},
          {"name", maskName(s.name)}, {"idNumber", maskId(s.idNumber)},
          {"major", s.major},        {"graduationYear", s.graduationYear}};
}

}  // namespace

void printCheckJson(std::ostream& out, const CheckReport& r) {
  nlohmann::json doc;
  doc["lang"] = msg::tag(msg::language());
  doc["config"] = r.configFile;
  doc["today"] = r.today.iso();
  doc["graduationYear"] = r.graduationYear;
  doc["exitCode"] = r.exitCode;
  doc["catalog"] = r.catalogRead ? nlohmann::json{{"version", r.catalogVersion},
                                                  {"organisations", r.catalogOrgs}}
                                 : nlohmann::json(nullptr);
  if (r.catalogRead && r.catalogDate) {
    doc["catalog"]["date"] = r.catalogDate->iso();
    doc["catalog"]["ageDays"] = r.catalogAgeDays;
  }
  doc["findings"] = nlohmann::json::array();
  for (const auto& f : r.findings) doc["findings"].push_back(findingJson(f));
  std::size_t eligible = 0;
  std::size_t excluded = 0;
  std::size_t errors = 0;
  std::size_t warnings = 0;
  auto tally = [&](const std::vector<Finding>& fs) {
    for (const auto& f : fs) {
      errors += f.severity == Severity::Error;
      warnings += f.severity == Severity::Warning;
    }
  };
  tally(r.findings);
  doc["schools"] = nlohmann::json::array();
  for (const auto& sc : r.schools) {
    const SchoolResult& s = sc.result;
    nlohmann::json js = {{"school", s.id},
                         {"name", s.name},
                         {"level", schoolLevelConfigName(s.level)},
                         {"allowedLevel", allowedLevel(s.level)}};
    js["rosters"] = nlohmann::json::array();
    for (const auto& ro : s.rosters) {
      js["rosters"].push_back({{"file", ro.file}, {"encoding", ro.encoding}, {"students", ro.rows}});
    }
    if (sc.certificate.info) {
      const auto& c = *sc.certificate.info;
      js["certificate"] = {{"keyId", sc.certificate.keyId},
                           {"creditCode", c.creditCode},
                           {"algorithm", c.algorithm},
                           {"subject", c.subject},
                           {"notAfter", identity::shanghaiDate(c.notAfter)},
                           {"daysLeft", sc.certificate.daysLeft}};
    }
    js["targets"] = nlohmann::json::array();
    for (const auto& t : s.targets) {
      eligible += t.eligible.size();
      excluded += t.excluded.size();
      nlohmann::json jt = {{"major", t.major},
                           {"jsonPath", t.target.jsonPath},
                           {"type", t.target.type},
                           {"title", targetTitle(t.target)},
                           {"occupationCode", t.target.occupationCode},
                           {"occupationName", t.target.occupationName},
                           {"level", t.target.level == 0 ? nlohmann::json(nullptr)
                                                         : nlohmann::json(t.target.level)},
                           {"levelName", t.target.level == 0 ? std::string()
                                                             : levelName(t.target.level)},
                           {"abilityCode", t.target.abilityCode},
                           {"abilityName", t.target.abilityName},
                           {"evaluation", t.evaluationNeeded
                                              ? nlohmann::json(evaluationStatusConfigName(
                                                    t.target.evaluation.status))
                                              : nlohmann::json(nullptr)},
                           {"eligibleCount", t.eligible.size()},
                           {"excludedCount", t.excluded.size()}};
      if (t.target.evaluationOrg) {
        jt["evaluationOrg"] = {{"name", t.target.evaluationOrg->name},
                               {"creditCode", t.target.evaluationOrg->creditCode}};
      }
      nlohmann::json byReason = nlohmann::json::object();
      for (const auto& rc : t.excludedByReason()) byReason[rc.code] = rc.count;
      jt["excludedByReason"] = byReason;
      jt["eligible"] = nlohmann::json::array();
      for (std::size_t i : t.eligible) jt["eligible"].push_back(studentJson(s.students[i]));
      jt["excluded"] = nlohmann::json::array();
      for (const auto& x : t.excluded) {
        nlohmann::json js2 = studentJson(s.students[x.student]);
        js2["reason"] = x.code();
        js2["reasonText"] = x.text();
        if (!x.ruleHint.empty()) {
          js2["hint"] = x.ruleHint;
        } else if (std::string advice = exclusionAdvice(x.reason, x.evaluation); !advice.empty()) {
          js2["hint"] = advice;
        }
        jt["excluded"].push_back(js2);
      }
      js["targets"].push_back(jt);
    }
    js["unconfiguredMajors"] = s.unconfiguredMajors;
    js["findings"] = nlohmann::json::array();
    for (const auto& f : s.findings) js["findings"].push_back(findingJson(f));
    tally(s.findings);
    doc["schools"].push_back(js);
  }
  doc["summary"] = {{"schools", r.schools.size()},
                    {"eligible", eligible},
                    {"excluded", excluded},
                    {"errors", errors},
                    {"warnings", warnings}};
  out << doc.dump(2) << "\n";
}

}  // namespace zzjb::cli
