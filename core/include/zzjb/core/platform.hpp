// Port: the self-service platform (自助经办平台) as the engine sees it — typed calls, no HTTP.
// adapters/platform implements it on libcurl (TLS, signed submissions, retries, re-login); core
// unit tests implement it in memory. docs/platform-api.md is the wire.
//
// Every call either returns the platform's answer or a PlatformFailure that says whether trying
// again later can help (Unavailable) or not (Final, Identity, Protocol). Retries, backoff,
// Retry-After and re-login on SESSION_EXPIRED happen inside the adapter: a failure that reaches
// the engine has already been retried as far as the adapter's policy allows.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/domain.hpp"
#include "zzjb/plugin/types.hpp"

namespace zzjb {

enum class PlatformFailureKind {
  Unavailable,  // connection, timeout, TLS handshake, 429/502/503/504 after every retry: try later (75/69)
  Final,        // the platform refused this request (4xx other than the retryable ones)
  Identity,     // login refused: CERT_*, KEYID_MISMATCH, SIGNATURE_INVALID, a PIN problem (77)
  Protocol,     // an answer that does not follow the contract (malformed JSON, missing fields)
};
[[nodiscard]] const char* platformFailureKindName(PlatformFailureKind k);  // "unavailable", …

struct PlatformFieldError {
  std::string field;  // JSON path as the platform names it: "leader.mobile"
  std::string message;
};

struct PlatformFailure {
  PlatformFailureKind kind = PlatformFailureKind::Final;
  int httpStatus = 0;     // 0: no HTTP answer (connection reset, timeout, TLS)
  std::string code;       // the platform's code; ours when there was no answer: CONNECTION, TIMEOUT, TLS, MALFORMED
  std::string message;    // the platform's Chinese message, or what went wrong on the wire
  std::string requestId;  // X-Request-Id, when there was an answer
  std::string endpoint;   // "POST /api/v1/skills/group-declarations"
  std::vector<PlatformFieldError> fields;  // 422
  int attempts = 1;       // how many times it was sent

  // One line for logs: "POST /api/v1/account: 422 VALIDATION_FAILED 手机号码无效 (leader.mobile …) [req …]".
  [[nodiscard]] std::string describe() const;
};

// What went wrong and what to do, for people, in the process's language (catalog:
// explain.platform.*): the one wording of a platform failure that the engine, the application
// layer and the log all use. The platform's own message is data and appears as sent.
struct FailureText {
  std::string text;  // 平台的 TLS 证书未通过验证，本轮中止
  std::string hint;  // 检查配置中的 platform.caBundle …
};
// Whose failure it was: the hints name the command to run with the real configuration file and
// school ("zzjb identity check -c /etc/zzjb/zzjb.json --school xuhui-zz"); either may be empty.
struct FailureContext {
  std::string config;  // the configuration file as named on the command line
  std::string school;  // the school's id
};
[[nodiscard]] FailureText explainPlatformFailure(const PlatformFailure& f,
                                                 const FailureContext& where = {});
// "zzjb identity check -c CONFIG --school ID" with what `where` knows (not-text: a command).
[[nodiscard]] std::string identityCheckCommand(const FailureContext& where);

template <typename T>
using PlatformResult = std::expected<T, PlatformFailure>;

struct PlatformSession {
  std::string keyId;
  std::string subject;
  std::string expiresAt;
};

// PUT /api/v1/account: the 附件2 fields.
struct AccountRequest {
  std::string schoolName;
  std::string creditCode;
  SchoolLevel schoolLevel = SchoolLevel::Secondary;
  std::string legalRepresentative;
  std::string district;
  Person leader;
  Person contact;
  std::string operatorName;
  std::string operatorIdNumber;
  std::string operatorKeyId;
  bool dualCertificateProgram = false;
};

// The states of the platform's objects, as enums: the client parses each once (an unknown one is
// a Protocol failure) and the store keeps them in typed columns; names are the wire's. Each has
// a name function and a parse function that returns nullopt for anything else, as
// DeclarationResult (state_store.hpp).

// The school's account. NOT_REGISTERED is the platform's 404 on GET /api/v1/account (then
// AccountState::registered is false), kept as the engine's fact.
enum class AccountStatus { NotRegistered, PendingCentre, Active };
[[nodiscard]] const char* accountStatusName(AccountStatus s);  // "NOT_REGISTERED", …
[[nodiscard]] std::optional<AccountStatus> parseAccountStatus(std::string_view s);

// A permission: the platform's four states of an application (SUBMITTED, UNDER_REVIEW, APPROVED,
// REJECTED), and the engine's own for a permission found granted without an application of ours
// (GRANTED) and for one the centre grants, not yet granted (NOT_GRANTED).
enum class ApplicationStatus { Submitted, UnderReview, Approved, Rejected, Granted, NotGranted };
[[nodiscard]] const char* applicationStatusName(ApplicationStatus s);  // "SUBMITTED", …
[[nodiscard]] std::optional<ApplicationStatus> parseApplicationStatus(std::string_view s);
// One of the four an answer of the platform may hold.
[[nodiscard]] bool isPlatformApplicationStatus(ApplicationStatus s);
// APPROVED or GRANTED: the target may be declared.
[[nodiscard]] inline bool isGranted(ApplicationStatus s) {
  return s == ApplicationStatus::Approved || s == ApplicationStatus::Granted;
}

// A declaration batch: the platform's RECEIVED, PROCESSING, DONE, and the engine's RECORDING
// (DONE on the platform, its rows being recorded: open until every row is).
enum class BatchStatus { Received, Processing, Done, Recording };
[[nodiscard]] const char* batchStatusName(BatchStatus s);  // "RECEIVED", …
[[nodiscard]] std::optional<BatchStatus> parseBatchStatus(std::string_view s);
[[nodiscard]] bool isPlatformBatchStatus(BatchStatus s);

// A row of a DONE batch.
enum class RowResult { Accepted, Rejected };
[[nodiscard]] const char* rowResultName(RowResult r);  // "ACCEPTED" | "REJECTED"
[[nodiscard]] std::optional<RowResult> parseRowResult(std::string_view s);

struct AccountState {
  bool registered = false;  // false: 404 NOT_REGISTERED
  AccountStatus status = AccountStatus::NotRegistered;  // PendingCentre | Active when registered
  std::string registeredAt;
};

// What a permission (and a declaration batch) is for: matter, node, what the matter's scope names,
// organisation (docs/platform-api.md "Matters"). For 职业资格鉴定 node is empty and org nullopt
// (null on the wire). Scope OCCUPATION: occupationCode, occupationName, level; scope ABILITY:
// abilityCode and abilityName, the occupation's fields empty and level 0 (null on the wire).
struct PermissionScope {
  std::string matter;
  std::string node;
  std::string occupationCode;
  std::string occupationName;
  int level = 0;
  std::string abilityCode;
  std::string abilityName;
  std::optional<EvaluationOrg> org;

