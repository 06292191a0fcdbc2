// `zzjb store rebuild`: what the platform holds, read with each school's own key and client (as a
// pass opens them), written into the store target by target (StateStore::reconcileTarget).
#include "zzjb/app/store_rebuild.hpp"

#include "zzjb/app/school_health.hpp"

#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "zzjb/app/exit_code_policy.hpp"
#include "zzjb/app/inputs.hpp"
#include "zzjb/core/cert_types.hpp"
#include "zzjb/core/eligibility.hpp"

namespace zzjb::app {
namespace {

// The school's configured targets by key (targets of two majors with one key are one).
std::map<std::string, const Target*> targetsOf(const School& school) {
  std::map<std::string, const Target*> out;
  for (const Major& m : school.majors) {
    for (const Target& t : m.targets) out.emplace(targetKeyOf(t), &t);
  }
  return out;
}

// The configured targets a platform batch can be for: the same ability, or the same occupation
// and level (the platform's batch names no organisation).
std::vector<std::string> targetsFor(const BatchState& b,
                                    const std::map<std::string, const Target*>& targets) {
  std::vector<std::string> keys;
  for (const auto& [key, t] : targets) {
    const bool same = b.abilityCode.empty()
                          ? t->abilityCode.empty() && t->occupationCode == b.occupationCode &&
                                t->level == b.level
                          : t->abilityCode == b.abilityCode;
    if (same) keys.push_back(key);
  }
  return keys;
}

Finding schoolFinding(const Config& config, Severity severity, std::string code,
                      const School& school, msg::Args args) {
  args.emplace_back("school", school.id);
  return makeFinding(severity, FindingKind::Data, std::move(code),
                     {config.file, 0, "", school.jsonPath},
                     std::move(args));
}

// ID numbers as the store and the platform compare them: no spaces, letters upper-case.
std::string comparable(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// The graduation year (the cohort purgeCohort removes) of each student in the school's rosters,
// by ID number. The platform's batch listing does not say it; a roster that cannot be read adds
// nothing (`zzjb check` reports it).
std::map<std::string, std::string> cohorts(const School& school) {
  std::map<std::string, std::string> out;
  for (const RosterInput& roster : readRosters(school)) {
    if (!roster.table) continue;
    std::vector<Finding> ignored;
    for (const Student& st : studentsFromTable(*roster.table, ignored)) {
      std::string year = comparable(st.graduationYear);
      if (!year.empty()) out.emplace(comparable(st.idNumber), std::move(year));
    }
  }
  return out;
}

// What one target holds on the platform, from its batches' rows.
struct TargetOnPlatform {
  std::vector<PlatformBatchRef> batches;
  std::map<std::string, PlatformStudent> students;  // by ID number
};

// The platform's final word on a student: an ACCEPTED row wins (a later REJECTED is a repeat's
// DUPLICATE); otherwise the latest row.
void take(TargetOnPlatform& t, const BatchState& b, const BatchRow& row) {
  if (row.idNumber.empty()) return;  // a row the platform could not read (CELL_INVALID)
  PlatformStudent s;
  s.idNumber = row.idNumber;
  s.result = row.result == RowResult::Accepted ? DeclarationResult::Accepted
                                               : DeclarationResult::Rejected;
  s.reason = row.reason;
  s.declarationNo = row.declarationNo;
  s.batchId = b.batchId;
  auto [it, added] = t.students.try_emplace(row.idNumber, s);
  if (added) return;
  if (it->second.result == DeclarationResult::Accepted &&
      s.result != DeclarationResult::Accepted) {
    return;
  }
  it->second = std::move(s);
}

void rebuildSchool(const Config& config, const School& school, const PassEnvironment& env,
                   StateStore& store, RebuildSchool& out, int& exitCode) {
  auto fail = [&](int code) { exitCode = ExitCodePolicy::worse(exitCode, code); };
  auto connected = connectSchool(env, config, school, env.clock->today());
  if (!connected) {
    out.findings.push_back(connected.error().finding);
    fail(connected.error().key ? kExitNoPerm : kExitConfig);
    return;
  }
  auto& client = connected->client;
  auto platformFailed = [&](const PlatformFailure& f) {
    out.failure = f;
    SchoolOutcome o;
    o.kind = SchoolOutcomeKind::Failed;
    o.failure = f;
    fail(ExitCodePolicy::forSchool(o));
  };
  if (auto session = client->login(); !session) return platformFailed(session.error());
  auto account = client->account();
  if (!account) return platformFailed(account.error());
  out.account = account->registered ? account->status : AccountStatus::NotRegistered;
  if (auto r = store.putAccountStatus(school.id, *out.account); !r) {
    out.findings.push_back(r.error());
    fail(kExitTempFail);
    return;
  }
  auto listed = client->listBatches();
  if (!listed) return platformFailed(listed.error());
  out.batches = listed->size();

  const auto targets = targetsOf(school);
  const auto years = cohorts(school);
  std::map<std::string, TargetOnPlatform> onPlatform;
  std::set<std::string> ambiguous;  // targets a batch could be for, left alone
  for (const BatchState& b : *listed) {
    const std::vector<std::string> keys = targetsFor(b, targets);
    const std::string what = b.abilityCode.empty()
                                 ? b.occupationCode + "/" + std::to_string(b.level)
                                 : b.abilityCode;
    if (keys.empty()) {
      out.findings.push_back(schoolFinding(config, Severity::Warning, "STORE_REBUILD_BATCH_UNMATCHED",
                                           school, {{"batch", b.batchId}, {"what", what}}));
      continue;
    }
    if (keys.size() > 1) {
      out.findings.push_back(schoolFinding(config, Severity::Warning, "STORE_REBUILD_BATCH_AMBIGUOUS",
                                           school, {{"batch", b.batchId}, {"what", what}}));
      ambiguous.insert(keys.begin(), keys.end());
      continue;
    }
    TargetOnPlatform& t = onPlatform[keys.front()];
    t.batches.push_back({b.batchId, b.status});
    for (const BatchRow& row : b.rows) take(t, b, row);
  }
  for (const auto& [targetKey, target] : targets) {
    RebuildTarget rt;
    rt.targetKey = targetKey;
    rt.title = targetTitle(*target);
    if (ambiguous.contains(targetKey)) {
      out.targets.push_back(std::move(rt));
      continue;
    }
    const TargetOnPlatform& held = onPlatform[targetKey];
    std::vector<PlatformStudent> students;
    students.reserve(held.students.size());
    for (const auto& [id, s] : held.students) {
      students.push_back(s);
      if (auto year = years.find(comparable(id)); year != years.end()) {
        students.back().graduationYear = year->second;
      }
    }
    auto counts = store.reconcileTarget(school.id, targetKey, held.batches, students);
    if (!counts) {
      out.findings.push_back(counts.error());
      fail(kExitTempFail);
      out.targets.push_back(std::move(rt));
      continue;
    }
    rt.reconciled = true;
    rt.counts = *counts;
    out.targets.push_back(std::move(rt));
  }
}

}  // namespace

RebuildResult rebuildStore(const Config& config, const std::optional<std::string>& school,
                           const PassEnvironment& env) {
  RebuildResult result;
  StoreLockHold lock = lockStore(config.statePath, config.file);
  if (!lock.held) {
    result.findings.push_back(makeFinding(Severity::Error, FindingKind::Config,
                                          lock.busy ? "STORE_REBUILD_LOCK_BUSY"
                                                    : "STORE_REBUILD_LOCK_REFUSED",
                                          {config.file, 0, "", "$.state.path"},
                                          {{"error", lock.error}}));
    result.exitCode = lock.busy ? kExitTempFail : kExitConfig;
    return result;
  }
  auto store = env.openStore(config.statePath);
  if (!store) {
    result.findings.push_back(store.error());
    result.exitCode = kExitTempFail;
    return result;
  }
  for (const School& s : config.schools) {
    if (school && s.id != *school) continue;
    RebuildSchool out;
    out.school = s.id;
    // A paused school is not logged in for, and a quarantined identity is not tried (its wrong PIN
    // would be tried again): both are said, and left for when they are resumed or released.
    bool released = false;
    auto held = heldQuarantine(**store, config, s, released);
    if (!s.enabled || (held && *held)) {
      Finding f = !s.enabled
                      ? makeFinding(Severity::Info, FindingKind::Config, "SCHOOL_PAUSED",
                                    {config.file, 0, "", s.jsonPath + ".enabled"},
                                    {{"reason", s.pausedReason.empty() ? std::string("-") : s.pausedReason}})
                      : makeFinding(Severity::Warning, FindingKind::Config, "STORE_REBUILD_QUARANTINED",
                                    {config.file, 0, "", s.jsonPath + ".identity"},
                                    {{"code", (*held)->code}, {"school", s.id}, {"config", config.file}});
      f.school = s.id;
      out.findings.push_back(std::move(f));
      result.schools.push_back(std::move(out));
      continue;
    }
    rebuildSchool(config, s, env, **store, out, result.exitCode);
    result.schools.push_back(std::move(out));
  }
  return result;
}

}  // namespace zzjb::app
