// One pass over one school (engine.hpp): the plan (step 0: is anything missing?), the steps in
// order — log in, look up unanswered intents, the account, the batches open from before, the
// permissions, the declarations, then waiting for what is open, all of it together — the dry
// run (what would be sent, from the store's view), and the end (phases, totals, the outcome, the
// pass record). Every creating call is preceded by a committed intent and followed by the
// recorded answer; failures become the outcome, never an exception.
#include <algorithm>
#include <utility>

#include "engine_internal.hpp"

namespace zzjb::engine_detail {

namespace {

// Why the pass stopped before this target, and what to do: by what stopped it, so that an
// expired certificate does not read like a network outage.
std::pair<std::string, std::string> stopText(StopReason why,
                                             const std::optional<PlatformFailure>& f) {
  if (why == StopReason::Internal) {
    return {"本轮因 zzjb 内部错误中止，已记录的结果保留", "重新运行；如再次出现，请报告给 zzjb 维护者"};
  }
  if (why == StopReason::StoreFailed || !f) {
    return {"本轮因状态库错误中止", "检查状态库文件与磁盘空间后重新运行"};
  }
  const std::string& c = f->code;
  if (c == "CANCELLED") return {"本轮按要求停止，已记录的结果保留", "下一轮从此处继续，无需处理"};
  if (c == "TLS") {
    return {"平台的 TLS 证书未通过验证，本轮中止",
            "检查配置中的 platform.caBundle 是否为平台（或 zzjb-mock）的证书"};
  }
  if (c == "TIMESTAMP_SKEW")
    return {"本机时钟与平台相差过大，本轮中止", "开启 NTP 对时（timedatectl）后重新运行"};
  if (c == "CERT_EXPIRED")
    return {"学校的法人一证通证书已过期或尚未生效，平台拒绝登录",
            "到 SHECA 办理证书更新后重新运行"};
  if (c == "CERT_UNTRUSTED" || c == "KEYID_MISMATCH" || c == "SIGNATURE_INVALID") {
    return {"平台不接受学校的证书或签名（" + c + "），本轮中止",
            "运行 zzjb identity check -c 配置文件 查看证书、keyID 与签名"};
  }
  switch (f->kind) {
    case PlatformFailureKind::Identity:
      return {"无法使用学校的 CA 密钥（" + c + "），本轮中止",
              "检查 USB 密钥是否插好、PIN 是否正确：zzjb identity check -c 配置文件"};
    case PlatformFailureKind::Protocol:
      return {"平台的应答不符合接口约定（" + c + "），本轮中止",
              "稍后自动重试；持续出现请联系平台或 zzjb 维护者"};
    case PlatformFailureKind::Final:
      return {"平台拒绝了请求（" + c + "）：" + f->message, "按提示修改后重新运行"};
    case PlatformFailureKind::Unavailable:
      break;
  }
  return {"本轮因平台暂时不可用中止，已记录的结果保留",
          "稍后自动重试；问题持续时检查网络与平台状态"};
}

}  // namespace

bool Pass::login() {
  cx_.emit(EngineEvent::Kind::Step, "", "logging in");
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
  cx_.emit(EngineEvent::Kind::Step, "", "looking up unanswered requests", pending->size());
  for (const IntentState& in : *pending) {
    if (cx_.stopped()) return;
    if (in.intent.step == "account") {
      account_.resolve(in);
    } else if (in.intent.step == "application") {
      permissions_.resolve(in);
    } else if (in.intent.step == "batch") {
      declarations_.resolve(in);
    } else {
      cx_.warn(in.intent.targetKey,
               "unanswered intent of unknown step '" + in.intent.step + "' left as it is");
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
  auto errors = static_cast<std::size_t>(
      std::count_if(cx_.eval.findings.begin(), cx_.eval.findings.end(),
                    [](const Finding& f) { return f.severity == Severity::Error; }));
  if (errors > 0) {
    cx_.out.kind = SchoolOutcomeKind::Skipped;
    Finding f;
    f.code = "SCHOOL_DATA_ERRORS";
    f.message = std::to_string(errors) +
                " errors in the school's configuration or rosters: nothing was sent";
    f.hint = "run `zzjb check`, correct what it reports, then run again";
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
      cx_.storeFailed(configFinding("ENGINE_NO_PLATFORM", "no platform client for an online pass",
                                    "this is a bug in zzjb: please report it"));
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
  Finding f = configFinding("ENGINE_INTERNAL", "the pass stopped: " + what,
                            "run again; if it happens again, please report it");
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
    std::string what =
        in.intent.step +
        (in.intent.targetKey.empty() ? std::string() : " for " + in.intent.targetKey);
    cx_.out.wouldSend.push_back("look up the unanswered " + what +
                                " by its idempotency key; "
                                "send it again if the platform does not have it");
  }
  auto account = cx_.store.accountStatus(cx_.school.id);
  if (!account) {
    cx_.storeFailed(account.error());
    return;
  }
  const std::optional<AccountStatus> status = *account;
  if (!status && !accountPending) {
    cx_.out.wouldSend.push_back(
        "PUT /api/v1/account (if GET /api/v1/account answers NOT_REGISTERED)");
  } else if (status == AccountStatus::NotRegistered && !accountPending) {
    cx_.out.wouldSend.push_back("PUT /api/v1/account");
  }
  for (TargetWork& t : cx_.targets) {
    if (t.eligible.empty()) continue;
    if (status == AccountStatus::PendingCentre) {
      cx_.setPhase(t, TargetPhase::WaitingForAccount,
                   "开户申请待市职鉴中心受理，请将附件2盖章后递交", "试运行：未发送任何请求");
      continue;
    }
    if (!cx_.refreshNotYet(t)) return;
    if (t.notYet.empty()) continue;
    auto app = cx_.store.application(cx_.school.id, t.key);
    if (!app) {
      cx_.storeFailed(app.error());
      return;
    }
    bool permitted = app->has_value() && isGranted((*app)->status);
    if (!permitted && t.type != nullptr && t.type->appliedOnline()) {
      if (!app->has_value()) {
        t.out.wouldSend.push_back("POST /api/v1/skills/permission-applications: " + t.out.label);
      } else if ((*app)->status == ApplicationStatus::Rejected) {
        permissions_.explainRejection(t, (*app)->reason);
        continue;
      } else {
        cx_.setPhase(t, TargetPhase::PermissionUnderReview,
                     "团体申报权限申请待市职鉴中心审核（申请编号 " + (*app)->applicationId + "）",
                     "试运行：未发送任何请求");
      }
    } else if (!permitted && t.type != nullptr && app->has_value() &&
               (*app)->status == ApplicationStatus::NotGranted) {
      cx_.setPhase(t, TargetPhase::PermissionNotGranted, t.type->info.permissionRequest,
                   "试运行：未发送任何请求");
    }
    const std::size_t chunk = std::max<std::size_t>(1, cx_.opt.maxBatchRows);
    for (std::size_t from = 0; from < t.notYet.size(); from += chunk) {
      std::size_t n = std::min(chunk, t.notYet.size() - from);
      t.out.wouldSend.push_back("POST /api/v1/skills/group-declarations: " + std::to_string(n) +
                                " rows for " + t.key +
                                (permitted ? "" : " (once the permission is granted)"));
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
        cx_.setPhase(t, TargetPhase::NoEligibleStudents, "没有符合申报条件的学生",
                     "查看 zzjb check 列出的排除原因");
      } else if (fresh && (online_ ? cx_.allFinal(t) : t.planFinal)) {
        cx_.setPhase(t, TargetPhase::UpToDate, "所有符合条件的学生均已有平台的申报结果");
      } else if (cx_.stopped()) {
        const auto [detail, hint] = stopText(cx_.stop, cx_.out.failure);
        cx_.setPhase(t, TargetPhase::Failed, detail, hint);
      } else if (cx_.opt.dryRun) {
        cx_.setPhase(t, TargetPhase::Declaring,
                     "试运行：将申报 " + std::to_string(t.notYet.size()) + " 人（未发送任何请求）");
      } else {
        cx_.setPhase(t, TargetPhase::Declaring,
                     "已提交平台处理，待处理 " + std::to_string(t.out.pending) + " 人",
                     "平台处理完毕后，下一轮记录每人的结果");
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
