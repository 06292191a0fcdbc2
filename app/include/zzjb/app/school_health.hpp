// A school's identity apart from its passes (docs/operations.md, "Thirty schools and more"):
// what it is made of (the fingerprint that releases a quarantine), the key probe the daemon runs
// on its own schedule and `zzjb identity check` runs by hand, and how their results are kept.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/app/pass_runner.hpp"
#include "zzjb/core/clock.hpp"
#include "zzjb/core/config.hpp"
#include "zzjb/core/report.hpp"
#include "zzjb/core/school_health.hpp"
#include "zzjb/core/state_store.hpp"

namespace zzjb::app {

// Opens a school's key as a pass does (PIN from its source, the certificate file or the key's).
[[nodiscard]] Result<OpenedKey> openSchoolKey(const Config& config, const School& school);

// SHA-256 (hex) of what the school's identity is made of: the platform it logs in to, the school's
// id, credit code and identity settings, the certificate file's bytes, and which key file or PIN
// file is there (device, inode, size, modification time — never their contents, never the PIN).
// A quarantine holds while this stays the same.
[[nodiscard]] std::string identityFingerprint(const Config& config, const School& school);

// The store's quarantine of the school, if it still holds: a quarantine whose fingerprint no
// longer matches is released here (the fact cleared) and `released` set.
[[nodiscard]] Result<std::optional<QuarantineFact>> heldQuarantine(StateStore& store,
                                                                  const Config& config,
                                                                  const School& school,
                                                                  bool& released);

// Quarantines the school for `code` from now (the fact "quarantine", fingerprinted).
[[nodiscard]] Result<QuarantineFact> quarantine(StateStore& store, const Config& config,
                                                const School& school, std::string_view code,
                                                std::string_view at);

// One key probe: open the key as a pass does, check the certificate (chain to trustedCAs, validity
// at `now`, the school's credit code), sign a random test challenge and verify it with the
// certificate. Opening never uses the last PIN try (the key sources refuse it).
struct KeyProbe {
  std::string school;
  bool ok = false;
  std::string keyId;
  std::string algorithm;
  std::string notAfter;  // YYYY-MM-DD, Asia/Shanghai
  long daysLeft = 0;
  std::string pin;                 // the key source's PIN state, for people
  std::optional<PinFact> pinFact;  // what opening told about the PIN (OK or the refusal)
  std::vector<Finding> findings;   // errors stop the probe; warnings (expiring) do not
  [[nodiscard]] std::string code() const;  // "OK" or the first error's code
};
[[nodiscard]] KeyProbe probeSchoolKey(
    const Config& config, const School& school, std::time_t now, std::string_view at,
    const std::function<Result<OpenedKey>(const Config&, const School&)>& openKey);

// What recording a probe did to the school's quarantine.
enum class ProbeEffect { None, Quarantined, Released };
// Keeps a probe's result: the facts "probe" and "pin"; a failure that quarantinesIdentity
// quarantines the school, a success releases a quarantine.
[[nodiscard]] Result<ProbeEffect> recordProbe(StateStore& store, const Config& config,
                                              const School& school, const KeyProbe& probe,
                                              std::string_view at);

// One round of key probes over the configuration's schools (the daemon's "identityProbe"
// schedule): every enabled school with a key, except quarantined ones (not tried again until
// they change; one whose fingerprint changed is released and probed). Each result is recorded
// (recordProbe) and logged through `observer`. Returns the probes made, in configuration order.
[[nodiscard]] std::vector<KeyProbe> runKeyProbes(
    const Config& config, StateStore& store, const Clock& clock, PassObserver& observer,
    const std::function<Result<OpenedKey>(const Config&, const School&)>& openKey);

}  // namespace zzjb::app
