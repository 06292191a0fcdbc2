// Port: what time it is, and waiting. Every part of zzjb that asks for the time asks a Clock, so
// that tests and rehearsals can fix it (FakeClock, `--today`), and this is the one place that
// turns a moment into Asia/Shanghai civil time (docs/architecture.md, "Time").
//
// Asia/Shanghai is UTC+8 all year: China has not observed daylight saving time since 1991, so the
// offset is a constant and no time-zone database is needed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "zzjb/core/date.hpp"

namespace zzjb {

// Milliseconds since 1970-01-01T00:00:00Z.
using UnixMs = std::int64_t;

// Seconds east of UTC of Asia/Shanghai (see above).
inline constexpr std::int64_t kShanghaiOffsetSeconds = 8 * 3600;

// A moment as a calendar date and a time of day.
struct CivilTime {
  Date date;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millisecond = 0;
};

// a / b rounded towards minus infinity (b > 0): the day or minute a moment before 1970 falls in.
[[nodiscard]] std::int64_t floorDiv(std::int64_t a, std::int64_t b);

// The civil time in Asia/Shanghai of a moment: the one place that adds the offset.
[[nodiscard]] CivilTime shanghaiTime(UnixMs t);
// The civil time in UTC of a moment.
[[nodiscard]] CivilTime utcTime(UnixMs t);
// The moment of a Shanghai civil time (the inverse of shanghaiTime).
[[nodiscard]] UnixMs fromShanghaiTime(const CivilTime& t);
// "2027-03-01T01:00:00.000Z": how the store records moments.
[[nodiscard]] std::string isoUtc(UnixMs t);
// "2027-03-01T09:00:00+08:00": how logs and the platform's signatures write them.
[[nodiscard]] std::string isoShanghai(UnixMs t);
// A moment written as isoUtc writes it ("…Z", milliseconds optional) or with "+08:00"; nullopt if
// it is neither.
[[nodiscard]] std::optional<UnixMs> parseIsoMoment(std::string_view s);

class Clock {
 public:
  virtual ~Clock() = default;
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;

  // Now, on the wall clock.
  [[nodiscard]] virtual UnixMs now() const = 0;
  // Today in Asia/Shanghai (a clock made for `--today` answers that day).
  [[nodiscard]] virtual Date today() const { return shanghaiTime(now()).date; }
  // Waits (a fake clock moves on instead). Polls and retries wait through here.
  virtual void sleepFor(std::chrono::milliseconds d) = 0;

  [[nodiscard]] std::string nowUtc() const { return isoUtc(now()); }
};

// The machine's clock.
class SystemClock final : public Clock {
 public:
  [[nodiscard]] UnixMs now() const override;
  void sleepFor(std::chrono::milliseconds d) override;
};

// Another clock that says `today` is a given day (rehearsals: `--today`); the rest is the other's.
class ClockWithToday final : public Clock {
 public:
  ClockWithToday(Clock& inner, Date today) : inner_(inner), today_(today) {}
  [[nodiscard]] UnixMs now() const override { return inner_.now(); }
  [[nodiscard]] Date today() const override { return today_; }
  void sleepFor(std::chrono::milliseconds d) override { inner_.sleepFor(d); }

 private:
  Clock& inner_;
  Date today_;
};

// A clock for tests: stands still until told, and sleeping moves it on at once. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixMs start) : now_(start) {}
  // At 00:00 UTC of that day (08:00 in Shanghai).
  explicit FakeClock(Date day);
  [[nodiscard]] UnixMs now() const override { return now_.load(); }
  void sleepFor(std::chrono::milliseconds d) override;
  void advance(std::chrono::milliseconds d) { now_ += d.count(); }
  void set(UnixMs t) { now_ = t; }
  // Everything slept so far.
  [[nodiscard]] std::chrono::milliseconds slept() const {
    return std::chrono::milliseconds(slept_.load());
  }

 private:
  std::atomic<UnixMs> now_;
  std::atomic<std::int64_t> slept_{0};
};

}  // namespace zzjb
