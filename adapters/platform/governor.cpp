// RequestGovernor: a mutex, a condition variable and three numbers (permits in flight, the end
// of the pause, the earliest next start). See docs/platform-client.md, "The request governor".
#include "zzjb/platform/governor.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace zzjb::platform {

namespace {

constexpr std::chrono::milliseconds kLongestWait{100};  // how often a waiter asks `cancelled`

RequestGovernor::Clock::duration spacingFor(double perSecond) {
  if (!(perSecond > 0) || !std::isfinite(perSecond))
    return RequestGovernor::Clock::duration::zero();
  const double ns = std::max(1.0, 1e9 / perSecond);
  return std::chrono::duration_cast<RequestGovernor::Clock::duration>(
      std::chrono::duration<double, std::nano>(ns));
}

}  // namespace

RequestGovernor::Permit& RequestGovernor::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    release();
    governor_ = other.governor_;
    other.governor_ = nullptr;
  }
  return *this;
}

void RequestGovernor::Permit::release() {
  if (governor_ != nullptr) {
    governor_->releaseOne();
    governor_ = nullptr;
  }
}

RequestGovernor::RequestGovernor(Limits limits, Time time)
    : limits_(limits), time_(std::move(time)), spacing_(spacingFor(limits.maxPerSecond)) {}

RequestGovernor::Clock::time_point RequestGovernor::now() const {
  return time_.now ? time_.now() : Clock::now();
}

std::optional<RequestGovernor::Permit> RequestGovernor::acquire(
    const std::function<bool()>& cancelled) {
  const Clock::time_point started = now();
  const auto account = [&] {  // under the lock
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now() - started);
    counters_.waitedMs += static_cast<std::uint64_t>(std::max<long long>(0, waited.count()));
  };
  std::unique_lock lock(mutex_);
  for (;;) {
    // The stop request is asked without the lock: it is the caller's code.
    if (cancelled) {
      lock.unlock();
      const bool stop = cancelled();
      lock.lock();
      if (stop) {
        account();
        return std::nullopt;
      }
    }
    const Clock::time_point t = now();
    const bool slotFree = limits_.maxInFlight <= 0 || inFlight_ < limits_.maxInFlight;
    const Clock::time_point turn = std::max(pausedUntil_, nextStart_);
    if (slotFree && t >= turn) {
      ++inFlight_;
      ++counters_.requestsStarted;
      if (spacing_ > Clock::duration::zero()) nextStart_ = t + spacing_;
      account();
      return Permit(this);
    }
    // Wait for the turn (a pause, the rate) or for a slot (a release wakes the condition
    // variable), never longer than kLongestWait at a time.
    Clock::duration wait = kLongestWait;
    if (t < turn) wait = std::min<Clock::duration>(wait, turn - t);
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait);
    if (ms.count() < 1) ms = std::chrono::milliseconds(1);
    if (time_.wait) {
      lock.unlock();
      time_.wait(ms);
      lock.lock();
    } else {
      changed_.wait_for(lock, ms);
    }
  }
}

void RequestGovernor::releaseOne() {
  {
    std::lock_guard lock(mutex_);
    if (inFlight_ > 0) --inFlight_;
  }
  changed_.notify_all();
}

void RequestGovernor::pauseFor(std::chrono::milliseconds delay) {
  if (delay <= std::chrono::milliseconds::zero()) return;
  {
    std::lock_guard lock(mutex_);
    const Clock::time_point until = now() + delay;
    if (until <= pausedUntil_) return;
    pausedUntil_ = until;
    ++counters_.pauses;
  }
  changed_.notify_all();
}

RequestGovernor::Counters RequestGovernor::counters() const {
  std::lock_guard lock(mutex_);
  Counters c = counters_;
  c.inFlight = inFlight_;
  return c;
}

}  // namespace zzjb::platform
