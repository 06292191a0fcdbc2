// Cron expressions and next fire times in Asia/Shanghai, with a fixed "now": no sleeping.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "zzjb/core/schedule.hpp"
#include "zzjb/messages/catalog.hpp"

namespace {

using namespace std::chrono;

// Unix seconds of a Shanghai wall time.
std::int64_t shanghai(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  const sys_days date{year{y} / month{mo} / day{d}};
  return duration_cast<seconds>(date.time_since_epoch()).count() + h * 3600 + mi * 60 + s -
         8 * 3600;
}

std::string next(const std::string& expr, std::int64_t after) {
  auto c = zzjb::parseCron(expr);
  if (!c) return "error: " + c.error().message;
  auto t = zzjb::nextFireTime(*c, after);
  return t ? zzjb::shanghaiIsoTime(*t) : std::string("never");
}

std::string errorOf(const std::string& expr) {
  auto c = zzjb::parseCron(expr);
  if (c) return "parsed";
  EXPECT_EQ(c.error().code, "CRON_SYNTAX");
  EXPECT_EQ(c.error().kind, zzjb::FindingKind::Config);
  return c.error().message;
}

TEST(Schedule, FormatsShanghaiTime) {
  EXPECT_EQ(zzjb::shanghaiIsoTime(shanghai(2027, 3, 1, 9, 0, 1)), "2027-03-01T09:00:01+08:00");
  EXPECT_EQ(zzjb::shanghaiIsoTime(0), "1970-01-01T08:00:00+08:00");
}

TEST(Schedule, WeekdayMorningsSkipTheWeekend) {
  // 2027-03-05 is a Friday.
  EXPECT_EQ(next("0 9 * * 1-5", shanghai(2027, 3, 5, 17, 50)), "2027-03-08T09:00:00+08:00");
  EXPECT_EQ(next("0 9 * * MON-FRI", shanghai(2027, 3, 5, 8, 59, 59)), "2027-03-05T09:00:00+08:00");
}

TEST(Schedule, NextIsStrictlyAfter) {
  EXPECT_EQ(next("*/15 9-17 * * *", shanghai(2027, 3, 1, 9, 0, 0)), "2027-03-01T09:15:00+08:00");
  EXPECT_EQ(next("*/15 9-17 * * *", shanghai(2027, 3, 1, 9, 14, 59)), "2027-03-01T09:15:00+08:00");
  EXPECT_EQ(next("*/15 9-17 * * *", shanghai(2027, 3, 1, 17, 45)), "2027-03-02T09:00:00+08:00");
}

TEST(Schedule, ListsStepsAndNames) {
  EXPECT_EQ(next("30 8,13,17 * * mon-sat", shanghai(2027, 3, 6, 17, 31)),  // Saturday evening
            "2027-03-08T08:30:00+08:00");
  EXPECT_EQ(next("0 0 1 jan,Jul *", shanghai(2027, 2, 1)), "2027-07-01T00:00:00+08:00");
  EXPECT_EQ(next("5/20 * * * *", shanghai(2027, 3, 1, 10, 26)), "2027-03-01T10:45:00+08:00");
  EXPECT_EQ(next("0 10-20/5 * * *", shanghai(2027, 3, 1, 16)), "2027-03-01T20:00:00+08:00");
}

TEST(Schedule, SevenIsSunday) {
  // 2027-03-07 is a Sunday.
  EXPECT_EQ(next("0 12 * * 7", shanghai(2027, 3, 1)), "2027-03-07T12:00:00+08:00");
  EXPECT_EQ(next("0 12 * * SUN", shanghai(2027, 3, 1)), "2027-03-07T12:00:00+08:00");
}

TEST(Schedule, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // 2027-04-15 is a Thursday: "0 9 15 * MON" fires on Monday 12 April, then Thursday 15 April.
  EXPECT_EQ(next("0 9 15 * MON", shanghai(2027, 4, 10)), "2027-04-12T09:00:00+08:00");
  EXPECT_EQ(next("0 9 15 * MON", shanghai(2027, 4, 13)), "2027-04-15T09:00:00+08:00");
  // With a '*' day of week, only the day of month counts.
  EXPECT_EQ(next("0 9 15 * *", shanghai(2027, 4, 10)), "2027-04-15T09:00:00+08:00");
}

TEST(Schedule, LeapDayAndNever) {
  EXPECT_EQ(next("0 0 29 2 *", shanghai(2027, 1, 1)), "2028-02-29T00:00:00+08:00");
  EXPECT_EQ(next("0 0 30 2 *", shanghai(2027, 1, 1)), "never");
}

TEST(Schedule, MacrosAndSpaces) {
  EXPECT_EQ(next("@daily", shanghai(2027, 3, 1, 9)), "2027-03-02T00:00:00+08:00");
  EXPECT_EQ(next("  0  9 *  * *\t", shanghai(2027, 3, 1, 10)), "2027-03-02T09:00:00+08:00");
  EXPECT_EQ(zzjb::parseCron(" @hourly ")->text, "@hourly");
}

TEST(Schedule, UtcMidnightIsShanghaiMorning) {
  // 2027-03-01T00:00Z is 08:00 in Shanghai: "30 8 * * *" fires 30 minutes later.
  const std::int64_t utcMidnight = shanghai(2027, 3, 1, 8);
  EXPECT_EQ(*zzjb::nextFireTime(*zzjb::parseCron("30 8 * * *"), utcMidnight),
            utcMidnight + 30 * 60);
}

// The process's language for one scope (the errors are worded when the expression is parsed).
struct InLanguage {
  explicit InLanguage(zzjb::msg::Lang lang) { zzjb::msg::setLanguage(lang); }
  ~InLanguage() { zzjb::msg::setLanguage(zzjb::msg::Lang::ZhCN); }
  InLanguage(const InLanguage&) = delete;
  InLanguage& operator=(const InLanguage&) = delete;
};

TEST(Schedule, ErrorsAreInChineseByDefault) {
  EXPECT_EQ(errorOf("61 * * * *"), "cron 表达式“61 * * * *”第 1 个字符处：分钟 61 超出范围 0-59");
  EXPECT_EQ(errorOf("0 9 * * FOO"),
            "cron 表达式“0 9 * * FOO”第 9 个字符处：“FOO”不是有效的星期（0-7 或 SUN-SAT）");
  auto c = zzjb::parseCron("");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().hint, "写五个字段：分 时 日 月 星期，例如“30 8 * * MON-SAT”");
}

