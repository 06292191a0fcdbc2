// The online steps of a pass (engine.hpp, steps 1–7): log in, look up unanswered intents, ensure
// the account, poll the batches open from before, ensure the permissions, declare, then wait for
// what is open, all of it together (docs/architecture.md, "The engine"). Every creating call is
// preceded by a committed intent and followed by the recorded answer; failures become the
// outcome, never an exception.
#include <algorithm>
#include <limits>
#include <set>

#include "engine_internal.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb::engine_detail {

namespace {

constexpr std::string_view kAccountEndpoint = "PUT /api/v1/account";
constexpr std::string_view kApplicationEndpoint = "POST /api/v1/skills/permission-applications";
constexpr std::string_view kBatchEndpoint = "POST /api/v1/skills/group-declarations";
// What is recorded of an answer (IntentResponse): the state, and what the engine needs again.
IntentResponse accountResponse(const AccountState& a) {
  IntentResponse r;
  r.account = a.status;
  r.at = a.registeredAt;
  return r;
}

IntentResponse applicationResponse(const ApplicationState& a) {
  IntentResponse r;
  r.application = a.status;
  r.id = a.applicationId;
  r.reason = a.reason;
  return r;
}

// Only the batch's identity and state: its rows carry ID numbers, which stay out of the store.
IntentResponse batchResponse(const BatchState& b) {
  IntentResponse r;
  r.batch = b.status;
  r.id = b.batchId;
  return r;
}

std::string underReviewText(const Application& app) {
  return "团体申报权限申请已提交，待市职鉴中心审核（申请编号 " + app.applicationId + "，状态 " +
         applicationStatusName(app.status) + "）";
}
constexpr const char* kUnderReviewHint = "审核通过后下一轮自动申报；审核通常需要数日";

}  // namespace

// ---- step 1 -------------------------------------------------------------------------------

bool Pass::login() {
  emit(EngineEvent::Kind::Step, "", "logging in");
  auto s = platform_->login();
  if (!s) {
    platformFailed(s.error(), nullptr, true);
    return false;
  }
  out_.loggedIn = true;
  return true;
}

// ---- step 2: intents without a response ------------------------------------------------------

void Pass::resolvePending() {
  if (stopped_) return;
  auto pending = store_.pendingIntents(school_.id);
  if (!pending) {
    storeFailed(pending.error());
    return;
  }
  if (pending->empty()) return;
  emit(EngineEvent::Kind::Step, "", "looking up unanswered requests",
       pending->size());
  for (const IntentState& in : *pending) {
    if (stopped_) return;
    if (in.intent.step == "account") {
      resolveAccountIntent(in);
    } else if (in.intent.step == "application") {
      resolveApplicationIntent(in);
    } else if (in.intent.step == "batch") {
      resolveBatchIntent(in);
    } else {
      warn(in.intent.targetKey, "unanswered intent of unknown step '" + in.intent.step +
                                    "' left as it is");
    }
  }
}

void Pass::resolveAccountIntent(const IntentState& in) {
  auto a = platform_->account();
  if (!a) {
    platformFailed(a.error(), nullptr, true);
    return;
  }
  account_ = *a;
  if (a->registered) {
    if (auto r = store_.putAccountStatus(school_.id, a->status); !r) {
      storeFailed(r.error());
      return;
    }
    if (auto r = store_.recordResponse(in.intent.key, accountResponse(*a)); !r) {
      storeFailed(r.error());
      return;
    }
    recorded_ = true;
    return;
  }
  AccountRequest req = accountRequestFor(school_, keyId_);
  std::string key = keyFor("account", "", accountContent(req));
  if (key != in.intent.key) {
    supersede(in, "the school's account data changed since it was first sent");
    return;
  }
  sendAccount(req, key);
}

