// zzjb::platform::RequestGovernor (docs/platform-client.md, "The request governor"): the rate
// and the pause on a fake clock (its waits advance the clock, nothing sleeps), and the limit of
// requests in flight, the pause and the stop request with real threads — asserting only orders
// and lower bounds the governor guarantees, never how fast a thread ran.
#include "zzjb/platform/governor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using zzjb::platform::RequestGovernor;
using Clock = RequestGovernor::Clock;

// A clock that only moves when the governor waits on it; records every wait.
struct FakeTime {
  Clock::time_point now = Clock::time_point{} + 1000h;
  std::vector<std::chrono::milliseconds> waits;

  RequestGovernor::Time time() {
    return {[this] { return now; },
            [this](std::chrono::milliseconds ms) {
              waits.push_back(ms);
              now += ms;
            }};
  }
};

TEST(RequestGovernorTest, SpacesStartsEvenlyUnderMaxPerSecond) {
  FakeTime t;
  RequestGovernor g({/*maxInFlight=*/4, /*maxPerSecond=*/10}, t.time());
  const Clock::time_point t0 = t.now;
  std::vector<Clock::time_point> starts;
  for (int i = 0; i < 5; ++i) {
    auto permit = g.acquire();
    ASSERT_TRUE(permit.has_value());
    starts.push_back(t.now);
  }
  for (std::size_t i = 0; i < starts.size(); ++i)
    EXPECT_EQ(starts[i] - t0, std::chrono::milliseconds(100 * static_cast<int>(i)));
  const auto c = g.counters();
  EXPECT_EQ(c.requestsStarted, 5u);
  EXPECT_EQ(c.waitedMs, 400u);
  EXPECT_EQ(c.pauses, 0u);
  EXPECT_EQ(c.inFlight, 0);
}

TEST(RequestGovernorTest, UnlimitedRateNeverWaits) {
  FakeTime t;
  RequestGovernor g({/*maxInFlight=*/0, /*maxPerSecond=*/0}, t.time());
  std::vector<RequestGovernor::Permit> held;
  for (int i = 0; i < 100; ++i) {
    auto p = g.acquire();
    ASSERT_TRUE(p.has_value());
    held.push_back(std::move(*p));
  }
  EXPECT_TRUE(t.waits.empty());
  EXPECT_EQ(g.counters().inFlight, 100);
  held.clear();
  EXPECT_EQ(g.counters().inFlight, 0);
}

TEST(RequestGovernorTest, PauseHoldsTheNextRequestUntilItsEndWaitingInShortSlices) {
  FakeTime t;
  RequestGovernor g({/*maxInFlight=*/2, /*maxPerSecond=*/0}, t.time());
  const Clock::time_point t0 = t.now;
  g.pauseFor(2000ms);
  auto p = g.acquire();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(t.now - t0, 2000ms);
  for (auto w : t.waits) EXPECT_LE(w, 100ms);  // the stop request is asked that often
  const auto c = g.counters();
  EXPECT_EQ(c.pauses, 1u);
  EXPECT_EQ(c.waitedMs, 2000u);
  // After the pause, no more waiting.
  t.waits.clear();
  auto q = g.acquire();
  ASSERT_TRUE(q.has_value());
  EXPECT_TRUE(t.waits.empty());
}

TEST(RequestGovernorTest, AShorterPauseDoesNotShortenALongerOne) {
  FakeTime t;
  RequestGovernor g({2, 0}, t.time());
  const Clock::time_point t0 = t.now;
  g.pauseFor(3000ms);
  g.pauseFor(1000ms);  // inside the first: no change, not counted
  g.pauseFor(0ms);
  EXPECT_EQ(g.counters().pauses, 1u);
  ASSERT_TRUE(g.acquire().has_value());
  EXPECT_EQ(t.now - t0, 3000ms);
  g.pauseFor(500ms);  // a new pause after the first ended
  EXPECT_EQ(g.counters().pauses, 2u);
  ASSERT_TRUE(g.acquire().has_value());
  EXPECT_EQ(t.now - t0, 3500ms);
}

TEST(RequestGovernorTest, AStopRequestEndsTheWaitWithinOneSlice) {
  FakeTime t;
  RequestGovernor g({2, 0}, t.time());
  const Clock::time_point t0 = t.now;
  g.pauseFor(std::chrono::minutes(5));
  auto p = g.acquire([&] { return t.now - t0 >= 300ms; });
  EXPECT_FALSE(p.has_value());
  EXPECT_GE(t.now - t0, 300ms);
  EXPECT_LE(t.now - t0, 400ms);
  EXPECT_EQ(g.counters().requestsStarted, 0u);
  EXPECT_EQ(g.counters().inFlight, 0);
}

