// The offline parts of a pass: the plan (step 0: is anything missing?), the dry run (what would be
// sent, from the store's view), and the end (phases, totals, the outcome, the pass record).
#include <algorithm>

#include <utility>

#include "engine_internal.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb::engine_detail {

namespace {

// Why the pass stopped before this target, and what to do: by what stopped it, so that an
// expired certificate does not read like a network outage.
std::pair<std::string, std::string> stopText(const std::optional<PlatformFailure>& f) {
  if (!f) return {"本轮因状态库错误中止", "检查状态库文件与磁盘空间后重新运行"};
  const std::string& c = f->code;
  if (c == "CANCELLED") return {"本轮按要求停止，已记录的结果保留", "下一轮从此处继续，无需处理"};
  if (c == "TLS") {
    return {"平台的 TLS 证书未通过验证，本轮中止",
            "检查配置中的 platform.caBundle 是否为平台（或 zzjb-mock）的证书"};
  }
  if (c == "TIMESTAMP_SKEW") return {"本机时钟与平台相差过大，本轮中止", "开启 NTP 对时（timedatectl）后重新运行"};
  if (c == "CERT_EXPIRED") return {"学校的法人一证通证书已过期或尚未生效，平台拒绝登录", "到 SHECA 办理证书更新后重新运行"};
  if (c == "CERT_UNTRUSTED" || c == "KEYID_MISMATCH" || c == "SIGNATURE_INVALID") {
    return {"平台不接受学校的证书或签名（" + c + "），本轮中止",
            "运行 zzjb identity check -c 配置文件 查看证书、keyID 与签名"};
  }
  switch (f->kind) {
    case PlatformFailureKind::Identity:
      return {"无法使用学校的 CA 密钥（" + c + "），本轮中止",
              "检查 USB 密钥是否插好、PIN 是否正确：zzjb identity check -c 配置文件"};
    case PlatformFailureKind::Protocol:
      return {"平台的应答不符合接口约定（" + c + "），本轮中止", "稍后自动重试；持续出现请联系平台或 zzjb 维护者"};
    case PlatformFailureKind::Final:
      return {"平台拒绝了请求（" + c + "）：" + f->message, "按提示修改后重新运行"};
    case PlatformFailureKind::Unavailable:
      break;
  }
  return {"本轮因平台暂时不可用中止，已记录的结果保留", "稍后自动重试；问题持续时检查网络与平台状态"};
}


}  // namespace

Pass::Pass(const SchoolInput& in, const EngineServices& svc, const EngineOptions& opt)
    : school_(*in.school),
      eval_(*in.evaluation),
      svc_(svc),
      opt_(opt),
      keyId_(in.keyId),
      store_(*svc.store),
      platform_(svc.platform) {}

SchoolOutcome Pass::run() {
  startedAt_ = svc_.clock->nowUtc();
  out_.school = school_.id;
  emit(EngineEvent::Kind::SchoolStarted, "", school_.name);
  targets_ = buildTargets(eval_, svc_.types, opt_.today);
  auto errors = static_cast<std::size_t>(
      std::count_if(eval_.findings.begin(), eval_.findings.end(),
                    [](const Finding& f) { return f.severity == Severity::Error; }));
  if (errors > 0) {
    out_.kind = SchoolOutcomeKind::Skipped;
    Finding f;
    f.code = "SCHOOL_DATA_ERRORS";
    f.message = std::to_string(errors) +
                " errors in the school's configuration or rosters: nothing was sent";
    f.hint = "run `zzjb check`, correct what it reports, then run again";
    f.school = school_.id;
    out_.findings.push_back(std::move(f));
    if (!opt_.dryRun) recordPass();
    emit(EngineEvent::Kind::SchoolFinished, "", schoolOutcomeName(out_.kind));
    return out_;
  }
  missing_ = plan();
  if (!stopped_ && missing_) {
    if (opt_.dryRun) {
      dryRun();
    } else if (platform_ == nullptr) {
      storeFailed(configFinding("ENGINE_NO_PLATFORM", "no platform client for an online pass",
                                "this is a bug in zzjb: please report it"));
    } else {
      online_ = true;
      if (login()) {
        resolvePending();
        ensureAccount();
        pollOpenBatches();
        ensurePermissions();
        declareAll();
        wait();
      }
    }
  }
  finish();
  return out_;
}

