// What the commands add to a pass: the crash-test hook read from the environment.
#include "pass.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>

namespace zzjb::cli {

std::function<void(std::string_view)> testKillHook() {
  const char* spec = std::getenv("ZZJB_TEST_KILL_AT");
  if (spec == nullptr || *spec == '\0') return {};
  std::string point = spec;
  int nth = 1;
  if (auto hash = point.find('#'); hash != std::string::npos) {
    nth = std::max(1, std::atoi(point.c_str() + hash + 1));
    point.resize(hash);
  }
  auto seen = std::make_shared<std::atomic<int>>(0);
  return [point, nth, seen](std::string_view at) {
    if (at != point) return;
    if (seen->fetch_add(1) + 1 < nth) return;
    ::kill(::getpid(), SIGKILL);
  };
}

}  // namespace zzjb::cli
