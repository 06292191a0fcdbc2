// One pass over one school (engine.hpp): the plan (step 0: is anything missing?), the steps in
// order — log in, look up unanswered intents, the account, the batches open from before, the
// permissions, the declarations, then waiting for what is open, all of it together — the dry
// run (what would be sent, from the store's view), and the end (phases, totals, the outcome, the
// pass record). Every creating call is preceded by a committed intent and followed by the
// recorded answer; failures become the outcome, never an exception.
#include <algorithm>
#include <map>
#include <utility>

#include "engine_internal.hpp"

namespace zzjb::engine_detail {

namespace {

// Why the pass stopped before this target, and what to do: by what stopped it, so that an
// expired certificate does not read like a network outage (explainPlatformFailure).
std::pair<std::string, std::string> stopText(StopReason why,
                                             const std::optional<PlatformFailure>& f,
                                             const FailureContext& where) {
  if (why == StopReason::Internal) {
    return {msg::text("run.stop.internal"), msg::text("run.stop.internal.hint")};
  }
  if (why == StopReason::StoreFailed || !f) {
    return {msg::text("run.stop.store"), msg::text("run.stop.store.hint")};
  }
  FailureText t = explainPlatformFailure(*f, where);
  return {std::move(t.text), std::move(t.hint)};
}

}  // namespace

void Pass::adoptLegacyKeys() {
  // Records made before plugin ABI 2 are under keys without the type ("4-01-02-02/4/-"): each is
  // moved once to the one target of this pass it belongs to, so that nothing is declared twice.
  // A legacy key two targets share (two types of one occupation, level and organisation) is
  // left alone: which of them the records were for cannot be told.
  // Once per school: afterwards a fact says the school's records are all under typed keys.
  static constexpr std::string_view kFact = "targetKeys";
  static constexpr std::string_view kTyped = "typed";  // not-text: a stored value
  auto done = cx_.store.fact(cx_.school.id, kFact);
  if (!done) {
    cx_.storeFailed(done.error());
    return;
  }
  if (done->has_value() && **done == kTyped) return;
  std::map<std::string, int> uses;
  for (const TargetWork& t : cx_.targets) {
    std::string legacy = legacyTargetKeyOf(*t.target);
    if (!legacy.empty()) ++uses[legacy];
  }
  for (const TargetWork& t : cx_.targets) {
    std::string legacy = legacyTargetKeyOf(*t.target);
    if (legacy.empty() || uses[legacy] != 1) continue;
    if (auto r = cx_.store.renameTarget(cx_.school.id, legacy, t.key); !r) {
      cx_.storeFailed(r.error());
      return;
    }
  }
  // A dry run leaves the store as it found it (its store is a scratch copy anyway).
  if (cx_.opt.dryRun) return;
  if (auto r = cx_.store.putFact(cx_.school.id, kFact, kTyped); !r) cx_.storeFailed(r.error());
}

bool Pass::login() {
  cx_.emit(EngineEvent::Kind::Step, "", msg::text("run.step.login"));
  auto s = cx_.platform->login();
  if (!s) {
    cx_.platformFailed(s.error(), nullptr, true);
    return false;
  }
  cx_.out.loggedIn = true;
  return true;
}

void Pass::resolvePending() {
  if (cx_.stopped()) return;
  auto pending = cx_.store.pendingIntents(cx_.school.id);
  if (!pending) {
    cx_.storeFailed(pending.error());
    return;
  }
  if (pending->empty()) return;
  cx_.emit(EngineEvent::Kind::Step, "", msg::text("run.step.pending"), pending->size());
  for (const IntentState& in : *pending) {
    if (cx_.stopped()) return;
    if (in.intent.step == "account") {
      account_.resolve(in);
    } else if (in.intent.step == "application") {
      permissions_.resolve(in);
    } else if (in.intent.step == "batch") {
      declarations_.resolve(in);
    } else {
      cx_.warn(in.intent.targetKey, msg::text("run.warn.unknown_step", {{"step", in.intent.step}}));
    }
  }
}

Pass::Pass(const SchoolInput& in, const EngineServices& svc, const EngineOptions& opt)
    : cx_(in, svc, opt),
      polling_(cx_),
      permissions_(cx_, polling_),
      declarations_(cx_, polling_),
      account_(cx_) {
  polling_.bind(permissions_, declarations_);
}

SchoolOutcome Pass::run() {
  startedAt_ = cx_.svc.clock->nowUtc();
  cx_.out.school = cx_.school.id;
  cx_.emit(EngineEvent::Kind::SchoolStarted, "", cx_.school.name);
  cx_.targets = buildTargets(cx_.eval, cx_.svc.types, cx_.opt.today);
  adoptLegacyKeys();
  auto errors = static_cast<std::size_t>(
      std::count_if(cx_.eval.findings.begin(), cx_.eval.findings.end(),
                    [](const Finding& f) { return f.severity == Severity::Error; }));
  if (errors > 0) {
    cx_.out.kind = SchoolOutcomeKind::Skipped;
    Finding f = makeFinding(Severity::Error, FindingKind::Data, "SCHOOL_DATA_ERRORS", {},
                            {{"count", errors}});
    f.school = cx_.school.id;
    cx_.out.findings.push_back(std::move(f));
    if (!cx_.opt.dryRun) recordPass();
    cx_.emit(EngineEvent::Kind::SchoolFinished, "", schoolOutcomeName(cx_.out.kind));
    return cx_.out;
  }
  missing_ = plan();
  if (!cx_.stopped() && missing_) {
    if (cx_.opt.dryRun) {
      dryRun();
    } else if (cx_.platform == nullptr) {
      cx_.storeFailed(configError("ENGINE_NO_PLATFORM"));
    } else {
      online_ = true;
      if (login()) {
        resolvePending();
        const bool active = !cx_.stopped() && account_.ensure();
        polling_.pollOpenBatches();
        if (active) {
          permissions_.ensure();
          declarations_.declareAll();
        }
        polling_.wait();
      }
    }
  }
  finish();
  return cx_.out;
}

SchoolOutcome Pass::abandon(const std::string& what) {
  Finding f = configError("ENGINE_INTERNAL", {{"what", what}});
  f.school = cx_.school.id;
  cx_.out.findings.push_back(std::move(f));
  cx_.stop = StopReason::Internal;
  finish();
  return cx_.out;
}

bool Pass::plan() {
  auto pending = cx_.store.pendingIntents(cx_.school.id);
  if (!pending) return !cx_.storeFailed(pending.error());
  auto open = cx_.store.openBatches(cx_.school.id);
  if (!open) return !cx_.storeFailed(open.error());
  auto account = cx_.store.accountStatus(cx_.school.id);
  if (!account) return !cx_.storeFailed(account.error());
  bool missing = !pending->empty() || !open->empty() || *account != AccountStatus::Active;
  for (TargetWork& t : cx_.targets) {
    if (!cx_.refreshRecords(t)) return false;
    t.planFinal = !t.eligible.empty() && cx_.allFinal(t);
    if (!t.eligible.empty() && !t.planFinal) missing = true;
    if (cx_.stopped()) return false;
  }
  return missing;
}

void Pass::dryRun() {
  auto pending = cx_.store.pendingIntents(cx_.school.id);
  if (!pending) {
    cx_.storeFailed(pending.error());
    return;
  }
  bool accountPending = false;
  for (const IntentState& in : *pending) {
    accountPending = accountPending || in.intent.step == "account";
    const bool forTarget = !in.intent.targetKey.empty();
    const char* code = forTarget ? "run.dry.lookup.target" : "run.dry.lookup";
    if (in.intent.step == "account") code = "run.dry.lookup.account";
    if (in.intent.step == "application") code = "run.dry.lookup.application";
    if (in.intent.step == "batch") code = "run.dry.lookup.batch";
    cx_.out.wouldSend.push_back(
        msg::text(code, {{"step", in.intent.step}, {"target", in.intent.targetKey}}));
  }
  auto account = cx_.store.accountStatus(cx_.school.id);
  if (!account) {
    cx_.storeFailed(account.error());
    return;
  }
  const std::optional<AccountStatus> status = *account;
  if (!status && !accountPending) {
    cx_.out.wouldSend.push_back(msg::text("run.dry.account.if_unregistered"));
  } else if (status == AccountStatus::NotRegistered && !accountPending) {
    cx_.out.wouldSend.push_back(msg::text("run.dry.account"));
  }
  for (TargetWork& t : cx_.targets) {
    if (t.eligible.empty()) continue;
    if (status == AccountStatus::PendingCentre) {
      cx_.setPhase(t, TargetPhase::WaitingForAccount, msg::text("run.phase.account_pending"),
                   msg::text("run.dry.nothing_sent"));
      continue;
    }
    if (!cx_.refreshNotYet(t)) return;
    if (t.notYet.empty()) continue;
    auto app = cx_.store.application(cx_.school.id, t.key);
    if (!app) {
      cx_.storeFailed(app.error());
      return;
    }
    bool permitted = (app->has_value() && isGranted((*app)->status)) ||
                     (t.type != nullptr && t.type->info.permission == plugin::Permission::None);
    if (!permitted && t.type != nullptr && t.type->appliedOnline()) {
      if (!app->has_value()) {
        t.out.wouldSend.push_back(msg::text("run.dry.application", {{"target", t.out.label}}));
      } else if ((*app)->status == ApplicationStatus::Rejected) {
        permissions_.explainRejection(t, (*app)->reason);
        continue;
      } else {
        cx_.setPhase(t, TargetPhase::PermissionUnderReview,
                     msg::text("run.phase.under_review.dry", {{"id", (*app)->applicationId}}),
                     msg::text("run.dry.nothing_sent"));
      }
    } else if (!permitted && t.type != nullptr && app->has_value() &&
               (*app)->status == ApplicationStatus::NotGranted) {
      cx_.setPhase(t, TargetPhase::PermissionNotGranted, notGrantedText(*t.type),
                   msg::text("run.dry.nothing_sent"));
    }
    const std::size_t chunk = std::max<std::size_t>(1, cx_.opt.maxBatchRows);
    for (std::size_t from = 0; from < t.notYet.size(); from += chunk) {
      std::size_t n = std::min(chunk, t.notYet.size() - from);
      t.out.wouldSend.push_back(
          msg::text(permitted ? "run.dry.batch" : "run.dry.batch.after_permission",
                    {{"rows", n}, {"target", t.key}}));
    }
  }
}

void Pass::finish() {
  cx_.out.targets.clear();
  bool waiting = false;
  for (TargetWork& t : cx_.targets) {
    // Offline (up to date, dry run) the store is as plan() read it: no second read.
    bool fresh = online_ ? cx_.refreshRecords(t) : t.recordsRead;
    if (fresh) {
      t.out.accepted = t.out.rejected = t.out.pending = 0;
      for (const auto& [k, r] : t.records) {
        if (r.result == DeclarationResult::Accepted)
          ++t.out.accepted;
        else if (r.result == DeclarationResult::Rejected)
          ++t.out.rejected;
        else
          ++t.out.pending;
      }
    }
    if (!t.phaseSet) {
      if (t.eligible.empty()) {
        cx_.setPhase(t, TargetPhase::NoEligibleStudents, msg::text("run.phase.no_eligible"),
                     msg::text("run.phase.no_eligible.hint"));
      } else if (fresh && (online_ ? cx_.allFinal(t) : t.planFinal)) {
        cx_.setPhase(t, TargetPhase::UpToDate, msg::text("run.phase.up_to_date"));
      } else if (cx_.stopped()) {
        const auto [detail, hint] = stopText(cx_.stop, cx_.out.failure, {cx_.opt.configFile, cx_.school.id});
        cx_.setPhase(t, TargetPhase::Failed, detail, hint);
      } else if (cx_.opt.dryRun) {
        cx_.setPhase(t, TargetPhase::Declaring,
                     msg::text("run.phase.declaring.dry", {{"count", t.notYet.size()}}));
      } else {
        cx_.setPhase(t, TargetPhase::Declaring,
                     msg::text("run.phase.declaring", {{"count", t.out.pending}}),
                     msg::text("run.phase.declaring.hint"));
      }
    }
    bool waits =
        isWaitingPhase(t.out.phase) && !(cx_.opt.dryRun && t.out.phase == TargetPhase::Declaring);
    waiting = waiting || waits;
    cx_.emit(EngineEvent::Kind::TargetFinished, t.key, targetPhaseName(t.out.phase));
    cx_.out.targets.push_back(t.out);
  }
  if (cx_.stopped() || cx_.refused) {
    cx_.out.kind = SchoolOutcomeKind::Failed;
  } else if (waiting) {
    cx_.out.kind = SchoolOutcomeKind::Waiting;
  } else if (cx_.opt.dryRun) {
    cx_.out.kind = missing_ ? SchoolOutcomeKind::Progressed : SchoolOutcomeKind::UpToDate;
  } else if (cx_.out.creatingRequests > 0 || cx_.progressed) {
    cx_.out.kind = SchoolOutcomeKind::Progressed;
  } else {
    cx_.out.kind = SchoolOutcomeKind::UpToDate;
  }
  if (!cx_.opt.dryRun) recordPass();
  cx_.emit(EngineEvent::Kind::SchoolFinished, "", schoolOutcomeName(cx_.out.kind));
}

void Pass::recordPass() {
  PassRecord p;
  p.school = cx_.school.id;
  p.startedAt = startedAt_;
  p.finishedAt = cx_.svc.clock->nowUtc();
  p.outcome = cx_.out.kind;
  p.summary = cx_.out.summary();
  p.creatingRequests = cx_.out.creatingRequests;
  if (auto r = cx_.store.recordPass(p); !r) {
    Finding f = r.error();
    f.school = cx_.school.id;
    cx_.out.findings.push_back(std::move(f));
    cx_.out.kind = SchoolOutcomeKind::Failed;
  }
}

}  // namespace zzjb::engine_detail