TEST(RequestGovernorTest, AStopRequestedBeforeAskingGivesNoPermit) {
  RequestGovernor g({2, 0});
  EXPECT_FALSE(g.acquire([] { return true; }).has_value());
  EXPECT_EQ(g.counters().requestsStarted, 0u);
}

TEST(RequestGovernorTest, PermitIsReleasedOnceWhenMovedAndReleasedEarly) {
  RequestGovernor g({1, 0});
  auto a = g.acquire();
  ASSERT_TRUE(a.has_value());
  RequestGovernor::Permit moved = std::move(*a);
  a.reset();  // the moved-from permit gives nothing back
  EXPECT_EQ(g.counters().inFlight, 1);
  moved.release();
  moved.release();
  EXPECT_EQ(g.counters().inFlight, 0);
  auto b = g.acquire();
  ASSERT_TRUE(b.has_value());
  RequestGovernor::Permit c = std::move(*b);
  EXPECT_EQ(g.counters().inFlight, 1);
  RequestGovernor::Permit other = std::move(c);
  c = std::move(other);  // assigning back gives nothing back
  EXPECT_EQ(g.counters().inFlight, 1);
  c.release();
  EXPECT_EQ(g.counters().inFlight, 0);
}

// Threads: many workers, one governor. The number of requests in flight never exceeds the limit.
TEST(RequestGovernorThreadsTest, NeverMoreInFlightThanTheLimit) {
  RequestGovernor g({/*maxInFlight=*/2, /*maxPerSecond=*/0});
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  constexpr int kThreads = 6;
  constexpr int kEach = 200;
  std::vector<std::thread> workers;
  for (int w = 0; w < kThreads; ++w) {
    workers.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto p = g.acquire();
        ASSERT_TRUE(p.has_value());
        const int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --inside;
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
  EXPECT_EQ(g.counters().requestsStarted, static_cast<std::uint64_t>(kThreads * kEach));
  EXPECT_EQ(g.counters().inFlight, 0);
}

// A waiter gets the slot when it is given back, and not before.
TEST(RequestGovernorThreadsTest, AWaiterTakesTheSlotOnlyOnceItIsReleased) {
  RequestGovernor g({1, 0});
  auto held = g.acquire();
  ASSERT_TRUE(held.has_value());
  std::atomic<bool> released{false};
  std::atomic<bool> gotItWhileHeld{false};
  std::thread waiter([&] {
    auto p = g.acquire();
    ASSERT_TRUE(p.has_value());
    if (!released.load()) gotItWhileHeld = true;
  });
  std::this_thread::sleep_for(50ms);  // give the waiter a chance to get it wrongly
  released = true;
  held->release();
  waiter.join();
  EXPECT_FALSE(gotItWhileHeld.load());
  EXPECT_EQ(g.counters().requestsStarted, 2u);
}

// One pause holds every thread: none starts before its end on the governor's own clock.
TEST(RequestGovernorThreadsTest, APauseByOneHoldsEveryThread) {
  RequestGovernor g({4, 0});
  const Clock::time_point pauseEnd = Clock::now() + 300ms;
  g.pauseFor(300ms);
  std::vector<Clock::time_point> starts(3);
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    workers.emplace_back([&, i] {
      auto p = g.acquire();
      ASSERT_TRUE(p.has_value());
      starts[i] = Clock::now();
    });
  }
  for (auto& t : workers) t.join();
  for (const auto& s : starts) EXPECT_GE(s, pauseEnd);
  EXPECT_EQ(g.counters().pauses, 1u);
  EXPECT_GE(g.counters().waitedMs, 1u);
}

// A stop request from another thread ends a long wait (a pause of ten minutes) promptly.
TEST(RequestGovernorThreadsTest, AStopFromAnotherThreadEndsALongWait) {
  RequestGovernor g({1, 0});
  g.pauseFor(std::chrono::minutes(10));
  std::atomic<bool> stop{false};
  std::optional<bool> got;
  std::thread waiter([&] { got = g.acquire([&] { return stop.load(); }).has_value(); });
  std::this_thread::sleep_for(50ms);
  const auto asked = Clock::now();
  stop = true;
  waiter.join();
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(*got);
  EXPECT_LT(Clock::now() - asked, 1min);  // generous: the waiter looks every 100 ms
}

}  // namespace