void Pass::resolveApplicationIntent(const IntentState& in) {
  TargetWork* t = findTarget(in.intent.targetKey);
  auto found = platform_->findApplication(in.intent.key);
  if (!found) {
    platformFailed(found.error(), t, false);
    return;
  }
  if (found->has_value()) {
    const ApplicationState& a = **found;
    Application app{school_.id, in.intent.targetKey, a.applicationId, a.status, a.reason, {}};
    if (auto r = store_.putApplication(app); !r) {
      storeFailed(r.error());
      return;
    }
    if (auto r = store_.recordResponse(in.intent.key, applicationResponse(a)); !r) {
      storeFailed(r.error());
      return;
    }
    recorded_ = true;
    return;
  }
  if (t == nullptr || t->type == nullptr || !t->type->appliedOnline()) {
    supersede(in, "its target is no longer configured for an online application");
    return;
  }
  auto req = applicationRequest(*t);
  if (!req) {
    failTarget(*t, "认定类型插件无法给出权限申请的附加字段", req.error().hint, req.error());
    return;
  }
  std::string key = keyFor("application", t->key, applicationContent(*req));
  if (key != in.intent.key) {
    supersede(in, "the application's content changed since it was first sent");
    return;
  }
  sendApplication(*t, *req, key);
}

void Pass::resolveBatchIntent(const IntentState& in) {
  TargetWork* t = findTarget(in.intent.targetKey);
  auto found = platform_->findBatch(in.intent.key);
  if (!found) {
    platformFailed(found.error(), t, false);
    return;
  }
  if (found->has_value()) {
    absorbBatch(in.intent.targetKey, in.intent.key, **found, /*fromLookup=*/true);
    if (stopped_) return;
    if (auto r = store_.recordResponse(in.intent.key, batchResponse(**found)); !r) {
      storeFailed(r.error());
    }
    return;
  }
  if (t == nullptr) {
    // Nothing stays PENDING forever: should the target come back, they are declared anew.
    if (!keepOnly(in.intent.key, {}, nullptr)) return;
    supersede(in, "its target is no longer in the configuration; its PENDING students were "
                  "forgotten");
    return;
  }
  if (!refreshRecords(*t) || !ensureStudentKeys(*t)) return;
  std::size_t expected = 0;
  for (const auto& [k, rec] : t->records) {
    if (rec.intentKey == in.intent.key) ++expected;
  }
  std::vector<const StudentRef*> members;
  for (std::size_t i = 0; i < t->eligible.size(); ++i) {
    auto it = t->records.find(t->studentKeys[i]);
    if (it != t->records.end() && it->second.intentKey == in.intent.key) {
      members.push_back(&t->eligible[i]);
    }
  }
  if (members.empty()) {
    // Forgotten, not PENDING forever: should they become eligible again, they are declared anew.
    if (!keepOnly(in.intent.key, {}, nullptr)) return;
    supersede(in, "none of its " + std::to_string(expected) +
                      " students is eligible any more; their PENDING records were forgotten");
    return;
  }
  if (members.size() < expected) {
    warn(t->key, std::to_string(expected - members.size()) + " of the " +
                     std::to_string(expected) + " students of an unanswered batch are no longer "
                     "eligible; re-sending the other " + std::to_string(members.size()) +
                     " (the others are forgotten: declared anew if they become eligible again)");
  }
  auto sheet = buildSheet(school_, *t, members, opt_.today);
  if (!sheet) {
    failTarget(*t, "无法生成团体申报表", sheet.error().hint, sheet.error());
    return;
  }
  auto xlsx = svc_.writeXlsx(*sheet);
  if (!xlsx) {
    failTarget(*t, "无法生成团体申报表", xlsx.error().hint, xlsx.error());
    return;
  }
  std::string sha = svc_.sha256Hex(*xlsx);
  if (members.size() == expected && keyFor("batch", t->key, sha) != in.intent.key) {
    warn(t->key, "the unanswered batch's file differs from the one first sent (roster data "
                 "changed?); re-sending it under its original key");
  }
  // Before sending: the students left out must not be marked SENT by this batch (putBatch).
  if (!keepOnly(in.intent.key, members, &*sheet)) return;
  DeclarationManifest m{t->scope, static_cast<int>(members.size()), sha};
  static_cast<void>(sendBatch(*t, *xlsx, m, in.intent.key, members.size()));
}

