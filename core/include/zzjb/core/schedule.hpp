// The daemon's schedule: 5-field cron expressions evaluated in Asia/Shanghai, and "when is the
// next pass after T". Pure functions of their inputs (no clock), so tests need no sleeping.
//
// Time zone: Asia/Shanghai, through clock.hpp's shanghaiTime (UTC+8 all year).
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zzjb/core/clock.hpp"
#include "zzjb/core/finding.hpp"

namespace zzjb {

// "minute hour day-of-month month day-of-week", as in crontab(5):
//   minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-7 or
//   SUN-SAT (0 and 7 are Sunday); each field is `*`, a value, a range `a-b`, a step `*/n` or
//   `a-b/n` or `a/n` (from a to the end of the field), or a comma list of these. Names are
//   case-insensitive. Also @yearly (@annually), @monthly, @weekly, @daily (@midnight), @hourly.
// As in Vixie cron, when both day of month and day of week are restricted (neither field starts
// with `*`), a day matches if either matches: "0 9 1 * MON" is the 1st of each month and every Monday.
struct CronSchedule {
  std::string text;              // as written, trimmed
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> daysOfMonth;   // bit 1..31
  std::bitset<13> months;        // bit 1..12
  std::bitset<7> daysOfWeek;     // bit 0 = Sunday .. 6 = Saturday
  bool anyDayOfMonth = true;     // the field was `*` (or `*/1`)
  bool anyDayOfWeek = true;
};

// Parses one expression. On error the Finding (code CRON_SYNTAX, kind Config) says what is wrong,
// quotes the expression and gives the 1-based character position of the culprit:
//   cron "0 9 * * 1-8": position 11: day of week 8 is out of range 0-7
[[nodiscard]] Result<CronSchedule> parseCron(std::string_view expression);

// The first fire time strictly after `afterUnixSeconds` (UTC seconds since the epoch), on a whole
// minute of Shanghai wall time. nullopt when the expression never fires within the next 10 years
// (e.g. "0 0 30 2 *", 30 February).
[[nodiscard]] std::optional<std::int64_t> nextFireTime(const CronSchedule& schedule,
                                                       std::int64_t afterUnixSeconds);

// Shanghai wall time as ISO 8601 with its offset: "2027-03-01T09:00:01+08:00".
[[nodiscard]] std::string shanghaiIsoTime(std::int64_t unixSeconds);

}  // namespace zzjb
