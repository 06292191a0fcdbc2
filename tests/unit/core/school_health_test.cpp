// The store facts "quarantine" and "probe" (core/school_health.hpp): written and read back, and
// which refusals quarantine a school.
#include <gtest/gtest.h>

#include "zzjb/core/school_health.hpp"

namespace zzjb {
namespace {

TEST(QuarantineFact, RoundTripsAndAnEmptyValueIsReleased) {
  const QuarantineFact q{"CERT_EXPIRED", "2026-12-07T10:00:00.000Z", "ab12cd"};
  const auto back = parseQuarantineFact(quarantineFactText(q));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->code, "CERT_EXPIRED");
  EXPECT_EQ(back->since, "2026-12-07T10:00:00.000Z");
  EXPECT_EQ(back->fingerprint, "ab12cd");
  EXPECT_FALSE(parseQuarantineFact(""));  // released
  EXPECT_FALSE(parseQuarantineFact("code=PIN_WRONG;since=x"));  // no fingerprint: none
  EXPECT_FALSE(parseQuarantineFact("garbage"));
  // A newer zzjb's extra keys are ignored.
  EXPECT_TRUE(parseQuarantineFact("code=PIN_WRONG;since=t;fp=ff;by=probe"));
}

TEST(ProbeFact, RoundTripsAndRefusesWhatIsNotOne) {
  const auto ok = parseProbeFact(probeFactText({true, "OK", "2026-12-07T10:00:00.000Z"}));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->code, "OK");
  const auto failed = parseProbeFact(probeFactText({false, "PIN_WRONG", "t"}));
  ASSERT_TRUE(failed);
  EXPECT_FALSE(failed->ok);
  EXPECT_EQ(failed->code, "PIN_WRONG");
  EXPECT_FALSE(parseProbeFact("ok=2;code=OK;at=t"));
  EXPECT_FALSE(parseProbeFact("ok=1;at=t"));
  EXPECT_FALSE(parseProbeFact(""));
}

TEST(Quarantine, OnlyRefusalsAPersonMustFixQuarantine) {
  for (const char* code : {"CERT_EXPIRED", "CERT_NOT_YET_VALID", "CERT_UNTRUSTED", "PIN_WRONG",
                           "PIN_LOCKED", "PIN_FINAL_TRY", "KEY_CERT_MISMATCH", "SIGNATURE_INVALID"}) {
    EXPECT_TRUE(quarantinesIdentity(code)) << code;
  }
  // Passing troubles: a token unplugged, a PIN not handed in yet, the platform away.
  for (const char* code : {"KEY_TOKEN_NOT_FOUND", "PIN_UNAVAILABLE", "CONNECTION", "TIMEOUT",
                           "SESSION_EXPIRED", "CHALLENGE_INVALID", ""}) {
    EXPECT_FALSE(quarantinesIdentity(code)) << code;
  }
}

}  // namespace
}  // namespace zzjb
