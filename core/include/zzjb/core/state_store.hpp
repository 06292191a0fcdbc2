// Port: the state store, what zzjb has done and what the platform answered, kept across passes
// and crashes. A pass writes an intent (and commits it) before every creating call, records the
// response after it, and looks up on the platform every intent still without a response.
//
// Personal data: callers hand in full ID numbers; the store keeps only a keyed hash (the student
// key) and the masked ID. Intent summaries and response JSON must not hold ID numbers either.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/finding.hpp"
#include "zzjb/core/platform.hpp"

namespace zzjb {

// A creating call about to be made. `key` is the idempotency key sent to the platform, derived
// from the content (SHA-256 of school, step, target and rows), so a repeat has the same key.
struct Intent {
  std::string key;
  std::string school;
  std::string step;            // "account" | "application" | "batch"
  std::string targetKey;       // "" for the account; otherwise which target it is for
  std::string requestSummary;  // for people and lookups; no full ID numbers
};

// Where an intent is: no answer recorded yet (the call may or may not have reached the
// platform), answered, or given up unsent (a lookup found nothing and it was not sent again).
enum class IntentStatus { Unanswered, Answered, Superseded };
// "UNANSWERED", "ANSWERED", "SUPERSEDED"; parse returns nullopt for anything else.
[[nodiscard]] inline const char* intentStatusName(IntentStatus s) {
  switch (s) {
    case IntentStatus::Unanswered: return "UNANSWERED";
    case IntentStatus::Answered: return "ANSWERED";
    case IntentStatus::Superseded: return "SUPERSEDED";
  }
  return "UNANSWERED";
}
[[nodiscard]] inline std::optional<IntentStatus> parseIntentStatus(std::string_view s) {
  if (s == "UNANSWERED") return IntentStatus::Unanswered;
  if (s == "ANSWERED") return IntentStatus::Answered;
  if (s == "SUPERSEDED") return IntentStatus::Superseded;
  return std::nullopt;
}

// What the platform answered to an intent's call (or what a lookup found), typed: the state of
// the object the step created and what the engine needs of the answer again. One of account,
// application and batch is set, the step's; none for a superseded intent.
struct IntentResponse {
  IntentStatus status = IntentStatus::Answered;  // Answered | Superseded
  std::optional<AccountStatus> account;          // step "account"
  std::optional<ApplicationStatus> application;  // step "application"
  std::optional<BatchStatus> batch;              // step "batch"
  std::string id;      // the applicationId or batchId the call created
  std::string reason;  // the reviewer's reason (application); why it was superseded
  std::string at;      // registeredAt (account)
};

// An intent as the store holds it.
struct IntentState {
  Intent intent;
  bool created = false;  // beginIntent: true when this call inserted it
  IntentStatus status = IntentStatus::Unanswered;
  IntentResponse response;  // when status is not Unanswered
  std::string createdAt;    // UTC, "2026-11-27T19:09:17.123Z"
  std::string respondedAt;
  [[nodiscard]] bool hasResponse() const { return status != IntentStatus::Unanswered; }
};

// A student to declare in a batch intent: the full ID number goes in, never comes out.
struct StudentEntry {
  std::string idNumber;        // normalised (checkId); hashed with the store's key
  std::string graduationYear;  // the cohort, for purgeCohort
  // What is declared for the student: the engine's SHA-256 hex of the row's cells (all but
  // 序号). The store keeps only a keyed hash of it. "" = unknown: never a reason to re-declare.
  std::string fingerprint{};
};

// Platform row reasons the school fixes by correcting the roster row (the ID number stays the
// same): a REJECTED row with one of these is declared again once what would be sent differs from
// what was sent (its fingerprint). DUPLICATE and ID_INVALID (a corrected ID number is another
// student key anyway) and any other reason stay final.
[[nodiscard]] inline bool isCorrectableRejection(std::string_view reason) {
  return reason == "NOT_GRADUATING" || reason == "FIELD_INVALID" ||
         reason == "LEVEL_NOT_ALLOWED";
}

// A permission application (等级认定) for one target.
struct Application {
  std::string school;
  std::string targetKey;
  std::string applicationId;
  ApplicationStatus status = ApplicationStatus::Submitted;
  std::string reason;
  std::string updatedAt;  // set by the store: when it last changed (a poll that changes nothing keeps it)
};

// A declaration batch the platform accepted for processing; created by a "batch" intent.
struct Batch {
  std::string batchId;
  std::string intentKey;
  std::string school;
  std::string targetKey;
  BatchStatus status = BatchStatus::Received;
  std::string updatedAt;  // set by the store
};

enum class DeclarationResult { Pending, Sent, Accepted, Rejected };

// "PENDING", "SENT", "ACCEPTED", "REJECTED"; parse returns nullopt for anything else.
[[nodiscard]] inline const char* declarationResultName(DeclarationResult r) {
  switch (r) {
    case DeclarationResult::Pending: return "PENDING";
    case DeclarationResult::Sent: return "SENT";
    case DeclarationResult::Accepted: return "ACCEPTED";
    case DeclarationResult::Rejected: return "REJECTED";
  }
  return "PENDING";
}
[[nodiscard]] inline std::optional<DeclarationResult> parseDeclarationResult(std::string_view s) {
  if (s == "PENDING") return DeclarationResult::Pending;
  if (s == "SENT") return DeclarationResult::Sent;
  if (s == "ACCEPTED") return DeclarationResult::Accepted;
  if (s == "REJECTED") return DeclarationResult::Rejected;
  return std::nullopt;
}

// One student for one target. PENDING: in a batch intent not yet answered; SENT: in a batch the
// platform holds; ACCEPTED / REJECTED: the platform's final word on the row.
struct StudentRecord {
  std::string school;
  std::string targetKey;
  std::string studentKey;  // HMAC-SHA256 of the ID number, hex
  std::string maskedId;    // 310***********123X
  std::string graduationYear;
  DeclarationResult result = DeclarationResult::Pending;
  std::string reason;
  std::string declarationNo;
  std::string batchId;
  std::string intentKey;  // the batch intent that carried the row
  std::string updatedAt;
};

// A row's outcome as read from a finished batch.
struct StudentResult {
  std::string idNumber;
  DeclarationResult result = DeclarationResult::Accepted;
  std::string reason;
  std::string declarationNo;
};

// A batch as the platform lists it, for StateStore::reconcileTarget.
struct PlatformBatchRef {
  std::string batchId;
  BatchStatus status = BatchStatus::Done;  // the platform's: Received | Processing | Done
};

// A student as the platform holds it for a target (a row of one of its batches).
struct PlatformStudent {
  std::string idNumber;        // hashed with the store's key, never kept
  std::string graduationYear;  // the roster's, when the student is in it; "" otherwise
  DeclarationResult result = DeclarationResult::Accepted;  // Accepted | Rejected
  std::string reason;
  std::string declarationNo;
  std::string batchId;  // the batch of that row
};

// What reconcileTarget changed.
struct ReconcileCounts {
  std::size_t added = 0;      // the platform holds the student, the store had no record
  std::size_t changed = 0;    // the record said something else (result, reason, number, batch)
  std::size_t removed = 0;    // recorded here, not on the platform: deleted
  std::size_t unchanged = 0;  // already right
  std::size_t leftToPass = 0; // PENDING here or in a batch still open: the next pass's to finish
  std::size_t batchesAdded = 0;  // platform batches recorded under an intent of their own
};

// How a pass over one school ended (engine.hpp's SchoolOutcome).
enum class SchoolOutcomeKind {
  UpToDate,    // nothing was missing; nothing was sent
  Progressed,  // something was sent or recorded; everything that could be done is done
  Waiting,     // waiting on someone else (the centre's review, account activation, a batch)
  Failed,      // the platform or the store failed: see failure / findings
  Skipped,     // the school's data has errors: nothing was sent (validate first)
};
// "UP_TO_DATE", "PROGRESSED", "WAITING", "FAILED", "SKIPPED"; parse returns nullopt for anything
// else.
[[nodiscard]] inline const char* schoolOutcomeName(SchoolOutcomeKind k) {
  switch (k) {
    case SchoolOutcomeKind::UpToDate: return "UP_TO_DATE";
    case SchoolOutcomeKind::Progressed: return "PROGRESSED";
    case SchoolOutcomeKind::Waiting: return "WAITING";
    case SchoolOutcomeKind::Failed: return "FAILED";
    case SchoolOutcomeKind::Skipped: return "SKIPPED";
  }
  return "FAILED";
}
[[nodiscard]] inline std::optional<SchoolOutcomeKind> parseSchoolOutcome(std::string_view s) {
  if (s == "UP_TO_DATE") return SchoolOutcomeKind::UpToDate;
  if (s == "PROGRESSED") return SchoolOutcomeKind::Progressed;
  if (s == "WAITING") return SchoolOutcomeKind::Waiting;
  if (s == "FAILED") return SchoolOutcomeKind::Failed;
  if (s == "SKIPPED") return SchoolOutcomeKind::Skipped;
  return std::nullopt;
}

// One pass over one school, as the engine finished it (for status, reports, /healthz).
struct PassRecord {
  std::string school;
  std::string startedAt;   // UTC, as the store writes times
  std::string finishedAt;
  SchoolOutcomeKind outcome = SchoolOutcomeKind::Failed;
  std::string summary;     // one line for people; no full ID numbers
  std::size_t creatingRequests = 0;  // account / application / batch calls sent in the pass
};

// Every method commits before it returns (or changes nothing and returns a Finding, code STORE_*).
class StateStore {
 public:
  virtual ~StateStore() = default;

