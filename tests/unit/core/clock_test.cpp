// The one conversion to Shanghai time and the clocks (core/clock.hpp).
#include "zzjb/core/clock.hpp"

#include <gtest/gtest.h>

namespace zzjb {
namespace {

// 2027-03-01T00:00:00Z, counted by hand: 57 years of days from 1970 (14 leap years) + Jan + Feb.
constexpr UnixMs kMarchFirstUtc = (57LL * 365 + 14 + 31 + 28) * 86'400'000LL;

TEST(Clock, ShanghaiIsEightHoursAheadOfUtcAndCrossesMidnightIntoTheNextDay) {
  const CivilTime utc = utcTime(kMarchFirstUtc - 3'600'000);  // 2027-02-28 23:00 UTC
  EXPECT_EQ(utc.date, (Date{2027, 2, 28}));
  EXPECT_EQ(utc.hour, 23);
  const CivilTime sh = shanghaiTime(kMarchFirstUtc - 3'600'000);
  EXPECT_EQ(sh.date, (Date{2027, 3, 1}));
  EXPECT_EQ(sh.hour, 7);
  EXPECT_EQ(fromShanghaiTime(sh), kMarchFirstUtc - 3'600'000);
}

TEST(Clock, IsoTextsRoundTripThroughParse) {
  const UnixMs t = kMarchFirstUtc + 9 * 3'600'000 + 61'234;
  EXPECT_EQ(isoUtc(t), "2027-03-01T09:01:01.234Z");
  EXPECT_EQ(isoShanghai(t), "2027-03-01T17:01:01+08:00");
  EXPECT_EQ(parseIsoMoment(isoUtc(t)), t);
  EXPECT_EQ(parseIsoMoment(isoShanghai(t)), t - 234);
  EXPECT_EQ(parseIsoMoment("2027-03-01T09:01Z"), t - 1'234);
  EXPECT_FALSE(parseIsoMoment("2027-03-01T09:01:01"));
  EXPECT_FALSE(parseIsoMoment("2027-02-30T09:01:01Z"));
  EXPECT_FALSE(parseIsoMoment("2027-03-01T24:00:00Z"));
}

TEST(Clock, DaysSinceEpochAndBackAgreeAcrossLeapDays) {
  EXPECT_EQ(daysSinceEpoch(Date{1970, 1, 1}), 0);
  EXPECT_EQ(daysSinceEpoch(Date{2000, 3, 1}) - daysSinceEpoch(Date{2000, 2, 28}), 2);
  EXPECT_EQ(daysSinceEpoch(Date{2100, 3, 1}) - daysSinceEpoch(Date{2100, 2, 28}), 1);
  for (long d = -800; d < 80'000; d += 37) {
    EXPECT_EQ(daysSinceEpoch(dateFromDaysSinceEpoch(d)), d);
  }
}

TEST(Clock, FakeClockMovesOnWhenSleptAndTodayOverrideKeepsTheTime) {
  FakeClock fake(Date{2026, 11, 27});
  EXPECT_EQ(fake.today(), (Date{2026, 11, 27}));  // 08:00 in Shanghai
  fake.sleepFor(std::chrono::hours(16));
  EXPECT_EQ(fake.today(), (Date{2026, 11, 28}));  // 00:00 in Shanghai the next day
  EXPECT_EQ(fake.slept(), std::chrono::hours(16));
  ClockWithToday rehearsal(fake, Date{2027, 3, 15});
  EXPECT_EQ(rehearsal.today(), (Date{2027, 3, 15}));
  EXPECT_EQ(rehearsal.now(), fake.now());
  rehearsal.sleepFor(std::chrono::milliseconds(5));
  EXPECT_EQ(fake.slept(), std::chrono::hours(16) + std::chrono::milliseconds(5));
}

TEST(Clock, SystemClockTodayIsTheShanghaiDateOfNow) {
  SystemClock clock;
  const UnixMs before = clock.now();
  const Date today = clock.today();
  const UnixMs after = clock.now();
  EXPECT_TRUE(today == shanghaiTime(before).date || today == shanghaiTime(after).date);
}

}  // namespace
}  // namespace zzjb
