// What the steps of a pass share (PassContext): the store's views of a target, failures and
// phases, events for the caller, and the waits through the clock.
#include <algorithm>

#include "engine_internal.hpp"

namespace zzjb::engine_detail {

PassContext::PassContext(const SchoolInput& in, const EngineServices& services,
                         const EngineOptions& options)
    : school(*in.school),
      eval(*in.evaluation),
      svc(services),
      opt(options),
      keyId(in.keyId),
      store(*services.store),
      platform(services.platform) {}

void PassContext::supersede(const IntentState& in, const std::string& why) {
  warn(in.intent.targetKey,
       msg::text("run.warn.superseded", {{"step", in.intent.step}, {"why", why}}));
  IntentResponse superseded;
  superseded.status = IntentStatus::Superseded;
  superseded.reason = why;
  if (auto r = store.recordResponse(in.intent.key, superseded); !r) {
    storeFailed(r.error());
  }
}

bool PassContext::refreshRecords(TargetWork& t) {
  auto recs = store.students(school.id, t.key);
  if (!recs) {
    if (!stopped()) storeFailed(recs.error());
    return false;
  }
  t.records.clear();
  t.records.reserve(recs->size());
  t.recordsRead = true;
  for (auto& r : *recs) {
    std::string k = r.studentKey;
    t.records.emplace(std::move(k), std::move(r));
  }
  return true;
}

void PassContext::ensureStudentKeys(TargetWork& t) {
  if (t.studentKeys.size() == t.eligible.size()) return;
  t.studentKeys.clear();
  for (const StudentRef& s : t.eligible) t.studentKeys.push_back(store.studentKey(s.id));
}

bool PassContext::allFinal(TargetWork& t) {
  ensureStudentKeys(t);
  std::vector<const StudentRef*> correctable;
  for (std::size_t i = 0; i < t.eligible.size(); ++i) {
    auto it = t.records.find(t.studentKeys[i]);
    if (it == t.records.end() || !isFinal(it->second.result)) return false;
    if (it->second.result == DeclarationResult::Rejected &&
        isCorrectableRejection(it->second.reason)) {
      correctable.push_back(&t.eligible[i]);
    }
  }
  // A row rejected for what the roster fixes is final until the row is corrected. Only those
  // rows can be declared again: the store is asked about them alone, with what would be
  // declared for them now (a fingerprint does not depend on the row's place in the sheet).
  if (correctable.empty()) return true;
  auto sheet = buildSheet(school, t, correctable, opt.today);
  const bool built = sheet && sheet->rows.size() == correctable.size();
  std::vector<StudentEntry> candidates;
  candidates.reserve(correctable.size());
  for (std::size_t i = 0; i < correctable.size(); ++i) {
    candidates.push_back({correctable[i]->id, trim(correctable[i]->student->graduationYear),
                          built ? rowFingerprint(svc, *sheet, i) : std::string()});
  }
  auto notYet = store.studentsNotYetDeclared(school.id, t.key, candidates);
  if (!notYet) {
    if (!stopped()) storeFailed(notYet.error());
    return false;
  }
  return notYet->empty();
}

void PassContext::ensureFingerprints(TargetWork& t) {
  if (t.fingerprinted) return;
  t.fingerprinted = true;
  t.fingerprints.assign(t.eligible.size(), std::string());
  std::vector<const StudentRef*> all;
  for (const StudentRef& s : t.eligible) all.push_back(&s);
  // A sheet that cannot be built leaves the fingerprints unknown (""): declare() reports why.
  auto sheet = buildSheet(school, t, all, opt.today);
  if (!sheet || sheet->rows.size() != all.size()) return;
  for (std::size_t i = 0; i < all.size(); ++i) {
    t.fingerprints[i] = rowFingerprint(svc, *sheet, i);
  }
}

bool PassContext::refreshNotYet(TargetWork& t) {
  ensureFingerprints(t);
  std::vector<StudentEntry> candidates;
  candidates.reserve(t.eligible.size());
  for (std::size_t i = 0; i < t.eligible.size(); ++i) {
    candidates.push_back(
        {t.eligible[i].id, trim(t.eligible[i].student->graduationYear), t.fingerprints[i]});
  }
  auto notYet = store.studentsNotYetDeclared(school.id, t.key, candidates);
  if (!notYet) {
    if (!stopped()) storeFailed(notYet.error());
    return false;
  }
  t.notYet = std::move(*notYet);
  return true;
}

bool PassContext::storeFailed(const Finding& f) {
  Finding copy = f;
  if (copy.school.empty()) copy.school = school.id;
  warn("", msg::text("run.warn.store", {{"code", copy.code}, {"message", copy.message}}));
  out.findings.push_back(std::move(copy));
  stop = StopReason::StoreFailed;
  return true;
}

bool PassContext::platformFailed(const PlatformFailure& f, TargetWork* t, bool finalStops) {
  warn(t != nullptr ? std::string_view(t->key) : std::string_view(), f.describe());
  if (f.kind == PlatformFailureKind::Final && !finalStops) {
    Finding finding;
    finding.code = "PLATFORM_" + (f.code.empty() ? std::string("REFUSED") : f.code);
    FailureText text = explainPlatformFailure(f, {opt.configFile, school.id});
    finding.message = text.text;
    finding.hint = text.hint;
    finding.school = school.id;
    finding.args = {{"code", f.code},
                    {"message", f.message},
                    {"endpoint", f.endpoint},
                    {"requestId", f.requestId}};
    if (t != nullptr) {
      failTarget(*t, text.text, finding.hint, finding);
      return false;
    }
    refused = true;
    out.findings.push_back(std::move(finding));
    return false;
  }
  out.failure = f;
  stop = StopReason::PlatformFailed;
  return true;
}

void PassContext::failTarget(TargetWork& t, const std::string& detail, const std::string& hint,
                             std::optional<Finding> finding) {
  t.failed = true;
  refused = true;
  setPhase(t, TargetPhase::Failed, detail, hint);
  if (finding) {
    if (finding->school.empty()) finding->school = school.id;
    out.findings.push_back(std::move(*finding));
  }
}

void PassContext::setPhase(TargetWork& t, TargetPhase p, std::string detail, std::string hint) {
  t.out.phase = p;
  t.out.detail = std::move(detail);
  t.out.hint = std::move(hint);
  t.phaseSet = true;
}

void PassContext::warn(std::string_view targetKey, const std::string& message) {
  emit(EngineEvent::Kind::Warning, targetKey, message);
}

void PassContext::emit(EngineEvent::Kind kind, std::string_view targetKey, std::string message,
                       std::size_t count, std::size_t total) {
  if (!svc.onEvent) return;
  EngineEvent e;
  e.kind = kind;
  e.school = school.id;
  e.targetKey = std::string(targetKey);
  e.message = std::move(message);
  e.count = count;
  e.total = total;
  svc.onEvent(e);
}

void PassContext::checkpoint(std::string_view point) {
  if (opt.checkpoint) opt.checkpoint(point);
}

void PassContext::sleepMs(std::int64_t ms) {
  svc.clock->sleepFor(std::chrono::milliseconds(ms));
}

TargetWork* PassContext::findTarget(std::string_view key) {
  auto it = std::find_if(targets.begin(), targets.end(),
                         [&](const TargetWork& t) { return t.key == key; });
  return it == targets.end() ? nullptr : &*it;
}

std::string PassContext::keyFor(std::string_view step, std::string_view targetKey,
                                std::string_view content) const {
  return idempotencyKey(svc, step, school.creditCode, targetKey, content);
}

}  // namespace zzjb::engine_detail