  // The student key the store uses for an ID number (keyed hash; stable for one store).
  [[nodiscard]] virtual std::string studentKey(std::string_view idNumber) const = 0;

  // Writes the intent and, for a "batch", one PENDING record per row, in one transaction.
  // Idempotent: an existing key returns the stored intent (created = false) and adds nothing —
  // except a Superseded intent (given up unsent), which is begun anew: its response
  // cleared, its leftover PENDING records replaced by `rows`, created = true;
  // the same key with another school, step or target is STORE_INTENT_CONFLICT. A row whose
  // student already has a record for the target is STORE_STUDENT_ALREADY_RECORDED, unless that
  // record is REJECTED with a correctable reason (isCorrectableRejection) and the row's
  // fingerprint differs from the one recorded: then the new PENDING record replaces it.
  [[nodiscard]] virtual Result<IntentState> beginIntent(const Intent& intent,
                                                        const std::vector<StudentEntry>& rows) = 0;
  [[nodiscard]] Result<IntentState> beginIntent(const Intent& intent) {
    return beginIntent(intent, {});
  }
  // The platform's answer (or what a lookup found), or Superseded. A later one replaces an
  // earlier one. No ID numbers in it.
  [[nodiscard]] virtual Result<void> recordResponse(std::string_view key,
                                                    const IntentResponse& response) = 0;
  [[nodiscard]] virtual Result<std::optional<IntentState>> intent(std::string_view key) = 0;
  // Intents without a response, oldest first: look each up on the platform before re-sending.
  [[nodiscard]] virtual Result<std::vector<IntentState>> pendingIntents(
      std::string_view school) = 0;

