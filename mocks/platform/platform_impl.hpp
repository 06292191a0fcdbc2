// Private to zzjb_mock_platform: the platform's state (one JSON-serialisable struct, so that
// --state-file restores it exactly) and Platform::Impl, whose handlers are spread over
// platform.cpp (pipeline, login, account), platform_skills.cpp (permissions, declarations) and
// platform_admin.cpp (/__admin/).
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "platform.hpp"
#include "platform_crypto.hpp"
#include "platform_util.hpp"
#include "zzjb/json/bounded.hpp"

namespace zzjb::mock {

using Json = nlohmann::json;

struct AccountRecord {
  std::string creditCode;
  Json fields;         // the 附件2 fields as accepted (creditCode normalised)
  std::string status;  // PENDING_CENTRE | ACTIVE
  Seconds registeredAt = 0;
  Seconds updatedAt = 0;
};

struct SessionRecord {
  std::string keyId;
  std::string certificate;  // PEM, for verifying signed submissions
  std::string algorithm;
  std::string creditCode;  // from the certificate (1.2.156.112570.11.210), may be empty
  std::string subject;
  Seconds expiresAt = 0;
};

struct ChallengeRecord {
  std::string nonce;  // base64
  Seconds expiresAt = 0;
  bool used = false;
};

struct PermissionRecord {
  std::string creditCode;
  std::string matter;
  Json node;  // string or null
  std::string occupationCode;
  std::string occupationName;
  int level = 0;
  Json evaluationOrg;  // {"name", "creditCode"} or null
  Seconds grantedAt = 0;
  // A matter whose catalog scope is ABILITY (专项职业能力考核) names an ability instead of an
  // occupation and a level: then these are strings, occupationCode and occupationName are empty
  // and level is 0 (listed as null). Null for an occupation's permission.
  Json abilityCode;
  Json abilityName;
  [[nodiscard]] bool ability() const { return abilityCode.is_string(); }
};

struct ApplicationRecord {
  std::string applicationId;
  std::string creditCode;
  std::string idempotencyKey;
  std::string status;  // SUBMITTED | UNDER_REVIEW | APPROVED | REJECTED
  Json reason;         // string or null
  Json request;  // matter, node, occupationCode, occupationName, level, evaluationOrg, attachments
  int polls = 0;
  Seconds createdAt = 0;
  Seconds updatedAt = 0;
};

struct RowResult {
  std::size_t row = 0;
  std::string idNumber;
  std::string result;  // ACCEPTED | REJECTED
  Json reason;         // code or null
  Json message;        // Chinese explanation or null
  Json declarationNo;  // string or null
};

struct BatchRecord {
  std::string batchId;
  std::string creditCode;
  std::string idempotencyKey;
  std::string status;  // RECEIVED | PROCESSING | DONE
  // As sent. An ability's batch (a matter of scope ABILITY) has abilityCode and no
  // occupationCode or level: batchAbilityCode() tells them apart.
  Json manifest;
  std::vector<std::size_t> rowNumbers;          // sheet row of each student
  // The template columns of each student (15 for an occupation's sheet, 14 for an ability's);
  // none for a row the upload could not read (a cell not UTF-8 …), rejected as CELL_INVALID.
  std::vector<std::vector<std::string>> cells;
  std::vector<RowResult> rows;                  // once DONE
  // Row 1 of the upload as sent, every column (the template's and any after them): column names
  // only, no personal data; shown in /__admin/state so that a rehearsal sees the type's sheet.
  std::vector<std::string> header;
  int polls = 0;
  Seconds createdAt = 0;
  Seconds updatedAt = 0;
};

struct DeclarationRecord {
  std::string creditCode;
  std::string idNumber;
  std::string name;
  std::string occupationCode;
  int level = 0;
  std::string declarationNo;
  std::string batchId;
  Seconds declaredAt = 0;
  // A declaration of an ability (专项职业能力考核): these are strings, occupationCode is empty
  // and level 0 (listed as null). Null for an occupation's declaration.
  Json abilityCode;
  Json abilityName;
  // 证件类型 of the row (居民身份证 when a state file written before it was kept has none).
  std::string idType = "居民身份证";
  [[nodiscard]] bool ability() const { return abilityCode.is_string(); }
};

struct IdempotencyRecord {
  std::string fingerprint;  // method, path and canonical body
  int status = 0;
  std::string body;
  Seconds at = 0;
};

struct ClockState {
  Seconds offset = 0;   // added to the system time
  bool frozen = false;  // when set, the time is `fixedNow`
  Seconds fixedNow = 0;
};

struct Policies {
  std::string accountMode = "auto-activate";  // | manual
  std::string reviewMode = "auto-approve";    // | auto-reject | manual
  int reviewAfterPolls = 2;
  int batchDoneAfterPolls = 2;
};

struct State {
  std::map<std::string, AccountRecord> accounts;      // by credit code
  std::map<std::string, SessionRecord> sessions;      // by token
  std::map<std::string, ChallengeRecord> challenges;  // by challenge id
  std::vector<ApplicationRecord> applications;
  std::vector<PermissionRecord> permissions;
  std::vector<BatchRecord> batches;
  std::vector<DeclarationRecord> declarations;
  std::map<std::string, IdempotencyRecord> idempotency;  // scope "\n" key
  std::map<std::string, Seconds> seenNonces;             // X-Zzjb-Nonce → when first seen
  ClockState clock;
  Policies policies;
  Json catalog;
  int declarationSeq = 0;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AccountRecord, creditCode, fields, status, registeredAt,
                                   updatedAt)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SessionRecord, keyId, certificate, algorithm, creditCode,
                                   subject, expiresAt)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ChallengeRecord, nonce, expiresAt, used)