bool Pass::keepOnly(const std::string& intentKey, const std::vector<const StudentRef*>& members,
                    const DeclarationSheet* sheet) {
  std::vector<StudentEntry> kept;
  for (std::size_t i = 0; i < members.size(); ++i) {
    std::string fingerprint;
    if (sheet != nullptr && i < sheet->rows.size()) {
      fingerprint = rowFingerprint(svc_, sheet->rows[i]);
    }
    kept.push_back({members[i]->id, trim(members[i]->student->graduationYear),
                    std::move(fingerprint)});
  }
  auto forgotten = store_.keepOnlyStudents(intentKey, kept);
  if (!forgotten) {
    storeFailed(forgotten.error());
    return false;
  }
  if (*forgotten > 0) recorded_ = true;
  return true;
}

void Pass::supersede(const IntentState& in, const std::string& why) {
  warn(in.intent.targetKey, "unanswered " + in.intent.step + " intent not found on the platform "
                            "and not re-sent: " + why);
  IntentResponse superseded;
  superseded.status = IntentStatus::Superseded;
  superseded.reason = why;
  if (auto r = store_.recordResponse(in.intent.key, superseded); !r) {
    storeFailed(r.error());
  }
}

// ---- step 3: the account ---------------------------------------------------------------------

void Pass::sendAccount(const AccountRequest& req, const std::string& key) {
  checkpoint("intent-committed:account");
  ++out_.creatingRequests;
  auto r = platform_->putAccount(req, key);
  if (!r) {
    platformFailed(r.error(), nullptr, true);
    return;
  }
  checkpoint("response-received:account");
  emit(EngineEvent::Kind::RequestSent, "", std::string(kAccountEndpoint));
  AccountState a = *r;
  a.registered = true;
  account_ = a;
  if (auto f = store_.putAccountStatus(school_.id, a.status); !f) {
    storeFailed(f.error());
    return;
  }
  if (auto f = store_.recordResponse(key, accountResponse(a)); !f) {
    storeFailed(f.error());
    return;
  }
  recorded_ = true;
}

void Pass::ensureAccount() {
  if (stopped_) return;
  emit(EngineEvent::Kind::Step, "", "checking the account");
  if (!account_) {
    auto a = platform_->account();
    if (!a) {
      platformFailed(a.error(), nullptr, true);
      return;
    }
    account_ = *a;
  }
  if (!account_->registered) {
    if (auto f = store_.putAccountStatus(school_.id, AccountStatus::NotRegistered); !f) {
      storeFailed(f.error());
      return;
    }
    AccountRequest req = accountRequestFor(school_, keyId_);
    std::string key = keyFor("account", "", accountContent(req));
    Intent intent{key, school_.id, "account", "",
                  "account for " + school_.name + ", operator " +
                      maskName(req.operatorName) + " " + maskId(req.operatorIdNumber)};
    auto st = store_.beginIntent(intent);
    if (!st) {
      storeFailed(st.error());
      return;
    }
    if (!st->created && st->status == IntentStatus::Answered && st->response.account) {
      account_ = AccountState{true, *st->response.account, st->response.at};
    } else {
      sendAccount(req, key);
      if (stopped_) return;
    }
  }
  if (auto f = store_.putAccountStatus(school_.id, account_->status); !f) {
    storeFailed(f.error());
    return;
  }
  if (account_->status == AccountStatus::Active) return;
  accountWaiting_ = true;
  for (TargetWork& t : targets_) {
    if (t.eligible.empty() || t.failed) continue;
    setPhase(t, TargetPhase::WaitingForAccount, "开户申请待市职鉴中心受理，请将附件2盖章后递交",
             "附件2（开户申请表）盖章后递交天山路1800号4号楼1楼窗口（电话 62748577-4112）；"
             "受理后下一轮自动继续");
  }
}

// ---- step 5: permissions ---------------------------------------------------------------------

Result<ApplicationRequest> Pass::applicationRequest(const TargetWork& t) const {
  ApplicationRequest r;
  r.scope = t.scope;
  if (t.type == nullptr || t.type->impl == nullptr) return r;
  auto fields = t.type->impl->applicationFields(targetView(*t.target),
                                                sectionFor(school_, *t.target));
  if (!fields.ok()) {
    return std::unexpected(configFinding(
        "PLUGIN_FAILED", "type '" + t.target->type + "' could not give the application's "
                         "fields: " + fields.error,
        "check the plugin (zzjb plugins) and its configuration section"));
  }
  r.attachments = std::move(fields.value);
  return r;
}

