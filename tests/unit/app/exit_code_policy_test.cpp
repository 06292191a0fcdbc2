// ExitCodePolicy (app/): one school's outcome → its exit code, and the ranking of exit codes.
#include <gtest/gtest.h>

#include "zzjb/app/exit_code_policy.hpp"

namespace zzjb::app {
namespace {

SchoolOutcome failed(PlatformFailureKind kind, std::string code, int http = 0) {
  SchoolOutcome o;
  o.kind = SchoolOutcomeKind::Failed;
  PlatformFailure f;
  f.kind = kind;
  f.code = std::move(code);
  f.httpStatus = http;
  o.failure = f;
  return o;
}

TEST(ExitCodePolicy, ASchoolThatWentThroughOrWaitsIsZero) {
  SchoolOutcome o;
  o.kind = SchoolOutcomeKind::UpToDate;
  EXPECT_EQ(ExitCodePolicy::forSchool(o), kExitOk);
  o.kind = SchoolOutcomeKind::Progressed;
  EXPECT_EQ(ExitCodePolicy::forSchool(o), kExitOk);
}

TEST(ExitCodePolicy, ARejectedPermissionOrASkippedSchoolIsADataError) {
  SchoolOutcome o;
  o.kind = SchoolOutcomeKind::Progressed;
  TargetOutcome t;
  t.phase = TargetPhase::PermissionRejected;
  o.targets.push_back(t);
  EXPECT_EQ(ExitCodePolicy::forSchool(o), kExitData);
  SchoolOutcome skipped;
  skipped.kind = SchoolOutcomeKind::Skipped;
  EXPECT_EQ(ExitCodePolicy::forSchool(skipped), kExitData);
}

TEST(ExitCodePolicy, FailuresMapByKindAndByCode) {
  EXPECT_EQ(ExitCodePolicy::forSchool(failed(PlatformFailureKind::Identity, "CERT_EXPIRED", 401)),
            kExitNoPerm);
  EXPECT_EQ(ExitCodePolicy::forSchool(failed(PlatformFailureKind::Unavailable, "CONNECTION")),
            kExitTempFail);
  EXPECT_EQ(ExitCodePolicy::forSchool(failed(PlatformFailureKind::Protocol, "MALFORMED", 200)),
            kExitUnavailable);
  EXPECT_EQ(ExitCodePolicy::forSchool(failed(PlatformFailureKind::Final, "VALIDATION", 422)),
            kExitData);
  EXPECT_EQ(ExitCodePolicy::forSchool(failed(PlatformFailureKind::Unavailable, "TLS")), kExitConfig);
  EXPECT_EQ(ExitCodePolicy::forSchool(failed(PlatformFailureKind::Final, "TIMESTAMP_SKEW", 400)),
            kExitConfig);
}

// Issue 16: one meaning for "platform unreachable", as README and docs/operations.md say: 75
// (EX_TEMPFAIL, retried by the next pass), never 69, which is an answer outside the contract.
TEST(ExitCodePolicy, AnUnreachablePlatformIsSeventyFiveAndABrokenAnswerSixtyNine) {
  for (const char* code : {"CONNECTION", "TIMEOUT"}) {
    const SchoolOutcome o = failed(PlatformFailureKind::Unavailable, code);
    EXPECT_TRUE(ExitCodePolicy::platformUnreachable(o)) << code;
    EXPECT_EQ(ExitCodePolicy::forSchool(o), 75) << code;
  }
  EXPECT_EQ(ExitCodePolicy::forSchool(failed(PlatformFailureKind::Unavailable, "UNAVAILABLE", 503)),
            75);
  EXPECT_EQ(ExitCodePolicy::forSchool(failed(PlatformFailureKind::Protocol, "MALFORMED", 200)), 69);
}

TEST(ExitCodePolicy, AFailureWithoutAPlatformFailureIsTheStoreOrAFinalRefusal) {
  SchoolOutcome o;
  o.kind = SchoolOutcomeKind::Failed;
  EXPECT_EQ(ExitCodePolicy::forSchool(o), kExitTempFail);
  Finding f;
  f.code = "PLATFORM_REFUSED";
  o.findings.push_back(f);
  EXPECT_EQ(ExitCodePolicy::forSchool(o), kExitData);
}

TEST(ExitCodePolicy, WorseRanksConfigurationIdentityPlatformDataThenSuccess) {
  const int order[] = {kExitConfig, kExitNoPerm, kExitUnavailable, kExitTempFail, kExitData, kExitOk};
  for (std::size_t i = 0; i < std::size(order); ++i) {
    for (std::size_t j = i; j < std::size(order); ++j) {
      EXPECT_EQ(ExitCodePolicy::worse(order[i], order[j]), order[i]) << order[i] << " " << order[j];
      EXPECT_EQ(ExitCodePolicy::worse(order[j], order[i]), order[i]) << order[j] << " " << order[i];
    }
  }
  // Anything else (64 usage) ranks just above success.
  EXPECT_EQ(ExitCodePolicy::worse(kExitOk, kExitUsage), kExitUsage);
  EXPECT_EQ(ExitCodePolicy::worse(kExitUsage, kExitData), kExitData);
}

TEST(ExitCodePolicy, OnlyANoAnswerThatIsNotACancellationMeansThePlatformIsUnreachable) {
  EXPECT_TRUE(ExitCodePolicy::platformUnreachable(failed(PlatformFailureKind::Unavailable, "CONNECTION")));
  EXPECT_FALSE(ExitCodePolicy::platformUnreachable(failed(PlatformFailureKind::Unavailable, "CANCELLED")));
  EXPECT_TRUE(ExitCodePolicy::cancelled(failed(PlatformFailureKind::Unavailable, "CANCELLED")));
  EXPECT_FALSE(ExitCodePolicy::platformUnreachable(failed(PlatformFailureKind::Unavailable, "BUSY", 503)));
  EXPECT_FALSE(ExitCodePolicy::platformUnreachable(failed(PlatformFailureKind::Identity, "CONNECTION")));
  SchoolOutcome ok;
  EXPECT_FALSE(ExitCodePolicy::platformUnreachable(ok));
}

}  // namespace
}  // namespace zzjb::app
