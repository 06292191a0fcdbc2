// Port: the current date, injected so that tests and rehearsals can fix "today".
#pragma once

#include "zzjb/core/date.hpp"

namespace zzjb {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual Date today() const = 0;  // in Asia/Shanghai
};

// A clock that always says the same day (tests, `--today`).
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Date d) : today_(d) {}
  [[nodiscard]] Date today() const override { return today_; }

 private:
  Date today_;
};

}  // namespace zzjb
