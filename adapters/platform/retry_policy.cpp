// The retry policy: docs/platform-client.md, "What is retried" and "Backoff", as one function.
#include "retry_policy.hpp"

#include "zzjb/messages/catalog.hpp"

#include <algorithm>
#include <utility>

namespace zzjb::platform {

namespace {

enum class Verdict { Retry, Relogin, Fail };

struct Judged {
  Verdict verdict;
  PlatformFailureKind kind;
};

Judged judge(const FailedAttempt& f) {
  using K = PlatformFailureKind;
  switch (f.outcome) {
    case AttemptOutcome::Connection:
    case AttemptOutcome::HandshakeCut:
    case AttemptOutcome::Timeout:
      return {Verdict::Retry, K::Unavailable};
    case AttemptOutcome::TlsRefused:  // a certificate that does not verify will not a second later
    case AttemptOutcome::OtherTransport:
      return {Verdict::Fail, K::Unavailable};
    case AttemptOutcome::TooLarge:
      return {Verdict::Fail, K::Protocol};
    case AttemptOutcome::Answer:
    case AttemptOutcome::Unreadable:
      break;
  }
  if (RetryPolicy::platformBusy(f.status)) return {Verdict::Retry, K::Unavailable};
  // Every call zzjb makes is safe to repeat (GETs, idempotent creating calls, a new login
  // round): an answer that cannot be read is retried, Protocol when it stays unreadable.
  if (f.outcome == AttemptOutcome::Unreadable)
    return {Verdict::Retry, f.loginRequest && f.status == 401 ? K::Identity : K::Protocol};
  if (f.status == 401 && f.authenticated &&
      (f.code == "SESSION_EXPIRED" || f.code == "UNAUTHORIZED"))
    return {Verdict::Relogin, K::Unavailable};
  // A replayed nonce can only be ours (libcurl resent a request on a connection that died): the
  // next attempt has a fresh nonce, and creating calls are idempotent by key.
  if (f.status == 409 && f.code == "REPLAY") return {Verdict::Retry, K::Unavailable};
  if (f.loginRequest && f.status == 401) return {Verdict::Fail, K::Identity};
  return {Verdict::Fail, K::Final};
}

}  // namespace

RetryPolicy::RetryPolicy(RetryLimits limits, std::uint64_t jitterSeed)
    : limits_(limits), rng_(jitterSeed != 0 ? jitterSeed : std::random_device{}()) {}

bool RetryPolicy::platformBusy(int status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

RetryDecision RetryPolicy::decide(const FailedAttempt& failure, int retryableBefore,
                                  std::chrono::milliseconds elapsed) {
  const Judged j = judge(failure);
  RetryDecision d;
  d.kind = j.kind;
  const std::optional<int> retryAfter = failure.retryAfterSeconds;
  const bool retryAfterAccepted = retryAfter && *retryAfter <= limits_.maxRetryAfterSeconds;
  if ((failure.status == 429 || failure.status == 503) && retryAfterAccepted && *retryAfter > 0)
    d.pauseEveryoneMs =
        static_cast<int>(std::min<long long>(*retryAfter * 1000LL, 2'000'000'000LL));
  if (j.verdict == Verdict::Relogin) {
    d.action = RetryAction::Relogin;
    return d;
  }
  if (j.verdict == Verdict::Fail) return d;

  if (retryAfter && !retryAfterAccepted) {
    d.note = msg::text("platform.retry.after_too_long",
                       {{"seconds", *retryAfter}, {"limit", limits_.maxRetryAfterSeconds}});
    return d;
  }
  const int n = retryableBefore + 1;  // this failure's number among the retryable ones
  if (n >= limits_.maxAttempts) return d;
  // Full jitter: uniform in [0, min(max, base * 2^(n-1))]; at least the Retry-After.
  const long long exp = std::min(n - 1, 30);
  const long long cap =
      std::min<long long>(limits_.maxDelayMs, static_cast<long long>(limits_.baseDelayMs) << exp);
  std::uniform_int_distribution<long long> jitter(0, std::max(0LL, cap));
  long long delay = jitter(rng_);
  if (retryAfter) delay = std::max<long long>(delay, *retryAfter * 1000LL);
  delay = std::min<long long>(delay, 2'000'000'000LL);
  if (limits_.maxElapsed.count() > 0 && elapsed.count() + delay > limits_.maxElapsed.count()) {
    d.note = msg::text("platform.retry.past_limit",
                       {{"delay", delay}, {"limit", static_cast<long long>(limits_.maxElapsed.count())}});
    return d;
  }
  d.action = RetryAction::Retry;
  d.delayMs = static_cast<int>(delay);
  return d;
}

}  // namespace zzjb::platform
