// An in-memory platform for the engine's tests: counts calls per method, fails chosen calls,
// reviews applications and processes batches after a number of polls, judges rows by a simple
// rule, and answers a repeated idempotency key with the original response.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "zzjb/core/platform.hpp"

namespace zzjb::test {

// The sheet as the fake xlsx writer serialises it: one line per row, cells separated by tabs.
inline std::vector<std::vector<std::string>> parseFakeXlsx(const std::string& bytes) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(bytes);
  std::string line;
  std::getline(in, line);  // magic
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::string cell;
    for (char c : line) {
      if (c == '\t') {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

inline bool sameScopeForTest(const PermissionScope& a, const PermissionScope& b) {
  return a.matter == b.matter && a.node == b.node && a.occupationCode == b.occupationCode &&
         a.level == b.level && a.org.has_value() == b.org.has_value() &&
         (!a.org || a.org->creditCode == b.org->creditCode);
}

inline PlatformFailure failure(PlatformFailureKind kind, int http, std::string code,
                               std::string message = "") {
  PlatformFailure f;
  f.kind = kind;
  f.httpStatus = http;
  f.code = std::move(code);
  f.message = std::move(message);
  return f;
}

class FakePlatform final : public PlatformClient {
 public:
  struct Submission {
    std::string key;
    std::string body;
    DeclarationManifest manifest;
  };
  struct FakeBatch {
    BatchState state;
    int polls = 0;
    std::string body;
    DeclarationManifest manifest;
  };

  // Declarations the fake accepted, as GET /api/v1/skills/declarations lists them.
  std::vector<DeclarationInfo> heldDeclarations;

  // ---- behaviour ----
  AccountState accountState{true, AccountStatus::Active, "2026-09-01T09:00:00+08:00"};
  AccountStatus statusAfterPut = AccountStatus::Active;
  std::vector<GrantedPermission> granted;
  // Matters whose declarations need no permission (zzjb-mock's opening NONE).
  std::vector<std::string> mattersWithoutPermission;
  int reviewAfterPolls = 1;
  bool rejectApplications = false;
  std::string rejectReason = "评价组织未备案该职业";
  int batchDoneAfterPolls = 1;
  std::string extraRowId;  // a row of an ID zzjb never sent, added to every DONE batch
  // Fails the n-th call (1-based) of a method: failOn["submitDeclarations"][2] = ….
  std::map<std::string, std::map<int, PlatformFailure>> failOn;
  // Changes a DONE answer of batch() before it is returned (drop rows, odd results); the batch
  // itself keeps every row. Empty: the answer as judged.
  std::function<void(BatchState&)> alterDoneAnswer;
  // findBatch answers as a lookup by key may: the batch processed (DONE) but without its rows.
  bool lookupDoneWithoutRows = false;
  // Refuses a submission (e.g. 403 for one target); nullopt: accept.
  std::function<std::optional<PlatformFailure>(const DeclarationManifest&)> refuseSubmit;

  // ---- what happened ----
  std::map<std::string, int> calls;
  std::vector<Submission> submissions;  // accepted ones, in order
  std::vector<AccountRequest> accountPuts;
  std::vector<ApplicationRequest> applications;
  std::map<std::string, FakeBatch> batches;
  std::map<std::string, std::vector<std::string>> declaredIds;  // "code/level" → accepted IDs

  [[nodiscard]] int total() const {
    int n = 0;
    for (const auto& [m, c] : calls) n += c;
    return n;
  }
  [[nodiscard]] int count(const std::string& method) const {
    auto it = calls.find(method);
    return it == calls.end() ? 0 : it->second;
  }

  PlatformResult<PlatformSession> login() override {
    if (auto f = take("login")) return std::unexpected(*f);
    return PlatformSession{"key-1", "CN=示范学校", "2026-11-27T10:00:00+08:00"};
  }

  PlatformResult<AccountState> account() override {
    if (auto f = take("account")) return std::unexpected(*f);
    return accountState;
  }

  PlatformResult<AccountState> putAccount(const AccountRequest& r, std::string_view key) override {
    if (auto f = take("putAccount")) return std::unexpected(*f);
    std::string body = r.schoolName + r.creditCode + r.operatorIdNumber + r.operatorKeyId;
    if (auto seen = idempotent(key, body)) {
      if (!*seen) return std::unexpected(mismatch("PUT /api/v1/account"));
      return accountState;
    }
    accountPuts.push_back(r);
    accountState = {true, statusAfterPut, "2026-11-27T09:00:00+08:00"};
    return accountState;
  }

  PlatformResult<Catalog> catalog() override {
    if (auto f = take("catalog")) return std::unexpected(*f);
    return Catalog{};
  }

  PlatformResult<std::vector<GrantedPermission>> permissions() override {
    if (auto f = take("permissions")) return std::unexpected(*f);
    return granted;
  }

  PlatformResult<ApplicationState> applyForPermission(const ApplicationRequest& r,
                                                      std::string_view key) override {
    if (auto f = take("applyForPermission")) return std::unexpected(*f);
    std::string body = r.scope.occupationCode + "/" + std::to_string(r.scope.level);
    for (const auto& a : r.attachments) body += ";" + a.key + "=" + a.value;
    if (auto seen = idempotent(key, body)) {
      if (!*seen) return std::unexpected(mismatch("POST /api/v1/skills/permission-applications"));
      return apps_.at(appByKey_.at(std::string(key))).state;
    }
    applications.push_back(r);
    std::string id = "APP-" + std::to_string(applications.size());
    apps_[id] = {ApplicationState{id, ApplicationStatus::Submitted, "", "t"}, 0, r.scope};
    appByKey_[std::string(key)] = id;
    return apps_[id].state;
  }

  PlatformResult<ApplicationState> application(std::string_view id) override {
    if (auto f = take("application")) return std::unexpected(*f);
    auto it = apps_.find(std::string(id));
    if (it == apps_.end()) {
      return std::unexpected(failure(PlatformFailureKind::Final, 404, "NOT_FOUND", "申请不存在"));
    }
    App& a = it->second;
    if (a.state.status == ApplicationStatus::Submitted ||
        a.state.status == ApplicationStatus::UnderReview) {
      if (++a.polls >= reviewAfterPolls) {
        if (rejectApplications) {
          a.state.status = ApplicationStatus::Rejected;
          a.state.reason = rejectReason;
        } else {
          a.state.status = ApplicationStatus::Approved;
          granted.push_back({a.scope, "t"});
        }
      } else {
        a.state.status = ApplicationStatus::UnderReview;
      }
    }
    return a.state;
  }

  PlatformResult<std::optional<ApplicationState>> findApplication(std::string_view key) override {
    if (auto f = take("findApplication")) return std::unexpected(*f);
    auto it = appByKey_.find(std::string(key));
    if (it == appByKey_.end()) return std::optional<ApplicationState>();
    return std::optional<ApplicationState>(apps_.at(it->second).state);
  }

  PlatformResult<BatchState> submitDeclarations(const DeclarationManifest& m, std::string_view xlsx,
                                                std::string_view key) override {
    if (auto f = take("submitDeclarations")) return std::unexpected(*f);
    if (refuseSubmit) {
      if (auto f = refuseSubmit(m)) return std::unexpected(*f);
    }
    if (auto seen = idempotent(key, std::string(xlsx))) {
      if (!*seen) return std::unexpected(mismatch("POST /api/v1/skills/group-declarations"));
      return BatchState{batchByKey_.at(std::string(key)), BatchStatus::Received, {}, "", 0, ""};
    }
    bool permitted = std::find(mattersWithoutPermission.begin(), mattersWithoutPermission.end(),
                               m.scope.matter) != mattersWithoutPermission.end();
    for (const auto& g : granted) permitted = permitted || sameScopeForTest(g.scope, m.scope);
    if (!permitted) {
      return std::unexpected(failure(PlatformFailureKind::Final, 403, "PERMISSION_REQUIRED",
                                     "没有该职业等级的团体申报权限"));
    }
    submissions.push_back({std::string(key), std::string(xlsx), m});
    std::string id = "B-" + std::to_string(submissions.size());
    batches[id] = {BatchState{id, BatchStatus::Received, {}, "", 0, ""}, 0, std::string(xlsx), m};
    batchByKey_[std::string(key)] = id;
    return batches[id].state;
  }

  PlatformResult<BatchState> batch(std::string_view id) override {
    if (auto f = take("batch")) return std::unexpected(*f);
    auto it = batches.find(std::string(id));
    if (it == batches.end()) {
      return std::unexpected(failure(PlatformFailureKind::Final, 404, "NOT_FOUND", "批次不存在"));
    }
    FakeBatch& b = it->second;
    if (b.state.status != BatchStatus::Done) {
      if (++b.polls >= batchDoneAfterPolls) {
        judge(b);
      } else {
        b.state.status = BatchStatus::Processing;
      }
    }
    BatchState answer = b.state;
    if (answer.status == BatchStatus::Done && alterDoneAnswer) alterDoneAnswer(answer);
    return answer;
  }

  PlatformResult<std::optional<BatchState>> findBatch(std::string_view key) override {
    if (auto f = take("findBatch")) return std::unexpected(*f);
    auto it = batchByKey_.find(std::string(key));
    if (it == batchByKey_.end()) return std::optional<BatchState>();
    FakeBatch& b = batches.at(it->second);
    if (lookupDoneWithoutRows) {
      if (b.state.status != BatchStatus::Done) judge(b);
      return std::optional<BatchState>(BatchState{b.state.batchId, b.state.status, {}, "", 0, ""});
    }
    return std::optional<BatchState>(b.state);
  }

  // This school's accepted declarations (every row the fake accepted), filtered as the platform.
  PlatformResult<std::vector<DeclarationInfo>> declarations(std::string_view code,
                                                            int level) override {
    if (auto f = take("declarations")) return std::unexpected(*f);
    std::vector<DeclarationInfo> out;
    for (const DeclarationInfo& d : heldDeclarations) {
      if (!code.empty() && d.occupationCode != code) continue;
      if (level != 0 && d.level != level) continue;
      out.push_back(d);
    }
    return out;
  }

  // Every batch, with what it declares and (once judged) its rows; not a poll.
  PlatformResult<std::vector<BatchState>> listBatches() override {
    if (auto f = take("listBatches")) return std::unexpected(*f);
    std::vector<BatchState> out;
    for (const auto& [id, b] : batches) {
      BatchState s = b.state;
      s.occupationCode = b.manifest.scope.occupationCode;
      s.level = b.manifest.scope.level;
      s.abilityCode = b.manifest.scope.abilityCode;
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  struct App {
    ApplicationState state;
    int polls = 0;
    PermissionScope scope;
  };

  std::optional<PlatformFailure> take(const std::string& method) {
    int n = ++calls[method];
    auto m = failOn.find(method);
    if (m == failOn.end()) return std::nullopt;
    auto f = m->second.find(n);
    if (f == m->second.end()) return std::nullopt;
    PlatformFailure out = f->second;
    out.endpoint = method;
    return out;
  }

  // nullopt: a new key; true: the same key with the same body; false: another body.
  std::optional<bool> idempotent(std::string_view key, const std::string& body) {
    auto it = bodies_.find(std::string(key));
    if (it == bodies_.end()) {
      bodies_[std::string(key)] = body;
      return std::nullopt;
    }
    return it->second == body;
  }

  static PlatformFailure mismatch(std::string endpoint) {
    PlatformFailure f = failure(PlatformFailureKind::Final, 409, "IDEMPOTENCY_MISMATCH",
                                "同一幂等键的请求内容不同");
    f.endpoint = std::move(endpoint);
    return f;
  }

  // Rows: a name starting with 退 is NOT_GRADUATING; an ID accepted before for the same
  // occupation and level is DUPLICATE; everything else ACCEPTED.
  void judge(FakeBatch& b) {
    auto rows = parseFakeXlsx(b.body);
    std::string scope = b.manifest.scope.occupationCode + "/" +
                        std::to_string(b.manifest.scope.level);
    auto& done = declaredIds[scope];
    for (std::size_t i = 1; i < rows.size(); ++i) {
      BatchRow r;
      r.row = static_cast<int>(i) + 1;
      r.idNumber = rows[i].at(3);
      if (rows[i].at(1).rfind("退", 0) == 0) {
        r.result = RowResult::Rejected;
        r.reason = "NOT_GRADUATING";
      } else if (std::find(done.begin(), done.end(), r.idNumber) != done.end()) {
        r.result = RowResult::Rejected;
        r.reason = "DUPLICATE";
      } else {
        r.result = RowResult::Accepted;
        r.declarationNo = "D" + std::to_string(++declarationCounter_);
        done.push_back(r.idNumber);
        heldDeclarations.push_back({r.idNumber, b.manifest.scope.occupationCode,
                                    b.manifest.scope.level, b.manifest.scope.abilityCode,
                                    r.declarationNo, b.state.batchId});
      }
      b.state.rows.push_back(r);
    }
    if (!extraRowId.empty()) {
      b.state.rows.push_back({static_cast<int>(rows.size()) + 1, extraRowId, RowResult::Accepted,
                              "", "", "DX"});
    }
    b.state.status = BatchStatus::Done;
  }

  std::map<std::string, std::string> bodies_;
  std::map<std::string, App> apps_;
  std::map<std::string, std::string> appByKey_;
  std::map<std::string, std::string> batchByKey_;
  int declarationCounter_ = 0;
};

}  // namespace zzjb::test
