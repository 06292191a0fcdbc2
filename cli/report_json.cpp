// The status report as JSON, for scripts and dashboards: the report model field by field.
// Codes are the stable UPPER_SNAKE names; the texts next to them, for people, are the catalog's
// in the chosen language (`lang`).
#include "report_json.hpp"

#include "zzjb/core/domain.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::cli {

namespace {

using nlohmann::json;

json passJson(const std::optional<ReportPass>& p) {
  if (!p) return nullptr;
  return {{"startedAt", p->startedAt}, {"finishedAt", p->finishedAt},
          {"outcome", p->outcome},     {"outcomeName", p->outcomeName},
          {"summary", p->summary},     {"creatingRequests", p->creatingRequests}};
}

json studentsJson(const std::vector<ReportStudent>& students) {
  json a = json::array();
  for (const auto& s : students) {
    json j = {{"idNumber", s.maskedId}, {"name", s.name},     {"where", s.where},
              {"code", s.code},         {"reason", s.reason}, {"hint", s.hint}};
    if (!s.detail.empty()) j["detail"] = s.detail;
    a.push_back(std::move(j));
  }
  return a;
}

json reminderJson(const Reminder& r) {
  json j = {{"kind", reminderKindName(r.kind)},
            {"school", r.school},
            {"text", r.text},
            {"hint", r.hint},
            {"days", r.days},
            {"due", r.due}};
  if (!r.targetKey.empty()) j["targetKey"] = r.targetKey;
  return j;
}

// The PIN as the last pass that opened the key saw it; null before that. Never the PIN.
json pinJson(const std::optional<PinFact>& p) {
  if (!p) return nullptr;
  const auto left = p->retriesLeft();
  return {{"required", p->status.required},
          {"retriesLeft", left ? json(*left) : json(nullptr)},
          {"countLow", p->status.countLow},
          {"finalTry", p->status.finalTry},
          {"locked", p->status.locked},
          {"low", p->low()},
          {"code", p->code},
          {"seenAt", p->at}};
}

json targetJson(const ReportTarget& t, bool storeRead) {
  json j = {{"key", t.key},
            {"title", t.title},
            {"type", t.type},
            {"typeName", t.typeName},
            {"evaluationOrg", t.orgName},
            {"majors", t.majors},
            {"health", healthName(t.health)},
            {"healthName", healthLabel(t.health)},
            {"status", t.statusText}};
  json ev = json::array();
  for (const auto& e : t.evaluations) {
    ev.push_back({{"major", e.major},
                  {"status", e.status},
                  {"statusName", e.statusName},
                  {"advice", evaluationAdvice(e.state)},
                  {"opinionNo", e.opinionNo}});
  }
  j["evaluations"] = ev;
  json byReason = json::array();
  std::size_t excluded = 0;
  for (const auto& rc : t.excludedByReason) {
    byReason.push_back({{"code", rc.code},
                        {"text", rc.text},
                        {"count", rc.count},
                        {"expected", rc.expected},
                        {"waiting", rc.waiting}});
    excluded += rc.count;
  }
  j["evaluation"] = {{"eligible", t.eligible},
                     {"excludedCount", excluded},
                     {"excludedByReason", byReason},
                     {"excluded", studentsJson(t.excluded)}};
  const auto& p = t.permission;
  j["permission"] = {{"state", permissionStateName(p.state)},
                     {"stateName", permissionStateLabel(p.state)},
                     {"status", p.status},
                     {"applicationId", p.applicationId},
                     {"reason", p.reason},
                     {"hint", p.hint},
                     {"updatedAt", p.updatedAt},
                     {"waitingDays", p.waitingDays >= 0 ? json(p.waitingDays) : json(nullptr)}};
  j["declarations"] = {{"recorded", storeRead},
                       {"declared", t.declared},
                       {"accepted", t.accepted},
                       {"rejected", t.rejected},
                       {"pending", t.pending},
                       {"notYetDeclared", t.notYetDeclared},
                       {"rejectedStudents", studentsJson(t.rejectedStudents)}};
  return j;
}

json schoolJson(const ReportSchool& s) {
  json j = {{"school", s.id},
            {"name", s.name},
            {"level", s.level},
            {"levelName", s.levelName},
            {"allowedLevel", s.allowedLevel},
            {"health", healthName(s.health)},
            {"healthName", healthLabel(s.health)},
            {"students", s.students},
            {"findings",
             {{"errors", s.findings.errors},
              {"warnings", s.findings.warnings},
              {"lines", s.findingLines}}},
            {"storeRead", s.storeRead},
            {"account", s.account},
            {"accountName", s.accountName},
            {"lastPass", passJson(s.lastPass)},
            {"lastSuccessfulPass", passJson(s.lastSuccessfulPass)},
            {"pendingIntents", s.pendingIntents},
            {"openBatches", s.openBatches},
            {"certificate", s.certificateDaysLeft ? json{{"daysLeft", *s.certificateDaysLeft},
                                                         {"notAfter", s.certificateNotAfter}}
                                                  : json(nullptr)},
            {"pin", pinJson(s.pin)},
            {"paused", s.paused},
            {"pausedReason", s.paused ? json(s.pausedReason) : json(nullptr)},
            {"quarantine", s.quarantine ? json{{"code", s.quarantine->code},
                                               {"since", s.quarantine->since}}
                                        : json(nullptr)},
            {"probe", s.probe ? json{{"ok", s.probe->ok}, {"code", s.probe->code},
                                     {"at", s.probe->at}}
                              : json(nullptr)},
            {"actions", s.actions},
            {"problems", s.problems}};
  json targets = json::array();
  for (const auto& t : s.targets) targets.push_back(targetJson(t, s.storeRead));
  j["targets"] = targets;
  json reminders = json::array();
  for (const auto& r : s.reminders) reminders.push_back(reminderJson(r));
  j["reminders"] = reminders;
  return j;
}

}  // namespace

json reportJson(const Report& r) {
  json doc = {{"config", r.configFile},
              {"lang", msg::tag(msg::language())},  // the language of the texts
              {"today", r.today.iso()},
              {"graduationYear", r.graduationYear},
              {"generatedAt", r.generatedAt},
              {"statePath", r.statePath},
              {"storeExists", r.storeExists},
              {"health", healthName(r.health)},
              {"healthName", healthLabel(r.health)},
              {"notes", r.notes}};
  json schools = json::array();
  for (const auto& s : r.schools) schools.push_back(schoolJson(s));
  doc["schools"] = schools;
  json reminders = json::array();
  for (const auto& m : r.reminders) reminders.push_back(reminderJson(m));
  doc["reminders"] = reminders;
  return doc;
}

}  // namespace zzjb::cli
