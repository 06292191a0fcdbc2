// The engine's inside: one pass over one school (engine_pass.cpp: the plan, the order of the
// steps, the dry run and the end) as one small unit per step — the account (engine_account.cpp),
// the permissions (engine_permissions.cpp), the declarations (engine_declarations.cpp) and the
// polling of what is open (engine_polling.cpp) — sharing a PassContext (engine_context.cpp), and
// the requests they build (engine_requests.cpp). Not installed.
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

// The label people read: "4-04-05-01 计算机程序设计员 · 四级/中级工 · social-org · 某某评价组织".
[[nodiscard]] std::string targetLabel(const Target& t);
[[nodiscard]] PermissionScope scopeFor(const Target& t, const CertType* type);

// Groups the evaluation's TargetResults by key; eligible students as a union, roster order.
[[nodiscard]] std::vector<TargetWork> buildTargets(const SchoolResult& eval,
                                                   const TypeRegistry* types, const Date& today);

// The canonical content of requests, for idempotency keys.
[[nodiscard]] std::string accountContent(const AccountRequest& r);
[[nodiscard]] std::string applicationContent(const ApplicationRequest& r);
[[nodiscard]] AccountRequest accountRequestFor(const School& s, const std::string& keyId);

// The target's sheet columns, as its type gives them (declarationSheet); errors: the plugin
// failed, or its columns are not a sheet (no columns, an empty or repeated header, an unknown
// standard column).
[[nodiscard]] Result<std::vector<plugin::SheetColumn>> sheetColumns(const School& school,
                                                                   const TargetWork& t);
// The declaration sheet for `students` of a target, in its type's columns.
// Errors: the plugin could not give its columns or a student's values.
[[nodiscard]] Result<DeclarationSheet> buildSheet(const School& school, const TargetWork& t,
                                                  const std::vector<const StudentRef*>& students,
                                                  const Date& today);

// What is declared for a student: sha256Hex of the cells of row `row` but 序号 (which only says
// where the row is in its file), so the same student data gives the same fingerprint in any batch.
[[nodiscard]] std::string rowFingerprint(const EngineServices& svc, const DeclarationSheet& sheet,
                                         std::size_t row);

// The idempotency key: "zzjb1-" + sha256Hex("<step>\n<credit code>\n<target key>\n<content>").
[[nodiscard]] std::string idempotencyKey(const EngineServices& svc, std::string_view step,
                                         std::string_view creditCode, std::string_view targetKey,
                                         std::string_view content);

[[nodiscard]] bool isFinal(DeclarationResult r);
[[nodiscard]] bool isWaitingPhase(TargetPhase p);

// An application still under review, for people: "团体申报权限申请已提交，待…（申请编号 …，状态 …）".
// What a target waiting for the centre to grant its permission says (its type's words, or zzjb's).
[[nodiscard]] std::string notGrantedText(const CertType& type);
[[nodiscard]] std::string underReviewText(const Application& app);
[[nodiscard]] inline std::string underReviewHint() {
  return msg::text("run.phase.under_review.hint");
}

// Why a pass stopped before its end: the one reason, for every step to see.
enum class StopReason {
  None,
  StoreFailed,     // the state store failed: nothing more can be recorded
  PlatformFailed,  // the platform failed in a way that stops the school (PassContext::failure)
  Internal,        // an exception escaped a step (Pass::abandon)
};

// What the steps of one pass share: the inputs, the outcome being built, the targets, the stop
// reason, and the helpers that record failures and tell the caller.
struct PassContext {
  PassContext(const SchoolInput& in, const EngineServices& services, const EngineOptions& options);

  const School& school;
  const SchoolResult& eval;
  const EngineServices& svc;
  const EngineOptions& opt;
  std::string keyId;
  StateStore& store;
  PlatformClient* platform = nullptr;

  SchoolOutcome out;
  std::vector<TargetWork> targets;
  StopReason stop = StopReason::None;
  bool progressed = false;  // something was recorded from the platform in this pass
  bool refused = false;     // a target failed, or the platform refused a request of the school

  [[nodiscard]] bool stopped() const { return stop != StopReason::None; }

  // Store views of a target (engine_context.cpp); false after a store error (stopped).
  bool refreshRecords(TargetWork& t);
  void ensureStudentKeys(TargetWork& t);
  // Every eligible student has a final record and none is a corrected rejected row to declare
  // again (asks the store, about those rows only, when a record is REJECTED for a correctable
  // reason).
  bool allFinal(TargetWork& t);
  void ensureFingerprints(TargetWork& t);
  // t.notYet from the store (studentsNotYetDeclared with every eligible student's fingerprint);
  // false after a store error (stopped).
  bool refreshNotYet(TargetWork& t);

  // An unanswered intent that is not sent again: answered Superseded, with a warning.
  void supersede(const IntentState& in, const std::string& why);

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
};

class PermissionStep;
class DeclarationStep;

// Step 3 (engine_account.cpp): the school's account.
class AccountStep {
 public:
  explicit AccountStep(PassContext& cx) : cx_(cx) {}
  // An unanswered "account" intent: the account as the platform has it, or the PUT again.
  void resolve(const IntentState& in);
  // Registers the account when the platform does not know it; true when it is ACTIVE. Otherwise
  // every target with students is WaitingForAccount.
  bool ensure();

 private:
  void send(const AccountRequest& req, const std::string& key);

  PassContext& cx_;
  std::optional<AccountState> account_;
};

// Steps 4 and 7 (engine_polling.cpp): what is open — applications under review, batches not
// DONE — polled once at once when it was open before the pass, then together in rounds with
// backoff within the budget (EngineOptions::poll*).
class Polling {
 public:
  explicit Polling(PassContext& cx) : cx_(cx) {}
  void bind(PermissionStep& permissions, DeclarationStep& declarations);

