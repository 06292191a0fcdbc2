// A school's standing apart from its passes (docs/operations.md, "Thirty schools and more"):
// paused by its configuration, quarantined because its identity is known to be broken, and what
// the last key probe found. Quarantine and probe are store facts ("quarantine", "probe"), written
// by the passes, the daemon's probe and `zzjb identity check`, read by status, report and metrics.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zzjb {

// A school not tried again until what its identity is made of changes: the fact "quarantine".
struct QuarantineFact {
  std::string code;         // what refused it: CERT_EXPIRED, CERT_UNTRUSTED, PIN_WRONG …
  std::string since;        // the store's time (UTC) it was quarantined
  std::string fingerprint;  // identityFingerprint when it was quarantined (hex)
};
// "code=CERT_EXPIRED;since=2026-12-07T10:00:00.000Z;fp=ab12…" (codes and times are ours: no ';').
[[nodiscard]] std::string quarantineFactText(const QuarantineFact& fact);
// nullopt for "" (released) and for anything that is not such a value.
[[nodiscard]] std::optional<QuarantineFact> parseQuarantineFact(std::string_view text);

// Failure codes that say the school's identity is broken until a person changes it: the
// certificate expired, not yet valid, not trusted or not the key's; the key or its PIN refused.
// Not: a token not plugged in, a PIN not available, the platform unreachable (those pass).
[[nodiscard]] bool quarantinesIdentity(std::string_view code);

// What the last key probe found: the fact "probe". The key was opened, a test challenge signed
// and verified with the certificate (ok), or the code of what stopped it.
struct ProbeFact {
  bool ok = false;
  std::string code;  // "OK" or the finding's code
  std::string at;    // the store's time (UTC)
};
// "ok=1;code=OK;at=2026-12-07T10:00:00.000Z".
[[nodiscard]] std::string probeFactText(const ProbeFact& fact);
[[nodiscard]] std::optional<ProbeFact> parseProbeFact(std::string_view text);

}  // namespace zzjb
