// The status report model: the offline evaluation, the state store and today's reminders, per
// school and per target, in the words IT staff use. See report.hpp.
#include "zzjb/core/report.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "zzjb/core/clock.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/engine.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb {

namespace {

std::optional<int> number(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "YYYY-MM-DDTHH:MM…Z" (or "+08:00") → the Shanghai civil time. A time without a zone is UTC,
// as the store writes it.
std::optional<CivilTime> shanghaiTimeOf(std::string_view utc) {
  auto t = parseIsoMoment(utc);
  if (!t && utc.size() >= 16) t = parseIsoMoment(std::string(utc.substr(0, 16)) + "Z");
  if (!t) return std::nullopt;
  return shanghaiTime(*t);
}

std::string twoDigits(int v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

std::string passOutcomeName(SchoolOutcomeKind outcome) {
  switch (outcome) {
    case SchoolOutcomeKind::UpToDate:
      return msg::text("report.pass.UP_TO_DATE");
    case SchoolOutcomeKind::Progressed:
      return msg::text("report.pass.PROGRESSED");
    case SchoolOutcomeKind::Waiting:
      return msg::text("report.pass.WAITING");
    case SchoolOutcomeKind::Failed:
      return msg::text("report.pass.FAILED");
    case SchoolOutcomeKind::Skipped:
      return msg::text("report.pass.SKIPPED");
  }
  return msg::text("report.unknown");
}

std::string accountName(std::optional<AccountStatus> account) {
  if (!account) return msg::text("report.unknown");
  switch (*account) {
    case AccountStatus::Active:
      return msg::text("report.account.ACTIVE");
    case AccountStatus::PendingCentre:
      return msg::text("report.account.PENDING_CENTRE");
    case AccountStatus::NotRegistered:
      return msg::text("report.account.NOT_REGISTERED");
  }
  return msg::text("report.unknown");
}

ReportPass passOf(const PassRecord& p) {
  return ReportPass{p.startedAt, p.finishedAt, schoolOutcomeName(p.outcome),
                    passOutcomeName(p.outcome), p.summary, p.creatingRequests, p.outcome};
}

// What to do about an offline exclusion.
// EVALUATION_NOT_APPROVED: the 专业评估's own advice (wait, apply, resubmit).
std::string exclusionHint(const ExcludedStudent& x, int graduationYear,
                          EvaluationStatus evaluation) {
  switch (x.reason) {
    case Exclusion::InvalidData:
      return msg::text("report.exclusion.INVALID_DATA");
    case Exclusion::IdTypeNotSupported:
      return msg::text("ID_TYPE.hint");  // the one advice, as check gives it
    case Exclusion::NotGraduating:
      return msg::text("report.exclusion.NOT_GRADUATING", {{"year", graduationYear}});
    case Exclusion::Duplicate:
      return msg::text("report.exclusion.DUPLICATE");
    case Exclusion::EvaluationNotApproved:
      return evaluationAdvice(evaluation);
    case Exclusion::LevelNotAllowed:
      return msg::text("report.exclusion.LEVEL_NOT_ALLOWED");
    case Exclusion::OrgNotRegistered:
      return msg::text("report.exclusion.ORG_NOT_REGISTERED");
    case Exclusion::TargetInvalid:
      return msg::text("report.exclusion.TARGET_INVALID");
    case Exclusion::TypeRule:
      return x.ruleHint.empty() ? msg::text("report.exclusion.TYPE_RULE") : x.ruleHint;
  }
  return {};
}

// The message of the finding on a student's row (INVALID_DATA), which is already masked.
std::string rowDetail(const SchoolResult& ev, const Student& st) {
  std::string out;
  for (const auto& f : ev.findings) {
    if (f.severity != Severity::Error || f.where.file != st.file || f.where.line != st.line)
      continue;
    out += (out.empty() ? "" : msg::text("report.join")) + f.message;
  }
  return out;
}

std::string whereOf(const Student& st) {
  Location l;
  l.file = st.file;
  l.line = st.line;
  l.cell = st.idCell;
  return l.str();
}

std::string typeNameOf(const TypeRegistry* types, const std::string& type) {
  const CertType* t = types ? types->find(type) : nullptr;
  if (t == nullptr) return type;
  return t->info.node.empty() ? t->info.matter : t->info.matter + " · " + t->info.node;
}

// "CODE: text" or "CODE" from the reviewer → (code, text); plain text → ("", text).
std::pair<std::string, std::string> splitReason(const std::string& reason) {
  std::size_t end = 0;
  while (end < reason.size() && ((reason[end] >= 'A' && reason[end] <= 'Z') || reason[end] == '_' ||
                                 (end > 0 && reason[end] >= '0' && reason[end] <= '9'))) {
    ++end;
  }
  if (end >= 3 && end == reason.size()) return {reason, ""};
  if (end >= 3 && reason[end] == ':') {
    std::size_t start = end + 1;
    while (start < reason.size() && reason[start] == ' ') ++start;
    return {reason.substr(0, end), reason.substr(start)};
  }
  return {"", reason};
}

ReportPermission permissionOf(const std::optional<Application>& app, const CertType* type,
                              const Date& today) {
  ReportPermission p;
  if (!app) return p;
  p.status = applicationStatusName(app->status);
  p.applicationId = app->applicationId;
  p.updatedAt = app->updatedAt;
  const ApplicationStatus s = app->status;
  if (isGranted(s)) {
    p.state = PermissionState::Granted;
    return p;
  }
  if (s == ApplicationStatus::Submitted || s == ApplicationStatus::UnderReview) {
    p.state = PermissionState::UnderReview;
    if (auto d = shanghaiDateOf(app->updatedAt)) p.waitingDays = daysBetween(*d, today);
    p.hint = msg::text("explain.application.underReview");
    return p;
  }
  if (s == ApplicationStatus::Rejected) {
    p.state = PermissionState::Rejected;
    auto [code, text] = splitReason(app->reason);
    // The plugin's own explanation, in the language it was given (tr(), the SDK); one that has
    // none (empty: a plugin that writes Chinese only, asked for English) leaves the catalog's.
    if (!code.empty() && type != nullptr && type->impl != nullptr) {
      auto e = type->impl->explainReview(code, text);
      if (e.error.empty() && !e.value.sentence.empty()) {
        p.reason = e.value.sentence;
        p.hint = e.value.hint;
        return p;
      }
    }
    p.reason = app->reason.empty()
                   ? msg::text("explain.application.rejected.unexplained")
                   : msg::text("explain.application.rejected", {{"reason", app->reason}});
    p.hint = msg::text("explain.application.rejected.hint");
    return p;
  }
  if (s == ApplicationStatus::NotGranted) {
    p.state = PermissionState::NotGranted;
    p.reason = type != nullptr && !type->info.permissionRequest.empty()
                   ? type->info.permissionRequest
                   : msg::text("explain.application.notGranted");
    p.hint = msg::text("explain.application.notGranted.hint");
    return p;
  }
  p.reason = msg::text("explain.application.unknownStatus", {{"status", p.status}});
  return p;
}

// Excluded students the school must do something about: not those of a later graduation year
// (declared then, automatically), nor those waiting for the experts' 专业评估.
bool actionableExclusion(const ReasonCount& rc) {
  return rc.code != "NOT_GRADUATING" && !rc.waiting && !rc.expected;
}

// Decides a target's health and sentence from what is known about it. `actions` gets what people
// must do.
void judgeTarget(ReportTarget& t, const ReportSchool& school, bool storeOk, bool anyPass,
                 std::vector<std::string>& actions) {
  std::size_t actionable = 0;
  std::size_t waitingForExperts = 0;
  std::string reasons;
  for (const auto& rc : t.excludedByReason) {
    if (rc.waiting) waitingForExperts += rc.count;
    if (!actionableExclusion(rc)) continue;
    actionable += rc.count;
    reasons += (reasons.empty() ? "" : msg::text("report.join.list")) +
               msg::text("report.reasonCount", {{"reason", rc.text}, {"count", rc.count}});
  }
  std::vector<std::string> todo;
  if (actionable > 0) {
    todo.push_back(
        msg::text("report.todo.excluded", {{"count", actionable}, {"reasons", reasons}}));
  }
  if (t.permission.state == PermissionState::Rejected) {
    todo.push_back(msg::text("report.todo.permissionRejected", {{"reason", t.permission.reason}}));
  }
  if (t.permission.state == PermissionState::NotGranted) {
    todo.push_back(
        msg::text("report.todo.permissionNotGranted", {{"reason", t.permission.reason}}));
  }
  if (t.rejectedToFix > 0) {
    todo.push_back(msg::text("report.todo.rejected", {{"count", t.rejectedToFix}}));
  }
  for (const auto& a : todo) {
    actions.push_back(msg::text("report.todo.target", {{"target", t.title}, {"todo", a}}));
  }

  if (!storeOk) {
    t.health = Health::Failed;
    t.statusText = msg::text("report.target.storeFailed");
    return;
  }
  if (!todo.empty()) {
    t.health = Health::Action;
    t.statusText = todo.front();
    return;
  }
  if (waitingForExperts > 0) {
    t.health = Health::Waiting;
    t.statusText = msg::text("report.target.evaluationSubmitted",
                             {{"count", waitingForExperts},
                              {"advice", evaluationAdvice(EvaluationStatus::Submitted)}});
    return;
  }
  if (t.eligible == 0 && t.declared == 0) {
    t.health = Health::Good;
    t.statusText = msg::text("report.target.noneEligible");
    return;
  }
  if (!anyPass && t.declared == 0) {
    t.health = Health::NotStarted;
    t.statusText = msg::text("report.target.notStarted", {{"count", t.notYetDeclared}});
    return;
  }
  if (t.permission.state == PermissionState::UnderReview) {
    t.health = Health::Waiting;
    t.statusText = t.permission.waitingDays >= 0 ? msg::text("report.target.underReview.days",
                                                             {{"days", t.permission.waitingDays}})
                                                 : msg::text("report.target.underReview");
    return;
  }
  if (school.accountStatus != AccountStatus::Active && t.declared == 0) {
    t.health = Health::Waiting;
    t.statusText =
        msg::text("report.target.waitingAccount", {{"account", accountName(school.accountStatus)}});
    return;
  }
  if (t.pending > 0) {
    t.health = Health::Waiting;
    t.statusText = msg::text("report.target.pending", {{"count", t.pending}});
    return;
  }
  if (t.notYetDeclared > 0) {
    t.health = Health::Waiting;
    t.statusText = msg::text("report.target.toSend", {{"count", t.notYetDeclared}});
    return;
  }
  t.health = Health::Good;
  t.statusText = msg::text("report.target.done", {{"count", t.declared}});
}

void addReminders(ReportSchool& rs, const ReportSchoolInput& in, const ReportOptions& opt,
                  const std::string& configFile) {
  const School& school = *in.school;
  // The April/October window for 附件1, from `reminderLeadDays` before it opens.
  const ApplicationWindow w = nextEvaluationWindow(opt.today);
  const Date first{w.year, w.month, 1};
  const long until = w.openNow ? 0 : daysBetween(opt.today, first);
  if (w.openNow || until <= opt.reminderLeadDays) {
    std::size_t notApproved = 0;
    for (const auto& t : rs.targets) {
      for (const auto& e : t.evaluations) notApproved += e.state != EvaluationStatus::Approved;
    }
    const auto office = evaluationOfficeFor(school.level);
    Reminder r;
    r.kind = ReminderKind::EvaluationWindow;
    r.school = school.id;
    r.days = until;
    r.due = first.iso();
    // The window opens in April or October.
    const std::string when = w.month == 4 ? msg::text("report.month.april", {{"year", w.year}})
                                          : msg::text("report.month.october", {{"year", w.year}});
    const msg::Args args = {
        {"when", when}, {"days", until}, {"office", office.shortName}, {"count", notApproved}};
    if (w.openNow) {
      r.text = notApproved > 0 ? msg::text("report.reminder.window.open.notApproved", args)
                               : msg::text("report.reminder.window.open", args);
    } else {
      r.text = notApproved > 0 ? msg::text("report.reminder.window.soon.notApproved", args)
                               : msg::text("report.reminder.window.soon", args);
    }
    r.hint = msg::text("report.reminder.window.hint");
    rs.reminders.push_back(std::move(r));
  }
  // The school's 法人一证通 certificate.
  if (in.certificateDaysLeft && *in.certificateDaysLeft <= opt.reminderLeadDays) {
    const long left = *in.certificateDaysLeft;
    Reminder r;
    r.kind = ReminderKind::CertificateExpiring;
    r.school = school.id;
    r.days = left;
    r.due = in.certificateNotAfter;
    r.text = left < 0 ? msg::text("report.reminder.certificate.expired",
                                  {{"date", in.certificateNotAfter}})
                      : msg::text("report.reminder.certificate.expiring",
                                  {{"date", in.certificateNotAfter}, {"days", left}});
    r.hint = msg::text("report.reminder.certificate.hint");
    rs.reminders.push_back(std::move(r));
  }
  // Paused, quarantined, a failed key probe: each says what it is and what undoes it.
  if (rs.paused) {
    Reminder r;
    r.kind = ReminderKind::SchoolPaused;
    r.school = school.id;
    r.text = rs.pausedReason.empty()
                 ? msg::text("report.reminder.paused")
                 : msg::text("report.reminder.paused.reason", {{"reason", rs.pausedReason}});
    r.hint = msg::text("report.reminder.paused.hint", {{"path", school.jsonPath + ".enabled"}});
    rs.reminders.push_back(std::move(r));
  }
  if (rs.quarantine) {
    Reminder r;
    r.kind = ReminderKind::SchoolQuarantined;
    r.school = school.id;
    r.due = rs.quarantine->since;
    const auto since = shanghaiDateOf(rs.quarantine->since);
    r.days = since ? std::max(0L, daysBetween(*since, opt.today)) : 0;
    r.text = msg::text("report.reminder.quarantined",
                       {{"code", rs.quarantine->code}, {"since", shanghaiTimeText(rs.quarantine->since)}});
    r.hint = msg::text("report.reminder.quarantined.hint", {{"school", school.id}, {"config", configFile}});
    rs.reminders.push_back(std::move(r));
  }
  if (rs.probe && !rs.probe->ok && !rs.quarantine) {
    Reminder r;
    r.kind = ReminderKind::KeyProbeFailed;
    r.school = school.id;
    r.due = rs.probe->at;
    r.text = msg::text("report.reminder.probe_failed",
                       {{"code", rs.probe->code}, {"at", shanghaiTimeText(rs.probe->at)}});
    r.hint = msg::text("report.reminder.probe_failed.hint", {{"school", school.id}, {"config", configFile}});
    rs.reminders.push_back(std::move(r));
  }
  // The key's PIN, as the last pass that opened it saw it.
  if (rs.pin && rs.pin->low()) {
    const PinFact& pin = *rs.pin;
    const std::optional<int> left = pin.retriesLeft();
    Reminder r;
    r.kind = ReminderKind::PinLow;
    r.school = school.id;
    r.due = pin.at;
    const auto seen = shanghaiDateOf(pin.at);
    r.days = seen ? std::max(0L, daysBetween(*seen, opt.today)) : 0;
    if (pin.status.locked) {
      r.text = msg::text("report.reminder.pin.locked");
      r.hint = msg::text("report.reminder.pin.locked.hint");
    } else {
      const bool wrong = pin.code == "PIN_WRONG";
      if (pin.status.finalTry || left == 1) {
        r.text = wrong ? msg::text("report.reminder.pin.final.wrong")
                       : msg::text("report.reminder.pin.final");
      } else if (left) {
        r.text = wrong ? msg::text("report.reminder.pin.left.wrong", {{"left", *left}})
                       : msg::text("report.reminder.pin.left", {{"left", *left}});
      } else {
        r.text = wrong ? msg::text("report.reminder.pin.countLow.wrong")
                       : msg::text("report.reminder.pin.countLow");
      }
      r.hint = msg::text("report.reminder.pin.low.hint");
    }
    rs.reminders.push_back(std::move(r));
  }
  // Permission applications the centre has not decided for too long.
  for (const auto& t : rs.targets) {
    const auto& p = t.permission;
    if (p.state != PermissionState::UnderReview || p.waitingDays <= opt.applicationWaitDays)
      continue;
    Reminder r;
    r.kind = ReminderKind::ApplicationWaiting;
    r.school = school.id;
    r.targetKey = t.key;
    r.days = p.waitingDays;
    r.due = p.updatedAt;
    r.text =
        msg::text("report.reminder.application", {{"target", t.title}, {"days", p.waitingDays}});
    r.hint = p.applicationId.empty()
                 ? msg::text("explain.application.waiting")
                 : msg::text("explain.application.waiting.id", {{"id", p.applicationId}});
    rs.reminders.push_back(std::move(r));
  }
}

// The store's view of one school: fills the store parts of `rs`; false when a read failed.
struct StoreView {
  std::map<std::string, Application> applications;
  std::map<std::string, std::vector<StudentRecord>> records;  // by target key
};

bool readStore(StateStore& store, ReportSchool& rs, StoreView& view) {
  auto fail = [&](const Finding& f) {
    rs.problems.push_back(
        msg::text("report.problem.store", {{"code", f.code}, {"message", f.message}}));
    return false;
  };
  auto account = store.accountStatus(rs.id);
  if (!account) return fail(account.error());
  rs.accountStatus = *account;
  rs.account = *account ? accountStatusName(**account) : "";
  auto pin = store.fact(rs.id, "pin");
  if (!pin) return fail(pin.error());
  if (*pin) rs.pin = parsePinFact(**pin);  // an unreadable value is as good as none
  auto quarantine = store.fact(rs.id, "quarantine");
  if (!quarantine) return fail(quarantine.error());
  if (*quarantine) rs.quarantine = parseQuarantineFact(**quarantine);  // "": released
  auto probe = store.fact(rs.id, "probe");
  if (!probe) return fail(probe.error());
  if (*probe) rs.probe = parseProbeFact(**probe);
  auto last = store.lastPass(rs.id);
  if (!last) return fail(last.error());
  if (*last) rs.lastPass = passOf(**last);
  auto good = store.lastSuccessfulPass(rs.id);
  if (!good) return fail(good.error());
  if (*good) rs.lastSuccessfulPass = passOf(**good);
  auto intents = store.pendingIntents(rs.id);
  if (!intents) return fail(intents.error());
  rs.pendingIntents = intents->size();
  auto batches = store.openBatches(rs.id);
  if (!batches) return fail(batches.error());
  rs.openBatches = batches->size();
  auto apps = store.applications(rs.id);
  if (!apps) return fail(apps.error());
  for (auto& a : *apps) view.applications[a.targetKey] = std::move(a);
  auto students = store.students(rs.id, "");
  if (!students) return fail(students.error());
  for (auto& r : *students) view.records[r.targetKey].push_back(std::move(r));
  return true;
}

ReportTarget& targetFor(std::vector<ReportTarget>& targets, const std::string& key) {
  auto it = std::find_if(targets.begin(), targets.end(),
                         [&](const ReportTarget& t) { return t.key == key; });
  if (it != targets.end()) return *it;
  targets.emplace_back();
  targets.back().key = key;
  return targets.back();
}

void mergeReasons(std::vector<ReasonCount>& into, const std::vector<ReasonCount>& more) {
  for (const auto& rc : more) {
    auto it = std::find_if(into.begin(), into.end(),
                           [&](const ReasonCount& x) {
                             return x.code == rc.code && x.text == rc.text;
                           });
    if (it == into.end()) {
      into.push_back(rc);
    } else {
      it->count += rc.count;
    }
  }
}

ReportSchool buildSchool(const ReportSchoolInput& in, const ReportInputs& inputs,
                         const ReportOptions& opt) {
  const School& school = *in.school;
  const SchoolResult& ev = *in.evaluation;
  const int graduationYear = graduationYearOn(opt.today);
  ReportSchool rs;
  rs.id = school.id;
  rs.name = school.name;
  rs.level = schoolLevelConfigName(school.level);
  rs.levelName = schoolLevelName(school.level);
  rs.allowedLevel = allowedLevel(school.level);
  rs.students = ev.students.size();
  rs.certificateDaysLeft = in.certificateDaysLeft;
  rs.certificateNotAfter = in.certificateNotAfter;
  rs.paused = !school.enabled;
  rs.pausedReason = school.pausedReason;
  for (const auto& f : ev.findings) {
    if (f.severity == Severity::Warning) ++rs.findings.warnings;
    if (f.severity != Severity::Error) continue;
    ++rs.findings.errors;
    const std::string where = f.where.str();
    rs.findingLines.push_back((where.empty() ? "" : where + ": ") + f.message + " [" + f.code +
                              "]");
  }

  // The offline evaluation, grouped by the platform's target key.
  std::map<std::string, std::set<std::size_t>> eligibleByKey;
  for (const auto& tr : ev.targets) {
    const std::string key = targetKeyOf(tr.target);
    ReportTarget& t = targetFor(rs.targets, key);
    if (t.title.empty()) {
      t.title = targetTitle(tr.target);
      t.type = tr.target.type;
      t.typeName = typeNameOf(inputs.types, tr.target.type);
      if (tr.target.evaluationOrg) t.orgName = tr.target.evaluationOrg->name;
    }
    if (std::find(t.majors.begin(), t.majors.end(), tr.major) == t.majors.end()) {
      t.majors.push_back(tr.major);
    }
    // A type without 专业评估 (special-ability) lists none: nothing to wait for or remind of.
    if (tr.evaluationNeeded) {
      t.evaluations.push_back({tr.major, evaluationStatusConfigName(tr.target.evaluation.status),
                               evaluationStatusName(tr.target.evaluation.status),
                               tr.target.evaluation.opinionNo, tr.target.evaluation.status});
    }
    t.eligible += tr.eligible.size();
    eligibleByKey[key].insert(tr.eligible.begin(), tr.eligible.end());
    mergeReasons(t.excludedByReason, tr.excludedByReason());
    for (const auto& x : tr.excluded) {
      const Student& st = ev.students[x.student];
      ReportStudent s;
      s.maskedId = maskId(st.idNumber);
      s.name = maskName(st.name);
      s.where = whereOf(st);
      s.code = x.code();
      s.reason = x.text();
      s.hint = exclusionHint(x, graduationYear, tr.target.evaluation.status);
      if (x.reason == Exclusion::InvalidData) s.detail = rowDetail(ev, st);
      t.excluded.push_back(std::move(s));
    }
  }

  // The state store.
  bool storeOk = true;
  StoreView view;
  if (inputs.store != nullptr) {
    storeOk = readStore(*inputs.store, rs, view);
    rs.storeRead = storeOk;
  }
  rs.accountName = accountName(rs.accountStatus);
  // Roster students by the store's key, to name the students the platform rejected.
  std::map<std::string, std::size_t> byKey;
  if (inputs.store != nullptr && storeOk) {
    for (std::size_t i = 0; i < ev.students.size(); ++i) {
      const IdCheck id = studentIdentity(ev.students[i], opt.today).id;
      if (id.normalized.empty()) continue;
      byKey.emplace(inputs.store->studentKey(id.normalized), i);
    }
  }
  // Records of targets no longer in the configuration are shown too, so nothing disappears.
  for (const auto& [key, records] : view.records) {
    ReportTarget& t = targetFor(rs.targets, key);
    if (t.title.empty()) {
      t.title = msg::text("report.target.removed", {{"key", key}});
      t.type = "";
    }
  }
  const bool anyPass = rs.lastPass.has_value();
  std::vector<std::string> targetActions;
  for (auto& t : rs.targets) {
    const CertType* type = inputs.types ? inputs.types->find(t.type) : nullptr;
    if (auto it = view.applications.find(t.key); it != view.applications.end()) {
      t.permission = permissionOf(it->second, type, opt.today);
    }
    std::set<std::string> recorded;
    if (auto it = view.records.find(t.key); it != view.records.end()) {
      for (const auto& r : it->second) {
        recorded.insert(r.studentKey);
        ++t.declared;
        switch (r.result) {
          case DeclarationResult::Accepted:
            ++t.accepted;
            break;
          case DeclarationResult::Rejected:
            ++t.rejected;
            // DUPLICATE: the student is already declared for it (by an earlier batch or by
            // hand); nothing to do.
            if (r.reason != "DUPLICATE") ++t.rejectedToFix;
            break;
          case DeclarationResult::Pending:
          case DeclarationResult::Sent:
            ++t.pending;
            break;
        }
        if (r.result != DeclarationResult::Rejected) continue;
        ReportStudent s;
        s.maskedId = r.maskedId;
        if (auto found = byKey.find(r.studentKey); found != byKey.end()) {
          const Student& st = ev.students[found->second];
          s.name = maskName(st.name);
          s.where = whereOf(st);
        }
        s.code = r.reason;
        const ReasonText text = platformReasonText(r.reason);
        s.reason = text.text.empty() ? r.reason : text.text;
        s.hint = text.hint;
        t.rejectedStudents.push_back(std::move(s));
      }
    }
    for (std::size_t i : eligibleByKey[t.key]) {
      const IdCheck id = studentIdentity(ev.students[i], opt.today).id;
      const bool has = inputs.store != nullptr && storeOk && !id.normalized.empty() &&
                       recorded.contains(inputs.store->studentKey(id.normalized));
      t.notYetDeclared += has ? 0 : 1;
    }
    judgeTarget(t, rs, storeOk, anyPass, targetActions);
  }

  addReminders(rs, in, opt, inputs.config != nullptr ? inputs.config->file : std::string());

  // The school's health: its worst target, then what concerns the school as a whole.
  Health h = inputs.store == nullptr ? Health::NotStarted : Health::Good;
  auto worse = [&](Health x) { h = std::max(h, x); };
  for (const auto& t : rs.targets) worse(t.health);
  std::vector<std::string> actions;
  if (!storeOk) {
    worse(Health::Failed);
    actions.push_back(msg::text("report.action.storeFailed"));
  }
  if (rs.lastPass && rs.lastPass->kind == SchoolOutcomeKind::Failed) {
    worse(Health::Failed);
    actions.push_back(msg::text("report.action.passFailed", {{"summary", rs.lastPass->summary}}));
  }
  if (rs.lastPass && rs.lastPass->kind == SchoolOutcomeKind::Skipped) {
    worse(Health::Action);
    actions.push_back(msg::text("report.action.passSkipped"));
  }
  if (rs.findings.errors > 0) {
    worse(Health::Action);
    actions.push_back(msg::text("report.action.errors", {{"count", rs.findings.errors}}));
  }
  if (rs.targets.empty()) {
    worse(Health::Action);
    actions.push_back(msg::text("report.action.noTargets"));
  }
  if (rs.accountStatus == AccountStatus::PendingCentre) {
    worse(Health::Waiting);
    actions.push_back(msg::text("report.action.pendingCentre"));
  }
  actions.insert(actions.end(), targetActions.begin(), targetActions.end());
  for (const auto& r : rs.reminders) {
    if (r.kind == ReminderKind::EvaluationWindow) continue;  // a date to keep, not a problem
    if (r.kind == ReminderKind::SchoolPaused) continue;      // chosen by people, not a problem
    worse(Health::Action);
    actions.push_back(msg::text("report.action.reminder", {{"text", r.text}, {"hint", r.hint}}));
  }
  rs.actions = std::move(actions);
  rs.health = h;
  return rs;
}

}  // namespace

const char* healthName(Health h) {
  switch (h) {
    case Health::Good:
      return "OK";
    case Health::NotStarted:
      return "NOT_STARTED";
    case Health::Waiting:
      return "WAITING";
    case Health::Action:
      return "ACTION";
    case Health::Failed:
      return "FAILED";
  }
  return "?";
}

std::string healthLabel(Health h) {
  switch (h) {
    case Health::Good:
      return msg::text("report.health.OK");
    case Health::NotStarted:
      return msg::text("report.health.NOT_STARTED");
    case Health::Waiting:
      return msg::text("report.health.WAITING");
    case Health::Action:
      return msg::text("report.health.ACTION");
    case Health::Failed:
      return msg::text("report.health.FAILED");
  }
  return "?";
}

const char* permissionStateName(PermissionState s) {
  switch (s) {
    case PermissionState::Unknown:
      return "UNKNOWN";
    case PermissionState::Granted:
      return "GRANTED";
    case PermissionState::UnderReview:
      return "UNDER_REVIEW";
    case PermissionState::Rejected:
      return "REJECTED";
    case PermissionState::NotGranted:
      return "NOT_GRANTED";
  }
  return "?";
}

std::string permissionStateLabel(PermissionState s) {
  switch (s) {
    case PermissionState::Unknown:
      return msg::text("report.permission.UNKNOWN");
    case PermissionState::Granted:
      return msg::text("report.permission.GRANTED");
    case PermissionState::UnderReview:
      return msg::text("report.permission.UNDER_REVIEW");
    case PermissionState::Rejected:
      return msg::text("report.permission.REJECTED");
    case PermissionState::NotGranted:
      return msg::text("report.permission.NOT_GRANTED");
  }
  return "?";
}

const char* reminderKindName(ReminderKind k) {
  switch (k) {
    case ReminderKind::EvaluationWindow:
      return "EVALUATION_WINDOW";
    case ReminderKind::CertificateExpiring:
      return "CERTIFICATE_EXPIRING";
    case ReminderKind::ApplicationWaiting:
      return "APPLICATION_WAITING";
    case ReminderKind::PinLow:
      return "PIN_LOW";
    case ReminderKind::SchoolPaused:
      return "SCHOOL_PAUSED";
    case ReminderKind::SchoolQuarantined:
      return "SCHOOL_QUARANTINED";
    case ReminderKind::KeyProbeFailed:
      return "KEY_PROBE_FAILED";
  }
  return "?";
}

std::optional<int> PinFact::retriesLeft() const {
  if (!status.required) return std::nullopt;
  if (status.retriesLeft) return status.retriesLeft;
  if (status.locked) return 0;
  if (status.finalTry) return 1;
  return std::nullopt;
}

bool PinFact::low() const {
  if (!status.required) return false;
  const auto left = retriesLeft();
  return status.locked || status.finalTry || status.countLow || (left && *left <= kPinLowRetries);
}

std::string pinFactText(const PinFact& f) {
  const auto flag = [](bool b) { return b ? "1" : "0"; };
  std::string out =
      std::string("required=") + flag(f.status.required) +
      ";retries=" + (f.status.retriesLeft ? std::to_string(*f.status.retriesLeft) : "") +
      ";countLow=" + flag(f.status.countLow) + ";finalTry=" + flag(f.status.finalTry) +
      ";locked=" + flag(f.status.locked);
  // The code and the time are ours (finding codes, store times): no ';' in them.
  out += ";code=" + f.code + ";at=" + f.at;
  return out;
}

std::optional<PinFact> parsePinFact(std::string_view text) {
  PinFact f;
  bool any = false;
  while (!text.empty()) {
    const std::size_t semi = text.find(';');
    const std::string_view item = text.substr(0, semi);
    text = semi == std::string_view::npos ? std::string_view() : text.substr(semi + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view k = item.substr(0, eq);
    const std::string_view v = item.substr(eq + 1);
    const auto flag = [&](bool& b) {
      if (v != "0" && v != "1") return false;
      b = v == "1";
      return true;
    };
    bool ok = true;
    if (k == "required") {
      ok = flag(f.status.required);
    } else if (k == "retries") {
      if (!v.empty()) {
        auto n = number(v);
        ok = n && *n >= 0;
        if (ok) f.status.retriesLeft = *n;
      }
    } else if (k == "countLow") {
      ok = flag(f.status.countLow);
    } else if (k == "finalTry") {
      ok = flag(f.status.finalTry);
    } else if (k == "locked") {
      ok = flag(f.status.locked);
    } else if (k == "code") {
      f.code = std::string(v);
    } else if (k == "at") {
      f.at = std::string(v);
    }  // unknown keys: written by a newer zzjb; ignored
    if (!ok) return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  return f;
}

std::optional<PinFact> pinFactFromFinding(const Finding& finding, std::string_view at) {
  PinFact f;
  f.code = finding.code;
  f.at = std::string(at);
  const std::string& m = finding.message;
  const auto says = [&](std::string_view word) { return m.find(word) != std::string::npos; };
  if (finding.code == "PIN_LOCKED") {
    f.status.locked = true;
    f.status.retriesLeft = 0;
    return f;
  }
  if (finding.code == "PIN_FINAL_TRY") {
    f.status.finalTry = true;
    f.status.retriesLeft = 1;
    return f;
  }
  if (finding.code != "PIN_WRONG") return std::nullopt;
  // The count as the finding's argument {retriesLeft}, whatever the language of its message.
  for (const auto& arg : finding.args) {
    if (arg.name != "retriesLeft") continue;
    if (auto n = number(arg.value)) {
      f.status.retriesLeft = *n;
      f.status.locked = *n == 0;
      f.status.finalTry = *n == 1;
      f.status.countLow = true;  // a wrong PIN was just entered
      return f;
    }
  }
  // PKCS#11: the token's flags after the failed login.
  if (says("CKF_USER_PIN_LOCKED")) f.status.locked = true;
  if (says("CKF_USER_PIN_FINAL_TRY")) f.status.finalTry = true;
  if (says("CKF_USER_PIN_COUNT_LOW")) f.status.countLow = true;
  // A key file has neither: a wrong PIN there brings nothing closer to locking.
  return f;
}

// The PIN as the last pass saw it: "剩余 2 次重试机会（2026-11-28 03:09）".
std::string pinStateText(const PinFact& p) {
  std::string state;
  const auto left = p.retriesLeft();
  if (!p.status.required) {
    state = msg::text("report.pin.notRequired");
  } else if (p.status.locked) {
    state = msg::text("report.pin.locked");
  } else if (left) {
    state = msg::text("report.pin.left", {{"left", *left}});
  } else if (p.status.finalTry) {
    state = msg::text("report.pin.finalTry");
  } else if (p.status.countLow) {
    state = msg::text("report.pin.countLow");
  } else {
    state = msg::text("report.pin.ok");
  }
  if (p.at.empty()) return state;
  return msg::text("report.pin.seen", {{"state", state}, {"time", shanghaiTimeText(p.at)}});
}

long daysBetween(const Date& from, const Date& to) {
  return daysSinceEpoch(to) - daysSinceEpoch(from);
}

std::optional<Date> shanghaiDateOf(std::string_view utcTime) {
  auto t = shanghaiTimeOf(utcTime);
  if (!t) return std::nullopt;
  return t->date;
}

std::string shanghaiTimeText(std::string_view utcTime) {
  auto t = shanghaiTimeOf(utcTime);
  if (!t) return std::string(utcTime);
  return t->date.iso() + " " + twoDigits(t->hour) + ":" + twoDigits(t->minute);
}

Report buildReport(const ReportInputs& inputs, const ReportOptions& options) {
  Report r;
  r.today = options.today;
  r.graduationYear = graduationYearOn(options.today);
  r.generatedAt = options.generatedAt;
  r.storeExists = inputs.store != nullptr;
  r.notes = inputs.notes;
  if (inputs.config != nullptr) {
    r.configFile = inputs.config->file;
    r.statePath = inputs.config->statePath;
  }
  r.health = Health::Good;
  for (const auto& in : inputs.schools) {
    if (in.school == nullptr || in.evaluation == nullptr) continue;
    ReportSchool s = buildSchool(in, inputs, options);
    r.reminders.insert(r.reminders.end(), s.reminders.begin(), s.reminders.end());
    r.health = std::max(r.health, s.health);
    r.schools.push_back(std::move(s));
  }
  if (r.schools.empty()) r.health = Health::NotStarted;
  return r;
}

}  // namespace zzjb
