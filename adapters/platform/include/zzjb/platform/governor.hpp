// The platform-wide request governor: one per process, shared by every school's client
// (ClientOptions::governor), so that all workers together keep to a limit of requests in flight
// and per second, and a 429/503 Retry-After seen by one client holds back every client's next
// request. See docs/platform-client.md, "The request governor".
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

namespace zzjb::platform {

class RequestGovernor {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    int maxInFlight = 8;  // requests sent and not yet answered, across all clients; 0: unlimited
    double maxPerSecond = 0;  // request starts per second, evenly spaced; 0: unlimited
  };

  // The governor's time, injectable for tests. `now` empty: steady_clock. `wait` is called, with
  // the governor's lock released, to wait at most the given time (never more than 100 ms at a
  // time) before the governor looks again; empty: a condition variable that a released permit or
  // a changed pause wakes at once.
  struct Time {
    std::function<Clock::time_point()> now;
    std::function<void(std::chrono::milliseconds)> wait;
  };

  // For logs and metrics.
  struct Counters {
    std::uint64_t requestsStarted = 0;  // permits handed out
    std::uint64_t pauses = 0;           // pauseFor calls that moved the end of the pause later
    std::uint64_t waitedMs = 0;         // time acquire() spent waiting, summed over all callers
    int inFlight = 0;                   // permits held now
  };

  // Held while one request is on the wire; gives its slot back when destroyed.
  class Permit {
   public:
    Permit(Permit&& other) noexcept : governor_(other.governor_) { other.governor_ = nullptr; }
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { release(); }
    void release();  // early; idempotent

   private:
    friend class RequestGovernor;
    explicit Permit(RequestGovernor* g) : governor_(g) {}
    RequestGovernor* governor_;
  };

  explicit RequestGovernor(Limits limits, Time time = {});
  RequestGovernor(const RequestGovernor&) = delete;
  RequestGovernor& operator=(const RequestGovernor&) = delete;

  // Waits until a request may start — a free slot, its turn under maxPerSecond, no pause in
  // force — and takes the slot. Asks `cancelled` (may be empty) at least every 100 ms while
  // waiting: nullopt when it says stop. Thread-safe.
  [[nodiscard]] std::optional<Permit> acquire(const std::function<bool()>& cancelled = {});

  // No request of any client starts before now + delay (a pause already reaching later is
  // kept). A client calls it when the platform answers 429 or 503 with Retry-After.
  void pauseFor(std::chrono::milliseconds delay);

  [[nodiscard]] Counters counters() const;
  [[nodiscard]] Limits limits() const { return limits_; }

 private:
  void releaseOne();
  [[nodiscard]] Clock::time_point now() const;

  const Limits limits_;
  const Time time_;
  const Clock::duration spacing_;  // 1 / maxPerSecond; zero when unlimited
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int inFlight_ = 0;
  Clock::time_point pausedUntil_{};
  Clock::time_point nextStart_{};  // the earliest start under maxPerSecond
  Counters counters_;
};

}  // namespace zzjb::platform