void Pass::ensurePermissions() {
  if (stopped_ || accountWaiting_) return;
  emit(EngineEvent::Kind::Step, "", "checking permissions");
  for (TargetWork& t : targets_) {
    if (stopped_) return;
    if (t.failed || t.eligible.empty()) continue;
    if (!refreshNotYet(t)) return;
    if (t.notYet.empty()) continue;  // nothing to declare: no permission needed
    if (t.type == nullptr) {
      failTarget(t, "认定类型 '" + t.target->type + "' 未加载", "检查插件目录（zzjb plugins）",
                 std::nullopt);
      continue;
    }
    if (!granted_) {
      auto p = platform_->permissions();
      if (!p) {
        platformFailed(p.error(), nullptr, true);
        return;
      }
      granted_ = std::move(*p);
    }
    bool has = std::any_of(granted_->begin(), granted_->end(), [&](const GrantedPermission& g) {
      return g.scope.sameAs(t.scope);
    });
    auto app = store_.application(school_.id, t.key);
    if (!app) {
      storeFailed(app.error());
      return;
    }
    if (has) {
      t.permitted = true;
      Application a{school_.id, t.key, {}, ApplicationStatus::Granted, {}, {}};
      if (app->has_value() && !(*app)->applicationId.empty()) {
        a.applicationId = (*app)->applicationId;
        a.status = ApplicationStatus::Approved;
      }
      if (!app->has_value() || (*app)->status != a.status) {
        if (auto r = store_.putApplication(a); !r) {
          storeFailed(r.error());
          return;
        }
      }
      continue;
    }
    if (!t.type->appliedOnline()) {
      if (!app->has_value() || (*app)->status != ApplicationStatus::NotGranted) {
        Application a{school_.id, t.key, {}, ApplicationStatus::NotGranted, {}, {}};
        if (auto r = store_.putApplication(a); !r) {
          storeFailed(r.error());
          return;
        }
      }
      std::string ask = t.type->info.permissionRequest.empty()
                            ? "请市职鉴中心开通该职业（工种）等级的团体申报权限"
                            : t.type->info.permissionRequest;
      setPhase(t, TargetPhase::PermissionNotGranted, ask,
               "权限由市职鉴中心开通（电话 62748577-4112）；开通后下一轮自动申报");
      continue;
    }
    if (app->has_value()) {
      followApplication(t, **app, true);
      continue;
    }
    applyFor(t);
  }
}

void Pass::applyFor(TargetWork& t) {
  auto req = applicationRequest(t);
  if (!req) {
    failTarget(t, "认定类型插件无法给出权限申请的附加字段", req.error().hint, req.error());
    return;
  }
  std::string key = keyFor("application", t.key, applicationContent(*req));
  Intent intent{key, school_.id, "application", t.key, "permission application: " + t.out.label};
  auto st = store_.beginIntent(intent);
  if (!st) {
    storeFailed(st.error());
    return;
  }
  if (!st->created && st->status == IntentStatus::Answered && st->response.application) {
    Application app{school_.id, t.key, st->response.id, *st->response.application,
                    st->response.reason, {}};
    if (auto r = store_.putApplication(app); !r) {
      storeFailed(r.error());
      return;
    }
    followApplication(t, app, true);
    return;
  }
  sendApplication(t, *req, key);
  if (stopped_ || t.failed) return;
  auto app = store_.application(school_.id, t.key);
  if (!app) {
    storeFailed(app.error());
    return;
  }
  if (app->has_value()) followApplication(t, **app, false);
}

void Pass::sendApplication(TargetWork& t, const ApplicationRequest& req, const std::string& key) {
  checkpoint("intent-committed:application");
  ++out_.creatingRequests;
  auto r = platform_->applyForPermission(req, key);
  if (!r) {
    platformFailed(r.error(), &t, false);
    return;
  }
  checkpoint("response-received:application");
  emit(EngineEvent::Kind::RequestSent, t.key, std::string(kApplicationEndpoint));
  Application app{school_.id, t.key, r->applicationId, r->status, r->reason, {}};
  if (auto f = store_.putApplication(app); !f) {
    storeFailed(f.error());
    return;
  }
  if (auto f = store_.recordResponse(key, applicationResponse(*r)); !f) {
    storeFailed(f.error());
    return;
  }
  recorded_ = true;
}

