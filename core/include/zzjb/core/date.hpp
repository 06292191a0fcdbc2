// A calendar date without a time zone (the platform's dates are Asia/Shanghai calendar dates).
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace zzjb {

struct Date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31

  auto operator<=>(const Date&) const = default;

  [[nodiscard]] bool valid() const;
  [[nodiscard]] std::string iso() const;  // YYYY-MM-DD

  // "YYYY-MM-DD" (also accepts "YYYY/MM/DD"); nullopt when not a real calendar date.
  static std::optional<Date> parseIso(std::string_view s);
  // "YYYYMMDD", as inside an ID number.
  static std::optional<Date> parseCompact(std::string_view s);
};

[[nodiscard]] bool isLeapYear(int year);
// Days since 1970-01-01 of a date (proleptic Gregorian), and back.
[[nodiscard]] long daysSinceEpoch(const Date& d);
[[nodiscard]] Date dateFromDaysSinceEpoch(long days);
[[nodiscard]] int daysInMonth(int year, int month);

// The graduation year whose academic year contains `today`: the academic year ends on 31 August,
// so on 2026-11-27 it is 2027 and on 2027-08-31 still 2027.
[[nodiscard]] int graduationYearOn(const Date& today);

}  // namespace zzjb