  // Inserts or replaces the application of (school, targetKey).
  [[nodiscard]] virtual Result<void> putApplication(const Application& application) = 0;
  [[nodiscard]] virtual Result<std::optional<Application>> application(
      std::string_view school, std::string_view targetKey) = 0;

  // Inserts or updates a batch; the PENDING rows of its intent become SENT with its batchId.
  [[nodiscard]] virtual Result<void> putBatch(const Batch& batch) = 0;
  // An unanswered batch intent about to be re-sent with only `kept` of its students (or, with
  // none, answered SUPERSEDED): deletes, in one transaction, the PENDING records of the intent
  // whose student is not in `kept` — so that they have no record and a later pass declares them
  // normally — and sets the fingerprint of the kept ones to what is re-sent. Records that are not
  // PENDING are left alone. Returns how many records were deleted.
  [[nodiscard]] virtual Result<std::size_t> keepOnlyStudents(
      std::string_view intentKey, const std::vector<StudentEntry>& kept) = 0;
  // A school's batches whose status is not DONE (to poll), oldest first.
  [[nodiscard]] virtual Result<std::vector<Batch>> openBatches(std::string_view school) = 0;

  // Records rows' outcomes for a target (one transaction); an unknown student is
  // STORE_UNKNOWN_STUDENT and nothing is written.
  [[nodiscard]] virtual Result<void> recordStudentResults(
      std::string_view school, std::string_view targetKey,
      const std::vector<StudentResult>& results) = 0;

