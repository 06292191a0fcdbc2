// The platform client's retry policy (adapters/platform/retry_policy.hpp, private to the client
// library): the table of docs/platform-client.md, "What is retried" and "Backoff", driven by
// plain failures and time values — no network, no clock, no sleeping.
#include "retry_policy.hpp"
#include "zzjb/messages/catalog.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
using zzjb::PlatformFailureKind;
using zzjb::platform::AttemptOutcome;
using zzjb::platform::FailedAttempt;
using zzjb::platform::RetryAction;
using zzjb::platform::RetryDecision;
using zzjb::platform::RetryLimits;
using zzjb::platform::RetryPolicy;

FailedAttempt answer(int status, std::string_view code = {}, std::optional<int> retryAfter = {}) {
  FailedAttempt f;
  f.outcome = AttemptOutcome::Answer;
  f.status = status;
  f.code = code;
  f.retryAfterSeconds = retryAfter;
  return f;
}

FailedAttempt noAnswer(AttemptOutcome outcome) {
  FailedAttempt f;
  f.outcome = outcome;
  return f;
}

RetryDecision first(const FailedAttempt& f, RetryLimits limits = {}) {
  RetryPolicy p(limits, 7);
  return p.decide(f, 0, 0ms);
}

TEST(RetryPolicyTest, RetriesWhatThePlatformCannotServeNowAsUnavailable) {
  for (int status : {429, 502, 503, 504}) {
    const RetryDecision d = first(answer(status));
    EXPECT_EQ(d.action, RetryAction::Retry) << status;
    EXPECT_EQ(d.kind, PlatformFailureKind::Unavailable) << status;
  }
  // Whatever the body: a 503 that is not JSON is still the platform being busy.
  FailedAttempt html = answer(503);
  html.outcome = AttemptOutcome::Unreadable;
  EXPECT_EQ(first(html).action, RetryAction::Retry);
  EXPECT_EQ(first(html).kind, PlatformFailureKind::Unavailable);
}

TEST(RetryPolicyTest, RetriesTransportTroubleButNotARefusedCertificate) {
  for (auto o :
       {AttemptOutcome::Connection, AttemptOutcome::HandshakeCut, AttemptOutcome::Timeout}) {
    const RetryDecision d = first(noAnswer(o));
    EXPECT_EQ(d.action, RetryAction::Retry);
    EXPECT_EQ(d.kind, PlatformFailureKind::Unavailable);
  }
  const RetryDecision tls = first(noAnswer(AttemptOutcome::TlsRefused));
  EXPECT_EQ(tls.action, RetryAction::GiveUp);
  EXPECT_EQ(tls.kind, PlatformFailureKind::Unavailable);
  const RetryDecision other = first(noAnswer(AttemptOutcome::OtherTransport));
  EXPECT_EQ(other.action, RetryAction::GiveUp);
  EXPECT_EQ(other.kind, PlatformFailureKind::Unavailable);
  const RetryDecision large = first(noAnswer(AttemptOutcome::TooLarge));
  EXPECT_EQ(large.action, RetryAction::GiveUp);
  EXPECT_EQ(large.kind, PlatformFailureKind::Protocol);
}

TEST(RetryPolicyTest, RetriesUnreadableAnswersAsProtocol) {
  for (int status : {200, 400, 401, 500}) {
    FailedAttempt f = answer(status);
    f.outcome = AttemptOutcome::Unreadable;
    const RetryDecision d = first(f);
    EXPECT_EQ(d.action, RetryAction::Retry) << status;
    EXPECT_EQ(d.kind, PlatformFailureKind::Protocol) << status;
  }
}

