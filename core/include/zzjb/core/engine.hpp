// The engine: one pass over one school, as a reconciliation (docs/architecture.md, "The
// engine: one pass as a reconciliation"). Desired state (config, rosters, evaluations → evaluateSchool's SchoolResult) against
// recorded state (StateStore) against observed state (PlatformClient). Each step asks "what is
// missing?" and does only that:
//
//   0. plan offline: if the store already holds a final result for every eligible student of
//      every target, no intent is pending, no batch open and no permission waiting, the school is
//      UP_TO_DATE and nothing at all is sent (not even a login);
//   1. log in (the client re-logs in on SESSION_EXPIRED by itself);
//   2. intents without a response (a crash between commit and answer): look each up on the
//      platform by its idempotency key; found → record it; not found → send it again, as is;
//   3. account: GET; NOT_REGISTERED → intent → PUT (the 附件2 data); PENDING_CENTRE → WAITING;
//   4. batches open from before (not DONE at the end of an earlier pass): each polled once now,
//      DONE → every row recorded; still open → waited for in step 7;
//   5. permissions per target: granted (GET permissions) → go on; AppliedOnline → a stored
//      application is polled once now (still under review → waited for in step 7), or applied
//      for once (intent → POST); a REJECTED application is reported through the plugin's
//      explainReview and never re-sent; GrantedByCentre → WAITING with the plugin's
//      permissionRequest;
//   6. declare: eligible students with no record for the target (or whose row, REJECTED for a
//      reason the roster fixes, was corrected since: isCorrectableRejection), in batches of at most
//      maxBatchRows, as the 团体申报导入模板 (plugin's declarationColumns/Values after the 15);
//      for each: intent (with its rows) committed → POST → batch recorded;
//   7. wait: what is open (applications, batches) is polled together in rounds with backoff,
//      within a budget (EngineOptions::poll*); a target whose permission is granted in a round
//      is declared at once; what is still open at the end is left to the next pass.
//
// Idempotency keys are derived from content: "zzjb1-" + SHA-256 of the step, school credit
// code, target key and the request's bytes (for a batch, the xlsx's SHA-256), so the same
// content always has the same key and the platform can answer a repeat with the original.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/cert_types.hpp"
#include "zzjb/core/clock.hpp"
#include "zzjb/core/declaration_sheet.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/finding.hpp"
#include "zzjb/core/platform.hpp"
#include "zzjb/core/state_store.hpp"

