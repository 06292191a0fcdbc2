// Calendar dates and the academic-year rule (the academic year ends on 31 August).
#include "zzjb/core/date.hpp"

#include <cstdio>

namespace zzjb {

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && isLeapYear(year)) return 29;
  return kDays[month - 1];
}

bool Date::valid() const {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= daysInMonth(year, month);
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

namespace {

std::optional<int> digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<Date> make(std::string_view y, std::string_view m, std::string_view d) {
  auto yy = digits(y);
  auto mm = digits(m);
  auto dd = digits(d);
  if (!yy || !mm || !dd) return std::nullopt;
  Date date{*yy, *mm, *dd};
  if (!date.valid()) return std::nullopt;
  return date;
}

}  // namespace

std::optional<Date> Date::parseIso(std::string_view s) {
  if (s.size() != 10 || s[4] != s[7] || (s[4] != '-' && s[4] != '/')) return std::nullopt;
  return make(s.substr(0, 4), s.substr(5, 2), s.substr(8, 2));
}

std::optional<Date> Date::parseCompact(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  return make(s.substr(0, 4), s.substr(4, 2), s.substr(6, 2));
}

int graduationYearOn(const Date& today) { return today.month >= 9 ? today.year + 1 : today.year; }

// H. Hinnant's days_from_civil and civil_from_days.
long daysSinceEpoch(const Date& date) {
  int y = date.year;
  const int m = date.month;
  y -= m <= 2 ? 1 : 0;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + date.day - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date dateFromDaysSinceEpoch(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  return Date{y, m, d};
}

}  // namespace zzjb