// By hand: the ability fields are optional, so that a state saved before they existed loads.
void to_json(Json& j, const PermissionRecord& p);
void from_json(const Json& j, PermissionRecord& p);
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ApplicationRecord, applicationId, creditCode, idempotencyKey,
                                   status, reason, request, polls, createdAt, updatedAt)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RowResult, row, idNumber, result, reason, message, declarationNo)
// By hand: `header` is optional (states saved before it existed).
void to_json(Json& j, const BatchRecord& b);
void from_json(const Json& j, BatchRecord& b);
// By hand, like PermissionRecord: abilityCode/abilityName are optional (older states).
void to_json(Json& j, const DeclarationRecord& d);
void from_json(const Json& j, DeclarationRecord& d);
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(IdempotencyRecord, fingerprint, status, body, at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ClockState, offset, frozen, fixedNow)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Policies, accountMode, reviewMode, reviewAfterPolls,
                                   batchDoneAfterPolls)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(State, accounts, sessions, challenges, applications, permissions,
                                   batches, declarations, idempotency, seenNonces, clock, policies,
                                   catalog, declarationSeq)

// The matters and nodes (职业技能等级认定 and its two nodes, 职业资格鉴定, 专项职业能力考核) are
// not constants: they come from the catalog (Impl::matters(), Impl::defaultMatters()).
inline constexpr std::size_t kMaxBatchRows = 5000;
// The catalog's matters (docs/platform-api.md, "Catalog"): bounded like the rest of the catalog.
inline constexpr std::size_t kMaxMatters = 64;
inline constexpr std::size_t kMaxMatterNodes = 16;
inline constexpr std::size_t kMaxMatterNameBytes = 128;
inline constexpr std::size_t kMaxAbilityCodeBytes = 32;
inline constexpr std::size_t kMaxAbilityNameBytes = 128;

struct FieldError {
  std::string field;
  std::string message;
};

// One request on its way through the pipeline.
struct Call {
  const Request& request;
  const std::string& requestId;
  Target target;
  std::vector<std::string> params;  // the path segments a route's "*" matched
  SessionRecord* session = nullptr;
  std::string school;  // the session's school (credit code), empty when not known yet
};

struct Platform::Impl {
  using Handler = Response (Impl::*)(Call&);
  struct Route {
    std::string method;
    std::string pattern;  // "/api/v1/skills/permission-applications/*"
    Handler handler;
  };

  explicit Impl(PlatformOptions opts);

  PlatformOptions options;
  TrustAnchors anchors;
  Json initialCatalog;
  mutable std::mutex mutex;
  State state;
  std::mt19937_64 rng;
  bool mutated = false;  // set by handlers that change the state
  std::vector<Route> routes;
  // Derived from state.declarations, never saved (indexDeclarations rebuilds them whenever the
  // state is replaced): the DUPLICATE rule's keys (declarationKey) of every accepted declaration,
  // and each school's declarations (indexes into state.declarations) by credit code. Without
  // them the DUPLICATE check scanned every declaration for every row (quadratic: 63,000 rows of
  // a city made 2·10⁹ comparisons) and GET /declarations every school's.
  std::unordered_set<std::string> declaredKeys;
  std::unordered_map<std::string, std::vector<std::size_t>> declarationsBySchool;

  // platform.cpp: the pipeline and the helpers every area uses.
  Response handleLocked(const Request& request, const std::string& requestId);
  [[nodiscard]] Seconds now() const;
  std::string randomBytes(std::size_t n);
  std::string randomId(const std::string& prefix);
  void resetState();
  void indexDeclarations();
  void addDeclaration(DeclarationRecord declaration);
  // The DUPLICATE rule's key: an ID number and an occupation and level, or an ID number and an
  // ability (never equal to an occupation's key).
  [[nodiscard]] static std::string declarationKey(const std::string& idNumber,
                                                  const std::string& occupationCode, int level);
  [[nodiscard]] static std::string abilityDeclarationKey(const std::string& idNumber,
                                                         const std::string& abilityCode);
  [[nodiscard]] static std::string declarationKey(const DeclarationRecord& d);
  std::optional<Json> loadCatalogFile(std::string& error) const;
  static std::optional<std::vector<FieldError>> validateCatalog(const Json& catalog);
  // The matters in force: the catalog's `matters`, or defaultMatters() when it has none.
  [[nodiscard]] const Json& matters() const;
  [[nodiscard]] static const Json& defaultMatters();
  [[nodiscard]] const AccountRecord* accountOf(const Call& call) const;
  [[nodiscard]] std::string idempotencyScope(const Call& call) const;
  std::optional<Response> authenticate(Call& call);
  std::optional<Response> checkSignature(Call& call);
  // The creating-call protocol: the key, then a replay or mismatch of an earlier call.
  std::optional<Response> beginIdempotent(Call& call, const std::string& fingerprint);
  void rememberIdempotent(const Call& call, const std::string& fingerprint, const Response& r);

