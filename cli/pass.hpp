// The pass as the commands see it: the application layer's runner and its types
// (zzjb/app/pass_runner.hpp), named here for the commands, the log and the metrics.
#pragma once

#include "zzjb/app/exit_code_policy.hpp"
#include "zzjb/app/pass_runner.hpp"

namespace zzjb::cli {

using app::PassEnvironment;
using app::PassObserver;
using app::PassOptions;
using app::PassProgress;
using app::PassResult;
using app::PassRunner;
using app::SchoolReminders;

}  // namespace zzjb::cli

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "zzjb/core/clock.hpp"
#include "zzjb/core/date.hpp"

namespace zzjb::cli {

// The test hook ZZJB_TEST_KILL_AT="intent-committed:batch" or "…#2" (the second time, counted
// over every school of the pass): the process kills itself with SIGKILL there, exactly as a power
// cut or `kill -9` would stop it. For crash tests only; documented in docs/operations.md. Empty
// when the variable is not set. Thread-safe: the pass's workers call it.
[[nodiscard]] std::function<void(std::string_view)> testKillHook();

// The clock of a pass: the machine's, or one that says today is `today` (--today).
class PassClock {
 public:
  explicit PassClock(const std::optional<Date>& today) {
    if (today) withToday_ = std::make_unique<ClockWithToday>(system_, *today);
  }
  [[nodiscard]] Clock& clock() {
    return withToday_ ? static_cast<Clock&>(*withToday_) : static_cast<Clock&>(system_);
  }

 private:
  SystemClock system_;
  std::unique_ptr<ClockWithToday> withToday_;
};

}  // namespace zzjb::cli
