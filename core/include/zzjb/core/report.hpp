// The status report: per school and per target, what the offline evaluation says (who is
// eligible, who is excluded and why), what the state store knows (account, permission, declared,
// accepted, rejected, the last pass) and what people should do next (reminders). One model, three
// renderings: `zzjb status` (text), `zzjb report --format html` (renderReportHtml, here) and
// `--format json` (the CLI). Pure core: the caller reads config, rosters, certificates and opens
// the store; nothing here does I/O.
//
// Texts: every sentence in the model comes from the message catalog (messages/po/*/report.po), in
// the language of the process when the report is built (docs/messages.md).
//
// Personal data: the model holds masked ID numbers (310***********123X) and masked names (张*明)
// only, never a mobile, a full ID number or a PIN.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/cert_types.hpp"
#include "zzjb/core/config.hpp"
#include "zzjb/core/date.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/finding.hpp"
#include "zzjb/core/school_health.hpp"
#include "zzjb/core/signer.hpp"
#include "zzjb/core/state_store.hpp"

namespace zzjb {

// How a school or a target stands, worst last: the colour of the report's summary.
enum class Health {
  Good,        // OK: everything that can be declared is, and the platform accepted it
  NotStarted,  // NOT_STARTED: no pass has run yet (or nothing recorded for it)
  Waiting,     // WAITING: on someone else — the centre's review, account activation, a batch
  Action,      // ACTION: people must do something (see `actions`)
  Failed,      // FAILED: the last pass failed, or the store could not be read
};
[[nodiscard]] const char* healthName(Health h);  // "OK", "NOT_STARTED", …
[[nodiscard]] std::string healthLabel(Health h);  // the catalog's: 正常 / 尚未运行 / …

// One student named in the report: excluded offline, or rejected by the platform.
struct ReportStudent {
  std::string maskedId;  // 310***********123X
  std::string name;      // masked, 张*明; empty when the student is no longer in any roster
  std::string where;     // roster file:line ("rosters/2027.csv:5"); empty when not in a roster
  std::string code;      // exclusion code (NOT_GRADUATING …) or the platform's (ID_INVALID …)
  std::string reason;    // the catalog's, in the process's language
  std::string hint;      // what to do (the catalog's)
  std::string detail;    // the row's finding (INVALID_DATA), or the platform's raw reason
};

// The permission (权限) for a target, as the store last saw it.
enum class PermissionState {
  Unknown,      // UNKNOWN: no pass has looked yet
  Granted,      // GRANTED: granted (approved application, or found granted)
  UnderReview,  // UNDER_REVIEW: applied for, the centre has not decided (SUBMITTED, UNDER_REVIEW)
  Rejected,     // REJECTED: applied for and rejected: see reason and hint
  NotGranted,  // NOT_GRANTED: opened by the centre (职业资格鉴定) and not yet: ask the centre
};
[[nodiscard]] const char* permissionStateName(PermissionState s);   // "GRANTED", …
[[nodiscard]] std::string permissionStateLabel(PermissionState s);  // the catalog's: 已开通 / …

struct ReportPermission {
  PermissionState state = PermissionState::Unknown;
  std::string status;         // the store's status as written (SUBMITTED, APPROVED, …)
  std::string applicationId;  // empty for GrantedByCentre
  std::string reason;         // Rejected: the explanation (catalog); NotGranted: what to ask for
  std::string hint;           // what to do
  std::string updatedAt;      // the store's time (UTC)
  long waitingDays = -1;      // UnderReview: whole days since updatedAt; -1 otherwise
};

// One major's 专业评估 for a target (the same target key may serve several majors).
struct ReportEvaluation {
  std::string major;
  std::string status;      // APPROVED … (evaluationStatusConfigName)
  std::string statusName;  // 已通过 …
  std::string opinionNo;
  EvaluationStatus state = EvaluationStatus::NotApplied;  // what status and statusName name
};

// One target, by its platform key: the majors that share it are summed.
struct ReportTarget {
  std::string key;    // targetKeyOf
  std::string title;  // "4-04-05-01 计算机程序设计员 · 四级/中级工"
  std::string type;   // social-org
  std::string typeName;  // 事项名称/节点名称 of the type: 职业技能等级认定 · 社会评价组织等级认定
  std::string orgName;  // the evaluation organisation; empty for 职业资格鉴定
  std::vector<std::string> majors;
  std::vector<ReportEvaluation> evaluations;

  // Offline evaluation (this run, from the rosters).
  std::size_t eligible = 0;
  std::vector<ReasonCount> excludedByReason;
  std::vector<ReportStudent> excluded;

