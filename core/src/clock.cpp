// Time: the one conversion to Asia/Shanghai civil time, and the clocks (docs/architecture.md,
// "Time").
#include "zzjb/core/clock.hpp"

#include <cstdio>
#include <thread>

namespace zzjb {
std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

namespace {

CivilTime civil(UnixMs t) {
  constexpr std::int64_t kDayMs = 86'400'000;
  const std::int64_t day = floorDiv(t, kDayMs);
  const std::int64_t ms = t - day * kDayMs;
  CivilTime c;
  c.date = dateFromDaysSinceEpoch(static_cast<long>(day));
  c.hour = static_cast<int>(ms / 3'600'000);
  c.minute = static_cast<int>(ms / 60'000 % 60);
  c.second = static_cast<int>(ms / 1000 % 60);
  c.millisecond = static_cast<int>(ms % 1000);
  return c;
}

UnixMs moment(const CivilTime& c) {
  return ((static_cast<std::int64_t>(daysSinceEpoch(c.date)) * 24 + c.hour) * 60 + c.minute) *
             60'000 +
         c.second * 1000 + c.millisecond;
}

std::optional<int> digits(std::string_view s) {
  int v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return s.empty() ? std::nullopt : std::optional<int>(v);
}

}  // namespace

CivilTime shanghaiTime(UnixMs t) { return civil(t + kShanghaiOffsetSeconds * 1000); }
CivilTime utcTime(UnixMs t) { return civil(t); }
UnixMs fromShanghaiTime(const CivilTime& t) { return moment(t) - kShanghaiOffsetSeconds * 1000; }

std::string isoUtc(UnixMs t) {
  const CivilTime c = utcTime(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.date.year, c.date.month,
                c.date.day, c.hour, c.minute, c.second, c.millisecond);
  return buf;
}

std::string isoShanghai(UnixMs t) {
  const CivilTime c = shanghaiTime(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", c.date.year, c.date.month,
                c.date.day, c.hour, c.minute, c.second);
  return buf;
}

std::optional<UnixMs> parseIsoMoment(std::string_view s) {
  // YYYY-MM-DDTHH:MM[:SS[.mmm]](Z|+08:00)
  if (s.size() < 17 || s[10] != 'T' || s[13] != ':') return std::nullopt;
  auto date = Date::parseIso(s.substr(0, 10));
  auto h = digits(s.substr(11, 2));
  auto m = digits(s.substr(14, 2));
  if (!date || !h || !m || *h > 23 || *m > 59) return std::nullopt;
  CivilTime c{*date, *h, *m, 0, 0};
  std::string_view rest = s.substr(16);
  if (rest.size() >= 3 && rest[0] == ':') {
    auto sec = digits(rest.substr(1, 2));
    if (!sec || *sec > 60) return std::nullopt;
    c.second = *sec;
    rest.remove_prefix(3);
    if (!rest.empty() && rest[0] == '.') {
      std::size_t n = 1;
      while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
      if (n == 1) return std::nullopt;
      std::string_view frac = rest.substr(1, std::min<std::size_t>(n - 1, 3));
      int ms = *digits(frac);
      for (std::size_t k = frac.size(); k < 3; ++k) ms *= 10;
      c.millisecond = ms;
      rest.remove_prefix(n);
    }
  }
  if (rest == "Z") return moment(c);
  if (rest == "+08:00") return fromShanghaiTime(c);
  return std::nullopt;
}

UnixMs SystemClock::now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemClock::sleepFor(std::chrono::milliseconds d) {
  if (d.count() > 0) std::this_thread::sleep_for(d);
}

FakeClock::FakeClock(Date day) : now_(static_cast<UnixMs>(daysSinceEpoch(day)) * 86'400'000) {}

void FakeClock::sleepFor(std::chrono::milliseconds d) {
  if (d.count() <= 0) return;
  slept_ += d.count();
  now_ += d.count();
}

}  // namespace zzjb
