// The exit-code ranking of a pass (docs/operations.md, "Exit codes").
#include "zzjb/app/exit_code_policy.hpp"

namespace zzjb::app {

int ExitCodePolicy::forSchool(const SchoolOutcome& o) {
  if (o.kind == SchoolOutcomeKind::Skipped) return kExitData;
  if (o.kind != SchoolOutcomeKind::Failed) {
    // A rejected permission waits on people, not on time: say so to cron.
    for (const auto& t : o.targets) {
      if (t.phase == TargetPhase::PermissionRejected) return kExitData;
    }
    return kExitOk;
  }
  if (!o.failure) {
    // One target refused for good (a final 4xx), the others went on; or the store failed.
    for (const auto& f : o.findings) {
      if (f.code.starts_with("PLATFORM_")) return kExitData;
    }
    return kExitTempFail;
  }
  const auto& code = o.failure->code;
  if (code == "TLS") return kExitConfig;             // the platform's certificate: caBundle
  if (code == "TIMESTAMP_SKEW") return kExitConfig;  // this machine's clock
  switch (o.failure->kind) {
    case PlatformFailureKind::Identity: return kExitNoPerm;
    // sysexits(3): EX_TEMPFAIL is a connection that could not be made and is retried later (the
    // next pass does); EX_UNAVAILABLE a service that does not work as it should (docs/operations.md,
    // "5. State and logs").
    case PlatformFailureKind::Unavailable: return kExitTempFail;
    case PlatformFailureKind::Protocol: return kExitUnavailable;
    case PlatformFailureKind::Final: return kExitData;
  }
  return kExitTempFail;
}

int ExitCodePolicy::rank(int code) {
  switch (code) {
    case kExitConfig: return 6;
    case kExitNoPerm: return 5;
    case kExitUnavailable: return 4;
    case kExitTempFail: return 3;
    case kExitData: return 2;
    case kExitOk: return 0;
    default: return 1;
  }
}

int ExitCodePolicy::worse(int a, int b) { return rank(a) >= rank(b) ? a : b; }

bool ExitCodePolicy::cancelled(const SchoolOutcome& o) {
  return o.failure && o.failure->code == "CANCELLED";
}

bool ExitCodePolicy::platformUnreachable(const SchoolOutcome& o) {
  return o.kind == SchoolOutcomeKind::Failed && o.failure &&
         o.failure->kind == PlatformFailureKind::Unavailable && o.failure->httpStatus == 0 &&
         !cancelled(o);
}

}  // namespace zzjb::app