TEST(RetryPolicyTest, SessionExpiredOnAnAuthenticatedCallLogsInAgain) {
  for (const char* code : {"SESSION_EXPIRED", "UNAUTHORIZED"}) {
    const RetryDecision d = first(answer(401, code));
    EXPECT_EQ(d.action, RetryAction::Relogin) << code;
    EXPECT_EQ(d.kind, PlatformFailureKind::Unavailable);
  }
  FailedAttempt unauthenticated = answer(401, "SESSION_EXPIRED");
  unauthenticated.authenticated = false;
  EXPECT_EQ(first(unauthenticated).action, RetryAction::GiveUp);
}

TEST(RetryPolicyTest, LoginRefusalsAreIdentityAndFinal) {
  FailedAttempt f = answer(401, "CERT_UNTRUSTED");
  f.authenticated = false;
  f.loginRequest = true;
  const RetryDecision d = first(f);
  EXPECT_EQ(d.action, RetryAction::GiveUp);
  EXPECT_EQ(d.kind, PlatformFailureKind::Identity);
  // The same 401 on another unauthenticated request (the challenge) is Final.
  f.loginRequest = false;
  EXPECT_EQ(first(f).kind, PlatformFailureKind::Final);
}

TEST(RetryPolicyTest, ReplayIsRetriedOtherRefusalsAreFinal) {
  EXPECT_EQ(first(answer(409, "REPLAY")).action, RetryAction::Retry);
  for (auto [status, code] :
       std::initializer_list<std::pair<int, const char*>>{{400, "BAD_REQUEST"},
                                                          {403, "FORBIDDEN"},
                                                          {404, "NOT_FOUND"},
                                                          {409, "IDEMPOTENCY_MISMATCH"},
                                                          {413, "TOO_LARGE"},
                                                          {422, "VALIDATION_FAILED"},
                                                          {500, "INTERNAL"}}) {
    const RetryDecision d = first(answer(status, code));
    EXPECT_EQ(d.action, RetryAction::GiveUp) << status << " " << code;
    EXPECT_EQ(d.kind, PlatformFailureKind::Final) << status << " " << code;
    EXPECT_EQ(d.pauseEveryoneMs, 0);
  }
}

TEST(RetryPolicyTest, BackoffIsFullJitterUnderADoublingCapUntilTheAttemptsAreSpent) {
  RetryLimits limits;
  limits.maxAttempts = 6;
  limits.baseDelayMs = 100;
  limits.maxDelayMs = 1000;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    RetryPolicy p(limits, seed);
    const int caps[] = {100, 200, 400, 800, 1000};
    for (int before = 0; before < 5; ++before) {
      const RetryDecision d = p.decide(answer(502), before, 0ms);
      ASSERT_EQ(d.action, RetryAction::Retry);
      EXPECT_GE(d.delayMs, 0);
      EXPECT_LE(d.delayMs, caps[before]) << "retry " << before + 1 << " seed " << seed;
    }
    // The sixth retryable failure: the budget of six attempts is spent.
    const RetryDecision last = p.decide(answer(502), 5, 0ms);
    EXPECT_EQ(last.action, RetryAction::GiveUp);
    EXPECT_EQ(last.kind, PlatformFailureKind::Unavailable);
  }
}

TEST(RetryPolicyTest, TheSameSeedGivesTheSameDelays) {
  RetryPolicy a({}, 42);
  RetryPolicy b({}, 42);
  for (int before = 0; before < 5; ++before)
    EXPECT_EQ(a.decide(answer(504), before, 0ms).delayMs,
              b.decide(answer(504), before, 0ms).delayMs);
}

TEST(RetryPolicyTest, OneAttemptMeansNoRetry) {
  RetryLimits limits;
  limits.maxAttempts = 1;
  EXPECT_EQ(first(answer(503, "MAINTENANCE", 1), limits).action, RetryAction::GiveUp);
}

