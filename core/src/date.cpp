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

}  // namespace zzjb