  Response challenge(Call& call);
  Response login(Call& call);
  Response getAccount(Call& call);
  Response putAccount(Call& call);
  Response getCatalog(Call& call);

  // platform_skills.cpp
  Response listPermissions(Call& call);
  Response postApplication(Call& call);
  Response getApplication(Call& call);
  Response findApplications(Call& call);
  Response postDeclaration(Call& call);
  Response getBatch(Call& call);
  Response findBatches(Call& call);
  Response listDeclarations(Call& call);
  [[nodiscard]] const Json* catalogOrg(const std::string& creditCode) const;
  void approve(ApplicationRecord& app);
  void reject(ApplicationRecord& app, const std::string& reason);
  void grant(PermissionRecord permission);
  void processBatch(BatchRecord& batch);
  [[nodiscard]] Json applicationView(const ApplicationRecord& app) const;
  [[nodiscard]] Json batchView(const BatchRecord& batch) const;

  // platform_admin.cpp
  Response adminHealth(Call& call);
  Response adminReset(Call& call);
  Response adminState(Call& call);
  Response adminReviewPolicy(Call& call);
  Response adminBatchPolicy(Call& call);
  Response adminAccountPolicy(Call& call);
  Response adminApprove(Call& call);
  Response adminReject(Call& call);
  Response adminGrant(Call& call);
  Response adminActivate(Call& call);
  Response adminCatalog(Call& call);
  Response adminGetClock(Call& call);
  Response adminSetClock(Call& call);
};

// Answers (platform.cpp).
Response jsonResponse(int status, const Json& body);
Response errorResponse(const Call& call, int status, const std::string& code,
                       const std::string& message, const std::vector<FieldError>& fields = {});
// The request body as JSON (bounded: zzjb::json::parse, depth 64); an empty body is `{}` when
// `emptyIsObject`. nullopt: malformed, too deep or too large.
std::optional<Json> parseJsonBody(const Call& call, bool emptyIsObject);
// Any JSON text a request carries, bounded the same way (an upload's manifest).
std::expected<Json, zzjb::json::ParseError> parseJsonText(std::string_view text);
// 400 BAD_REQUEST for a JSON body (or JSON part of a multipart body) nested deeper than 64, too
// large or with a number out of range: checked before any handler copies or dumps it.
std::optional<Response> refuseUnboundedBody(const Call& call);
// The system time (clamped to [kMinTime, kMaxTime]); why a ClockState cannot be used, if so.
Seconds systemNow();
std::optional<std::string> clockProblem(const ClockState& clock);
// Canonical form of a JSON body for the idempotency fingerprint (keys sorted, no spaces).
std::string fingerprintOf(const Call& call, const std::string& canonicalBody);
const std::string* header(const Request& request, const std::string& name);
// 400 IDEMPOTENCY_KEY_REQUIRED unless the request has a 1–128 printable ASCII Idempotency-Key.
std::optional<Response> requireIdempotencyKey(const Call& call);

// An upload's manifest as a batch keeps it: the ability's code for an ability's batch (scope
// ABILITY: abilityCode a string, occupationCode absent or null), else null; and the batch's
// occupationCode, level and abilityCode as GET …/group-declarations/{id} and /__admin/state show
// them (the occupation's null for an ability, abilityCode null for an occupation).
Json batchAbilityCode(const Json& manifest);
Json batchScopeView(const Json& manifest);
// The same three fields of an accepted declaration.
Json declarationScopeView(const DeclarationRecord& d);

// What a permission looks like in GET /api/v1/skills/permissions (and, with creditCode, in
// /__admin/state): the occupation's fields, or for an ability's permission those fields null and
// abilityCode, abilityName.
Json permissionView(const PermissionRecord& p);

// The permission fields of an application (Apply), an admin grant (Grant) or a group
// declaration's manifest (Manifest), checked against the catalog's matters (platform_skills.cpp).
// The matter found (nullptr when not in the catalog), whose `scope` says which fields were
// checked.
enum class PermissionUse { Apply, Grant, Manifest };
const Json* checkPermissionFields(const Json& matters, const Json& b, PermissionUse use,
                                  std::vector<FieldError>& errors);
// The permission `b` describes (checked by checkPermissionFields against `matter`).
PermissionRecord permissionOf(const std::string& creditCode, const Json& b, const Json& matter,
                              Seconds grantedAt);

// Field checks shared by the areas: a string field present and non-empty, an integer in range.
std::optional<std::string> stringField(const Json& object, const std::string& name);
std::optional<int> intField(const Json& object, const std::string& name, int lo, int hi);

}  // namespace zzjb::mock