TEST(RetryPolicyTest, RetryAfterIsAFloorNotCappedByMaxDelay) {
  RetryLimits limits;
  limits.baseDelayMs = 100;
  limits.maxDelayMs = 500;
  const RetryDecision d = first(answer(429, "RATE_LIMITED", 2), limits);
  EXPECT_EQ(d.action, RetryAction::Retry);
  EXPECT_EQ(d.delayMs, 2000);
  // With a larger jitter cap, the wait is at least Retry-After.
  limits.baseDelayMs = 30000;
  limits.maxDelayMs = 30000;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    RetryPolicy p(limits, seed);
    EXPECT_GE(p.decide(answer(503, "MAINTENANCE", 2), 0, 0ms).delayMs, 2000);
  }
}

TEST(RetryPolicyTest, RetryAfterAboveTheLimitIsGivenUpAtOnceWithTheReason) {
  RetryLimits limits;
  limits.maxRetryAfterSeconds = 300;
  const RetryDecision d = first(answer(429, "RATE_LIMITED", 600), limits);
  EXPECT_EQ(d.action, RetryAction::GiveUp);
  EXPECT_EQ(d.kind, PlatformFailureKind::Unavailable);
  EXPECT_EQ(d.note, zzjb::msg::text("platform.retry.after_too_long", {{"seconds", 600}, {"limit", 300}}));
  EXPECT_NE(d.note.find("Retry-After 600 秒超过上限 300 秒"), std::string::npos) << d.note;
  EXPECT_EQ(d.pauseEveryoneMs, 0);  // not a wait the client would keep: others are not held
  EXPECT_EQ(first(answer(429, "RATE_LIMITED", 300), limits).action, RetryAction::Retry);
}

TEST(RetryPolicyTest, A429Or503RetryAfterPausesEveryClientWhateverTheAction) {
  EXPECT_EQ(first(answer(429, "RATE_LIMITED", 2)).pauseEveryoneMs, 2000);
  EXPECT_EQ(first(answer(503, "MAINTENANCE", 5)).pauseEveryoneMs, 5000);
  // Even when this client gives up (its attempts are spent), the others are held.
  RetryLimits one;
  one.maxAttempts = 1;
  const RetryDecision spent = first(answer(429, "RATE_LIMITED", 2), one);
  EXPECT_EQ(spent.action, RetryAction::GiveUp);
  EXPECT_EQ(spent.pauseEveryoneMs, 2000);
  // Not for other statuses, nor without Retry-After, nor for Retry-After: 0.
  EXPECT_EQ(first(answer(502, "BAD_GATEWAY", 2)).pauseEveryoneMs, 0);
  EXPECT_EQ(first(answer(504, "GATEWAY_TIMEOUT", 2)).pauseEveryoneMs, 0);
  EXPECT_EQ(first(answer(429, "RATE_LIMITED")).pauseEveryoneMs, 0);
  EXPECT_EQ(first(answer(429, "RATE_LIMITED", 0)).pauseEveryoneMs, 0);
}

TEST(RetryPolicyTest, ElapsedTimeBoundsTheRetriesWhenALimitIsSet) {
  RetryLimits limits;
  limits.baseDelayMs = 0;
  limits.maxDelayMs = 0;
  limits.maxElapsed = 10s;
  RetryPolicy p(limits, 3);
  // A Retry-After of 2 s at 7 s into the call ends at 9 s: kept; at 9 s it would end at 11 s.
  EXPECT_EQ(p.decide(answer(503, "MAINTENANCE", 2), 0, 7s).action, RetryAction::Retry);
  const RetryDecision late = p.decide(answer(503, "MAINTENANCE", 2), 1, 9s);
  EXPECT_EQ(late.action, RetryAction::GiveUp);
  EXPECT_NE(late.note.find("时限 10000 毫秒"), std::string::npos) << late.note;
  // Without a limit (the client's default) elapsed time does not matter.
  RetryPolicy unbounded({}, 3);
  EXPECT_EQ(unbounded.decide(answer(503, "MAINTENANCE", 2), 0, 24h).action, RetryAction::Retry);
}

}  // namespace