void Pass::followApplication(TargetWork& t, Application app, bool pollNow) {
  if (isGranted(app.status)) {
    t.permitted = true;
    return;
  }
  if (app.status == ApplicationStatus::Rejected) {
    explainRejection(t, app.reason);
    return;
  }
  if (app.applicationId.empty() || opt_.pollAttempts <= 0) {
    setPhase(t, TargetPhase::PermissionUnderReview, underReviewText(app), kUnderReviewHint);
    return;
  }
  if (pollNow && !pollApplicationOnce(t, app)) return;
  openApplication(t, app, pollNow ? 1 : 0);
}

bool Pass::pollApplicationOnce(TargetWork& t, Application& app) {
  auto r = platform_->application(app.applicationId);
  if (!r) {
    platformFailed(r.error(), &t, false);
    return false;
  }
  if (r->status != app.status || r->reason != app.reason) {
    app.status = r->status;
    app.reason = r->reason;
    if (auto f = store_.putApplication(app); !f) {
      storeFailed(f.error());
      return false;
    }
    recorded_ = true;
  }
  if (isGranted(app.status)) {
    t.permitted = true;
    return false;
  }
  if (app.status == ApplicationStatus::Rejected) {
    explainRejection(t, app.reason);
    return false;
  }
  return true;
}

void Pass::openApplication(const TargetWork& t, const Application& app, int pollsSoFar) {
  for (const OpenApplication& o : openApps_) {
    if (o.targetKey == t.key) return;
  }
  const std::int64_t first = std::max(0, opt_.pollIntervalMs);
  openApps_.push_back({t.key, app, waitedMs_ + first, first, pollsSoFar});
}

void Pass::explainRejection(TargetWork& t, const std::string& reason) {
  plugin::Explanation e;
  if (t.type != nullptr && t.type->impl != nullptr) {
    auto r = t.type->impl->explainReview(applicationStatusName(ApplicationStatus::Rejected), reason);
    if (r.ok()) e = std::move(r.value);
  }
  if (e.sentence.empty()) e.sentence = "团体申报权限申请未通过：" + reason;
  if (e.hint.empty()) e.hint = "按审核意见修改后，在平台上重新提交申请";
  setPhase(t, TargetPhase::PermissionRejected, e.sentence, e.hint);
}

// ---- step 4: batches open from before, and polling one thing ------------------------------------

void Pass::pollOpenBatches() {
  if (stopped_) return;
  auto open = store_.openBatches(school_.id);
  if (!open) {
    storeFailed(open.error());
    return;
  }
  if (open->empty()) return;
  emit(EngineEvent::Kind::Step, "", "polling open batches", open->size());
  for (const Batch& b : *open) {
    if (stopped_) return;
    pollBatch(b, true);
  }
}

void Pass::pollBatch(const Batch& b, bool pollNow) {
  for (const OpenBatch& o : openBatches_) {
    if (o.batch.batchId == b.batchId) return;  // already open in this pass
  }
  Batch open = b;
  if (opt_.pollAttempts <= 0) return;
  if (pollNow && !pollBatchOnce(open)) return;
  openBatch(open, pollNow ? 1 : 0);
}

bool Pass::pollBatchOnce(Batch& b) {
  auto r = platform_->batch(b.batchId);
  if (!r) {
    platformFailed(r.error(), findTarget(b.targetKey), false);
    return false;
  }
  if (r->status == BatchStatus::Done) {
    // Recorded; should rows be missing, the batch stays open in the store for the next pass.
    absorbBatch(b.targetKey, b.intentKey, *r);
    return false;
  }
  if (r->status != b.status) {
    b.status = r->status;
    if (auto f = store_.putBatch(b); !f) {
      storeFailed(f.error());
      return false;
    }
  }
  return true;
}