  [[nodiscard]] bool ability() const { return !abilityCode.empty(); }
  // The same permission as the platform compares them: matter, node, occupation code, level,
  // ability code, org credit code.
  [[nodiscard]] bool sameAs(const PermissionScope& o) const;
};

struct GrantedPermission {
  PermissionScope scope;
  std::string grantedAt;
};

// POST /api/v1/skills/permission-applications. `attachments` are the type plugin's
// applicationFields, sent as a JSON object of strings.
struct ApplicationRequest {
  PermissionScope scope;
  std::vector<plugin::Field> attachments;
};

struct ApplicationState {
  std::string applicationId;
  ApplicationStatus status = ApplicationStatus::Submitted;  // one of the platform's four
  std::string reason;  // the reviewer's, in Chinese, when REJECTED
  std::string updatedAt;
};

// The manifest part of POST /api/v1/skills/group-declarations.
struct DeclarationManifest {
  PermissionScope scope;
  int rowCount = 0;
  std::string sha256;  // lower-case hex of the file
};

struct BatchRow {
  int row = 0;  // the sheet row, 2 for the first student
  std::string idNumber;
  RowResult result = RowResult::Accepted;
  std::string reason;  // ID_INVALID | LEVEL_NOT_ALLOWED | NOT_GRADUATING | DUPLICATE | FIELD_INVALID
  std::string message;  // the platform's Chinese message
  std::string declarationNo;
};

struct BatchState {
  std::string batchId;
  BatchStatus status = BatchStatus::Received;  // one of the platform's three
  std::vector<BatchRow> rows;  // once DONE
  // What the batch declares, as the platform answers it (`zzjb store rebuild` maps a listed
  // batch to its target): an occupation and level, or an ability; empty / 0 when not answered.
  std::string occupationCode;
  int level = 0;
  std::string abilityCode;
};

struct DeclarationInfo {
  std::string idNumber;
  std::string occupationCode;  // empty for an ability
  int level = 0;
  std::string abilityCode;     // empty for an occupation
  std::string declarationNo;
  std::string batchId;
};

class PlatformClient {
 public:
  virtual ~PlatformClient() = default;
  PlatformClient() = default;
  PlatformClient(const PlatformClient&) = delete;
  PlatformClient& operator=(const PlatformClient&) = delete;

  // Challenge → signature over the nonce → session. Later calls log in again by themselves when
  // the platform answers SESSION_EXPIRED (and repeat the call once).
  [[nodiscard]] virtual PlatformResult<PlatformSession> login() = 0;

  [[nodiscard]] virtual PlatformResult<AccountState> account() = 0;
  [[nodiscard]] virtual PlatformResult<AccountState> putAccount(const AccountRequest& request,
                                                                std::string_view idempotencyKey) = 0;
  [[nodiscard]] virtual PlatformResult<Catalog> catalog() = 0;
  [[nodiscard]] virtual PlatformResult<std::vector<GrantedPermission>> permissions() = 0;

  [[nodiscard]] virtual PlatformResult<ApplicationState> applyForPermission(
      const ApplicationRequest& request, std::string_view idempotencyKey) = 0;
  // Each GET of one application is a poll (the review moves on).
  [[nodiscard]] virtual PlatformResult<ApplicationState> application(std::string_view applicationId) = 0;
  // The application sent with this idempotency key, if the platform has it (not a poll).
  [[nodiscard]] virtual PlatformResult<std::optional<ApplicationState>> findApplication(
      std::string_view idempotencyKey) = 0;

  // multipart: manifest + file (the xlsx bytes).
  [[nodiscard]] virtual PlatformResult<BatchState> submitDeclarations(
      const DeclarationManifest& manifest, std::string_view xlsx,
      std::string_view idempotencyKey) = 0;
  [[nodiscard]] virtual PlatformResult<BatchState> batch(std::string_view batchId) = 0;
  [[nodiscard]] virtual PlatformResult<std::optional<BatchState>> findBatch(
      std::string_view idempotencyKey) = 0;
  [[nodiscard]] virtual PlatformResult<std::vector<DeclarationInfo>> declarations(
      std::string_view occupationCode, int level) = 0;
  // Every batch of this school with what it declares and, once DONE, its rows (GET
  // …/group-declarations without a query; not a poll): what `zzjb store rebuild` reads.
  [[nodiscard]] virtual PlatformResult<std::vector<BatchState>> listBatches() = 0;
};

}  // namespace zzjb