  // What the store knows.
  ReportPermission permission;
  std::size_t declared = 0;  // records of any result (PENDING, SENT, ACCEPTED, REJECTED)
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t rejectedToFix = 0;  // of those, the ones people must act on (not DUPLICATE: already declared)
  std::size_t pending = 0;         // PENDING or SENT: waiting for the platform
  std::size_t notYetDeclared = 0;  // eligible now, with no record yet
  std::vector<ReportStudent> rejectedStudents;

  Health health = Health::NotStarted;
  std::string statusText;  // one sentence (catalog): where it stands and what comes next
};

struct ReportPass {
  std::string startedAt;
  std::string finishedAt;
  std::string outcome;      // UP_TO_DATE | PROGRESSED | WAITING | FAILED | SKIPPED
  std::string outcomeName;  // 已是最新 / 有进展 / 等待中 / 失败 / 已跳过
  std::string summary;
  std::size_t creatingRequests = 0;
  SchoolOutcomeKind kind = SchoolOutcomeKind::Failed;  // what outcome names
};

enum class ReminderKind {
  EvaluationWindow,     // EVALUATION_WINDOW: 附件1 is accepted in April/October
  CertificateExpiring,  // CERTIFICATE_EXPIRING: the 法人一证通 expires soon, or has expired
  ApplicationWaiting,   // APPLICATION_WAITING: a permission application waits too long
  PinLow,               // PIN_LOW: the key's PIN is close to locking (or locked)
  SchoolPaused,         // SCHOOL_PAUSED: "enabled": false; nothing is done for it
  SchoolQuarantined,    // SCHOOL_QUARANTINED: its identity was refused; not tried until it changes
  KeyProbeFailed,       // KEY_PROBE_FAILED: the last key probe could not open or sign with the key
};
[[nodiscard]] const char* reminderKindName(ReminderKind k);

struct Reminder {
  ReminderKind kind = ReminderKind::EvaluationWindow;
  std::string school;     // the school's id
  std::string targetKey;  // ApplicationWaiting only
  std::string text;       // the catalog's, in the process's language
  std::string hint;       // what to do
  long days = 0;  // window: days until it opens (0 when open); certificate: days left (<0 expired);
                  // application: days waiting; PIN: days since the PIN state was seen
  std::string due;  // window: its first day; certificate: the expiry date; application: updatedAt;
                    // PIN: when the state was seen (the store's time, UTC)
};

// What zzjb last saw of a school's PIN: the store's fact "pin", written by `zzjb run` / the daemon
// each time a pass opens the school's key (and when opening fails on the PIN). Never the PIN.
struct PinFact {
  PinStatus status;  // as the key source reported it (after a successful opening: after the login)
  // "OK", or the finding that stopped the opening: PIN_WRONG, PIN_FINAL_TRY, PIN_LOCKED.
  std::string code;
  std::string at;  // the store's time (UTC)
  // The retries left as far as known: the count, else 0 when locked, 1 on the final try; nullopt
  // when the key source does not tell (PKCS#11 flags only) or needs no PIN.
  [[nodiscard]] std::optional<int> retriesLeft() const;
  // Close to locking: locked, final try, a wrong PIN entered before (countLow), or at most
  // kPinLowRetries tries left. False for a key that needs no PIN.
  [[nodiscard]] bool low() const;
};
inline constexpr int kPinLowRetries = 2;

// The fact's value: "required=1;retries=2;countLow=1;finalTry=0;locked=0;code=OK;at=…Z"
// ("retries=" empty when unknown).
[[nodiscard]] std::string pinFactText(const PinFact& fact);
// nullopt when `text` is not such a value.
[[nodiscard]] std::optional<PinFact> parsePinFact(std::string_view text);
// What a failed opening of the key tells about the PIN: PIN_LOCKED, PIN_FINAL_TRY, and PIN_WRONG
// with the retries or token flags its message names ("2 tries left", CKF_USER_PIN_COUNT_LOW …).
// nullopt for findings that say nothing about the retry counter (PIN_UNAVAILABLE, KEY_* …).
[[nodiscard]] std::optional<PinFact> pinFactFromFinding(const Finding& f, std::string_view at);

// The PIN for people, as the fact saw it: "剩余 2 次重试机会（2026-11-28 03:09）".
[[nodiscard]] std::string pinStateText(const PinFact& fact);

// Counts of a school's findings (details: `zzjb check`).
struct FindingCounts {
  std::size_t errors = 0;
  std::size_t warnings = 0;
};

struct ReportSchool {
  std::string id;
  std::string name;
  std::string level;      // SECONDARY | HIGHER
  std::string levelName;  // 中职 / 高职 → 四级/中级工 is the one level: see allowedLevel
  int allowedLevel = 0;