void Pass::openBatch(const Batch& b, int pollsSoFar) {
  const std::int64_t first = std::max(0, opt_.pollIntervalMs);
  openBatches_.push_back({b, waitedMs_ + first, first, pollsSoFar});
}

// ---- step 7: waiting together -----------------------------------------------------------------

void Pass::wait() {
  const std::int64_t cap = std::max<std::int64_t>(
      std::max(0, opt_.pollMaxIntervalMs), std::max(0, opt_.pollIntervalMs));
  auto next = [cap](std::int64_t interval) { return std::min(cap, interval * 2); };
  auto underReview = [this](TargetWork& t, const Application& app) {
    setPhase(t, TargetPhase::PermissionUnderReview, underReviewText(app), kUnderReviewHint);
  };
  if (!stopped_ && (!openApps_.empty() || !openBatches_.empty())) {
    emit(EngineEvent::Kind::Step, "",
         "waiting for " + std::to_string(openApps_.size()) + " applications and " +
             std::to_string(openBatches_.size()) + " batches",
         openApps_.size() + openBatches_.size());
  }
  while (!stopped_) {
    // Left to the next pass: what belongs to a failed target, or was polled pollAttempts times.
    std::erase_if(openApps_, [&](const OpenApplication& o) {
      TargetWork* t = findTarget(o.targetKey);
      if (t == nullptr || t->failed) return true;
      if (o.polls < opt_.pollAttempts) return false;
      underReview(*t, o.app);
      return true;
    });
    std::erase_if(openBatches_, [&](const OpenBatch& o) {
      const TargetWork* t = findTarget(o.batch.targetKey);
      return (t != nullptr && t->failed) || o.polls >= opt_.pollAttempts;
    });
    if (openApps_.empty() && openBatches_.empty()) break;
    std::int64_t due = std::numeric_limits<std::int64_t>::max();
    for (const auto& o : openApps_) due = std::min(due, o.dueMs);
    for (const auto& o : openBatches_) due = std::min(due, o.dueMs);
    if (due > opt_.pollBudgetMs) break;  // the budget is spent: the rest is for the next pass
    if (due > waitedMs_) {
      sleepMs(due - waitedMs_);
      waitedMs_ = due;
    }
    // Applications first: a permission granted now lets its target's batches go in this round.
    std::vector<OpenApplication> apps;
    std::swap(apps, openApps_);
    for (OpenApplication& o : apps) {
      TargetWork* t = findTarget(o.targetKey);
      if (o.dueMs > waitedMs_ || stopped_ || t == nullptr) {
        openApps_.push_back(std::move(o));
        continue;
      }
      ++o.polls;
      if (pollApplicationOnce(*t, o.app)) {
        o.intervalMs = next(o.intervalMs);
        o.dueMs = waitedMs_ + o.intervalMs;
        openApps_.push_back(std::move(o));
      } else if (t->permitted && !stopped_) {
        declareTarget(*t);
      }
    }
    std::vector<OpenBatch> batches;
    std::swap(batches, openBatches_);
    for (OpenBatch& o : batches) {
      if (o.dueMs > waitedMs_ || stopped_) {
        openBatches_.push_back(std::move(o));
        continue;
      }
      ++o.polls;
      if (pollBatchOnce(o.batch)) {
        o.intervalMs = next(o.intervalMs);
        o.dueMs = waitedMs_ + o.intervalMs;
        openBatches_.push_back(std::move(o));
      }
    }
  }
  for (const OpenApplication& o : openApps_) {
    if (TargetWork* t = findTarget(o.targetKey); t != nullptr && !t->failed) underReview(*t, o.app);
  }
  openApps_.clear();
  openBatches_.clear();
}

