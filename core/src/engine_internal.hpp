// The engine's inside: one pass over one school as an object (engine_pass.cpp), the requests it
// builds (engine_requests.cpp) and the offline plan and dry run (engine.cpp). Not installed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/engine.hpp"

namespace zzjb::engine_detail {

// One eligible student of a target, in roster order.
struct StudentRef {
  const Student* student = nullptr;
  std::string id;               // normalised ID number
  const TargetResult* from = nullptr;  // the TargetResult (major) that made them eligible
};

// One target of the pass: the TargetResults with the same targetKeyOf, merged.
struct TargetWork {
  std::string key;
  const Target* target = nullptr;  // the first TargetResult's
  const CertType* type = nullptr;  // nullptr: the type is unknown (then Failed)
  PermissionScope scope;
  std::vector<StudentRef> eligible;
  TargetOutcome out;

  // The store's view, refreshed by refreshRecords(): studentKey → record.
  std::unordered_map<std::string, StudentRecord> records;
  bool recordsRead = false;  // records holds a read of the store
  bool planFinal = false;    // plan(): every eligible student had the platform's final word
  std::vector<std::string> studentKeys;  // per eligible student, same order (lazily filled)
  std::vector<std::string> notYet;       // eligible IDs to declare (from the store)
  // Per eligible student, same order: rowFingerprint of what would be declared now ("" when
  // the sheet could not be built). Filled by ensureFingerprints.
  std::vector<std::string> fingerprints;
  bool fingerprinted = false;

  bool phaseSet = false;   // out.phase was decided by a step (account, permission, failure)
  bool failed = false;
  bool permitted = false;
};

// Plain text helpers.
[[nodiscard]] std::string trim(std::string_view s);
[[nodiscard]] std::string normalizeIdNumber(std::string_view s);  // trimmed, upper-case X

// What to do about a refused request, for people (Chinese).
[[nodiscard]] std::string failureHint(const PlatformFailure& f);

// The label people read: "4-04-05-01 计算机程序设计员 四级 · social-org · 某某评价组织".
[[nodiscard]] std::string targetLabel(const Target& t);
[[nodiscard]] PermissionScope scopeFor(const Target& t, const CertType* type);

// Groups the evaluation's TargetResults by key; eligible students as a union, roster order.
[[nodiscard]] std::vector<TargetWork> buildTargets(const SchoolResult& eval,
                                                   const TypeRegistry* types, const Date& today);

// The canonical content of requests, for idempotency keys.
[[nodiscard]] std::string accountContent(const AccountRequest& r);
[[nodiscard]] std::string applicationContent(const ApplicationRequest& r);
[[nodiscard]] AccountRequest accountRequestFor(const School& s, const std::string& keyId);

// The declaration sheet for `students` of a target: the 15 standard columns, then the type's.
// Errors: the plugin could not give its columns or a student's values.
[[nodiscard]] Result<DeclarationSheet> buildSheet(const School& school, const TargetWork& t,
                                                  const std::vector<const StudentRef*>& students,
                                                  const Date& today);

// What is declared for a student: sha256Hex of the row's cells but 序号 (which only says where
// the row is in its file), so the same student data gives the same fingerprint in any batch.
[[nodiscard]] std::string rowFingerprint(const EngineServices& svc, const DeclarationRow& row);

// The idempotency key: "zzjb1-" + sha256Hex("<step>\n<credit code>\n<target key>\n<content>").
[[nodiscard]] std::string idempotencyKey(const EngineServices& svc, std::string_view step,
                                         std::string_view creditCode, std::string_view targetKey,
                                         std::string_view content);

[[nodiscard]] bool isFinal(DeclarationResult r);
[[nodiscard]] bool isWaitingPhase(TargetPhase p);

// One pass over one school. Steps in engine_pass.cpp; plan, dry run and finish in engine_plan.cpp.
// `in.school`, `in.evaluation` and `svc.store` must not be null (runSchoolPass checks).
class Pass {
 public:
  Pass(const SchoolInput& in, const EngineServices& svc, const EngineOptions& opt);
  SchoolOutcome run();
  // After an exception escaped a step: what is known, as FAILED (and the pass recorded).
  SchoolOutcome abandon(const std::string& what);

 private:
  // engine_plan.cpp
  bool plan();  // true: something is missing (sets stopped_ on a store error)
  void dryRun();
  void finish();
  void recordPass();
  bool refreshRecords(TargetWork& t);
  bool ensureStudentKeys(TargetWork& t);
  // Every eligible student has a final record and none is a corrected rejected row to declare
  // again (asks the store, about those rows only, when a record is REJECTED for a correctable
  // reason).
  bool allFinal(TargetWork& t);
  void ensureFingerprints(TargetWork& t);
  // t.notYet from the store (studentsNotYetDeclared with every eligible student's fingerprint);
  // false after a store error (stopped_).
  bool refreshNotYet(TargetWork& t);

