// The small non-virtual parts of the platform port: the states' names, failure names, the
// one-line description of a failure for logs, and how two permission scopes are compared.
#include "zzjb/core/platform.hpp"

#include <array>
#include <utility>

#include "zzjb/messages/catalog.hpp"

namespace zzjb {

namespace {

// One table per enum: name ↔ value, so that a name and its parse cannot disagree.
template <typename E, std::size_t N>
const char* nameIn(const std::array<std::pair<E, const char*>, N>& table, E e) {
  for (const auto& [v, n] : table) {
    if (v == e) return n;
  }
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> parseIn(const std::array<std::pair<E, const char*>, N>& table,
                         std::string_view s) {
  for (const auto& [v, n] : table) {
    if (s == n) return v;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<AccountStatus, const char*>, 3> kAccount{{
    {AccountStatus::NotRegistered, "NOT_REGISTERED"},
    {AccountStatus::PendingCentre, "PENDING_CENTRE"},
    {AccountStatus::Active, "ACTIVE"},
}};
constexpr std::array<std::pair<ApplicationStatus, const char*>, 6> kApplication{{
    {ApplicationStatus::Submitted, "SUBMITTED"},
    {ApplicationStatus::UnderReview, "UNDER_REVIEW"},
    {ApplicationStatus::Approved, "APPROVED"},
    {ApplicationStatus::Rejected, "REJECTED"},
    {ApplicationStatus::Granted, "GRANTED"},
    {ApplicationStatus::NotGranted, "NOT_GRANTED"},
}};
constexpr std::array<std::pair<BatchStatus, const char*>, 4> kBatch{{
    {BatchStatus::Received, "RECEIVED"},
    {BatchStatus::Processing, "PROCESSING"},
    {BatchStatus::Done, "DONE"},
    {BatchStatus::Recording, "RECORDING"},
}};
constexpr std::array<std::pair<RowResult, const char*>, 2> kRow{{
    {RowResult::Accepted, "ACCEPTED"},
    {RowResult::Rejected, "REJECTED"},
}};

}  // namespace

const char* accountStatusName(AccountStatus s) { return nameIn(kAccount, s); }
std::optional<AccountStatus> parseAccountStatus(std::string_view s) { return parseIn(kAccount, s); }

const char* applicationStatusName(ApplicationStatus s) { return nameIn(kApplication, s); }
std::optional<ApplicationStatus> parseApplicationStatus(std::string_view s) {
  return parseIn(kApplication, s);
}
bool isPlatformApplicationStatus(ApplicationStatus s) {
  return s != ApplicationStatus::Granted && s != ApplicationStatus::NotGranted;
}

const char* batchStatusName(BatchStatus s) { return nameIn(kBatch, s); }
std::optional<BatchStatus> parseBatchStatus(std::string_view s) { return parseIn(kBatch, s); }
bool isPlatformBatchStatus(BatchStatus s) { return s != BatchStatus::Recording; }

const char* rowResultName(RowResult r) { return nameIn(kRow, r); }
std::optional<RowResult> parseRowResult(std::string_view s) { return parseIn(kRow, s); }

std::string identityCheckCommand(const FailureContext& where) {
  std::string cmd = "zzjb identity check";  // not-text: a command
  if (!where.config.empty()) cmd += " -c " + where.config;
  if (!where.school.empty()) cmd += " --school " + where.school;
  return cmd;
}

FailureText explainPlatformFailure(const PlatformFailure& f, const FailureContext& where) {
  const std::string& c = f.code;
  const char* code = nullptr;
  if (c == "CANCELLED") {
    code = "explain.platform.CANCELLED";
  } else if (c == "TLS") {
    code = f.message.find("platform.pinnedPublicKey") != std::string::npos
               ? "explain.platform.TLS.pin"
               : "explain.platform.TLS";
  } else if (c == "TIMESTAMP_SKEW") {
    code = "explain.platform.TIMESTAMP_SKEW";
  } else if (c == "CERT_EXPIRED") {
    code = "explain.platform.CERT_EXPIRED";
  } else if (c.starts_with("CERT_") || c == "KEYID_MISMATCH" || c == "SIGNATURE_INVALID") {
    code = "explain.platform.certificate";
  } else if (f.kind == PlatformFailureKind::Final && c == "PERMISSION_REQUIRED") {
    code = "explain.platform.PERMISSION_REQUIRED";
  } else if (f.kind == PlatformFailureKind::Final && c == "BATCH_TOO_LARGE") {
    code = "explain.platform.BATCH_TOO_LARGE";
  } else if (f.kind == PlatformFailureKind::Final &&
             (f.httpStatus == 422 || c == "VALIDATION_FAILED")) {
    code = "explain.platform.validation";
  } else {
    switch (f.kind) {
      case PlatformFailureKind::Identity: code = "explain.platform.identity"; break;
      case PlatformFailureKind::Protocol: code = "explain.platform.protocol"; break;
      case PlatformFailureKind::Final:
        code = f.message.empty() ? "explain.platform.final.bare" : "explain.platform.final";
        break;
      case PlatformFailureKind::Unavailable: code = "explain.platform.unavailable"; break;
    }
  }
  if (code == nullptr) code = "explain.platform.unavailable";
  const msg::Args args = {{"code", c.empty() ? std::string("-") : c},
                          {"message", f.message},
                          {"requestId", f.requestId.empty() ? std::string("-") : f.requestId},
                          {"command", identityCheckCommand(where)}};
  return {msg::text(code, args), msg::text(std::string(code) + ".hint", args)};
}

const char* platformFailureKindName(PlatformFailureKind k) {
  switch (k) {
    case PlatformFailureKind::Unavailable:
      return "unavailable";
    case PlatformFailureKind::Final:
      return "final";
    case PlatformFailureKind::Identity:
      return "identity";
    case PlatformFailureKind::Protocol:
      return "protocol";
  }
  return "?";
}

std::string PlatformFailure::describe() const {
  std::string s = endpoint.empty() ? msg::text("platform.describe.platform") : endpoint;
  s += ":";
  if (httpStatus != 0) s += " " + std::to_string(httpStatus);
  if (!code.empty()) s += " " + code;
  if (!message.empty()) s += " " + message;
  if (!fields.empty()) {
    s += " (";
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) s += "; ";
      s += fields[i].field;
      if (!fields[i].message.empty()) s += ": " + fields[i].message;
    }
    s += ")";
  }
  if (attempts > 1) s += " " + msg::text("platform.describe.attempts", {{"count", attempts}});
  if (!requestId.empty()) s += " [req " + requestId + "]";
  return s;
}

bool PermissionScope::sameAs(const PermissionScope& o) const {
  const auto orgCode = [](const PermissionScope& p) {
    return p.org ? p.org->creditCode : std::string();
  };
  return matter == o.matter && node == o.node && occupationCode == o.occupationCode &&
         level == o.level && abilityCode == o.abilityCode && orgCode(*this) == orgCode(o);
}

}  // namespace zzjb
