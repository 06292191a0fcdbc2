// The store facts "quarantine" and "probe" (core/school_health.hpp).
#include "zzjb/core/school_health.hpp"

#include <array>
#include <map>

namespace zzjb {
namespace {

// "k=v;k=v" → the pairs; nullopt when an item has no '=' or the text is empty. Later keys win.
std::optional<std::map<std::string, std::string, std::less<>>> fields(std::string_view text) {
  std::map<std::string, std::string, std::less<>> out;
  while (!text.empty()) {
    const std::size_t semi = text.find(';');
    const std::string_view item = text.substr(0, semi);
    text = semi == std::string_view::npos ? std::string_view() : text.substr(semi + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    out[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string valueOf(const std::map<std::string, std::string, std::less<>>& m, std::string_view k) {
  const auto it = m.find(k);
  return it == m.end() ? std::string() : it->second;
}

}  // namespace

std::string quarantineFactText(const QuarantineFact& f) {
  return "code=" + f.code + ";since=" + f.since + ";fp=" + f.fingerprint;
}

std::optional<QuarantineFact> parseQuarantineFact(std::string_view text) {
  auto m = fields(text);
  if (!m) return std::nullopt;
  QuarantineFact f{valueOf(*m, "code"), valueOf(*m, "since"), valueOf(*m, "fp")};
  if (f.code.empty() || f.fingerprint.empty()) return std::nullopt;
  return f;
}

bool quarantinesIdentity(std::string_view code) {
  static constexpr std::array<std::string_view, 11> kCodes = {
      "CERT_EXPIRED",      "CERT_NOT_YET_VALID", "CERT_UNTRUSTED",    "CERT_OTHER_ENTITY",
      "KEY_CERT_MISMATCH", "KEYID_MISMATCH",     "SIGNATURE_INVALID", "PIN_WRONG",
      "PIN_FINAL_TRY",     "PIN_LOCKED",         "PIN_EXPIRED"};
  for (const auto c : kCodes) {
    if (c == code) return true;
  }
  return false;
}

std::string probeFactText(const ProbeFact& f) {
  return std::string("ok=") + (f.ok ? "1" : "0") + ";code=" + f.code + ";at=" + f.at;
}

std::optional<ProbeFact> parseProbeFact(std::string_view text) {
  auto m = fields(text);
  if (!m) return std::nullopt;
  const std::string ok = valueOf(*m, "ok");
  if (ok != "0" && ok != "1") return std::nullopt;
  ProbeFact f{ok == "1", valueOf(*m, "code"), valueOf(*m, "at")};
  if (f.code.empty()) return std::nullopt;
  return f;
}

}  // namespace zzjb