namespace zzjb {

// A target's key is targetKeyOf (cert_types.hpp): targets of two majors with the same key are one
// permission and one stream of batches.

// What the engine stores for a target's permission (Application::status, platform.hpp):
//   AppliedOnline:   the platform's Submitted | UnderReview | Approved | Rejected (with id),
//                    or Granted when the permission was found without an application of ours;
//   GrantedByCentre: NotGranted | Granted (application id empty).
// And the account's state (StateStore::putAccountStatus): NotRegistered | PendingCentre | Active.

// A platform row reason (ID_INVALID …) for people, with what to do (catalog: explain.row.*), in the
// process's language: the one wording for the run, the log and the report.
struct ReasonText {
  std::string text;  // 证件号码无效
  std::string hint;  // 核对花名册中的证件号码与证件类型后，下一轮会重新申报
};
[[nodiscard]] ReasonText platformReasonText(std::string_view code);

enum class TargetPhase {
  NoEligibleStudents,     // nothing to declare (see the evaluation)
  WaitingForAccount,      // the account is not ACTIVE yet
  PermissionNotGranted,   // GrantedByCentre and not granted: ask the centre
  PermissionUnderReview,  // applied, the centre has not decided
  PermissionRejected,     // applied and rejected: see detail
  Declaring,              // batches sent or open in this pass, not all DONE
  UpToDate,               // every eligible student has the platform's final word
  Failed,                 // the platform or the store failed for this target
};
[[nodiscard]] const char* targetPhaseName(TargetPhase p);  // "UP_TO_DATE", …
// The phase and a school's outcome for people, in the process's language: 已完成, 申报中 …
[[nodiscard]] std::string targetPhaseText(TargetPhase p);
[[nodiscard]] std::string schoolOutcomeText(SchoolOutcomeKind k);

struct TargetOutcome {
  std::string targetKey;
  std::string label;  // "4-04-05-01 计算机程序设计员 四级 · social-org · 某某评价组织"
  TargetPhase phase = TargetPhase::NoEligibleStudents;
  std::string detail;  // for people, from the catalog in the process's language: why, what to do
  std::string hint;
  std::size_t eligible = 0;
  std::size_t sent = 0;      // rows sent in this pass
  std::size_t accepted = 0;  // totals from the store after the pass
  std::size_t rejected = 0;
  std::size_t pending = 0;   // PENDING or SENT
  std::vector<std::string> wouldSend;  // dry run: one line per request that would be sent
};

// SchoolOutcomeKind and schoolOutcomeName: state_store.hpp (a pass record holds one).

struct SchoolOutcome {
  std::string school;
  SchoolOutcomeKind kind = SchoolOutcomeKind::UpToDate;
  std::optional<PlatformFailure> failure;
  std::vector<Finding> findings;  // store problems, rows that could not be written …
  std::vector<TargetOutcome> targets;
  std::size_t creatingRequests = 0;  // PUT account, POST application, POST batch sent
  bool loggedIn = false;
  // Dry run: the school's own requests that would be sent (the account, unanswered intents
  // looked up and re-sent); the targets' are in TargetOutcome::wouldSend.
  std::vector<std::string> wouldSend;
  [[nodiscard]] std::string summary() const;  // one line, no ID numbers
};

// What the engine tells its caller as it goes: progress display, log lines, metrics.
struct EngineEvent {
  enum class Kind {
    SchoolStarted,   // message: school name
    Step,            // message: "logging in", "checking the account", …
    RequestSent,     // a creating request: message = endpoint, count = rows (batches)
    RowsRecorded,    // count = eligible students with a final result, total = eligible students
    TargetFinished,  // message = phase name
    Warning,         // message: what went wrong, for the log
    SchoolFinished,  // message = outcome name
  };
  Kind kind = Kind::Step;
  std::string school;
  std::string targetKey;
  std::string message;
  std::size_t count = 0;
  std::size_t total = 0;
};

// The engine's collaborators. Not owned.
struct EngineServices {
  StateStore* store = nullptr;
  PlatformClient* platform = nullptr;  // may be nullptr for a dry run
  const TypeRegistry* types = nullptr;
  // The declaration file's bytes (adapters/platform: writeDeclarationXlsx) and SHA-256 hex.
  std::function<Result<std::string>(const DeclarationSheet&)> writeXlsx;
  std::function<std::string(std::string_view)> sha256Hex;
  Clock* clock = nullptr;  // the time of pass records and the waits between polls (FakeClock in tests)
  std::function<void(const EngineEvent&)> onEvent;  // may be empty
};

struct EngineOptions {
  Date today;
  std::string configFile;  // named in the hints (explainPlatformFailure's FailureContext)
  bool dryRun = false;  // no creating request and no store write; wouldSend says what
  std::size_t maxBatchRows = 5000;
  // Waiting (docs/architecture.md, "The engine": waiting together). Everything a school has open
  // (its applications under review, its batches being processed) is polled in rounds: each thing
  // is first polled pollIntervalMs after it was sent (at once when it was already open at the
  // start of the pass), then after twice the previous wait, up to pollMaxIntervalMs. The school
  // stops waiting when nothing is open, when the next poll would pass pollBudgetMs of waiting in
  // all, or when each open thing was polled pollAttempts times: what is still open is left to
  // the next pass (WAITING / DECLARING, not an error). All waits go through EngineServices::clock.
  int pollAttempts = 8;            // at most this many polls of one application or batch per pass
  int pollIntervalMs = 250;        // the first wait (configuration: platform.pollIntervalMs)
  int pollMaxIntervalMs = 4000;    // the longest wait between two polls of the same thing
  int pollBudgetMs = 15000;        // the most a school waits in one pass, all waits together
  // Test hook, called at named points so that a test can kill the process exactly there:
  // "intent-committed" (before the request is sent) and "response-received" (before it is
  // recorded), with the step: "intent-committed:batch". Empty: no hook.
  std::function<void(std::string_view point)> checkpoint;
};

struct SchoolInput {
  const School* school = nullptr;
  const SchoolResult* evaluation = nullptr;  // evaluateSchool's result for this school
  std::string keyId;  // the operator's keyID (the certificate's, or pinned in the config)
};

// One pass over one school. Never throws for bad input or a failing platform: the outcome says.
// A school whose evaluation has error findings is Skipped without any request. Records the pass
// (recordPass) unless dry-running.
[[nodiscard]] SchoolOutcome runSchoolPass(const SchoolInput& input, const EngineServices& services,
                                          const EngineOptions& options);

}  // namespace zzjb