void Pass::absorbBatch(std::string_view targetKey, const std::string& intentKey,
                       const BatchState& state, bool fromLookup) {
  Batch b{state.batchId, intentKey, school_.id, std::string(targetKey), state.status, {}};
  if (state.status != BatchStatus::Done) {
    if (auto f = store_.putBatch(b); !f) storeFailed(f.error());
    recorded_ = true;
    return;
  }
  // Open until every row is recorded: a crash in between polls it again next pass.
  b.status = BatchStatus::Recording;
  if (auto f = store_.putBatch(b); !f) {
    storeFailed(f.error());
    return;
  }
  auto known = store_.students(school_.id, targetKey);
  if (!known) {
    storeFailed(known.error());
    return;
  }
  std::set<std::string> keys;
  std::set<std::string> sent;  // the batch's students still waiting for their result
  for (const auto& rec : *known) {
    keys.insert(rec.studentKey);
    if (rec.batchId == state.batchId && rec.result == DeclarationResult::Sent) {
      sent.insert(rec.studentKey);
    }
  }
  std::vector<StudentResult> results;
  std::vector<std::string> problems;  // warnings, given once the answer is the one to record
  std::set<std::string> answered;
  for (const BatchRow& row : state.rows) {
    std::string id = normalizeIdNumber(row.idNumber);
    std::string key = store_.studentKey(id);
    std::string where = "batch " + state.batchId + " row " + std::to_string(row.row) + ": ";
    if (keys.count(key) == 0) {
      problems.push_back(where + "student " + maskId(id) + " is not in the state store; skipped");
      continue;
    }
    const DeclarationResult result = row.result == RowResult::Accepted
                                         ? DeclarationResult::Accepted
                                         : DeclarationResult::Rejected;
    answered.insert(key);
    results.push_back({id, result, row.reason, row.declarationNo});
  }
  std::size_t unanswered = 0;
  for (const std::string& k : sent) if (answered.count(k) == 0) ++unanswered;
  if (unanswered > 0 && fromLookup) {
    // A lookup by idempotency key may answer without the rows: ask for the batch itself.
    auto full = platform_->batch(state.batchId);
    if (!full) {
      platformFailed(full.error(), findTarget(targetKey), false);
      return;  // the batch stays open (RECORDING): polled next pass
    }
    absorbBatch(targetKey, intentKey, *full, false);
    return;
  }
  for (const std::string& p : problems) warn(targetKey, p);
  if (auto f = store_.recordStudentResults(school_.id, targetKey, results); !f) {
    storeFailed(f.error());
    return;
  }
  if (!results.empty()) recorded_ = true;
  if (unanswered > 0) {
    warn(targetKey, "batch " + state.batchId + " is DONE but its answer has no final result for " +
                        std::to_string(unanswered) + " of the " + std::to_string(sent.size()) +
                        " students sent in it; " + std::to_string(results.size()) +
                        " rows recorded, the batch stays open and is polled again next pass");
  } else {
    b.status = BatchStatus::Done;
    if (auto f = store_.putBatch(b); !f) {
      storeFailed(f.error());
      return;
    }
    recorded_ = true;
  }
  // Progress: the target's eligible students with a final result, of all its eligible students.
  // From the records read above plus what was just recorded: no second read of the target.
  std::size_t finals = 0;
  std::size_t total = 0;
  std::set<std::string> finalKeys;
  for (const auto& rec : *known) {
    if (isFinal(rec.result)) finalKeys.insert(rec.studentKey);
  }
  for (const auto& k : answered) finalKeys.insert(k);
  if (TargetWork* t = findTarget(targetKey); t != nullptr) {
    ensureStudentKeys(*t);
    std::set<std::string> eligible(t->studentKeys.begin(), t->studentKeys.end());
    total = eligible.size();
    for (const auto& k : eligible) finals += finalKeys.count(k);
  } else {
    total = known->size();
    finals = finalKeys.size();
  }
  emit(EngineEvent::Kind::RowsRecorded, targetKey,
       "batch " + state.batchId + ": " + std::to_string(results.size()) + " rows recorded", finals,
       total);
}

// ---- step 6: declarations --------------------------------------------------------------------

void Pass::declareAll() {
  if (stopped_ || accountWaiting_) return;
  for (TargetWork& t : targets_) {
    if (stopped_) return;
    declareTarget(t);
  }
}

void Pass::declareTarget(TargetWork& t) {
  if (!t.permitted || t.failed || t.notYet.empty()) return;
  emit(EngineEvent::Kind::Step, t.key, "declaring", t.notYet.size());
  declare(t);
}

