// Findings: how they print and how they are counted.
#include "zzjb/core/finding.hpp"

#include <algorithm>

namespace zzjb {

std::string Location::str() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  if (!cell.empty()) s += (s.empty() ? "" : " ") + std::string("(") + cell + ")";
  if (!jsonPath.empty()) s += (s.empty() ? "" : ": ") + jsonPath;
  return s;
}

Finding makeFinding(Severity severity, FindingKind kind, std::string code, Location where,
                    msg::Args args, std::string_view textCode) {
  Finding f;
  f.severity = severity;
  f.kind = kind;
  const std::string key(textCode.empty() ? std::string_view(code) : textCode);
  f.message = msg::text(key, args);
  const std::string hintKey = key + ".hint";
  if (msg::has(hintKey)) f.hint = msg::text(hintKey, args);
  f.code = std::move(code);
  f.where = std::move(where);
  f.args = std::move(args);
  return f;
}

Finding configError(std::string code, msg::Args args, std::string_view textCode) {
  return makeFinding(Severity::Error, FindingKind::Config, std::move(code), {}, std::move(args),
                     textCode);
}

const char* severityName(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "?";
}

std::size_t Findings::count(Severity s) const {
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [s](const Finding& f) { return f.severity == s; }));
}

bool Findings::hasErrors(FindingKind k) const {
  return std::any_of(items_.begin(), items_.end(), [k](const Finding& f) {
    return f.severity == Severity::Error && f.kind == k;
  });
}

}  // namespace zzjb
