// Step 3 of a pass (engine.hpp): the school's account — GET, and PUT the 附件2 data once when the
// platform does not know it (intent committed first); PENDING_CENTRE leaves every target waiting.
#include "engine_internal.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb::engine_detail {

namespace {

constexpr std::string_view kAccountEndpoint = "PUT /api/v1/account";

// What is recorded of the answer (IntentResponse): the state and when it was registered.
IntentResponse accountResponse(const AccountState& a) {
  IntentResponse r;
  r.account = a.status;
  r.at = a.registeredAt;
  return r;
}

}  // namespace

void AccountStep::resolve(const IntentState& in) {
  auto a = cx_.platform->account();
  if (!a) {
    cx_.platformFailed(a.error(), nullptr, true);
    return;
  }
  account_ = *a;
  if (a->registered) {
    if (auto r = cx_.store.putAccountStatus(cx_.school.id, a->status); !r) {
      cx_.storeFailed(r.error());
      return;
    }
    if (auto r = cx_.store.recordResponse(in.intent.key, accountResponse(*a)); !r) {
      cx_.storeFailed(r.error());
      return;
    }
    cx_.progressed = true;
    return;
  }
  AccountRequest req = accountRequestFor(cx_.school, cx_.keyId);
  std::string key = cx_.keyFor("account", "", accountContent(req));
  if (key != in.intent.key) {
    cx_.supersede(in, msg::text("run.superseded.account_changed"));
    return;
  }
  send(req, key);
}

void AccountStep::send(const AccountRequest& req, const std::string& key) {
  cx_.checkpoint("intent-committed:account");
  ++cx_.out.creatingRequests;
  auto r = cx_.platform->putAccount(req, key);
  if (!r) {
    cx_.platformFailed(r.error(), nullptr, true);
    return;
  }
  cx_.checkpoint("response-received:account");
  cx_.emit(EngineEvent::Kind::RequestSent, "", std::string(kAccountEndpoint));
  AccountState a = *r;
  a.registered = true;
  account_ = a;
  if (auto f = cx_.store.putAccountStatus(cx_.school.id, a.status); !f) {
    cx_.storeFailed(f.error());
    return;
  }
  if (auto f = cx_.store.recordResponse(key, accountResponse(a)); !f) {
    cx_.storeFailed(f.error());
    return;
  }
  cx_.progressed = true;
}

bool AccountStep::ensure() {
  if (cx_.stopped()) return false;
  cx_.emit(EngineEvent::Kind::Step, "", msg::text("run.step.account"));
  if (!account_) {
    auto a = cx_.platform->account();
    if (!a) {
      cx_.platformFailed(a.error(), nullptr, true);
      return false;
    }
    account_ = *a;
  }
  if (!account_->registered) {
    if (auto f = cx_.store.putAccountStatus(cx_.school.id, AccountStatus::NotRegistered); !f) {
      cx_.storeFailed(f.error());
      return false;
    }
    AccountRequest req = accountRequestFor(cx_.school, cx_.keyId);
    std::string key = cx_.keyFor("account", "", accountContent(req));
    Intent intent{key, cx_.school.id, "account", "",
                  msg::text("run.intent.account", {{"school", cx_.school.name},
                                                   {"operator", maskName(req.operatorName)},
                                                   {"id", maskId(req.operatorIdNumber)}})};
    auto st = cx_.store.beginIntent(intent);
    if (!st) {
      cx_.storeFailed(st.error());
      return false;
    }
    if (!st->created && st->status == IntentStatus::Answered && st->response.account) {
      account_ = AccountState{true, *st->response.account, st->response.at};
    } else {
      send(req, key);
      if (cx_.stopped()) return false;
    }
  }
  if (auto f = cx_.store.putAccountStatus(cx_.school.id, account_->status); !f) {
    cx_.storeFailed(f.error());
    return false;
  }
  if (account_->status == AccountStatus::Active) return true;
  for (TargetWork& t : cx_.targets) {
    if (t.eligible.empty() || t.failed) continue;
    cx_.setPhase(t, TargetPhase::WaitingForAccount, msg::text("run.phase.account_pending"),
                 msg::text("run.phase.account_pending.hint"));
  }
  return false;
}

}  // namespace zzjb::engine_detail