  std::size_t students = 0;  // rows read from the rosters
  FindingCounts findings;
  std::vector<std::string> findingLines;  // the error findings, one line each (masked)

  bool storeRead = false;   // false: no pass yet (no store file) or the store failed
  std::optional<AccountStatus> accountStatus;  // as the store has it; nullopt: never observed
  std::string account;      // its name: NOT_REGISTERED | PENDING_CENTRE | ACTIVE | ""
  std::string accountName;  // 已开通 / 待市职鉴中心确认 / 未开户 / 未知
  std::optional<ReportPass> lastPass;
  std::optional<ReportPass> lastSuccessfulPass;
  std::size_t pendingIntents = 0;  // requests sent without a recorded answer (looked up next pass)
  std::size_t openBatches = 0;     // batches the platform is still processing
  std::optional<long> certificateDaysLeft;  // the input's; nullopt: no certificate readable
  std::string certificateNotAfter;
  std::optional<PinFact> pin;  // fact "pin": nullopt until a pass has opened the key
  bool paused = false;          // the configuration's "enabled": false
  std::string pausedReason;     // its "pausedReason"
  std::optional<QuarantineFact> quarantine;  // fact "quarantine" (school_health.hpp)
  std::optional<ProbeFact> probe;            // fact "probe": nullopt until a key probe ran

  std::vector<ReportTarget> targets;
  std::vector<Reminder> reminders;
  std::vector<std::string> actions;   // what people must do (catalog), most urgent first
  std::vector<std::string> problems;  // store read errors for this school (no ID numbers)
  Health health = Health::NotStarted;
};

struct Report {
  std::string configFile;
  Date today;
  int graduationYear = 0;
  std::string generatedAt;   // as the caller gives it (local time for people)
  bool storeExists = false;  // false: no pass has run yet, nothing recorded
  std::string statePath;
  std::vector<ReportSchool> schools;
  std::vector<Reminder> reminders;     // every school's, in school order
  std::vector<std::string> notes;      // report-wide problems (config findings, store open errors)
  Health health = Health::NotStarted;  // the worst school
};

// The reminder thresholds. TODO(config): a "reminders" object in the configuration could set
// these; until then they are constants the caller may override.
inline constexpr long kReminderLeadDays = 30;     // window and certificate: days ahead
inline constexpr long kApplicationWaitDays = 14;  // an application waiting longer is reminded

struct ReportOptions {
  Date today;
  std::string generatedAt;
  long reminderLeadDays = kReminderLeadDays;
  long applicationWaitDays = kApplicationWaitDays;
};

// What the caller read for one school.
struct ReportSchoolInput {
  const School* school = nullptr;            // not owned
  const SchoolResult* evaluation = nullptr;  // evaluateSchool's result; not owned
  std::optional<long> certificateDaysLeft;   // nullopt: no certificate configured or readable
  std::string certificateNotAfter;           // YYYY-MM-DD, Asia/Shanghai
};

struct ReportInputs {
  const Config* config = nullptr;  // not owned
  std::vector<ReportSchoolInput> schools;
  // nullptr: there is no store yet (no pass has run): the store's parts say so.
  StateStore* store = nullptr;
  const TypeRegistry* types = nullptr;  // to name types and explain rejected applications
  std::vector<std::string> notes;       // carried into Report::notes
};

// Builds the report. Never throws for bad data: a store that fails for a school marks that school
// Failed with the problem in `problems`, the others go on.
[[nodiscard]] Report buildReport(const ReportInputs& inputs, const ReportOptions& options);

// Whole days from `from` to `to` (negative when `to` is earlier).
[[nodiscard]] long daysBetween(const Date& from, const Date& to);

// The Asia/Shanghai calendar date of a store time ("2026-11-27T19:09:17.123Z" → 2026-11-28);
// nullopt when it is not such a time.
[[nodiscard]] std::optional<Date> shanghaiDateOf(std::string_view utcTime);
// The same time for people: "2026-11-28 03:09" (Asia/Shanghai); the input itself when unreadable.
[[nodiscard]] std::string shanghaiTimeText(std::string_view utcTime);

// The report as one self-contained, printable HTML page (inline CSS, no scripts, no external
// resources): a summary with a coloured status per school, reminders, then a section per school.
[[nodiscard]] std::string renderReportHtml(const Report& report);

}  // namespace zzjb