  // Step 4: the batches open from an earlier pass, each polled once now.
  void pollOpenBatches();
  // A batch not DONE: polled once now (`pollNow`) and, still open, left open for wait().
  void pollBatch(const Batch& b, bool pollNow);
  // An application still undecided, left open for wait() (`pollsSoFar`: polled already).
  void openApplication(const TargetWork& t, const Application& app, int pollsSoFar);
  // Step 7: polls what is open in rounds with backoff within the budget; declares a target whose
  // permission is granted in a round; sets the phase of what is left to the next pass.
  void wait();

 private:
  struct OpenApplication {
    std::string targetKey;
    Application app;
    std::int64_t dueMs = 0;  // on the pass's waiting timeline (waitedMs_)
    std::int64_t intervalMs = 0;  // the wait before the poll after that
    int polls = 0;
  };
  struct OpenBatch {
    Batch batch;
    std::int64_t dueMs = 0;
    std::int64_t intervalMs = 0;
    int polls = 0;
  };
  // One GET of an open batch; true when it is still open afterwards.
  bool pollBatchOnce(Batch& b);
  void openBatch(const Batch& b, int pollsSoFar);

  PassContext& cx_;
  PermissionStep* permissions_ = nullptr;
  DeclarationStep* declarations_ = nullptr;
  std::vector<OpenApplication> apps_;
  std::vector<OpenBatch> batches_;
  std::int64_t waitedMs_ = 0;  // slept in this pass, in all
};

// Step 5 (engine_permissions.cpp): a permission per target with students to declare.
class PermissionStep {
 public:
  PermissionStep(PassContext& cx, Polling& polling) : cx_(cx), polling_(polling) {}
  // An unanswered "application" intent: found → recorded; not found → sent again, as is.
  void resolve(const IntentState& in);
  // Granted → the target is permitted; applied online → followed or applied for; granted by the
  // centre and not granted → PermissionNotGranted.
  void ensure();
  // One GET of an application of ours; true while it is undecided. Decided: permitted, or
  // the rejection explained.
  bool pollOnce(TargetWork& t, Application& app);
  // A REJECTED application, through the type plugin's explainReview.
  void explainRejection(TargetWork& t, const std::string& reason);

 private:
  [[nodiscard]] Result<ApplicationRequest> request(const TargetWork& t) const;
  void applyFor(TargetWork& t);
  void send(TargetWork& t, const ApplicationRequest& req, const std::string& key);
  // An application of ours: decided → permitted or explained; otherwise polled once now
  // (`pollNow`, one that was open before this pass) and, still undecided, left open.
  void follow(TargetWork& t, Application app, bool pollNow);

  PassContext& cx_;
  Polling& polling_;
  std::optional<std::vector<GrantedPermission>> granted_;
};

// Step 6 (engine_declarations.cpp): the students of permitted targets, in batches.
class DeclarationStep {
 public:
  DeclarationStep(PassContext& cx, Polling& polling) : cx_(cx), polling_(polling) {}
  // An unanswered "batch" intent: found → recorded; not found → its students still eligible
  // sent again under its key.
  void resolve(const IntentState& in);
  void declareAll();
  // A permitted target's students not yet declared (t.notYet, as ensure read it).
  void declareTarget(TargetWork& t);
  // Records what the platform said about a batch; DONE: every row, then the batch as DONE —
  // unless the answer leaves a SENT student of the batch without a final result: then the rows
  // it has are recorded, the batch stays open (polled again next pass) and a warning says so.
  // `fromLookup`: the answer came from findBatch, whose rows may be missing; then the batch is
  // fetched (GET) before deciding.
  void absorb(std::string_view targetKey, const std::string& intentKey, const BatchState& state,
              bool fromLookup = false);

 private:
  void declare(TargetWork& t);
  // Sends one batch; returns false when the target or the school cannot go on.
  bool send(TargetWork& t, const std::string& xlsx, const DeclarationManifest& manifest,
            const std::string& key, std::size_t rows);
  // The batch's students as sent, with their fingerprints; forgets (keepOnlyStudents) the
  // PENDING records of the intent that are not among them. False after a store error.
  bool keepOnly(const std::string& intentKey, const std::vector<const StudentRef*>& members,
                const DeclarationSheet* sheet);
  // Rows refused as DUPLICATE whose student this school itself holds an accepted declaration of
  // for the target (a repeat after a lost store): the platform's real result, from GET
  // /api/v1/skills/declarations, replaces the refusal. False after a platform failure (the batch
  // then stays open and is recorded next pass).
  bool takeOwnDeclarations(std::string_view targetKey, std::vector<StudentResult>& results);

  PassContext& cx_;
  Polling& polling_;
};

// One pass over one school (engine_pass.cpp): the plan, the steps in order, the dry run, the end.
// `in.school`, `in.evaluation` and `svc.store` must not be null (runSchoolPass checks).
class Pass {
 public:
  Pass(const SchoolInput& in, const EngineServices& svc, const EngineOptions& opt);
  SchoolOutcome run();
  // After an exception escaped a step: what is known, as FAILED (and the pass recorded).
  SchoolOutcome abandon(const std::string& what);

 private:
  void adoptLegacyKeys();  // records under pre-ABI-2 target keys (cert_types.hpp)
  bool plan();  // true: something is missing (stops on a store error)
  bool login();
  void resolvePending();
  void dryRun();
  void finish();
  void recordPass();

  PassContext cx_;
  Polling polling_;
  PermissionStep permissions_;
  DeclarationStep declarations_;
  AccountStep account_;
  std::string startedAt_;
  bool missing_ = false;  // the plan found something to do
  bool online_ = false;   // the pass went to the platform (so the store may have changed)
};

}  // namespace zzjb::engine_detail