SchoolOutcome Pass::abandon(const std::string& what) {
  Finding f = configFinding("ENGINE_INTERNAL", "the pass stopped: " + what,
                            "run again; if it happens again, please report it");
  f.school = school_.id;
  out_.findings.push_back(std::move(f));
  stopped_ = true;
  finish();
  return out_;
}

// ---- step 0 ---------------------------------------------------------------------------------

bool Pass::refreshRecords(TargetWork& t) {
  auto recs = store_.students(school_.id, t.key);
  if (!recs) {
    if (!stopped_) storeFailed(recs.error());
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

bool Pass::ensureStudentKeys(TargetWork& t) {
  if (t.studentKeys.size() == t.eligible.size()) return true;
  t.studentKeys.clear();
  for (const StudentRef& s : t.eligible) t.studentKeys.push_back(store_.studentKey(s.id));
  return true;
}

bool Pass::allFinal(TargetWork& t) {
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
  auto sheet = buildSheet(school_, t, correctable, opt_.today);
  const bool built = sheet && sheet->rows.size() == correctable.size();
  std::vector<StudentEntry> candidates;
  candidates.reserve(correctable.size());
  for (std::size_t i = 0; i < correctable.size(); ++i) {
    candidates.push_back({correctable[i]->id, trim(correctable[i]->student->graduationYear),
                          built ? rowFingerprint(svc_, sheet->rows[i]) : std::string()});
  }
  auto notYet = store_.studentsNotYetDeclared(school_.id, t.key, candidates);
  if (!notYet) {
    if (!stopped_) storeFailed(notYet.error());
    return false;
  }
  return notYet->empty();
}

void Pass::ensureFingerprints(TargetWork& t) {
  if (t.fingerprinted) return;
  t.fingerprinted = true;
  t.fingerprints.assign(t.eligible.size(), std::string());
  std::vector<const StudentRef*> all;
  for (const StudentRef& s : t.eligible) all.push_back(&s);
  // A sheet that cannot be built leaves the fingerprints unknown (""): declare() reports why.
  auto sheet = buildSheet(school_, t, all, opt_.today);
  if (!sheet || sheet->rows.size() != all.size()) return;
  for (std::size_t i = 0; i < all.size(); ++i) {
    t.fingerprints[i] = rowFingerprint(svc_, sheet->rows[i]);
  }
}

bool Pass::refreshNotYet(TargetWork& t) {
  ensureFingerprints(t);
  std::vector<StudentEntry> candidates;
  candidates.reserve(t.eligible.size());
  for (std::size_t i = 0; i < t.eligible.size(); ++i) {
    candidates.push_back({t.eligible[i].id, trim(t.eligible[i].student->graduationYear),
                          t.fingerprints[i]});
  }
  auto notYet = store_.studentsNotYetDeclared(school_.id, t.key, candidates);
  if (!notYet) {
    if (!stopped_) storeFailed(notYet.error());
    return false;
  }
  t.notYet = std::move(*notYet);
  return true;
}

bool Pass::plan() {
  auto pending = store_.pendingIntents(school_.id);
  if (!pending) return !storeFailed(pending.error());
  auto open = store_.openBatches(school_.id);
  if (!open) return !storeFailed(open.error());
  auto account = store_.accountStatus(school_.id);
  if (!account) return !storeFailed(account.error());
  bool missing = !pending->empty() || !open->empty() || *account != AccountStatus::Active;
  for (TargetWork& t : targets_) {
    if (!refreshRecords(t)) return false;
    t.planFinal = !t.eligible.empty() && allFinal(t);
    if (!t.eligible.empty() && !t.planFinal) missing = true;
    if (stopped_) return false;
  }
  return missing;
}

// ---- dry run --------------------------------------------------------------------------------

void Pass::dryRun() {
  auto pending = store_.pendingIntents(school_.id);
  if (!pending) {
    storeFailed(pending.error());
    return;
  }
  bool accountPending = false;
  for (const IntentState& in : *pending) {
    accountPending = accountPending || in.intent.step == "account";
    std::string what = in.intent.step + (in.intent.targetKey.empty()
                                             ? std::string()
                                             : " for " + in.intent.targetKey);
    out_.wouldSend.push_back("look up the unanswered " + what + " by its idempotency key; "
                             "send it again if the platform does not have it");
  }
  auto account = store_.accountStatus(school_.id);
  if (!account) {
    storeFailed(account.error());
    return;
  }
  const std::optional<AccountStatus> status = *account;
  if (!status && !accountPending) {
    out_.wouldSend.push_back("PUT /api/v1/account (if GET /api/v1/account answers NOT_REGISTERED)");
  } else if (status == AccountStatus::NotRegistered && !accountPending) {
    out_.wouldSend.push_back("PUT /api/v1/account");
  }
  for (TargetWork& t : targets_) {
    if (t.eligible.empty()) continue;
    if (status == AccountStatus::PendingCentre) {
      setPhase(t, TargetPhase::WaitingForAccount, "开户申请待市职鉴中心受理，请将附件2盖章后递交",
               "试运行：未发送任何请求");
      continue;
    }
    if (!refreshNotYet(t)) return;
    if (t.notYet.empty()) continue;
    auto app = store_.application(school_.id, t.key);
    if (!app) {
      storeFailed(app.error());
      return;
    }
    bool permitted = app->has_value() && isGranted((*app)->status);
    if (!permitted && t.type != nullptr && t.type->appliedOnline()) {
      if (!app->has_value()) {
        t.out.wouldSend.push_back("POST /api/v1/skills/permission-applications: " + t.out.label);
      } else if ((*app)->status == ApplicationStatus::Rejected) {
        explainRejection(t, (*app)->reason);
        continue;
      } else {
        setPhase(t, TargetPhase::PermissionUnderReview,
                 "团体申报权限申请待市职鉴中心审核（申请编号 " + (*app)->applicationId + "）",
                 "试运行：未发送任何请求");
      }
    } else if (!permitted && t.type != nullptr && app->has_value() &&
               (*app)->status == ApplicationStatus::NotGranted) {
      setPhase(t, TargetPhase::PermissionNotGranted, t.type->info.permissionRequest,
               "试运行：未发送任何请求");
    }
    const std::size_t chunk = std::max<std::size_t>(1, opt_.maxBatchRows);
    for (std::size_t from = 0; from < t.notYet.size(); from += chunk) {
      std::size_t n = std::min(chunk, t.notYet.size() - from);
      t.out.wouldSend.push_back("POST /api/v1/skills/group-declarations: " + std::to_string(n) +
                                " rows for " + t.key +
                                (permitted ? "" : " (once the permission is granted)"));
    }
  }
}

// ---- the end --------------------------------------------------------------------------------

void Pass::finish() {
  out_.targets.clear();
  bool waiting = false;
  for (TargetWork& t : targets_) {
    // Offline (up to date, dry run) the store is as plan() read it: no second read.
    bool fresh = online_ ? refreshRecords(t) : t.recordsRead;
    if (fresh) {
      t.out.accepted = t.out.rejected = t.out.pending = 0;
      for (const auto& [k, r] : t.records) {
        if (r.result == DeclarationResult::Accepted) ++t.out.accepted;
        else if (r.result == DeclarationResult::Rejected) ++t.out.rejected;
        else ++t.out.pending;
      }
    }
    if (!t.phaseSet) {
      if (t.eligible.empty()) {
        setPhase(t, TargetPhase::NoEligibleStudents, "没有符合申报条件的学生",
                 "查看 zzjb check 列出的排除原因");
      } else if (fresh && (online_ ? allFinal(t) : t.planFinal)) {
        setPhase(t, TargetPhase::UpToDate, "所有符合条件的学生均已有平台的申报结果");
      } else if (stopped_) {
        const auto [detail, hint] = stopText(out_.failure);
        setPhase(t, TargetPhase::Failed, detail, hint);
      } else if (opt_.dryRun) {
        setPhase(t, TargetPhase::Declaring,
                 "试运行：将申报 " + std::to_string(t.notYet.size()) + " 人（未发送任何请求）");
      } else {
        setPhase(t, TargetPhase::Declaring,
                 "已提交平台处理，待处理 " + std::to_string(t.out.pending) + " 人",
                 "平台处理完毕后，下一轮记录每人的结果");
      }
    }
    bool waits = isWaitingPhase(t.out.phase) &&
                 !(opt_.dryRun && t.out.phase == TargetPhase::Declaring);
    waiting = waiting || waits;
    emit(EngineEvent::Kind::TargetFinished, t.key, targetPhaseName(t.out.phase));
    out_.targets.push_back(t.out);
  }
  if (stopped_ || targetFailed_) {
    out_.kind = SchoolOutcomeKind::Failed;
  } else if (waiting) {
    out_.kind = SchoolOutcomeKind::Waiting;
  } else if (opt_.dryRun) {
    out_.kind = missing_ ? SchoolOutcomeKind::Progressed : SchoolOutcomeKind::UpToDate;
  } else if (out_.creatingRequests > 0 || recorded_) {
    out_.kind = SchoolOutcomeKind::Progressed;
  } else {
    out_.kind = SchoolOutcomeKind::UpToDate;
  }
  if (!opt_.dryRun) recordPass();
  emit(EngineEvent::Kind::SchoolFinished, "", schoolOutcomeName(out_.kind));
}

void Pass::recordPass() {
  PassRecord p;
  p.school = school_.id;
  p.startedAt = startedAt_;
  p.finishedAt = svc_.clock->nowUtc();
  p.outcome = out_.kind;
  p.summary = out_.summary();
  p.creatingRequests = out_.creatingRequests;
  if (auto r = store_.recordPass(p); !r) {
    Finding f = r.error();
    f.school = school_.id;
    out_.findings.push_back(std::move(f));
    out_.kind = SchoolOutcomeKind::Failed;
  }
}

// ---- small helpers ----------------------------------------------------------------------------

bool Pass::storeFailed(const Finding& f) {
  Finding copy = f;
  if (copy.school.empty()) copy.school = school_.id;
  warn("", copy.code + ": " + copy.message);
  out_.findings.push_back(std::move(copy));
  stopped_ = true;
  return true;
}

bool Pass::platformFailed(const PlatformFailure& f, TargetWork* t, bool finalStops) {
  warn(t != nullptr ? std::string_view(t->key) : std::string_view(), f.describe());
  if (f.kind == PlatformFailureKind::Final && !finalStops) {
    Finding finding;
    finding.code = "PLATFORM_" + (f.code.empty() ? std::string("REFUSED") : f.code);
    finding.message = f.describe();
    finding.school = school_.id;
    finding.hint = failureHint(f);
    if (t != nullptr) {
      std::string why = f.message.empty() ? f.code : f.message + "（" + f.code + "）";
      failTarget(*t, "平台拒绝了该请求：" + why, finding.hint, finding);
      return false;
    }
    targetFailed_ = true;
    out_.findings.push_back(std::move(finding));
    return false;
  }
  out_.failure = f;
  stopped_ = true;
  return true;
}

void Pass::failTarget(TargetWork& t, const std::string& detail, const std::string& hint,
                      std::optional<Finding> finding) {
  t.failed = true;
  targetFailed_ = true;
  setPhase(t, TargetPhase::Failed, detail, hint);
  if (finding) {
    if (finding->school.empty()) finding->school = school_.id;
    out_.findings.push_back(std::move(*finding));
  }
}

void Pass::setPhase(TargetWork& t, TargetPhase p, std::string detail, std::string hint) {
  t.out.phase = p;
  t.out.detail = std::move(detail);
  t.out.hint = std::move(hint);
  t.phaseSet = true;
}

void Pass::warn(std::string_view targetKey, const std::string& message) {
  emit(EngineEvent::Kind::Warning, targetKey, message);
}

void Pass::emit(EngineEvent::Kind kind, std::string_view targetKey, std::string message,
                std::size_t count, std::size_t total) {
  if (!svc_.onEvent) return;
  EngineEvent e;
  e.kind = kind;
  e.school = school_.id;
  e.targetKey = std::string(targetKey);
  e.message = std::move(message);
  e.count = count;
  e.total = total;
  svc_.onEvent(e);
}

void Pass::checkpoint(std::string_view point) {
  if (opt_.checkpoint) opt_.checkpoint(point);
}

void Pass::sleepMs(std::int64_t ms) {
  svc_.clock->sleepFor(std::chrono::milliseconds(ms));
}

TargetWork* Pass::findTarget(std::string_view key) {
  auto it = std::find_if(targets_.begin(), targets_.end(),
                         [&](const TargetWork& t) { return t.key == key; });
  return it == targets_.end() ? nullptr : &*it;
}

std::string Pass::keyFor(std::string_view step, std::string_view targetKey,
                         std::string_view content) const {
  return idempotencyKey(svc_, step, school_.creditCode, targetKey, content);
}

}  // namespace zzjb::engine_detail