TEST(Schedule, ErrorsNameTheExpressionAndThePosition) {
  const InLanguage english(zzjb::msg::Lang::En);
  EXPECT_EQ(errorOf("0 9 * * 1-8"),
            "cron \"0 9 * * 1-8\": position 11: day of week 8 is out of range 0-7");
  EXPECT_EQ(errorOf("61 * * * *"), "cron \"61 * * * *\": position 1: minute 61 is out of range 0-59");
  EXPECT_EQ(errorOf("0 9 * *"),
            "cron \"0 9 * *\": position 8: expected 5 fields (minute hour day-of-month month "
            "day-of-week), found 4");
  EXPECT_EQ(errorOf("0 9 * * * *"),
            "cron \"0 9 * * * *\": position 11: expected 5 fields (minute hour day-of-month month "
            "day-of-week), found 6");
  EXPECT_EQ(errorOf("0 9 * * FOO"),
            "cron \"0 9 * * FOO\": position 9: \"FOO\" is not a valid day of week (0-7 or SUN-SAT)");
  EXPECT_EQ(errorOf("0 9 * JANX *"),
            "cron \"0 9 * JANX *\": position 7: \"JANX\" is not a valid month (1-12 or JAN-DEC)");
  EXPECT_EQ(errorOf("0 9 5-1 * *"), "cron \"0 9 5-1 * *\": position 6: day of month range 5-1 goes backwards");
  EXPECT_EQ(errorOf("*/0 * * * *"), "cron \"*/0 * * * *\": position 3: the step after \"/\" must be 1-60");
  EXPECT_EQ(errorOf("0 9 * * 1,,2"), "cron \"0 9 * * 1,,2\": position 11: empty item in the day of week list");
  EXPECT_EQ(errorOf("0 9x * * *"), "cron \"0 9x * * *\": position 4: unexpected \"x\" in the hour field");
  EXPECT_EQ(errorOf(""), "cron \"\": position 1: the expression is empty");
  EXPECT_EQ(errorOf("@often"),
            "cron \"@often\": position 1: unknown \"@often\" (@yearly, @monthly, @weekly, @daily, @hourly)");
  EXPECT_EQ(errorOf("0 MON * * *"), "cron \"0 MON * * *\": position 3: \"MON\" is not a valid hour (0-23)");
}

}  // namespace
