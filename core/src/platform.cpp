// The small non-virtual parts of the platform port: failure names, the one-line description of a
// failure for logs, and how two permission scopes are compared.
#include "zzjb/core/platform.hpp"

namespace zzjb {

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
  std::string s = endpoint.empty() ? std::string("platform") : endpoint;
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
  if (attempts > 1) s += " after " + std::to_string(attempts) + " attempts";
  if (!requestId.empty()) s += " [req " + requestId + "]";
  return s;
}

bool PermissionScope::sameAs(const PermissionScope& o) const {
  const auto orgCode = [](const PermissionScope& p) {
    return p.org ? p.org->creditCode : std::string();
  };
  return matter == o.matter && node == o.node && occupationCode == o.occupationCode &&
         level == o.level && orgCode(*this) == orgCode(o);
}

}  // namespace zzjb