// t.notYet is as ensurePermissions read it, after the open batches were polled: nothing of the
// target was recorded since.
void Pass::declare(TargetWork& t) {
  std::set<std::string> wanted(t.notYet.begin(), t.notYet.end());
  std::vector<const StudentRef*> todo;
  for (const StudentRef& s : t.eligible) {
    if (wanted.count(s.id) != 0) todo.push_back(&s);
  }
  const std::size_t chunk = std::max<std::size_t>(1, opt_.maxBatchRows);
  for (std::size_t from = 0; from < todo.size() && !stopped_; from += chunk) {
    std::vector<const StudentRef*> part(
        todo.begin() + static_cast<std::ptrdiff_t>(from),
        todo.begin() + static_cast<std::ptrdiff_t>(std::min(todo.size(), from + chunk)));
    auto sheet = buildSheet(school_, t, part, opt_.today);
    if (!sheet) {
      failTarget(t, "无法生成团体申报表", sheet.error().hint, sheet.error());
      return;
    }
    auto xlsx = svc_.writeXlsx(*sheet);
    if (!xlsx) {
      failTarget(t, "无法生成团体申报表", xlsx.error().hint, xlsx.error());
      return;
    }
    std::string sha = svc_.sha256Hex(*xlsx);
    std::string key = keyFor("batch", t.key, sha);
    std::vector<StudentEntry> rows;
    for (std::size_t i = 0; i < part.size(); ++i) {
      rows.push_back({part[i]->id, trim(part[i]->student->graduationYear),
                      rowFingerprint(svc_, sheet->rows[i])});
    }
    Intent intent{key, school_.id, "batch", t.key,
                  std::to_string(part.size()) + " rows for " + t.out.label};
    auto st = store_.beginIntent(intent, rows);
    if (!st) {
      if (st.error().code == "STORE_STUDENT_ALREADY_RECORDED") {
        failTarget(t, "状态库中已有该批学生的记录，本轮未申报", st.error().hint, st.error());
        return;
      }
      storeFailed(st.error());
      return;
    }
    DeclarationManifest m{t.scope, static_cast<int>(part.size()), sha};
    const bool answered = st->status == IntentStatus::Answered && st->response.batch;
    const std::string storedBatch = answered ? st->response.id : std::string();
    if (!st->created && answered && !storedBatch.empty()) {
      // Sent before (same content): the stored answer stands; poll the batch it created.
      const BatchStatus status = *st->response.batch == BatchStatus::Done
                                     ? BatchStatus::Processing
                                     : *st->response.batch;
      absorbBatch(t.key, key, BatchState{storedBatch, status, {}});
      if (!stopped_) pollBatch(Batch{storedBatch, key, school_.id, t.key, status, {}}, true);
      continue;
    }
    if (!sendBatch(t, *xlsx, m, key, part.size())) return;
  }
}

bool Pass::sendBatch(TargetWork& t, const std::string& xlsx, const DeclarationManifest& manifest,
                     const std::string& key, std::size_t rows) {
  checkpoint("intent-committed:batch");
  ++out_.creatingRequests;
  auto r = platform_->submitDeclarations(manifest, xlsx, key);
  if (!r) {
    platformFailed(r.error(), &t, false);
    return false;
  }
  checkpoint("response-received:batch");
  t.out.sent += rows;
  emit(EngineEvent::Kind::RequestSent, t.key, std::string(kBatchEndpoint), rows);
  if (r->batchId.empty()) {
    PlatformFailure f;
    f.kind = PlatformFailureKind::Protocol;
    f.code = "MALFORMED";
    f.message = "the platform accepted a batch without a batchId";
    f.endpoint = std::string(kBatchEndpoint);
    platformFailed(f, &t, true);
    return false;
  }
  absorbBatch(t.key, key, *r);
  if (stopped_) return false;
  if (auto f = store_.recordResponse(key, batchResponse(*r)); !f) {
    storeFailed(f.error());
    return false;
  }
  if (r->status != BatchStatus::Done) pollBatch(Batch{r->batchId, key, school_.id, t.key, r->status, {}}, false);
  return !stopped_;
}

}  // namespace zzjb::engine_detail