  // engine_pass.cpp
  bool login();
  void resolvePending();
  void ensureAccount();
  void ensurePermissions();
  void pollOpenBatches();
  void declareAll();
  void declareTarget(TargetWork& t);

  void resolveAccountIntent(const IntentState& in);
  void resolveApplicationIntent(const IntentState& in);
  void resolveBatchIntent(const IntentState& in);
  void supersede(const IntentState& in, const std::string& why);

  void sendAccount(const AccountRequest& req, const std::string& key);
  void sendApplication(TargetWork& t, const ApplicationRequest& req, const std::string& key);
  // Sends one batch; returns false when the target or the school cannot go on.
  bool sendBatch(TargetWork& t, const std::string& xlsx, const DeclarationManifest& manifest,
                 const std::string& key, std::size_t rows);
  Result<ApplicationRequest> applicationRequest(const TargetWork& t) const;
  void applyFor(TargetWork& t);
  // An application of ours: decided → permitted or explained; otherwise polled once now
  // (`pollNow`, one that was open before this pass) and, still undecided, left open for wait().
  void followApplication(TargetWork& t, Application app, bool pollNow);
  void explainRejection(TargetWork& t, const std::string& reason);
  // A batch not DONE: polled once now (`pollNow`) and, still open, left open for wait().
  void pollBatch(const Batch& b, bool pollNow);
  // One GET of an open application / batch; true when it is still open afterwards.
  bool pollApplicationOnce(TargetWork& t, Application& app);
  bool pollBatchOnce(Batch& b);
  // Step 7: polls what is open in rounds with backoff within the budget (EngineOptions::poll*);
  // declares a target whose permission is granted in a round; sets the phase of what is left.
  void wait();
  // Records what the platform said about a batch; DONE: every row, then the batch as DONE —
  // unless the answer leaves a SENT student of the batch without a final result: then the rows
  // it has are recorded, the batch stays open (polled again next pass) and a warning says so.
  // `fromLookup`: the answer came from findBatch, whose rows may be missing; then the batch is
  // fetched (GET) before deciding.
  void absorbBatch(std::string_view targetKey, const std::string& intentKey,
                   const BatchState& state, bool fromLookup = false);
  // The batch's students as sent, with their fingerprints; forgets (keepOnlyStudents) the
  // PENDING records of the intent that are not among them. False after a store error.
  bool keepOnly(const std::string& intentKey, const std::vector<const StudentRef*>& members,
                const DeclarationSheet* sheet);
  void declare(TargetWork& t);

  // Failure handling. Both return true when the school must stop.
  bool storeFailed(const Finding& f);
  bool platformFailed(const PlatformFailure& f, TargetWork* t, bool finalStops);
  void failTarget(TargetWork& t, const std::string& detail, const std::string& hint,
                  std::optional<Finding> finding);
  void setPhase(TargetWork& t, TargetPhase p, std::string detail, std::string hint = {});
  void warn(std::string_view targetKey, const std::string& message);
  void emit(EngineEvent::Kind kind, std::string_view targetKey, std::string message,
            std::size_t count = 0, std::size_t total = 0);
  void checkpoint(std::string_view point);
  void sleepMs(std::int64_t ms);
  TargetWork* findTarget(std::string_view key);
  [[nodiscard]] std::string keyFor(std::string_view step, std::string_view targetKey,
                                   std::string_view content) const;

  const School& school_;
  const SchoolResult& eval_;
  const EngineServices& svc_;
  const EngineOptions& opt_;
  std::string keyId_;
  StateStore& store_;
  PlatformClient* platform_ = nullptr;

  SchoolOutcome out_;
  std::vector<TargetWork> targets_;
  std::string startedAt_;
  bool stopped_ = false;
  bool missing_ = false;    // the plan found something to do
  bool recorded_ = false;   // something was recorded from the platform in this pass
  bool online_ = false;     // the pass went to the platform (so the store may have changed)
  bool targetFailed_ = false;
  bool accountWaiting_ = false;
  // What is open, polled together by wait(): when next due (on the pass's waiting timeline,
  // waitedMs_) and the wait before the poll after that.
  struct OpenApplication {
    std::string targetKey;
    Application app;
    std::int64_t dueMs = 0;
    std::int64_t intervalMs = 0;
    int polls = 0;
  };
  struct OpenBatch {
    Batch batch;
    std::int64_t dueMs = 0;
    std::int64_t intervalMs = 0;
    int polls = 0;
  };
  void openApplication(const TargetWork& t, const Application& app, int pollsSoFar);
  void openBatch(const Batch& b, int pollsSoFar);
  std::vector<OpenApplication> openApps_;
  std::vector<OpenBatch> openBatches_;
  std::int64_t waitedMs_ = 0;  // slept in this pass, in all
  std::optional<AccountState> account_;
  std::optional<std::vector<GrantedPermission>> granted_;
};

}  // namespace zzjb::engine_detail