  // `zzjb store rebuild` (docs/operations.md, "Backup, restore and rebuild"): makes one target's
  // records say what the platform holds, in one transaction, and says what changed.
  //   - `batches`: every batch the platform holds for the target. A DONE one the store does not
  //     know is recorded under an answered intent of its own ("zzjb-rebuild-<batchId>"), so its
  //     rows have a batch and an intent as the engine's do.
  //   - `students`: one per student, the platform's final word (ACCEPTED wins over a later
  //     REJECTED, e.g. a DUPLICATE of a repeat). A record is added or set to it (fingerprint kept;
  //     "" when added: unknown, never a reason to re-declare).
  //   - Left to the next pass (counted, untouched): a student PENDING in an unanswered intent, and
  //     every row of a batch that is open in the store or on the platform, or whose rows are
  //     PENDING here (the pass looks the intent up by its key and records the batch itself).
  //   - A record of the target whose student the platform does not hold (no row in any batch) is
  //     deleted, so that the next pass declares it — unless PENDING (an unanswered intent still
  //     covers it) or SENT in a batch still open.
  // Safe to run twice: the second run changes nothing.
  [[nodiscard]] virtual Result<ReconcileCounts> reconcileTarget(
      std::string_view school, std::string_view targetKey,
      const std::vector<PlatformBatchRef>& batches,
      const std::vector<PlatformStudent>& students) = 0;
  // The candidates' ID numbers (order kept) to declare for the target: those with no record at
  // all, and those whose record is REJECTED with a correctable reason (isCorrectableRejection)
  // and a recorded fingerprint that differs from the candidate's (the roster row was corrected).
  // A student PENDING in an unanswered intent is not returned: that intent is looked up and
  // re-sent. Any other REJECTED, and a corrected one whose row is unchanged (or whose fingerprint,
  // recorded or given, is ""), is final, so a pass never loops on a rejection.
  [[nodiscard]] virtual Result<std::vector<std::string>> studentsNotYetDeclared(
      std::string_view school, std::string_view targetKey,
      const std::vector<StudentEntry>& candidates) = 0;
  // All records of a school ("" targetKey: every target), for status and reports.
  [[nodiscard]] virtual Result<std::vector<StudentRecord>> students(
      std::string_view school, std::string_view targetKey) = 0;

  // Passes, newest last. `recordPass` sets nothing itself: the caller fills every field.
  [[nodiscard]] virtual Result<void> recordPass(const PassRecord& pass) = 0;
  [[nodiscard]] virtual Result<std::optional<PassRecord>> lastPass(std::string_view school) = 0;
  // The last pass of the school whose outcome was not FAILED.
  [[nodiscard]] virtual Result<std::optional<PassRecord>> lastSuccessfulPass(std::string_view school) = 0;

  // The school's account as the engine last observed it (stored as the fact "account").
  [[nodiscard]] virtual Result<void> putAccountStatus(std::string_view school,
                                                      AccountStatus status) = 0;
  [[nodiscard]] virtual Result<std::optional<AccountStatus>> accountStatus(
      std::string_view school) = 0;

  // What the engine last observed about a school, by name ("pin" → …). Replaces.
  [[nodiscard]] virtual Result<void> putFact(std::string_view school, std::string_view name,
                                             std::string_view value) = 0;
  [[nodiscard]] virtual Result<std::optional<std::string>> fact(std::string_view school,
                                                                std::string_view name) = 0;
  // Every application of a school (all targets), for status and reports.
  [[nodiscard]] virtual Result<std::vector<Application>> applications(std::string_view school) = 0;

  // Deletes a cohort's student records once all are ACCEPTED or REJECTED (otherwise
  // STORE_PURGE_UNFINISHED, nothing deleted). Returns how many were deleted.
  [[nodiscard]] virtual Result<std::size_t> purgeCohort(std::string_view school,
                                                        std::string_view graduationYear) = 0;

  // Moves a school's records (intents, applications, batches, students) from target key `from` to
  // `to`, in one transaction, unless something is recorded under `to` already. True when moved.
  // For records made before plugin ABI 2, whose keys had no type (cert_types.hpp
  // legacyTargetKeyOf): the engine adopts them for the target they belong to.
  [[nodiscard]] virtual Result<bool> renameTarget(std::string_view school, std::string_view from,
                                                  std::string_view to) = 0;
};

}  // namespace zzjb
