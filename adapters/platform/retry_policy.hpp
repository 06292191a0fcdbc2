// The platform client's retry policy (private to zzjb_platform_client): given how one attempt
// failed, how many retryable failures the call had before it and how long the call has taken, it
// says retry after N ms, log in again, or give up with which PlatformFailureKind — and whether
// every client sharing the request governor should pause. No I/O and no clock: the caller gives
// the times, so unit tests drive it with plain numbers. The table it implements is
// docs/platform-client.md, "What is retried" and "Backoff".
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "zzjb/core/platform.hpp"

namespace zzjb::platform {

struct RetryLimits {
  int maxAttempts = 6;  // retryable failures per call (re-logins do not count)
  int baseDelayMs = 500;
  int maxDelayMs = 30000;
  int maxRetryAfterSeconds = 300;  // a Retry-After above this is given up on at once
  // A retry whose wait would end after this much time since the call began is given up on;
  // zero: no bound (the client's default: ClientOptions has no such setting yet).
  std::chrono::milliseconds maxElapsed{0};
};

// How an attempt ended, as the transport and the answer reader saw it.
enum class AttemptOutcome {
  Answer,          // an HTTP answer that is the contract's JSON (status and code say more)
  Unreadable,      // an HTTP answer that is not the expected JSON (MALFORMED), any status
  Connection,      // no answer: refused, reset, empty reply, DNS, send or receive error
  HandshakeCut,    // no answer: the TLS handshake was cut short (code TLS)
  Timeout,         // no complete answer in time (TIMEOUT)
  TlsRefused,      // the server's certificate or pinned key was not accepted (TLS)
  TooLarge,        // an answer above the client's size limit (MALFORMED)
  OtherTransport,  // any other transport failure (CONNECTION)
};

struct FailedAttempt {
  AttemptOutcome outcome = AttemptOutcome::Answer;
  int status = 0;         // 0: no HTTP answer
  std::string_view code;  // the platform's code, "" when the answer had none
  std::optional<int> retryAfterSeconds;
  bool authenticated = true;  // the request carried the session token
  bool loginRequest = false;  // POST /api/v1/auth/login: its 401s are Identity
};

enum class RetryAction { Retry, Relogin, GiveUp };

struct RetryDecision {
  RetryAction action = RetryAction::GiveUp;
  PlatformFailureKind kind = PlatformFailureKind::Unavailable;  // the failure's, if it is the last
  int delayMs = 0;  // Retry: the wait before the next attempt
  // A 429 or 503 with a Retry-After the client would wait for: how long every client sharing
  // the governor should hold its next request (0: no pause). Set whatever the action.
  int pauseEveryoneMs = 0;
  std::string note;  // GiveUp because of a limit: why, from the catalog, added to the failure's message
};

class RetryPolicy {
 public:
  // The jitter comes from a generator seeded with `jitterSeed` (random when 0): the same seed
  // and failures give the same delays.
  RetryPolicy(RetryLimits limits, std::uint64_t jitterSeed);

  // `retryableBefore`: the failures of this call (or login) that were retried so far;
  // `elapsed`: the time since the call began.
  [[nodiscard]] RetryDecision decide(const FailedAttempt& failure, int retryableBefore,
                                     std::chrono::milliseconds elapsed);

  // 429, 502, 503, 504: the platform cannot serve now (retried whatever the body).
  [[nodiscard]] static bool platformBusy(int status);

  [[nodiscard]] const RetryLimits& limits() const { return limits_; }

 private:
  RetryLimits limits_;
  std::mt19937_64 rng_;
};

}  // namespace zzjb::platform
