// How a pass's outcomes become the process's exit code (sysexits), ranked in one place: `zzjb run`
// and `zzjb daemon --once` exit with it, the daemon's metrics and log lines report it.
#pragma once

#include "zzjb/core/engine.hpp"

namespace zzjb::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;
inline constexpr int kExitData = 65;
inline constexpr int kExitUnavailable = 69;
inline constexpr int kExitSoftware = 70;
inline constexpr int kExitCantCreate = 73;
inline constexpr int kExitTempFail = 75;
inline constexpr int kExitNoPerm = 77;
inline constexpr int kExitConfig = 78;

class ExitCodePolicy {
 public:
  // One school's outcome: 0 done or waiting on the centre's review, 65 data (a rejected
  // permission, a target refused for good, a skipped school), 75 try again later (no answer, a
  // store problem), 69 the platform's answers make no sense, 77 the school's key or certificate,
  // 78 this machine's configuration (TLS trust, the clock).
  [[nodiscard]] static int forSchool(const SchoolOutcome& outcome);
  // The more severe of two exit codes: configuration, identity, platform, data, then success.
  // A code outside that list ranks just above success. Ties keep `a`.
  [[nodiscard]] static int worse(int a, int b);
  // The rank behind `worse` (higher is more severe).
  [[nodiscard]] static int rank(int code);
  // The platform cannot be reached at all (no HTTP answer, not a cancellation): starting more
  // schools now only adds minutes of retries.
  [[nodiscard]] static bool platformUnreachable(const SchoolOutcome& outcome);
  // The school stopped because the pass was asked to stop (SIGINT/SIGTERM).
  [[nodiscard]] static bool cancelled(const SchoolOutcome& outcome);
};

}  // namespace zzjb::app
